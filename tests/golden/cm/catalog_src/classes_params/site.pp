class ntp(
  Array[String] $servers = ['0.pool.ntp.org'],
  Boolean $enable = true,
  String $conf = "/etc/ntp-${servers[0]}.conf",
  Optional[Integer] $panic = undef,
) {
  file { $conf: ensure => file, content => join($servers, ',') }
  service { 'ntp': enable => $enable }
}
class { 'ntp': servers => ['a.ntp', 'b.ntp'] }
notify { "ntp conf ${ntp::conf} ${::ntp::enable}": }
