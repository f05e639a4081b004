file { ['/tmp/a', '/tmp/b']: ensure => file, mode => '0600' }
file {
  '/tmp/c': ensure => directory;
  '/tmp/d': ensure => link, target => '/tmp/c';
  default: owner => 'root';
}
$attrs = { 'ensure' => 'present', 'uid' => 1001, 'shell' => '/bin/bash' }
user { 'alice': * => $attrs, groups => ['adm', 'sudo'] }
group { 'devs': gid => 2000 }
exec { 'refresh': command => '/bin/true', refreshonly => true, path => ['/bin', '/usr/bin'] }
package { 'curl': ensure => latest, tag => ['tools', 'net::http'] }
service { 'ssh': ensure => running, enable => true, noop => true }
