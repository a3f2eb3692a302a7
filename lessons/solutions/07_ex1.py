# Solution to Exercise 7.1: back through RS, then through RC; every statistic is a row's.
def bn_backward(Z, dY, components=("rc", "rs")):
    Zc = Z - Z.mean(axis=1, keepdims=True) if "rc" in components else Z       # forward: RC
    dZc = dY
    if "rs" in components:
        r = np.sqrt(np.mean(Zc ** 2, axis=1, keepdims=True))                   # (d, 1)
        Y = Zc / r                                                             # forward: RS
        # r depends on every sample of the row: the second term is its gradient
        dZc = (dY - Y * np.mean(dY * Y, axis=1, keepdims=True)) / r
    if "rc" in components:
        # so does the mean: moving one entry moves the mean every sample subtracts
        return dZc - dZc.mean(axis=1, keepdims=True)
    return dZc


bn.exercises.check_bn_backward(bn_backward)
