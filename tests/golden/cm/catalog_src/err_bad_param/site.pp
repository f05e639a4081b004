notify { 'x': foo => 1 }
