"""Finite-width networks of ``bnteach.simulate``: invariance, an explicit-weights oracle, the
``Trajectory`` record, raw norms, seeding."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import TOL

from bnteach import batches, layers, metrics, simulate, theory

RC_RELU = ("rc", "relu")
RC_RS_RELU = ("rc", "rs", "relu")
HOMOGENEOUS = [("rc", "relu"), ("rc", "rs", "relu"), ("relu",), ("linear",), ("rc", "linear"),
               ("rs", "linear"), ("rc", "rs", "linear")]


def _pair_cos(G, i=0, j=1):
    return G[i, j] / np.sqrt(G[i, i] * G[j, j])


# -- exact invariance of the cluster+outlier configuration (science.md R4, P6) -----------------

@pytest.mark.parametrize("components", [RC_RELU, RC_RS_RELU], ids="+".join)
@pytest.mark.parametrize("n", [3, 4, 8, 16])
def test_invariant_batch_keeps_its_angles_exactly(components, n):
    X0 = batches.from_gram(theory.invariant_gram(n))
    cluster = np.ix_(range(n - 1), range(n - 1))
    for seed in range(12):
        traj = simulate.run(X0, 25, width=20 + 4 * seed, components=components, rng=seed)
        for G in traj.grams:
            C = metrics.cosines(G)
            np.testing.assert_allclose(C[cluster], 1.0, rtol=0, atol=TOL["exact"])
            np.testing.assert_allclose(C[: n - 1, n - 1], 0.0, rtol=0, atol=TOL["exact"])


@pytest.mark.parametrize("components", [RC_RELU, RC_RS_RELU], ids="+".join)
def test_invariant_batch_mean_norm_ratio_is_n_minus_one(components):
    """science.md R4 table: n = 8, d = 256, 50 layers gives 6.94 (RC+ReLU) and 6.96 (RC+RS+ReLU)."""
    n = 8
    X0 = batches.from_gram(theory.invariant_gram(n), d=256)
    stats = [metrics.outlier_stats(G)
             for seed in range(10)
             for G in simulate.run(X0, 50, components=components, rng=seed).grams[1:]]
    assert np.mean([s.norm_ratio for s in stats]) == pytest.approx(n - 1, rel=TOL["ratio_mean"])
    # at this width RS amplifies any rounding difference inside the cluster within ~10
    # layers: the copies must stay bitwise identical for the angles to stay exact
    assert all(s.index == n - 1 and s.outlier_cos <= TOL["exact"]
               and s.cluster_cos >= 1 - TOL["exact"] for s in stats)


@pytest.mark.parametrize("n", [4, 8, 16])
def test_weight_variance_two_alpha_keeps_the_invariant_norms(n):
    """science.md R5: with weights of variance 2α/d at width d, one wide RC+ReLU layer keeps
    the cluster's norm and the outlier's (n − 1 times it) in expectation.

    The input has n rows (a narrow X0 keeps the test fast); ``weight_var`` is the variance
    times the fan-in, so variance 2α/d is ``weight_var = 2α · n / d``.
    """
    d = 200_000
    X0 = batches.from_gram(theory.invariant_gram(n) * (n - 1))  # cluster norms 1
    traj = simulate.run(X0, 1, width=d, weight_var=2 * theory.alpha(n) * n / d, rng=n)
    before, after = traj.raw_norms()
    np.testing.assert_allclose(before, [1.0] * (n - 1) + [n - 1], rtol=TOL["exact"])
    np.testing.assert_allclose(after, before, rtol=TOL["norm_1pct"])
    # plain He initialization (variance 2/d) shrinks both by sqrt(alpha) instead
    he = simulate.run(X0, 1, width=d, weight_var=2.0 * n / d, rng=n).raw_norms()[1]
    np.testing.assert_allclose(he, before / np.sqrt(theory.alpha(n)), rtol=TOL["norm_1pct"])


# -- n = 2: exact orthogonality after one RC+ReLU layer (science.md R3, P15) -----------------

@pytest.mark.parametrize("width", [20, 64, 1024])
def test_two_samples_are_exactly_orthogonal_after_one_rc_relu_layer(rng, width):
    for seed in range(20):
        X0 = rng.standard_normal((5, 2)) * rng.uniform(0.1, 10, size=2)
        G = simulate.run(X0, 3, width=width, rng=seed).grams
        for layer in (1, 2, 3):
            assert abs(_pair_cos(G[layer])) <= TOL["machine"]


# -- oracle: the Gram/QR sampler against explicit Gaussian weights ----------------------------

def _explicit_cosines(X0, depth, width, components, weight_var, rng):
    """Pairwise cosine (samples 0, 1) after each layer, with W drawn explicitly every layer."""
    X, out = X0, []
    for _ in range(depth):
        W = rng.normal(0.0, np.sqrt(weight_var / X.shape[0]), size=(width, X.shape[0]))
        X = layers.bn_layer(X, W, components)
        out.append(_pair_cos(X.T @ X))
    return out


def _mean_and_std_with_se(samples):
    x = np.asarray(samples)
    m, s = x.mean(), x.std(ddof=1)
    m4 = np.mean((x - m) ** 4)
    return m, np.sqrt(s * s / len(x)), s, np.sqrt(max(m4 - s ** 4, 0.0) / (4 * s * s * len(x)))


@pytest.mark.parametrize("components", [RC_RELU, RC_RS_RELU], ids="+".join)
def test_gram_sampler_matches_explicit_gaussian_weights(components):
    """Same law of the per-layer cosines: mean and std of cos(x0, x1) after 1 and 3 layers
    over 300 seeds agree within TOL["n_se"] standard errors of their difference."""
    d_in, n, width, depth, runs, weight_var = 12, 4, 24, 3, 300, 2.0
    X0 = np.random.default_rng(11).standard_normal((d_in, n))
    X0[:, 1] = 0.8 * X0[:, 0] + 0.6 * X0[:, 1]               # start the pair at cos ≈ 0.8
    explicit = np.array([_explicit_cosines(X0, depth, width, components, weight_var,
                                           np.random.default_rng(seed)) for seed in range(runs)])
    sampled = np.array([[_pair_cos(G) for G in simulate.run(
        X0, depth, width=width, components=components, weight_var=weight_var,
        rng=10_000 + seed).grams[1:]] for seed in range(runs)])
    for layer in (0, 2):                                      # after 1 and 3 layers
        m1, se_m1, s1, se_s1 = _mean_and_std_with_se(explicit[:, layer])
        m2, se_m2, s2, se_s2 = _mean_and_std_with_se(sampled[:, layer])
        assert s1 > TOL["n_se"] * se_s1                       # the cosine does vary
        assert abs(m1 - m2) <= TOL["n_se"] * np.hypot(se_m1, se_m2)
        assert abs(s1 - s2) <= TOL["n_se"] * np.hypot(se_s1, se_s2)


def test_uniform_weights_have_the_stated_law():
    """With X0 = (e1, e2) and a linear layer, the raw output is the first two columns of W."""
    d_in, width, weight_var = 4, 50_000, 3.0
    X0 = np.eye(d_in)[:, :2]
    out = {}
    for law in ("uniform", "gaussian"):
        traj = simulate.run(X0, 1, width=width, components="linear", weights=law,
                            weight_var=weight_var, rng=5, keep="reps")
        W = np.exp(traj.log_scale[1]) * traj.reps[0]          # (width, 2), raw weights
        out[law] = W.ravel()
    var = weight_var / d_in
    a = np.sqrt(3 * var)
    for law, w in out.items():
        se = np.sqrt(np.var(w * w) / w.size)
        assert abs(np.mean(w * w) - var) <= TOL["n_se"] * se, law
    assert np.abs(out["uniform"]).max() <= a                  # bounded by ±sqrt(3 var)
    assert np.abs(out["gaussian"]).max() > a
    # kurtosis E w⁴ / var²: 9/5 for a uniform law, 3 for a Gaussian
    for law, kurt in (("uniform", 1.8), ("gaussian", 3.0)):
        w4 = out[law] ** 4
        assert abs(np.mean(w4) - kurt * var ** 2) <= TOL["n_se"] * w4.std() / np.sqrt(w4.size)


@pytest.mark.parametrize("law", ["uniform", "gaussian"])
def test_raw_norms_of_a_wide_linear_layer_have_the_stated_expectation(rng, law):
    """E ‖W x‖² = width · weight_var / d_in · ‖x‖², for either law."""
    d_in, n, width, weight_var = 8, 3, 50_000, 2.0
    X0 = rng.standard_normal((d_in, n))
    traj = simulate.run(X0, 1, width=width, components="linear", weights=law,
                        weight_var=weight_var, rng=3)
    ratio = (traj.raw_norms()[1] / np.linalg.norm(X0, axis=0)) ** 2 * d_in / (width * weight_var)
    # relative standard error of a mean of `width` squares: at most sqrt(2 / width)
    np.testing.assert_allclose(ratio, 1.0, atol=TOL["n_se"] * np.sqrt(2 / width))


# -- the Trajectory record ------------------------------------------------------------------

def test_trajectory_shapes_and_normalization(rng):
    d_in, n, depth, width = 10, 6, 7, 24
    X0 = rng.standard_normal((d_in, n))
    traj = simulate.run(X0, depth, width=width, rng=1)
    assert traj.grams.shape == (depth + 1, n, n)
    assert traj.log_scale.shape == (depth + 1,)
    G0 = X0.T @ X0
    np.testing.assert_allclose(traj.grams[0], G0 * (n / np.trace(G0)), rtol=TOL["exact"])
    np.testing.assert_allclose(np.trace(traj.grams, axis1=1, axis2=2), n, rtol=TOL["exact"])
    np.testing.assert_allclose(traj.grams, np.transpose(traj.grams, (0, 2, 1)),
                               atol=TOL["exact"])
    assert traj.reps is None


def test_trajectory_config_and_seed(rng):
    X0 = rng.standard_normal((10, 6))
    traj = simulate.run(X0, 3, width=16, components=["relu", "rc"], weights="uniform",
                        weight_var=1.5, rng=42)
    assert traj.config == simulate.NetConfig(width=16, d_in=10, n=6, depth=3,
                                             components=("rc", "relu"), weights="uniform",
                                             weight_var=1.5)
    assert traj.seed == 42 and type(traj.seed) is int
    assert simulate.run(X0, 1, rng=np.int64(7)).seed == 7
    assert simulate.run(X0, 1, rng=np.random.default_rng(7)).seed is None
    assert simulate.run(X0, 1).seed is None
    assert "seed=42" in repr(traj) and "width=16" in repr(traj)


def test_trajectory_arrays_are_read_only_and_fields_frozen(rng):
    traj = simulate.run(rng.standard_normal((8, 4)), 2, rng=0, keep="reps")
    for arr in (traj.grams, traj.log_scale, traj.reps):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        traj.grams = np.zeros(3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        traj.config.width = 3


@pytest.mark.parametrize("components", HOMOGENEOUS + [("tanh",), ("rc", "tanh")], ids="+".join)
def test_keep_reps_shape_and_gram(rng, components):
    d_in, n, depth, width = 6, 5, 4, 9
    traj = simulate.run(rng.standard_normal((d_in, n)), depth, width=width,
                        components=components, rng=3, keep="reps")
    assert traj.reps.shape == (depth, width, n)
    for layer in range(1, depth + 1):
        X = traj.reps[layer - 1]
        G = X.T @ X
        if components[-1] == "tanh":                            # reps are the raw network
            G = G * np.exp(-2 * traj.log_scale[layer])
        np.testing.assert_allclose(G, traj.grams[layer], atol=TOL["exact"])


def test_keep_reps_does_not_change_the_run(rng):
    X0 = rng.standard_normal((6, 5))
    a = simulate.run(X0, 4, width=9, rng=3, keep="reps")
    b = simulate.run(X0, 4, width=9, rng=3)
    np.testing.assert_array_equal(a.grams, b.grams)
    np.testing.assert_array_equal(a.log_scale, b.log_scale)


def test_depth_zero_and_default_width(rng):
    X0 = rng.standard_normal((7, 3))
    traj = simulate.run(X0, 0, rng=0, keep="reps")
    assert traj.grams.shape == (1, 3, 3) and traj.log_scale.shape == (1,)
    assert traj.reps.shape == (0, 7, 3)
    np.testing.assert_allclose(traj.raw_norms()[0], np.linalg.norm(X0, axis=0),
                               rtol=TOL["exact"])
    deep = simulate.run(X0, 2, rng=0, keep="reps")
    assert deep.config.width == 7 and deep.reps.shape == (2, 7, 3)


# -- raw norms and log_scale ----------------------------------------------------------------

@pytest.mark.parametrize("components", HOMOGENEOUS + [("tanh",)], ids="+".join)
def test_raw_norms_at_the_input_are_the_input_norms(rng, components):
    X0 = rng.standard_normal((6, 4)) * [1.0, 10.0, 0.1, 3.0]
    traj = simulate.run(X0, 2, width=8, components=components, rng=0)
    np.testing.assert_allclose(traj.raw_norms()[0], np.linalg.norm(X0, axis=0),
                               rtol=TOL["exact"])


@pytest.mark.parametrize("law", ["gaussian", "uniform"])
@pytest.mark.parametrize("components", HOMOGENEOUS, ids="+".join)
def test_raw_norms_accumulate_the_weight_scale_over_layers(rng, law, components):
    """Same seed, weight variance ×4: the raw network is 2^l times larger at layer l,
    unless RS removes the scale (then it is unchanged); the angles are unchanged."""
    X0 = rng.standard_normal((8, 5))
    depth = 6
    base = simulate.run(X0, depth, width=12, components=components, weights=law,
                        weight_var=2.0, rng=9)
    big = simulate.run(X0, depth, width=12, components=components, weights=law,
                       weight_var=8.0, rng=9)
    np.testing.assert_allclose(big.grams, base.grams, atol=TOL["exact"])
    growth = np.ones(depth + 1) if "rs" in components else 2.0 ** np.arange(depth + 1)
    growth[0] = 1.0
    np.testing.assert_allclose(big.raw_norms(), growth[:, None] * base.raw_norms(),
                               rtol=TOL["exact"])


@pytest.mark.parametrize("components", HOMOGENEOUS, ids="+".join)
def test_raw_norms_scale_with_the_input(rng, components):
    X0 = rng.standard_normal((8, 5))
    base = simulate.run(X0, 5, width=10, components=components, rng=4)
    scaled = simulate.run(1000.0 * X0, 5, width=10, components=components, rng=4)
    np.testing.assert_allclose(scaled.grams, base.grams, atol=TOL["exact"])
    factor = np.full(6, 1000.0)
    if "rs" in components:
        factor[1:] = 1.0                                       # RS forgets the input's scale
    np.testing.assert_allclose(scaled.raw_norms(), factor[:, None] * base.raw_norms(),
                               rtol=TOL["exact"])


@pytest.mark.parametrize("components", [("rs", "linear"), ("rc", "rs", "linear")], ids="+".join)
def test_rescaled_linear_log_scale_is_exact_and_does_not_accumulate(rng, components):
    """After RS every neuron has mean square 1, so ‖X‖_F² = width · n at every layer."""
    width = 33
    traj = simulate.run(rng.standard_normal((8, 5)), 40, width=width, components=components,
                        rng=2)
    np.testing.assert_allclose(traj.log_scale[1:], 0.5 * np.log(width), rtol=TOL["exact"])


def test_full_bn_log_scale_does_not_accumulate(rng):
    """After RC+RS a neuron's n values have mean 0 and mean square 1, so its ReLU keeps a
    share (n - k)/n of the energy when k values are positive: between 1/n and (n-1)/n,
    and 1/2 in expectation (the weights' law is symmetric)."""
    width, n, depth = 64, 6, 300
    traj = simulate.run(rng.standard_normal((8, n)), depth, width=width, components=RC_RS_RELU,
                        rng=2)
    energy = np.exp(2 * traj.log_scale[1:])                   # ‖X_l‖_F² / n, raw
    assert np.all(energy >= width / n * (1 - TOL["exact"]))
    assert np.all(energy <= width * (n - 1) / n * (1 + TOL["exact"]))
    se = energy.std(ddof=1) / np.sqrt(depth)
    assert abs(energy.mean() - width / 2) <= TOL["n_se"] * se
    for part in np.array_split(energy, 3):                     # no drift with depth
        assert abs(part.mean() - width / 2) <= TOL["n_se"] * se * np.sqrt(3)


def test_raw_norms_of_a_vanilla_relu_network_shrink_by_the_stated_factor(rng):
    """E ‖relu(W x)‖² = width · (weight_var / d_in) · ‖x‖² / 2 for every x: at weight
    variance 1 and width = d_in the raw squared norm halves per layer on average."""
    width, depth = 128, 300
    traj = simulate.run(rng.standard_normal((width, 4)), depth, components="relu",
                        weight_var=1.0, rng=5)
    sq = traj.raw_norms() ** 2                                   # (depth + 1, n)
    assert sq[-1, 0] < 1e-30 * sq[0, 0]                          # it did accumulate
    ratio = sq[1:].sum(axis=1) / sq[:-1].sum(axis=1)          # its mean given the past is 1/2
    se = ratio.std(ddof=1) / np.sqrt(depth)
    assert abs(ratio.mean() - 0.5) <= TOL["n_se"] * se


# -- long runs stay finite ------------------------------------------------------------------

@pytest.mark.parametrize("components", [RC_RELU, ("relu",)], ids="+".join)
def test_ten_thousand_layers_stay_finite(components):
    traj = simulate.run(batches.gaussian(d=32, n=4, rng=0), 10_000, components=components,
                        rng=1)
    assert np.all(np.isfinite(traj.grams))
    assert np.all(np.isfinite(traj.log_scale))
    assert np.all(np.isfinite(traj.raw_norms()))
    np.testing.assert_allclose(np.trace(traj.grams[-1]), 4, rtol=TOL["exact"])


# -- seeding --------------------------------------------------------------------------------

@pytest.mark.parametrize("law", ["gaussian", "uniform"])
def test_same_seed_same_trajectory_different_seed_different(rng, law):
    X0 = rng.standard_normal((8, 5))
    a = simulate.run(X0, 5, weights=law, rng=123)
    b = simulate.run(X0, 5, weights=law, rng=123)
    c = simulate.run(X0, 5, weights=law, rng=124)
    np.testing.assert_array_equal(a.grams, b.grams)
    np.testing.assert_array_equal(a.log_scale, b.log_scale)
    assert not np.array_equal(a.grams[1:], c.grams[1:])


def test_a_generator_passes_through(rng):
    X0 = rng.standard_normal((8, 5))
    shared = np.random.default_rng(5)
    first = simulate.run(X0, 3, rng=shared)
    second = simulate.run(X0, 3, rng=shared)
    assert not np.array_equal(first.grams[1:], second.grams[1:])  # the stream moved on
    np.testing.assert_array_equal(first.grams, simulate.run(X0, 3, rng=5).grams)


def test_unseeded_runs_differ(rng):
    X0 = rng.standard_normal((8, 5))
    assert not np.array_equal(simulate.run(X0, 2).grams[1:], simulate.run(X0, 2).grams[1:])


def test_no_global_random_state():
    np.random.seed(0)
    np.random.standard_normal(3)          # move off the seeded state, so re-seeding shows too
    state = np.random.get_state()
    X0 = batches.gaussian(d=8, n=5, rng=1)
    batches.gaussian(d=8, n=5)
    batches.gaussian(d=8, n=5, rank=2, rng=None)
    for law in ("gaussian", "uniform"):
        for rng in (None, 3, np.random.default_rng(3)):
            simulate.run(X0, 3, weights=law, rng=rng)
    after = np.random.get_state()
    assert after[0] == state[0]
    np.testing.assert_array_equal(after[1], state[1])
    assert after[2:] == state[2:]


def test_results_do_not_depend_on_the_global_state():
    np.random.seed(1)
    X0 = batches.gaussian(d=8, n=5, rng=2)
    a = simulate.run(X0, 3, rng=7)
    np.random.seed(999)
    np.random.standard_normal(17)
    np.testing.assert_array_equal(batches.gaussian(d=8, n=5, rng=2), X0)
    np.testing.assert_array_equal(simulate.run(X0, 3, rng=7).grams, a.grams)


# -- many runs at once: simulate.run_many ------------------------------------------------------

MANY_CASES = [(RC_RELU, "gaussian", 64, 4), (("rs", "linear"), "gaussian", 32, 8),
              (RC_RS_RELU, "gaussian", 16, 6), (("tanh",), "gaussian", 16, 4),
              (RC_RELU, "uniform", 24, 4), (("rc", "linear"), "gaussian", 3, 5)]


@pytest.mark.parametrize("components, law, d, n", MANY_CASES,
                         ids=[f"{'+'.join(c)}-{w}-{d}x{n}" for c, w, d, n in MANY_CASES])
def test_run_many_equals_run_per_seed(components, law, d, n):
    """run_many(seeds=s)[i] is run(rng=s[i]): the same draws, the same arithmetic."""
    X0 = batches.gaussian(d=d, n=n, rng=1)
    seeds = [3, 0, 17, 3, 2 ** 40]
    many = simulate.run_many(X0, 40, seeds=seeds, width=d + 5, components=components,
                             weights=law, keep="reps")
    assert len(many) == len(seeds)
    for seed, traj in zip(seeds, many):
        one = simulate.run(X0, 40, width=d + 5, components=components, weights=law, rng=seed,
                           keep="reps")
        for field in ("grams", "log_scale", "reps"):     # bit for bit
            np.testing.assert_array_equal(getattr(traj, field), getattr(one, field), field)
        assert traj.config == one.config and traj.seed == seed
        assert not traj.grams.flags.writeable


def test_run_many_takes_generators_and_mixes_them_with_seeds():
    X0 = batches.gaussian(d=16, n=4, rng=0)
    many = simulate.run_many(X0, 10, seeds=[np.random.default_rng(5), 6])
    np.testing.assert_allclose(many[0].grams, simulate.run(X0, 10, rng=5).grams, rtol=1e-12)
    np.testing.assert_allclose(many[1].grams, simulate.run(X0, 10, rng=6).grams, rtol=1e-12)
    assert many[0].seed is None and many[1].seed == 6
    assert not np.allclose(many[0].grams[-1], many[1].grams[-1])


@pytest.mark.parametrize("components", [RC_RELU, RC_RS_RELU, ("rs", "linear")], ids="+".join)
def test_run_many_keeps_identical_samples_identical(components):
    X0 = batches.cluster_outlier(n=6, d=10, noise=1e-3, rng=0)
    X0[:, 1] = X0[:, 0]                                     # samples 0 and 1 identical
    for traj in simulate.run_many(X0, 60, seeds=range(4), components=components, keep="reps"):
        assert np.array_equal(traj.reps[:, :, 0], traj.reps[:, :, 1])
        assert np.array_equal(traj.grams[:, 0, 0], traj.grams[:, 1, 1])


def test_run_many_one_run_and_depth_zero():
    X0 = batches.gaussian(d=8, n=3, rng=0)
    (one,) = simulate.run_many(X0, 0, seeds=[4])
    np.testing.assert_array_equal(one.grams, simulate.run(X0, 0, rng=4).grams)
    assert one.grams.shape == (1, 3, 3)


@pytest.mark.parametrize("seeds, error, message", [
    ([], ValueError, r"The 'seeds' parameter is empty: give one seed per run"),
    (5, TypeError, r"The 'seeds' parameter must be a sequence of int seeds or Generators, one "
                   r"per run \(e.g\. range\(20\)\); got int"),
    (np.random.default_rng(0), TypeError, r"must be a sequence of int seeds or Generators"),
    ([1, None], TypeError, r"The 'seeds' parameter must hold int seeds or Generators; got None"),
    ([1, 2.0], TypeError, r"must hold int seeds or Generators; got 2\.0 \(float\)"),
    ([True], TypeError, r"must hold int seeds or Generators; got True"),
    ([0, -1], ValueError, r"The 'seeds' parameter must hold non-negative int seeds; got -1\."),
])
def test_run_many_bad_seeds(seeds, error, message):
    with pytest.raises(error, match=message):
        simulate.run_many(np.eye(4), 3, seeds=seeds)


def test_run_many_refuses_one_generator_twice():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"holds the same Generator twice: its runs would share"):
        simulate.run_many(np.eye(4), 3, seeds=[rng, 1, rng])


