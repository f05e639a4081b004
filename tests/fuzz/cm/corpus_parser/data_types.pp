$types = [String, Integer[0, 10], Float, Boolean, Array[String, 1], Hash[String, Integer],
  Optional[String], Enum['a', 'b'], Pattern[/x/, /y/], Variant[String, Integer],
  Undef, Any, Tuple[String, Integer], Struct[{ a => String, Optional[b] => Integer }],
  Callable, Type[Resource], Resource['file'], Class['apache'], Foo::Bar]
$ok = 1 =~ Integer
notice($types, $ok)
