$user = 'root'
$conf = @("CONF"/L)
  # generated for ${user}
  user=$user \
  continued
  home=${facts['home']}
  | CONF
$json = @("JSON":json/t)
  {"tab":"\t", "who":"${user}"}
  |-JSON
notice($conf, $json)
