class c(Integer[1, 10] $p) {}
class { 'c': p => 20 }
