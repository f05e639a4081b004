$os = $facts['os']['family']
if $os == 'debian' { $pkg = 'apache2' } elsif $os == 'RedHat' { $pkg = 'httpd' } else { $pkg = 'unknown' }
unless $os == 'Windows' { notify { 'not windows': } }
$sel = $os ? { /^(Deb)(ian)$/ => "matched ${1}-${2}", default => 'none' }
case $facts['os']['release']['major'] {
  '10', '11': { $rel = 'old' }
  /^1(\d)$/: { $rel = "new ${1} ${0}" }
  default: { $rel = 'unknown' }
}
if 'web01.example.com' =~ /^(\w+)(\d+)\./ { $m = "host ${1} num ${2}" }
$t = 5 ? { Integer => 'int', default => 'other' }
notify { 'result': message => [$pkg, $sel, $rel, $m, $t] }
