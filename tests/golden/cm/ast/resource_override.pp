file { '/etc/x': ensure => file }
File['/etc/x'] {
  mode    => '0600',
  require +> Package['p'],
}
Class['apache'] { port => 8080 }
