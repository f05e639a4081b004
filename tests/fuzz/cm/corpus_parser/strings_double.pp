$a = "tab\tnl\nsp\scr\rq\"dollar\$x"
$b = "unicode \u263A and \u{1F600}"
$c = "unknown \q stays"
$d = "single \' quote and backslash \\"
notice($a, $b, $c, $d)
