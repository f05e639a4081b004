$a = @(END)
  literal $not_interpolated \n
  END
$b = @(END)
    indented
      more
    | END
$c = @(END)
no trailing newline
|- END
notice($a, $b, $c)
