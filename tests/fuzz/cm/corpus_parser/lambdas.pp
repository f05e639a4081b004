$list = [1, 2, 3]
$list.each |$v| { notice($v) }
$list.each |Integer $i, $v| { notice("${i}: ${v}") }
$doubled = $list.map |$v| { $v * 2 }
$sum = $list.reduce(0) |$memo, $v| { $memo + $v }
each($list) |$x| { notice($x) }
$h = { a => 1 }.filter |$k, $v| { $v > 0 }
$u = $list.unique.sort
$w = with(1, 2) |Integer $a, Integer $b = 3, *$rest| { $a + $b }
