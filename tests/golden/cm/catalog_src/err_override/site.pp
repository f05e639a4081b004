notify { 'n': message => 'x' }
Notify['n'] { message => 'y' }
