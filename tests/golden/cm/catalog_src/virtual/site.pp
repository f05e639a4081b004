@user { 'bob': ensure => present, uid => 1002, tag => 'admins' }
@user { 'carol': ensure => present, uid => 1003, tag => 'devs' }
@user { 'dave': ensure => present, uid => 1004 }
@group { 'admins': ensure => present }
User <| tag == 'admins' |>
realize(Group['admins'])
User <| title == 'carol' |> { shell => '/bin/zsh' }
package { 'p1': ensure => installed, tag => 'x' }
Package <| tag == 'x' |> { ensure => latest }
