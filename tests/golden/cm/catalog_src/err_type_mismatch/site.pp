class c(String $p) {}
class { 'c': p => 1 }
