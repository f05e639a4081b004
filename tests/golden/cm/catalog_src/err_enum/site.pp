class c(Enum['a', 'b'] $p) {}
class { 'c': p => 'z' }
