"""The input batches of ``bnteach.batches``: shapes, ranks, the Gram matrices they are built
to have, one argument order ``(d, n)`` with keyword-only sizes, and the random streams the
lessons' checked outputs depend on."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from conftest import TOL

from bnteach import batches, metrics, theory

BUILDERS = [batches.gaussian, batches.nearly_rank_one, batches.cluster_outlier, batches.from_gram]


# -- one convention ----------------------------------------------------------------------------

def test_every_builder_is_listed():
    assert {f.__name__ for f in BUILDERS} == set(batches.__all__)


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda f: f.__name__)
def test_sizes_are_keyword_only_in_the_order_d_n(builder):
    """A swapped (n, d) can never be read silently: d and n are keyword-only, listed d first."""
    params = inspect.signature(builder).parameters
    sizes = [p for p in params if p in ("d", "n")]
    assert sizes in (["d", "n"], ["d"])
    assert all(params[p].kind is inspect.Parameter.KEYWORD_ONLY for p in sizes)


@pytest.mark.parametrize("call", [lambda: batches.gaussian(8, 5),
                                  lambda: batches.nearly_rank_one(8, 5),
                                  lambda: batches.cluster_outlier(16, 40),
                                  lambda: batches.from_gram(np.eye(3), 5)])
def test_positional_sizes_are_refused(call):
    with pytest.raises(TypeError, match="positional argument"):
        call()


def test_the_random_streams_are_the_lessons():
    """The draws the lessons' checked outputs were blessed with: the same generator calls, in
    the same order, as the builders of bnteach.simulate before they moved here."""
    rng = np.random.default_rng(7)
    np.testing.assert_array_equal(batches.gaussian(d=5, n=3, rng=1),
                                  np.random.default_rng(1).standard_normal((5, 3)))
    low = np.random.default_rng(2)
    basis = low.standard_normal((6, 2)) / np.sqrt(2)
    np.testing.assert_array_equal(batches.gaussian(d=6, n=4, rank=2, rng=2),
                                  basis @ low.standard_normal((2, 4)))
    X = batches.cluster_outlier(n=5, d=9, noise=1e-3, rng=rng)
    np.testing.assert_array_equal(X[2:, :-1],
                                  1e-3 * np.random.default_rng(7).standard_normal((7, 4)))


# -- from_gram ------------------------------------------------------------------------------

@pytest.mark.parametrize("d, n", [(3, 2), (8, 4), (4, 8), (64, 16)])
def test_from_gram_reproduces_a_random_gram(rng, d, n):
    G = metrics.gram(rng.standard_normal((d, n)))
    X = batches.from_gram(G)
    assert X.shape == (n, n)
    np.testing.assert_allclose(X.T @ X, G, atol=TOL["exact"] * np.abs(G).max())
    wide = batches.from_gram(G, d=n + 5)
    assert wide.shape == (n + 5, n)
    np.testing.assert_allclose(wide.T @ wide, G, atol=TOL["exact"] * np.abs(G).max())


@pytest.mark.parametrize("n", [2, 3, 8, 16])
def test_from_gram_of_the_invariant_configuration(n):
    G = theory.invariant_gram(n, outlier=n // 2)
    X = batches.from_gram(G, d=2 * n)
    np.testing.assert_allclose(X.T @ X, G, atol=TOL["exact"])
    cluster = [i for i in range(n) if i != n // 2]
    for i in cluster:                                          # bitwise identical copies
        np.testing.assert_array_equal(X[:, i], X[:, cluster[0]])
    assert np.count_nonzero(np.any(X != 0, axis=1)) == 2       # rank 2: two non-zero rows


def test_from_gram_refuses_a_width_below_the_rank(rng):
    G = metrics.gram(rng.standard_normal((5, 4)))
    with pytest.raises(ValueError, match=r"The 'd' parameter \(the width\) must be at least the "
                                         r"rank of G \(4\).*got 3"):
        batches.from_gram(G, d=3)


# -- gaussian -------------------------------------------------------------------------------

@pytest.mark.parametrize("d, n, r", [(8, 6, 1), (8, 6, 2), (16, 8, 5), (5, 5, 5)])
def test_gaussian_rank(d, n, r):
    X = batches.gaussian(d=d, n=n, rank=r, rng=0)
    assert X.shape == (d, n)
    assert np.linalg.matrix_rank(X) == r
    assert metrics.numerical_rank(metrics.gram(X)) == r


def test_gaussian_is_standard_gaussian():
    X = batches.gaussian(d=400, n=50, rng=0)
    assert X.shape == (400, 50)
    assert abs(X.mean()) <= TOL["n_se"] / np.sqrt(X.size)
    assert abs(X.var() - 1) <= TOL["n_se"] * np.sqrt(2 / X.size)


# -- nearly_rank_one (lessons 1, 2) ----------------------------------------------------------

@pytest.mark.parametrize("d, n", [(4, 4), (32, 4), (512, 4), (8, 3)])
@pytest.mark.parametrize("eps", [1e-6, 1e-3])
def test_nearly_rank_one_batch(d, n, eps):
    X = batches.nearly_rank_one(d=d, n=n, eps=eps)
    assert X.shape == (d, n)
    np.testing.assert_array_equal(X, batches.nearly_rank_one(d=d, n=n, eps=eps))  # deterministic
    # sample 0 is (1 + eps) e_1, sample j > 0 is eps e_(j+1): singular values 1 + eps and eps
    np.testing.assert_allclose(np.linalg.svd(X, compute_uv=False), [1 + eps] + [eps] * (n - 1),
                               rtol=TOL["exact"])
    G = metrics.gram(X)
    s2 = np.array([(1 + eps) ** 2] + [eps ** 2] * (n - 1))     # squared norms, orthogonal
    expected_gap = np.sqrt(np.sum((s2 / s2.sum() - 1 / n) ** 2))  # → sqrt(1 - 1/n) as eps → 0
    assert metrics.orthogonality_gap(G) == pytest.approx(expected_gap, rel=TOL["exact"])
    assert metrics.numerical_rank(G, rtol=eps ** 2 / 2) == n


def test_nearly_rank_one_refuses_a_zero_eps():
    with pytest.raises(ValueError, match=r"The 'eps' parameter must be a finite number > 0; "
                                         r"got 0\.0\."):
        batches.nearly_rank_one(d=4, n=3, eps=0)


# -- cluster_outlier (lesson 4) ------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 8, 16])
def test_cluster_outlier_has_the_invariant_gram(n):
    X = batches.cluster_outlier(n=n)
    assert X.shape == (n + 2, n)
    G = X.T @ X
    np.testing.assert_allclose(G * (n / np.trace(G)), theory.invariant_gram(n), atol=TOL["exact"])
    assert G[0, 0] == 1.0 and G[-1, -1] == (n - 1) ** 2


def test_cluster_outlier_noise_is_orthogonal_to_cluster_and_outlier():
    X = batches.cluster_outlier(n=6, d=40, noise=1e-3, rng=0)
    assert np.all(X[:2, :-1] == [[1.0], [0.0]]) and np.all(X[2:, -1] == 0)
    noise = X[2:, :-1]
    assert np.std(noise) == pytest.approx(1e-3, rel=0.1)
    assert not np.array_equal(noise, batches.cluster_outlier(n=6, d=40, noise=1e-3, rng=1)[2:, :-1])
    np.testing.assert_array_equal(X, batches.cluster_outlier(n=6, d=40, noise=1e-3, rng=0))


def test_cluster_outlier_validates():
    with pytest.raises(ValueError, match=r"The 'd' parameter must be an int in the range \[3, inf\)"):
        batches.cluster_outlier(n=4, d=2, noise=0.1)
    with pytest.raises(ValueError, match=r"The 'noise' parameter must be a finite number >= 0"):
        batches.cluster_outlier(n=4, noise=-1.0)
    with pytest.raises(ValueError, match=r"The 'n' parameter must be an int in the range \[2, inf\)"):
        batches.cluster_outlier(n=1)
