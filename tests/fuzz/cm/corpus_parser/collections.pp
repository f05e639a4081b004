$empty_a = []
$empty_h = {}
$arr = [1, 'two', [3, 4], { 'k' => 'v' },]
$hash = { 'a' => 1, b => [2], 'c' => { 'd' => undef }, }
$first = $arr[0]
$slice = $arr[1, 2]
$nested = $hash['c']['d']
$lit = [1, 2][0]
notice($empty_a, $empty_h, $first, $slice, $nested, $lit)
