class profile::db(String $engine, Integer $port = 1, Array $users = []) {
  notify { "db ${engine} ${port} ${users}": }
}
