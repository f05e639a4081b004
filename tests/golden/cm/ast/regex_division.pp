$a = 10 / 2 / 5
$b = $a / 2
$c = 'x' =~ /a\/b/
$d = ($a) / 2
$e = [1] / 1
case $c { /x/: { notice($a) } default: {} }
notice($b, $d, $e)