def test_run_many_checks_like_run_and_limits_all_runs_together():
    with pytest.raises(ValueError, match=r"X0 is all zeros"):
        simulate.run_many(np.zeros((4, 3)), 3, seeds=range(2))
    with pytest.raises(ValueError, match=r"The 'depth' parameter"):
        simulate.run_many(np.eye(4), -1, seeds=range(2))
    simulate.run_many(np.eye(4), 10, width=10 ** 6, seeds=range(2), keep="gram")  # 8e7 work: ok
    with pytest.raises(ValueError, match=r"run_many: 200 runs × depth × width × n = 200 runs × "
                                         r"10 × 1000000 × 4 is too much work"):
        simulate.run_many(np.eye(4), 10, width=10 ** 6, seeds=range(200))
    with pytest.raises(ValueError, match=r"run_many: keep='reps' would store"):
        simulate.run_many(np.eye(4), 1000, width=1000, seeds=range(20), keep="reps")


def test_run_many_names_the_run_that_died():
    """A width-2 ReLU network dies on some seeds: the error names the first such run."""
    X0 = batches.gaussian(d=4, n=3, rng=0)
    dies = [s for s in range(40) if _dies(X0, s)]
    lives = [s for s in range(40) if not _dies(X0, s)]
    seeds = [lives[0], dies[0]]
    with pytest.raises(ValueError, match=r"run_many: layer \d+ of run 1 \(seeds\[1\]\) mapped "
                                         r"the whole batch to zero"):
        simulate.run_many(X0, 5, width=2, components=("relu",), seeds=seeds)


