$dec = 42
$neg = -7
$hex = 0xFF
$oct = 0755
$zero = 0
$float = 3.14
$exp = 1e3
$exp2 = 2.5E-2
notice($dec, $neg, $hex, $oct, $zero, $float, $exp, $exp2)
