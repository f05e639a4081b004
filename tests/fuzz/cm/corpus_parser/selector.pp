$pkg = $facts['os']['family'] ? {
  'Debian'          => 'apache2',
  /^(RedHat|CentOS)$/ => 'httpd',
  default           => 'httpd',
}
$mode = $x ? { true => '0644', undef => '0600', default => '0640' }
notice($pkg, $mode)
