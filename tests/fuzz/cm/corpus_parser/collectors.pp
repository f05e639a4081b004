User <| title == 'alice' |>
User <| |>
Host <<| tag == 'cluster' |>>
File <| tag == 'web' and (owner == 'root' or mode != '0777') |> {
  ensure => file,
}
Package <| |> -> Service <| title == 'nginx' |>
