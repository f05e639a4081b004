$x = 1
$y = $::x
$z = $a::b::c
$f = $facts['os']['family']
$t = $trusted['certname']
$m = $0
[$a, $b] = [1, 2]
notice($x, $y, $z, $f, $t, $m, $a, $b)