@pytest.mark.parametrize("components, law, d, n", MANY_CASES,
                         ids=[f"{'+'.join(c)}-{w}-{d}x{n}" for c, w, d, n in MANY_CASES])
def test_run_many_stacked_inputs_equal_the_seed_loop(components, law, d, n):
    """One batch per run, drawn from the run's generator before its weights: bit for bit the
    loop ``rng = default_rng(seed); X0 = rng.standard_normal(...); run(X0, rng=rng)``."""
    seeds = [3, 0, 17, 2 ** 40]
    rngs = [np.random.default_rng(seed) for seed in seeds]
    X0 = np.stack([rng.standard_normal((d, n)) for rng in rngs])
    many = simulate.run_many(X0, 30, seeds=rngs, width=d + 5, components=components,
                             weights=law, keep="reps")
    for seed, traj in zip(seeds, many):
        rng = np.random.default_rng(seed)
        one = simulate.run(rng.standard_normal((d, n)), 30, width=d + 5, components=components,
                           weights=law, rng=rng, keep="reps")
        for field in ("grams", "log_scale", "reps"):
            np.testing.assert_array_equal(getattr(traj, field), getattr(one, field), field)
        assert traj.config == one.config and traj.seed is None


@pytest.mark.parametrize("components", [RC_RELU, RC_RS_RELU, ("rs", "linear")], ids="+".join)
def test_run_many_stacked_inputs_with_identical_samples_in_some_runs_only(components):
    """Runs whose batches repeat samples in different places (or not at all) each keep their
    own identical samples bitwise identical, and each still equals its run()."""
    X0 = np.stack([batches.cluster_outlier(n=6, d=10, noise=1e-3, rng=s) for s in range(5)])
    X0[1][:, 1] = X0[1][:, 0]                      # run 1: samples 0 and 1 identical
    X0[3][:, 4] = X0[3][:, 2]                      # run 3: samples 2 and 4
    X0[4][:, 1] = X0[4][:, 0]                      # run 4: as run 1, so they advance together
    twins = {1: (0, 1), 3: (2, 4), 4: (0, 1)}
    many = simulate.run_many(X0, 60, seeds=range(10, 15), components=components, keep="reps")
    for i, traj in enumerate(many):
        one = simulate.run(X0[i], 60, components=components, rng=10 + i, keep="reps")
        np.testing.assert_array_equal(traj.reps, one.reps)
        np.testing.assert_array_equal(traj.grams, one.grams)
        assert traj.seed == 10 + i
        if i in twins:
            a, b = twins[i]
            assert np.array_equal(traj.reps[:, :, a], traj.reps[:, :, b])
            assert np.array_equal(traj.grams[:, a, a], traj.grams[:, b, b])
        else:
            assert not np.array_equal(traj.reps[-1, :, 0], traj.reps[-1, :, 1])


