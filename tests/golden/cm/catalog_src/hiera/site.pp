include profile::db
$merged = lookup('packages', Array[String], 'unique')
$h = lookup('settings', Hash, 'deep')
$first = lookup('settings')
notify { 'lookups': message => [$merged, $h, $first, lookup('missing', undef, undef, 'dflt'), lookup('node_msg')] }
