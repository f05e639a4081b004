node 'web01.example.com', 'web02.example.com' {
  include role::web
}
node /^db\d+$/ {
  include role::db
}
node mail.example.com {
}
node default {
  notice('default node')
}
