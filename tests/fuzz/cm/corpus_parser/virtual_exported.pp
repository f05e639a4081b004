@user { 'alice': ensure => present, uid => 1001 }
@@host { $facts['fqdn']:
  ip  => $facts['ipaddress'],
  tag => 'cluster',
}
realize User['alice']
