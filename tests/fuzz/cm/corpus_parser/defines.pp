define apache::vhost (
  String $docroot,
  Integer $port = 80,
  Optional[Hash] $options = undef,
) {
  file { "/etc/apache2/sites-enabled/${title}.conf":
    content => "${docroot}:${port}",
  }
}
apache::vhost { 'example.com': docroot => '/srv/www' }
