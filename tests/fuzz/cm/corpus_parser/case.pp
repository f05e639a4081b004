case $facts['os']['family'] {
  'Debian', 'Ubuntu': { $pkg = 'apache2' }
  /^(RedHat|CentOS)/: { $pkg = 'httpd' }
  default: { fail("unsupported ${facts['os']['family']}") }
}
case $x {
  1, 2, 3: {}
  [4, 5]: { notice('array') }
  default: {}
}
