class c(String $p) {}
include c
