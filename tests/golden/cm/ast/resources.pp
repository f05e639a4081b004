file { '/etc/motd':
  ensure  => file,
  content => "hello\n",
  mode    => '0644',
}
file { ['/tmp/a', '/tmp/b']:
  ensure => directory;
'/tmp/c':
  ensure => absent,
  *      => $extra_attrs;
}
package { 'nginx': ensure => installed }
exec { 'refresh':
  command     => '/bin/true',
  unless      => '/bin/false',
  refreshonly => true,
}
service { 'nginx': }
