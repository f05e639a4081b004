$s = 'World'
$n = 42
$f = 1.5
$a = [1, 'two', [3]]
$h = { 'a' => 1, 'b' => { 'c' => 'd' } }
notify { 'interp': message => "Hello ${s}! ${n} ${f} ${a[1]} ${h['b']['c']} ${a[-1][0]}" }
notify { 'arith': message => [$n + 1, $n - 2, $n * 2, $n / 5, $n % 5, 7.0 / 2, -7 / 2, -7 % 3, 2 << 3, 64 >> 2] }
notify { 'strings': message => ['abcdef'[1], 'abcdef'[1, 3], 'abcdef'[-2, 2], [1, 2, 3, 4][1, -1], [1, 2, 3][-1]] }
notify { 'cmp': message => ['abc' == 'ABC', 1 == 1.0, 'a' < 'B', [1, 2] == [1, 2], { 'a' => 1 } == { 'a' => 1 }, 3 >= 4] }
notify { 'in': message => ['b' in 'abc', 2 in [1, 2], 'a' in { 'a' => 1 }, /^x/ in ['y', 'xz'], 'B' in ['a', 'b']] }
notify { 'merge': message => [[1, 2] + [3], [1, 2, 3, 2] - [2], [1] << [2], { 'a' => 1 } + { 'b' => 2 }, { 'a' => 1, 'b' => 2 } - ['a']] }
notify { 'truth': message => [!undef, !'', !false, !0, true and undef, false or 'x'] }
$heredoc = @("END")
  line ${s}
    indented
  | END
notify { 'heredoc': message => $heredoc }