@pytest.mark.parametrize("X0, message", [
    (np.ones((3, 4, 3)), r"X0 must be one batch of shape \(d_in, n\) shared by all runs, or a "
                         r"stack of shape \(runs, d_in, n\), one batch per seed; got shape "
                         r"\(3, 4, 3\) for 2 seeds in 'seeds'"),
    (np.ones((2, 2, 4, 3)), r"X0 must be one batch .* got shape \(2, 2, 4, 3\) for 2 seeds"),
    (np.ones(4), r"X0 must be one batch .* got shape \(4,\) for 2 seeds"),
    (np.stack([np.eye(3), np.zeros((3, 3))]), r"X0\[1\] is all zeros"),
    (np.stack([np.eye(3), np.ones((3, 3))]), r"X0\[1\]'s columns are all identical"),
    (np.stack([np.eye(3), np.full((3, 3), np.nan)]), r"X0\[1\]"),
    (np.ones((2, 4, 1)), r"X0\[0\] must hold a batch of n >= 2 samples"),
])
def test_run_many_bad_stacked_inputs(X0, message):
    with pytest.raises(ValueError, match=message):
        simulate.run_many(X0, 3, seeds=range(2))


def test_run_many_stacked_limits_and_names_the_run_that_died():
    with pytest.raises(ValueError, match=r"run_many: 200 runs × depth × width × n"):
        simulate.run_many(np.ones((200, 4, 4)) + np.eye(4), 10, width=10 ** 6, seeds=range(200))
    X0 = batches.gaussian(d=4, n=3, rng=0)
    stack = np.stack([X0, X0, X0])
    stack[0][:, 1] = stack[0][:, 0]                # a pattern of its own: advanced apart
    seeds = [next(s for s in range(40) if not _dies(stack[0], s)),
             next(s for s in range(40) if not _dies(X0, s)),
             next(s for s in range(40) if _dies(X0, s))]
    with pytest.raises(ValueError, match=r"run_many: layer \d+ of run 2 \(seeds\[2\]\) mapped"):
        simulate.run_many(stack, 5, width=2, components=("relu",), seeds=seeds)
    with pytest.raises(ValueError, match=r"X0 must be a 2-D array"):
        simulate.run(stack, 5)                     # run takes one batch


