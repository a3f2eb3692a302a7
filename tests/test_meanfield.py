"""The wide-limit map of ``bnteach.meanfield``: closed forms, fixed points, Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TOL

from bnteach import layers, meanfield, metrics, simulate, theory

# science.md R5, "measured" row: one exact wide RC+ReLU step at eps = 1e-3
ALPHA_MEASURED = {3: 1.7989, 4: 1.5981, 8: 1.2786, 16: 1.1311, 32: 1.0625, 64: 1.0291}

MC_COMPONENTS = [("rc", "relu"), ("relu",), ("linear",), ("rc", "linear"), ("tanh",)]


def _equiangular(n, c):
    return (1 - c) * np.eye(n) + c * np.ones((n, n))


# -- closed forms ---------------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 4, 8, 16, 32, 64])
def test_one_step_on_an_orthogonal_batch_gives_kappa(n):
    grams = meanfield.run(np.eye(n), 1).grams
    C = metrics.cosines(grams[1])
    np.testing.assert_allclose(C[~np.eye(n, dtype=bool)], theory.kappa(n), atol=TOL["exact"])


@pytest.mark.parametrize("n", [2, 3, 8, 16])
@pytest.mark.parametrize("c", [0.0, 0.5, -0.05, 0.9])
def test_any_equiangular_batch_goes_to_kappa_in_one_step(n, c):
    C = metrics.cosines(meanfield.step(_equiangular(n, c)))
    np.testing.assert_allclose(C[~np.eye(n, dtype=bool)], theory.kappa(n), atol=TOL["exact"])


@pytest.mark.parametrize("n", [3, 4, 8, 16, 32])
def test_kappa_equiangular_gram_is_a_fixed_point(n):
    G = _equiangular(n, theory.kappa(n))
    np.testing.assert_allclose(meanfield.step(G), G, atol=TOL["exact"])
    np.testing.assert_allclose(meanfield.run(G, 5).grams[-1], G, atol=TOL["exact"])


@pytest.mark.parametrize("n", [2, 3, 4, 8, 16, 32])
def test_invariant_gram_is_a_fixed_point(n):
    G = theory.invariant_gram(n)
    np.testing.assert_allclose(meanfield.step(G), G, atol=TOL["exact"])
    for k in (0, n // 2):
        Gk = theory.invariant_gram(n, outlier=k)
        np.testing.assert_allclose(meanfield.step(Gk), Gk, atol=TOL["exact"])


def test_linear_steps_are_closed_forms(rng):
    X = rng.standard_normal((7, 5))
    G = metrics.gram(X)
    normalize = lambda A: A * (len(A) / np.trace(A))  # noqa: E731
    np.testing.assert_allclose(meanfield.step(G, ("linear",)), normalize(G), atol=TOL["exact"])
    P = layers.centering_matrix(5)
    np.testing.assert_allclose(meanfield.step(G, ("rc", "linear")), normalize(P @ G @ P),
                               atol=TOL["exact"])
    np.testing.assert_allclose(meanfield.step(G, "rc"), normalize(P @ G @ P), atol=TOL["exact"])


def test_relu_step_is_the_arc_cosine_kernel_of_the_centered_gram(rng):
    """science.md §1: F(G) = K(P G P), written out entry by entry."""
    G = metrics.gram(rng.standard_normal((6, 4)))
    P = layers.centering_matrix(4)
    C = P @ G @ P
    K = np.empty((4, 4))
    for i in range(4):
        for j in range(4):
            si, sj = np.sqrt(C[i, i]), np.sqrt(C[j, j])
            K[i, j] = si * sj * theory.relu_cosine(C[i, j] / (si * sj)) / 2
    np.testing.assert_allclose(meanfield.step(G), K * (4 / np.trace(K)), atol=TOL["exact"])


@pytest.mark.parametrize("components", [("rc", "relu"), ("relu",), ("linear",)])
def test_weight_var_does_not_matter_for_homogeneous_maps(rng, components):
    G = metrics.gram(rng.standard_normal((6, 4)))
    np.testing.assert_allclose(meanfield.step(G, components, weight_var=0.3),
                               meanfield.step(G, components, weight_var=7.0), atol=TOL["exact"])


def test_weight_var_matters_for_tanh(rng):
    G = metrics.gram(rng.standard_normal((6, 4))) / 6
    small = meanfield.step(G, ("tanh",), weight_var=0.01)
    large = meanfield.step(G, ("tanh",), weight_var=4.0)
    assert not np.allclose(metrics.cosines(small), metrics.cosines(large), atol=TOL["table4"])
    # the raw per-neuron second moments: E tanh(u)² < Var(u), and < 1
    assert np.all(np.diag(small) < 0.01 * np.diag(G)) and np.all(np.diag(large) < 1)


# -- run ------------------------------------------------------------------------------------

@pytest.mark.parametrize("components", [("rc", "relu"), ("relu",), ("rc", "linear"), ("tanh",)])
@pytest.mark.parametrize("depth", [0, 1, 7])
def test_run_shape_and_traces(rng, components, depth):
    n = 5
    G0 = 3.0 * metrics.gram(rng.standard_normal((8, n)))
    traj = meanfield.run(G0, depth, components)
    assert isinstance(traj, simulate.Trajectory) and traj.log_scale is None
    assert traj.config == simulate.NetConfig(width=None, d_in=None, n=n, depth=depth,
                                             components=components, weights="gaussian",
                                             weight_var=2.0)
    grams = traj.grams
    assert grams.shape == (depth + 1, n, n) and not grams.flags.writeable
    np.testing.assert_allclose(np.trace(grams, axis1=1, axis2=2), n, rtol=TOL["exact"])
    np.testing.assert_allclose(grams[0], G0 * (n / np.trace(G0)), rtol=TOL["exact"])


def test_run_chains_steps(rng):
    G0 = metrics.gram(rng.standard_normal((8, 5)))
    grams = meanfield.run(G0, 4).grams
    G = G0
    for layer in range(1, 5):
        G = meanfield.step(G)
        np.testing.assert_allclose(grams[layer], G, atol=TOL["exact"])


def test_run_chains_unnormalized_tanh_steps(rng):
    """For tanh, step returns the raw per-neuron Gram, and run feeds that to the next layer."""
    G0 = metrics.gram(rng.standard_normal((8, 4))) / 8
    traj = meanfield.run(G0, 3, ("tanh",), weight_var=1.5)
    assert traj.config.weight_var == 1.5
    grams = traj.grams
    K = G0
    for layer in range(1, 4):
        K = meanfield.step(K, ("tanh",), weight_var=1.5)
        np.testing.assert_allclose(grams[layer], K * (4 / np.trace(K)), atol=TOL["exact"])


def test_run_refuses_rescaling_and_points_to_simulate():
    with pytest.raises(ValueError, match=r"no closed form for rescaling \(RS\).*"
                                         r"bnteach\.simulate\.run"):
        meanfield.run(np.eye(3), 2, ("rc", "rs", "relu"))
    with pytest.raises(ValueError, match=r"bnteach\.simulate\.run"):
        meanfield.step(np.eye(3), ("rs",))


# -- alpha: the growth of a small spread inside the cluster (science.md R5, P7) -----------------

def _perturbed_invariant_batch(n, eps, rng):
    """Cluster c = e0 (n - 1 copies), outlier o = (n - 1) e1, each cluster point moved by
    eps times a standard Gaussian vector in n + 2 fresh dimensions (orthogonal to span(c, o))."""
    X = np.zeros((n + 4, n))
    X[0, : n - 1] = 1.0
    X[1, n - 1] = n - 1.0
    X[2:, : n - 1] = eps * rng.standard_normal((n + 2, n - 1))
    return X


@pytest.mark.parametrize("n", sorted(ALPHA_MEASURED))
def test_one_wide_layer_grows_the_cluster_spread_by_alpha(rng, n):
    X = _perturbed_invariant_batch(n, 1e-3, rng)
    G = metrics.gram(X)
    cluster = np.triu_indices(n - 1, 1)
    before = 1 - metrics.cosines(G)[: n - 1, : n - 1][cluster]
    after = 1 - metrics.cosines(meanfield.step(G))[: n - 1, : n - 1][cluster]
    ratio = after.mean() / before.mean()
    assert ratio == pytest.approx(ALPHA_MEASURED[n], abs=TOL["alpha_measured"])
    assert theory.alpha(n) - TOL["alpha_first_order"] < ratio < theory.alpha(n)


# -- against a large-width Monte Carlo estimate --------------------------------------------

@pytest.mark.parametrize("components", MC_COMPONENTS, ids="+".join)
def test_step_matches_wide_simulation(components):
    """Average the per-neuron products of simulate.run at width 50,000 over 4 seeds.

    meanfield reads G as the per-neuron Gram X0ᵀX0/d_in. For relu and linear both sides
    are scaled to trace n; the simulated tanh representation is kept raw, so its
    per-neuron Gram is compared with step's unnormalized tanh output.
    """
    d_in, n, width, seeds, weight_var = 6, 4, 50_000, 4, 1.5
    X0 = np.random.default_rng(7).standard_normal((d_in, n)) * [1.0, 2.0, 0.5, 1.5]
    X0[:, 3] += X0[:, 0]                                   # some correlation
    expected = meanfield.step(X0.T @ X0 / d_in, components, weight_var=weight_var)
    products = []
    for seed in range(seeds):
        traj = simulate.run(X0, 1, width=width, components=components, weight_var=weight_var,
                            rng=seed, keep="reps")
        X1 = traj.reps[0]                                  # (width, n)
        scale = 1.0 if components[-1] == "tanh" else width  # reps scaled to ‖X‖_F² = n
        products.append(scale * X1[:, :, None] * X1[:, None, :])   # (width, n, n)
    products = np.concatenate(products)
    estimate = products.mean(axis=0)
    se = products.std(axis=0) / np.sqrt(len(products))
    assert np.all(np.abs(estimate - expected) <= TOL["n_se"] * se + TOL["exact"])


def test_run_refuses_to_store_too_much():
    with pytest.raises(ValueError, match=r"run: depth 10000000 with a batch of 4 would store"):
        meanfield.run(np.eye(4), 10 ** 7)


def test_run_returns_a_trajectory_without_width():
    """One record for both runs: the wide limit has no width and no raw scale."""
    traj = meanfield.run(np.eye(4), 2)
    assert repr(traj) == ("Trajectory(components=('rc', 'relu'), width=None, n=4, depth=2, "
                          "weights='gaussian', weight_var=2.0, seed=None)")
    assert metrics.describe(traj).startswith("wide limit, batch 4, layer 2 of 2: ")
    with pytest.raises(ValueError, match=r"raw_norms: this Trajectory is the wide limit"):
        traj.raw_norms()


@pytest.mark.parametrize("components", [("rc", "relu"), ("rc", "linear"), ("rc", "tanh")])
def test_run_is_step_on_the_centered_gram(rng, components):
    """RC in the wide map is layers.centered_gram: one step equals the step without RC on
    P G P (the centering written once)."""
    G = metrics.gram(rng.standard_normal((8, 5))) / 8
    nl = components[-1:]
    np.testing.assert_allclose(meanfield.step(G, components),
                               meanfield.step(layers.centered_gram(G), nl), atol=TOL["exact"])
