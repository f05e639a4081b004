$a = [3, 1, 2, 1]
$h = { 'x' => 1, 'y' => 2 }
notify { 'f1': message => [size($a), length('abc'), sort($a), unique($a), flatten([1, [2, [3]]]), min(3, 1, 2), max([4, 9, 2]), abs(-5)] }
notify { 'f2': message => [keys($h), values($h), upcase('abc'), downcase('ABC'), capitalize('hello'), strip('  x  '), split('a,b,,c', ','), join(['a', 'b'], '-')] }
notify { 'f3': message => [sprintf('%s-%05d-%.2f-%x', 'a', 42, 3.14159, 255), regsubst('foo bar foo', 'foo', 'baz', 'G'), regsubst('abc', '(b)', '[\1]'), versioncmp('1.10', '1.9'), versioncmp('1.0', '1.0'), empty([]), empty(''), empty('a')] }
notify { 'f4': message => $a.map |$x| { $x * 10 } }
notify { 'f5': message => $h.filter |$k, $v| { $v > 1 } }
notify { 'f6': message => $a.reduce |$m, $x| { $m + $x } }
$a.each |$i, $v| { notify { "each ${i} ${v}": } }
$h.each |$k, $v| { notify { "hash ${k}=${v}": } }
notify { 'f7': message => [defined('$a'), defined('$nope'), defined(Notify['f1']), defined('file'), defined('nosuch'), $h.dig('x')] }
notice("size is ${size($a)}")
warning('careful')
