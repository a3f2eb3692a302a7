# Solution to Exercise 4.3: one wide RC+ReLU layer on the perturbed cluster+outlier batch,
# ten times; each draw's growth factor of the cluster's spread.
def measure_alpha(n, rng, width=4096, draws=10):
    ratios = []
    for _ in range(draws):
        X = bn.batches.cluster_outlier(n=n, d=40, noise=1e-3, rng=rng)
        traj = bn.run(X, 1, width=width, components=("rc", "relu"), rng=rng)
        before, after = traj.grams
        ratios.append(bn.metrics.cluster_spread(after) / bn.metrics.cluster_spread(before))
    return ratios


bn.exercises.check_measure_alpha(measure_alpha)
