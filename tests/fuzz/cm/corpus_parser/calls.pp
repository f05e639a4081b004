include apache
include apache, nginx
contain mysql::server
require base
notice 'x'
notice "y"
fail('boom')
realize(User['a'])
tag 'web'
$s = sprintf('%s-%d', 'a', 1)
$n = notice()
$l = lookup('key', String, 'first', 'default')