def _dies(X0, seed):
    try:
        simulate.run(X0, 5, width=2, components=("relu",), rng=seed)
    except ValueError:
        return True
    return False


@pytest.mark.parametrize("shape", [(1, 64, 4), (20, 16, 4), (3, 5, 8), (2, 9, 9), (4, 300, 2)])
def test_r_factor_is_numpys_qr_r_bit_for_bit(shape):
    """The loop's R factor: numpy's raw QR with the Householder vectors zeroed, d < m included."""
    from bnteach import _sampler
    X = np.random.default_rng(3).standard_normal(shape)
    X[..., -1] = X[..., 0]                               # rank-deficient too
    upper = np.triu(np.ones((shape[-1], shape[-1])))
    for x in (X, np.swapaxes(np.ascontiguousarray(np.swapaxes(X, 1, 2)), 1, 2)):
        got, want = _sampler.r_factor(x, upper.astype(bool)), np.linalg.qr(x, mode="r")
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))    # +0.0 below
        assert got.flags.c_contiguous


DRAW_CASES = [(("rc", "relu"), 2, 4, 10, None), (("rs", "linear"), 3, 5, 8, None),
              (("rc", "relu"), 8, 4, 8, None), (("rc", "rs", "relu"), 16, 12, 40, [0, 0, 3]),
              (("tanh",), 5, 9, 3, [1, 1]), (("rs", "linear"), 64, 4, 512, None)]


