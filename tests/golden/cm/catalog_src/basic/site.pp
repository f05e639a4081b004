node default {
  include apache
  notify { "os is ${facts['os']['family']}": }
  $x = "a"
  file { '/tmp/x': ensure => file, content => "hi ${x} ${osfamily}", mode => '0644', require => Package[apache2] }
  Package['apache2'] -> Service['apache2']
}
