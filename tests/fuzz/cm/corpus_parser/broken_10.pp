notice(@(X/q))
X