$a = 'plain'
$b = 'it\'s'
$c = 'back\\slash'
$d = 'no \n escape $x'
$e = ''
notice($a, $b, $c, $d, $e)
