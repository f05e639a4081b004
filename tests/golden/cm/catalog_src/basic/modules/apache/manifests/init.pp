class apache($docroot = '/var/www') {
  package { 'apache2': ensure => installed }
  file { $docroot: ensure => directory }
  service { 'apache2': ensure => running, enable => true, subscribe => File[$docroot] }
}
