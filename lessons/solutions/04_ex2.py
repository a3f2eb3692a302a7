# Solution to Exercise 4.2: the largest change of a pairwise cosine through the layer.
def invariance_gap(X, layer):
    Y = layer(X)                                       # (d_out, n): the next batch
    before = bn.metrics.cosines(X.T @ X)               # (n, n)
    after = bn.metrics.cosines(Y.T @ Y)
    return np.max(np.abs(after - before))


bn.exercises.check_invariance(invariance_gap)
