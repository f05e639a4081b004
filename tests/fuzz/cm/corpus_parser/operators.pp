$a = 1 + 2 * 3 - 4 / 2 % 3
$b = (1 + 2) * 3
$c = 1 << 2 >> 1
$d = $a == 3 and $b != 4 or !$c
$e = $a < 1 or $a > 2 or $a <= 3 or $a >= 4
$f = 'x' in ['x', 'y']
$g = 'abc' =~ /b/ and 'abc' !~ /z/
$h = -$a
$i = [*$arr, 1]
notice($a, $b, $c, $d, $e, $f, $g, $h, $i)
