class a { notify { 'in a': } }
class b { notify { 'in b': } }
class c { contain a  require b  notify { 'in c': } }
class d { include a }
include c
include d
include c
