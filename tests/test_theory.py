"""Closed forms of ``bnteach.theory`` against science.md's tables and independent checks."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TOL

from bnteach import batches, layers, lyapunov, meanfield, metrics, theory

# science.md R3: kappa(n) to 4 decimals
KAPPA_TABLE = {3: 0.1090, 4: 0.1695, 8: 0.2501, 16: 0.2857, 32: 0.3023, 64: 0.3104}
# science.md R5: alpha(n) as printed. (32: 1.0645 is a double rounding of 1024/962 =
# 1.064449..., so it is one unit in the last place off; TOL["table4"] allows that.)
ALPHA_TABLE = {3: 1.8, 4: 1.6, 8: 1.28, 16: 1.1327, 32: 1.0645, 64: 1.0317}


# -- relu_cosine, simplex_cosine, kappa -----------------------------------------------------

def test_relu_cosine_at_the_ends_and_the_middle():
    assert theory.relu_cosine(-1.0) == 0.0
    assert theory.relu_cosine(1.0) == 1.0
    assert theory.relu_cosine(0.0) == pytest.approx(1 / np.pi, abs=TOL["exact"])
    assert isinstance(theory.relu_cosine(0.5), float)


def test_relu_cosine_clips_and_works_elementwise():
    c = np.array([[-2.0, -1.0], [0.0, 1.5]])
    out = theory.relu_cosine(c)
    assert out.shape == (2, 2)
    np.testing.assert_allclose(out, [[0.0, 0.0], [1 / np.pi, 1.0]], atol=TOL["exact"])


def test_relu_cosine_is_increasing_and_maps_into_zero_one():
    out = theory.relu_cosine(np.linspace(-1, 1, 2001))
    assert np.all(np.diff(out) > 0)
    assert out.min() >= 0.0 and out.max() <= 1.0


@pytest.mark.parametrize("c", [-0.9, -0.3, 0.0, 0.4, 0.95])
def test_relu_cosine_matches_a_monte_carlo_oracle(rng, c):
    """E[relu(u) relu(v)] / sqrt(E relu(u)² E relu(v)²) for a Gaussian pair of correlation c."""
    m = 400_000
    u = rng.standard_normal(m)
    v = c * u + np.sqrt(1 - c * c) * rng.standard_normal(m)
    ru, rv = np.maximum(u, 0), np.maximum(v, 0)
    prod = ru * rv / np.sqrt(np.mean(ru ** 2) * np.mean(rv ** 2))
    se = prod.std() / np.sqrt(m)
    assert abs(prod.mean() - theory.relu_cosine(c)) <= TOL["n_se"] * se


@pytest.mark.parametrize("n", [2, 3, 5, 16])
def test_simplex_cosine_is_the_cosine_of_a_centered_orthogonal_batch(n):
    C = metrics.cosines(metrics.gram(layers.recenter(np.eye(n))))
    off = C[~np.eye(n, dtype=bool)]
    np.testing.assert_allclose(off, theory.simplex_cosine(n), atol=TOL["exact"])
    assert theory.simplex_cosine(n) == -1.0 / (n - 1)


def test_kappa_and_alpha_at_n_equal_2():
    assert theory.kappa(2) == 0.0
    assert theory.alpha(2) == 2.0


@pytest.mark.parametrize("n, expected", sorted(KAPPA_TABLE.items()))
def test_kappa_matches_the_science_table(n, expected):
    assert theory.kappa(n) == pytest.approx(expected, abs=TOL["table4"])


def test_kappa_increases_to_one_over_pi():
    values = theory.kappa(np.arange(2, 2000))
    assert np.all(np.diff(values) > 0)
    assert np.all(values < 1 / np.pi)
    assert abs(theory.kappa(10 ** 6) - 1 / np.pi) <= TOL["kappa_limit"]


@pytest.mark.parametrize("n", [2, 3, 8, 16])
def test_kappa_is_relu_cosine_of_the_simplex_cosine(n):
    assert theory.kappa(n) == theory.relu_cosine(-1.0 / (n - 1))


# -- alpha, two_cluster_factor --------------------------------------------------------------

@pytest.mark.parametrize("n, expected", sorted(ALPHA_TABLE.items()))
def test_alpha_matches_the_science_table(n, expected):
    assert theory.alpha(n) == pytest.approx(expected, abs=TOL["table4"])


@pytest.mark.parametrize("n", [2, 3, 4, 7, 16, 100])
def test_alpha_closed_forms(n):
    a = theory.alpha(n)
    assert a == pytest.approx(n * n / ((n - 1) ** 2 + 1), rel=TOL["exact"])
    # RC shrinks a unit cluster point of the invariant configuration to squared norm 1/alpha
    X = batches.from_gram(theory.invariant_gram(n) * (n - 1))  # cluster norms 1
    centered = layers.recenter(X)
    assert np.sum(centered[:, 0] ** 2) == pytest.approx(1 / a, rel=TOL["exact"])


@pytest.mark.parametrize("n", [2, 3, 5, 8, 16, 33])
def test_two_cluster_factor_at_one_outlier_is_alpha(n):
    assert theory.two_cluster_factor(n, 1) == pytest.approx(theory.alpha(n), rel=TOL["exact"])


@pytest.mark.parametrize("n", [2, 4, 8, 16, 32])
def test_two_cluster_factor_at_half_is_two(n):
    assert theory.two_cluster_factor(n, n // 2) == 2.0


@pytest.mark.parametrize("n", [3, 8, 11])
def test_two_cluster_factor_is_symmetric_and_smallest_at_one(n):
    f = [theory.two_cluster_factor(n, m) for m in range(1, n)]
    assert f == f[::-1]                                   # m <-> n - m
    assert min(f) == f[0]                                 # alpha, the least unstable split
    assert max(f) == pytest.approx(n * n / ((n // 2) ** 2 + (n - n // 2) ** 2),
                                   rel=TOL["exact"])


# -- invariant_gram, cluster_angle ----------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 4, 8, 16])
def test_invariant_gram_structure(n):
    G = theory.invariant_gram(n)
    assert G.shape == (n, n)
    assert np.trace(G) == pytest.approx(n, rel=TOL["exact"])
    np.testing.assert_array_equal(G, G.T)
    cluster = G[: n - 1, : n - 1]
    np.testing.assert_array_equal(cluster, cluster[0, 0])           # block constant
    np.testing.assert_array_equal(G[: n - 1, n - 1], 0.0)           # cross terms zero
    s = metrics.outlier_stats(G)
    assert s.index == (n - 1 if n > 2 else 0)        # n = 2: equal norms, a tie -> first
    assert s.norm_ratio == pytest.approx(n - 1, rel=TOL["exact"])
    assert s.outlier_cos == 0.0
    if n > 2:
        assert s.cluster_cos == pytest.approx(1.0, abs=TOL["exact"])


@pytest.mark.parametrize("n, k", [(2, 0), (4, 0), (5, 2), (8, 7), (8, 3)])
def test_invariant_gram_places_the_outlier(n, k):
    G = theory.invariant_gram(n, outlier=k)
    assert metrics.outlier_stats(G).index == k
    order = [i for i in range(n) if i != k] + [k]   # move the outlier last
    np.testing.assert_array_equal(G[np.ix_(order, order)], theory.invariant_gram(n))


@pytest.mark.parametrize("n", [3, 4, 8, 16, 32, 100])
def test_cluster_angle_formula(n):
    a = n * n / (n * n - 2 * n + 2)
    assert theory.cluster_angle(n) == pytest.approx(3 * np.pi * (a - 1) / (2 * a ** 1.5),
                                                    rel=TOL["exact"])


@pytest.mark.parametrize("n", [16, 32])
def test_cluster_angle_matches_the_wide_limit_attractor(rng, n):
    """science.md R6: iterate the wide RC+ReLU map from a perturbed cluster+outlier state."""
    X = batches.from_gram(theory.invariant_gram(n), d=3 * n)
    X = X + 1e-3 * rng.standard_normal(X.shape)
    G = meanfield.run(metrics.gram(X), 3000).grams[-1]
    s = metrics.outlier_stats(G)
    assert s.outlier_cos < 0.05          # science.md §6's split detector: still an outlier
    predicted = 1 - np.cos(theory.cluster_angle(n))
    assert (1 - s.cluster_cos) == pytest.approx(predicted, rel=TOL["attractor"])


# -- array inputs ---------------------------------------------------------------------------

@pytest.mark.parametrize("func", [theory.kappa, theory.alpha, theory.simplex_cosine,
                                  theory.cluster_angle])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint16])
def test_theory_functions_accept_numpy_int_arrays(func, dtype):
    ns = np.array([2, 3, 8, 64], dtype=dtype)
    out = func(ns)
    assert isinstance(out, np.ndarray) and out.shape == (4,)
    np.testing.assert_allclose(out, [func(int(k)) for k in ns], rtol=TOL["exact"])
    assert func(dtype(8)) == pytest.approx(func(8), rel=TOL["exact"])   # numpy int scalar


def test_theory_functions_accept_numpy_int_scalars():
    assert theory.two_cluster_factor(np.int64(8), np.int32(1)) == theory.alpha(8)
    np.testing.assert_array_equal(theory.invariant_gram(np.int64(5)), theory.invariant_gram(5))


# -- lyapunov_exponents ---------------------------------------------------------------------

def test_lyapunov_digamma_at_known_values():
    euler_gamma = 0.5772156649015329
    np.testing.assert_allclose(lyapunov._digamma(np.array([1.0, 0.5, 2.0, 10.0])),
                               [-euler_gamma, -euler_gamma - 2 * np.log(2), 1 - euler_gamma,
                                sum(1 / k for k in range(1, 10)) - euler_gamma],
                               atol=TOL["exact"])


@pytest.mark.parametrize("d", [1, 3, 8])
def test_lyapunov_exponents_match_the_mean_log_of_qr_diagonals(rng, d):
    """Oracle: lambda_i = E log |R_ii| for R from the QR of one d x d N(0, 1/d) matrix."""
    lam = theory.lyapunov_exponents(d)
    assert lam.shape == (d,) and np.all(np.diff(lam) < 0)
    m = 20_000
    A = rng.standard_normal((m, d, d)) / np.sqrt(d)
    logs = np.log(np.abs(np.diagonal(np.linalg.qr(A, mode="r"), axis1=1, axis2=2)))  # (m, d)
    se = logs.std(axis=0) / np.sqrt(m)
    assert np.all(np.abs(logs.mean(axis=0) - lam) <= TOL["n_se"] * se)
