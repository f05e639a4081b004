$x = undef
notify { $x['a']: }
