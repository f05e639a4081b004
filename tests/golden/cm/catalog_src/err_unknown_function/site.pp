nosuchfn(1)
