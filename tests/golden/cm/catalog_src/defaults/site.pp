File { owner => 'root', group => 'root', mode => '0644' }
class base {
  file { '/etc/base': ensure => file }
  Package { ensure => installed }
  package { 'vim': }
  include base::inner
}
class base::inner {
  package { 'less': }
  file { '/etc/inner': mode => '0600' }
}
include base
file { '/etc/top': }
