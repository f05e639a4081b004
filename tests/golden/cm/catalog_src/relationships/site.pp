package { 'nginx': ensure => installed }
file { '/etc/nginx/nginx.conf': ensure => file, require => Package['nginx'] }
service { 'nginx': ensure => running, subscribe => File['/etc/nginx/nginx.conf'] }
notify { 'a': } -> notify { 'b': } ~> notify { 'c': }
Notify['c'] <- Notify['d']
notify { 'd': }
Notify['d'] <~ Package['nginx']
[Notify['a'], Notify['b']] -> Service['nginx']
exec { 'x': command => '/bin/true', before => [Notify['a'], Notify['b']] }
Exec['x'] -> Notify['a']
