node 'other.example.com' { notify { 'other': } }
node /^n\d+\.example\.com$/ { notify { 'regex node': } }
node default { notify { 'default node': } }
$top = 'top'
