$t = true
$f = false
$u = undef
$r = /^web\d+\.example\.com$/
$n = bareword
$q = foo::bar
$top = ::top
notice($t, $f, $u, $r, $n, $q, $top, default)
