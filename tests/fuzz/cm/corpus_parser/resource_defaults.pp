File {
  owner => 'root',
  group => 'root',
  mode  => '0644',
}
Exec { path => ['/bin', '/usr/bin'] }
Package { }
