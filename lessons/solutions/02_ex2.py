# Solution to Exercise 2.2: the largest entry of |RC(f(X)) - f(RC(X))|.
def commutation_gap(f, X):
    difference = bn.layers.recenter(f(X)) - f(bn.layers.recenter(X))   # (d, n)
    return np.max(np.abs(difference))


bn.exercises.check_commutation_gap(commutation_gap)
