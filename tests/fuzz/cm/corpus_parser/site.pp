# A realistic site manifest.
File {
  owner => 'root',
  group => 'root',
}

class profile::base (
  Array[String] $packages = ['vim', 'curl'],
  String $motd = 'managed by ovcp',
) {
  package { $packages: ensure => installed }

  file { '/etc/motd':
    ensure  => file,
    content => @("MOTD"/L)
      ${motd}
      host: ${facts['networking']['fqdn']} \
      (${facts['os']['name']} ${facts['os']['release']['major']})
      | MOTD
  }

  $users = { 'alice' => 1001, 'bob' => 1002 }
  $users.each |String $name, Integer $uid| {
    user { $name:
      ensure     => present,
      uid        => $uid,
      managehome => true,
    }
  }
}

define profile::site (
  String $docroot = "/srv/${title}",
  Integer[1, 65535] $port = 80,
) {
  file { $docroot: ensure => directory }
  -> file { "/etc/nginx/sites-enabled/${title}":
    ensure  => file,
    content => epp('profile/site.epp', { 'docroot' => $docroot, 'port' => $port }),
  }
  ~> Service['nginx']
}

class profile::web {
  include profile::base
  package { 'nginx': ensure => installed }
  -> service { 'nginx':
    ensure => running,
    enable => true,
  }
  profile::site { ['a.example.com', 'b.example.com']: port => 8080 }
  @@nagios_service { "check_http_${facts['networking']['fqdn']}":
    check_command => 'check_http',
    tag           => 'web',
  }
}

node 'web01.example.com', /^web\d+\.example\.com$/ {
  include profile::web
}

node default {
  include profile::base
  unless $facts['virtual'] == 'physical' {
    notice("virtual: ${facts['virtual']}")
  }
}
