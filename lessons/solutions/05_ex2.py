# Solution to Exercise 5.2: one wide layer, then the ratio of the big group's spreads.
def split_growth(G0, m):
    n = len(G0)
    big = np.arange(n - m)                    # the big group: the first n - m samples
    G1 = bn.meanfield.step(G0)                # one infinitely wide RC+ReLU layer
    return bn.metrics.cluster_spread(G1, big) / bn.metrics.cluster_spread(G0, big)


bn.exercises.check_split_growth(split_growth)
