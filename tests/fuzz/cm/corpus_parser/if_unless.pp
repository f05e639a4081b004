if $facts['os']['family'] == 'Debian' {
  notice('debian')
} elsif $x =~ /^web/ {
  notice('web')
} elsif $y {
  notice('y')
} else {
  notice('other')
}
unless $z {
  notice('no z')
} else {
  notice('z')
}
$v = if $a { 1 } else { 2 }
