myapp::vhost { 'a.example.com': docroot => '/srv/a' }
myapp::vhost { ['b.example.com', 'c.example.com']: docroot => '/srv/bc', port => 8080 }
