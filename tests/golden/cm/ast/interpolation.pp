$name = 'web'
$facts_copy = $facts
notice("short $name, braces ${name}, access ${facts['os']['family']}")
notice("qualified $::domain and ${::fqdn} and $a::b::c")
notice("expr ${1 + 2} method ${name.upcase} call ${join(['a', 'b'], ',')}")
notice("chained ${facts['networking']['ip'].split('\.')[0]} end")
notice("$name[1] is not access, ${name[1]} is")
notice("${trusted['certname']}")
