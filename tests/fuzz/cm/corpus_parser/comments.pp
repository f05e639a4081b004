# a line comment
/* a block
   comment */ notice('after') # trailing
/**/ notice('x')
