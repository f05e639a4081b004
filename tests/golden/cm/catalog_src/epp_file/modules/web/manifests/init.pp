class web($port = 8080) {
  file { '/etc/web.conf': content => epp('web/web.conf.epp', { 'port' => $port, 'names' => ['a', 'b'] }) }
  file { '/etc/motd': content => file('web/motd') }
  file { '/etc/inline': content => inline_epp('x=<%= $x %><% if $x > 1 { %> big<% } %>', { 'x' => 2 }) }
  file { '/etc/src': source => 'puppet:///modules/web/motd' }
}
