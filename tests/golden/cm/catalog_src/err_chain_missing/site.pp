Notify['zz'] -> notify { 'a': }
