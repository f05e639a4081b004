define myapp::vhost(String $docroot, Integer $port = 80, $servername = $title) {
  file { "/etc/vhosts/${title}.conf":
    ensure  => file,
    content => "${servername}:${port} ${docroot} ${name}",
  }
  notify { "vhost ${title}": message => $module_name }
}
