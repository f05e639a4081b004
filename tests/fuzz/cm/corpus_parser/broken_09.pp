$x = @("END")
abc