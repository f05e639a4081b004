function mymod::greet(String $who, Integer $times = 1) >> String {
  "hello ${who}"
}
function mymod::noop() { }
type Mymod::Port = Integer[1, 65535]
type Mymod::Mode = Variant[Enum['a', 'b'], Pattern[/^\d+$/], Undef]
$x = mymod::greet('you')
