class base { file { '/etc/motd': ensure => file, content => 'base', mode => '0644' } }
class base::child inherits base {
  File['/etc/motd'] { content => 'child', owner => 'root' }
}
include base::child
