package { 'openssh-server': ensure => installed }
-> file { '/etc/ssh/sshd_config': ensure => file }
~> service { 'sshd': ensure => running }
Package['a'] -> Package['b']
Service['x'] <- File['y']
Service['x'] <~ File['z']
[Package['c'], Package['d']] -> Exec['e']
Yumrepo <| |> -> Package <| |>