@pytest.mark.parametrize("components, d_in, n, width, copies", DRAW_CASES)
def test_drawing_ahead_gives_the_numbers_of_one_draw_per_layer(components, d_in, n, width,
                                                               copies, monkeypatch):
    """The loop draws a few layers' Gaussian numbers at once; a run's numbers, and the state its
    generator is left in, are those of one draw per layer (also when layer 1's draw has another
    shape than the later ones', d_in < n with width != d_in)."""
    from bnteach import _sampler
    X0 = batches.gaussian(d=d_in, n=n, rng=2)
    for j, i in enumerate(copies or []):
        X0[:, n - 1 - j] = X0[:, i]
    results = []
    for ahead in (_sampler.DRAW_AHEAD, 1):
        monkeypatch.setattr(_sampler, "DRAW_AHEAD", ahead)
        rng = np.random.default_rng(9)
        many = simulate.run_many(X0, 70, seeds=[np.random.default_rng(5), rng], width=width,
                                 components=components, keep="reps")
        results.append((many, rng.standard_normal()))
    (a, next_a), (b, next_b) = results
    assert next_a == next_b
    for x, y in zip(a, b):
        for field in ("grams", "log_scale", "reps"):
            np.testing.assert_array_equal(getattr(x, field), getattr(y, field), field)


