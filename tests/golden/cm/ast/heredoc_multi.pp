notice(@(ONE), @("TWO"))
first
ONE
second ${1}
TWO
notice('after')
