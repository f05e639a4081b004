node 'n1.example.com', 'n2.example.com' { notify { "exact ${top} ${trusted['certname']}": } }
node /^n\d+/ { notify { 'regex node': } }
node default { notify { 'default node': } }
$top = 'top'
