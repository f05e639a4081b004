class base {
  notice('base')
}
class apache (
  String $docroot = '/var/www',
  Integer[1, 65535] $port = 80,
  Optional[String] $admin = undef,
  Array[String] $modules = [],
  Hash[String, Integer] $limits = {},
  Enum['prefork', 'worker'] $mpm = 'prefork',
  Pattern[/^\w+$/] $name_pattern = 'x',
  Variant[String, Array[String]] $aliases = [],
  Boolean $ssl = false,
  $untyped = 1,
) inherits base {
  include apache::params
}
class apache::params { }
class { 'apache':
  port => 8080,
}
class { ['ntp', 'dns']: }