@pytest.mark.parametrize("d, n, width, copies", [(16, 12, 16, None), (3, 9, 3, [0]),
                                                 (5, 5, 1, None), (10, 10, 6, [2, 2, 5])])
def test_run_many_equals_run_bit_for_bit_for_larger_batches(d, n, width, copies):
    """Stacked QR factors and Gram matrices keep one memory layout, so the sums over a Gram
    matrix's diagonal (pairwise from 8 terms) are the same for one run and for many."""
    X0 = batches.gaussian(d=d, n=n, rng=4)
    for j, i in enumerate(copies or []):
        X0[:, n - 1 - j] = X0[:, i]
    for components in (("linear",), ("rc", "relu"), ("rs", "tanh")):
        many = simulate.run_many(X0, 12, seeds=range(4), width=width, components=components)
        for seed, traj in enumerate(many):
            one = simulate.run(X0, 12, width=width, components=components, rng=seed)
            np.testing.assert_array_equal(traj.grams, one.grams)
            np.testing.assert_array_equal(traj.log_scale, one.log_scale)


@pytest.mark.parametrize("scale, components, message", [
    (1e160, ("rc", "relu"), r"^X0 is too large: the sum of its squares overflows float64\. "
                            r"Divide X0 by a constant\.$"),
    (1e154, ("tanh",), r"^X0 is too large"),
    (1e-170, ("rc", "relu"), r"^X0 is too small: the sum of its squares underflows to zero\. "
                             r"Multiply X0 by a constant\.$"),
])
def test_inputs_beyond_float_range_get_a_clear_error_and_no_warning(scale, components, message):
    import warnings
    X0 = batches.gaussian(d=6, n=4, rng=0) * scale
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # no RuntimeWarning before the error
        with pytest.raises(ValueError, match=message):
            simulate.run(X0, 3, components=components, rng=0)
        with pytest.raises(ValueError, match=message.replace("X0 is", r"X0\[1\] is")):
            simulate.run_many(np.stack([X0 / scale, X0]), 3, seeds=[0, 1],
                              components=components)


def test_huge_weight_variance_changes_nothing_under_rs_and_warns_nothing():
    """RS forgets the scale of its input: even when the squares of a layer's pre-activations
    pass float range, the layer is computed (scaled by a power of two first), not zeroed."""
    import warnings
    X0 = batches.gaussian(d=6, n=4, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for components in (("rs", "relu"), ("rc", "rs", "linear")):
            huge = simulate.run(X0, 3, weight_var=1e308, components=components, rng=0)
            plain = simulate.run(X0, 3, weight_var=2.0, components=components, rng=0)
            np.testing.assert_allclose(huge.grams, plain.grams, rtol=1e-12, atol=1e-12)


def test_a_shared_input_beyond_float_range_is_named_x0():
    X0 = batches.gaussian(d=6, n=4, rng=0) * 1e160
    with pytest.raises(ValueError, match=r"^X0 is too large"):
        simulate.run_many(X0, 3, seeds=[0, 1])
