"""Geometry measurements of ``bnteach.metrics``: closed forms and naive-loop oracles."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TOL

from bnteach import batches, layers, meanfield, metrics, simulate, theory

SHAPES = [(3, 2), (8, 4), (4, 8), (64, 16)]  # (d, n)


def _orthogonal(rng, n):
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return Q


# -- gram, cosines --------------------------------------------------------------------------

@pytest.mark.parametrize("d, n", SHAPES)
def test_gram_matches_pairwise_dot_products(rng, d, n):
    X = rng.standard_normal((d, n))
    expected = np.array([[sum(X[k, i] * X[k, j] for k in range(d)) for j in range(n)]
                         for i in range(n)])
    np.testing.assert_allclose(metrics.gram(X), expected, atol=TOL["exact"])


@pytest.mark.parametrize("d, n", SHAPES)
def test_cosines_match_a_naive_loop(rng, d, n):
    X = rng.standard_normal((d, n))
    expected = np.array([[X[:, i] @ X[:, j] / (np.linalg.norm(X[:, i]) * np.linalg.norm(X[:, j]))
                          for j in range(n)] for i in range(n)])
    C = metrics.cosines(metrics.gram(X))
    np.testing.assert_allclose(C, expected, atol=TOL["exact"])
    np.testing.assert_array_equal(np.diag(C), 1.0)


def test_cosines_are_clipped_to_minus_one_one():
    # rounding can make |G_ij| exceed sqrt(G_ii G_jj); the cosines must stay in [-1, 1]
    G = np.array([[1.0, 1 + 1e-9, -1 - 1e-9], [1 + 1e-9, 1.0, -1.0], [-1 - 1e-9, -1.0, 1.0]])
    C = metrics.cosines(G)
    assert C.max() == 1.0 and C.min() == -1.0
    assert C[0, 1] == 1.0 and C[0, 2] == -1.0


def test_cosines_do_not_depend_on_the_scale(rng):
    G = metrics.gram(rng.standard_normal((5, 4)))
    np.testing.assert_allclose(metrics.cosines(1e6 * G), metrics.cosines(G), atol=TOL["exact"])


def test_cosines_refuse_a_zero_sample(rng):
    X = rng.standard_normal((4, 3))
    X[:, 1] = 0.0
    with pytest.raises(ValueError, match=r"sample\(s\) \[1\] of G have zero norm"):
        metrics.cosines(metrics.gram(X))


# -- ranks ----------------------------------------------------------------------------------

def test_numerical_rank_uses_its_tolerance(rng):
    Q = _orthogonal(rng, 5)
    G = Q @ np.diag([1.0, 1e-3, 1e-6, 1e-9, 0.0]) @ Q.T
    G = (G + G.T) / 2
    assert metrics.numerical_rank(G) == 4                 # default rtol 1e-10
    assert metrics.numerical_rank(G, rtol=1e-7) == 3
    assert metrics.numerical_rank(G, rtol=1e-4) == 2
    assert metrics.numerical_rank(G, rtol=1e-2) == 1
    assert metrics.numerical_rank(G, rtol=2.0) == 0


@pytest.mark.parametrize("d, n, r", [(8, 6, 1), (8, 6, 3), (10, 10, 10), (32, 16, 5)])
def test_numerical_rank_of_a_low_rank_batch(d, n, r):
    X = batches.gaussian(d=d, n=n, rank=r, rng=r)
    assert metrics.numerical_rank(metrics.gram(X)) == r


def test_numerical_rank_of_zero_is_zero():
    assert metrics.numerical_rank(np.zeros((3, 3))) == 0


def test_soft_rank_of_a_rank_one_batch_is_one(rng):
    x = rng.standard_normal((6, 1))
    X = x * rng.uniform(0.5, 2.0, size=5) * np.array([1, -1, 1, 1, -1])  # one line, mixed signs
    assert metrics.soft_rank(metrics.gram(X)) == pytest.approx(1.0, rel=TOL["exact"])


@pytest.mark.parametrize("n", [2, 4, 16])
def test_soft_rank_of_an_orthogonal_equal_norm_batch_is_n(rng, n):
    X = 3.0 * _orthogonal(rng, n)
    assert metrics.soft_rank(metrics.gram(X)) == pytest.approx(n, rel=TOL["exact"])


@pytest.mark.parametrize("d, n", SHAPES)
def test_soft_rank_is_daneshmands_bound_on_x_xt(rng, d, n):
    """Daneshmand et al. (2020): tr(M)² / ‖M‖_F² with M = X Xᵀ of shape (d, d)."""
    X = rng.standard_normal((d, n)) * rng.uniform(0.2, 3, size=n)
    M = X @ X.T
    expected = np.trace(M) ** 2 / np.sum(M * M)
    assert metrics.soft_rank(metrics.gram(X)) == pytest.approx(expected, rel=TOL["exact"])
    assert 1.0 <= metrics.soft_rank(metrics.gram(X)) <= n


# -- orthogonality gap ----------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 5, 16])
def test_orthogonality_gap_closed_forms(rng, n):
    assert metrics.orthogonality_gap(7.0 * np.eye(n)) == pytest.approx(0.0, abs=TOL["exact"])
    X = 2.0 * _orthogonal(rng, n)
    assert metrics.orthogonality_gap(metrics.gram(X)) == pytest.approx(0.0, abs=TOL["exact"])
    line = np.ones((n, n)) * 4.0                      # n equal vectors on one line
    assert metrics.orthogonality_gap(line) == pytest.approx(np.sqrt(1 - 1 / n),
                                                            rel=TOL["exact"])


def test_orthogonality_gap_matches_its_definition(rng):
    G = metrics.gram(rng.standard_normal((6, 4)))
    expected = np.sqrt(np.sum((G / np.trace(G) - np.eye(4) / 4) ** 2))
    assert metrics.orthogonality_gap(G) == pytest.approx(expected, rel=TOL["exact"])



# -- cosine_spread (lessons 2 and 3) ---------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 8, 16])
def test_cosine_spread_of_the_regular_simplex_is_zero(rng, n):
    P = layers.centering_matrix(n)                    # Gram of the centered orthonormal batch
    assert metrics.cosine_spread(P, theory.simplex_cosine(n)) == pytest.approx(0, abs=TOL["exact"])
    X = 3.0 * _orthogonal(rng, n) @ P                 # any rotation of it, any scale
    assert metrics.cosine_spread(metrics.gram(X)) == pytest.approx(0, abs=TOL["exact"])
    assert metrics.cosine_spread(7.0 * np.eye(n)) == pytest.approx(0, abs=TOL["exact"])


def test_cosine_spread_matches_a_naive_loop(rng):
    X = rng.standard_normal((6, 5))
    G = metrics.gram(X)
    cos = [X[:, i] @ X[:, j] / (np.linalg.norm(X[:, i]) * np.linalg.norm(X[:, j]))
           for i in range(5) for j in range(i + 1, 5)]
    for target in (-0.25, 0.0, 0.7):
        expected = max(abs(c - target) for c in cos)
        assert metrics.cosine_spread(G, target) == pytest.approx(expected, rel=TOL["exact"])
    expected = max(abs(c - np.mean(cos)) for c in cos)          # default: the mean cosine
    assert metrics.cosine_spread(G) == pytest.approx(expected, rel=TOL["exact"])
    assert metrics.cosine_spread(1e6 * G, 0.7) == pytest.approx(metrics.cosine_spread(G, 0.7),
                                                                rel=TOL["exact"])


@pytest.mark.parametrize("n", [4, 8])
def test_centered_equal_norm_batch_has_the_simplex_mean_but_not_its_spread(rng, n):
    # the pitfall of lesson 2: antipodal pairs are centered with equal norms, so their mean
    # cosine is exactly -1/(n-1), yet they are far from the regular simplex
    U = _orthogonal(rng, n)[:, : n // 2]
    X = np.hstack([U, -U])                            # (n, n/2 + n/2): x_k and -x_k
    np.testing.assert_allclose(X.sum(axis=1), 0, atol=TOL["exact"])
    C = metrics.cosines(metrics.gram(X))
    assert C[np.triu_indices(n, 1)].mean() == pytest.approx(theory.simplex_cosine(n),
                                                            abs=TOL["exact"])
    assert metrics.cosine_spread(metrics.gram(X), theory.simplex_cosine(n)) == pytest.approx(
        1 - 1 / (n - 1), abs=TOL["exact"])


@pytest.mark.parametrize("target, error, message", [
    (1.5, ValueError, r"The 'target' parameter must be a cosine in \[-1, 1\]; got 1\.5"),
    (-1.5, ValueError, r"The 'target' parameter must be a finite number >= -1; got -1\.5"),
    ("0", TypeError, r"The 'target' parameter must be a real number"),
])
def test_cosine_spread_rejects_a_bad_target(target, error, message):
    with pytest.raises(error, match=message):
        metrics.cosine_spread(np.eye(3), target)


def test_cosine_spread_refuses_a_zero_sample():
    with pytest.raises(ValueError, match=r"sample\(s\) \[1\] of G have zero norm"):
        metrics.cosine_spread(np.diag([1.0, 0.0, 1.0]))

# -- outlier_stats --------------------------------------------------------------------------

@pytest.mark.parametrize("n", [3, 4, 8, 16])
def test_outlier_stats_on_the_invariant_configuration(n):
    for k in (n - 1, 0, n // 2):
        s = metrics.outlier_stats(theory.invariant_gram(n, outlier=k))
        assert s.index == k
        assert s.outlier_cos == pytest.approx(0.0, abs=TOL["exact"])
        assert s.cluster_cos == pytest.approx(1.0, abs=TOL["exact"])
        assert s.norm_ratio == pytest.approx(n - 1, rel=TOL["exact"])


def test_outlier_stats_fields_are_python_numbers(rng):
    s = metrics.outlier_stats(metrics.gram(rng.standard_normal((5, 4))))
    assert type(s.index) is int
    assert all(type(v) is float for v in (s.outlier_cos, s.cluster_cos, s.norm_ratio))
    assert s._fields == ("index", "outlier_cos", "cluster_cos", "norm_ratio")


def test_outlier_stats_ties_go_to_the_first_index():
    assert metrics.outlier_stats(np.eye(4)).index == 0
    G = np.diag([1.0, 4.0, 2.0, 4.0])
    assert metrics.outlier_stats(G).index == 1


def test_outlier_stats_with_two_samples_has_no_cluster():
    s = metrics.outlier_stats(np.array([[1.0, 0.5], [0.5, 4.0]]))
    assert s.index == 1
    assert np.isnan(s.cluster_cos)
    assert s.outlier_cos == pytest.approx(0.25, rel=TOL["exact"])
    assert s.norm_ratio == pytest.approx(2.0, rel=TOL["exact"])


def test_outlier_stats_matches_a_naive_computation(rng):
    X = rng.standard_normal((6, 5)) * np.array([1.0, 1.1, 3.0, 0.9, 1.2])
    s = metrics.outlier_stats(metrics.gram(X))
    norms = np.linalg.norm(X, axis=0)
    rest = [0, 1, 3, 4]
    cos = lambda i, j: X[:, i] @ X[:, j] / (norms[i] * norms[j])  # noqa: E731
    assert s.index == 2
    assert s.outlier_cos == pytest.approx(max(abs(cos(2, j)) for j in rest), rel=TOL["exact"])
    pairs = [(i, j) for i in rest for j in rest if i < j]
    assert s.cluster_cos == pytest.approx(np.mean([cos(i, j) for i, j in pairs]),
                                          rel=TOL["exact"])
    assert s.norm_ratio == pytest.approx(norms[2] / norms[rest].mean(), rel=TOL["exact"])


def test_outlier_stats_refuses_a_zero_sample():
    with pytest.raises(ValueError, match="have zero norm"):
        metrics.outlier_stats(np.diag([1.0, 0.0, 2.0]))


# -- active_counts --------------------------------------------------------------------------

@pytest.mark.parametrize("d, n", SHAPES)
def test_active_counts_match_a_naive_loop(rng, d, n):
    Z = rng.standard_normal((d, n))
    Z[0, :] = 0.0                                          # zero is not active
    expected = [sum(1 for z in row if z > 0) for row in Z]
    counts = metrics.active_counts(Z)
    assert counts.shape == (d,) and counts.dtype.kind == "i"
    np.testing.assert_array_equal(counts, expected)


# -- per_layer, describe --------------------------------------------------------------------

def test_per_layer_applies_a_metric_to_every_gram():
    traj = simulate.run(batches.gaussian(d=16, n=6, rng=1), 5, rng=2)
    out = metrics.per_layer(metrics.soft_rank, traj.grams)
    assert out.shape == (6,)
    np.testing.assert_array_equal(out, [metrics.soft_rank(G) for G in traj.grams])


def test_per_layer_stacks_tuple_metrics():
    grams = meanfield.run(theory.invariant_gram(5), 3).grams
    out = metrics.per_layer(metrics.outlier_stats, grams)
    assert out.shape == (4, 4)
    np.testing.assert_allclose(out[:, 0], 4)               # the outlier keeps index 4
    np.testing.assert_allclose(out[:, 3], 4, rtol=TOL["exact"])


def test_per_layer_nan_policy_marks_the_refused_layers_only():
    """A batch whose sample 1 dies at layer 2: "raise" names the layer, "nan" records NaN."""
    grams = np.stack([np.eye(3), np.eye(3), np.diag([1.0, 0.0, 1.0])])
    with pytest.raises(ValueError, match=r"^grams\[2\]: "):
        metrics.per_layer(lambda G: metrics.cosines(G)[0, 1], grams)
    out = metrics.per_layer(lambda G: metrics.cosines(G)[0, 1], grams, errors="nan")
    np.testing.assert_array_equal(out[:2], [0.0, 0.0])
    assert np.isnan(out[2])
    rows = metrics.per_layer(lambda G: tuple(metrics.outlier_stats(G)), grams, errors="nan")
    assert rows.shape == (3, 4) and np.all(np.isnan(rows[2])) and not np.isnan(rows[0, 0])
    with pytest.raises(ValueError, match=r"The 'errors' parameter"):
        metrics.per_layer(metrics.soft_rank, grams, errors="ignore")


def test_per_layer_nan_policy_raises_when_every_layer_is_refused():
    """No layer gives a value, so there is no shape for the NaNs: the first error is raised."""
    dead = np.zeros((3, 2, 2))
    with pytest.raises(ValueError, match=r"^grams\[0\]: "):
        metrics.per_layer(metrics.outlier_stats, dead, errors="nan")


@pytest.mark.parametrize("components, label", [
    (("rc", "relu"), "RC+ReLU"), (("rc", "rs", "relu"), "RC+RS+ReLU"),
    (("rs", "linear"), "RS+linear"), (("tanh",), "tanh"), (["relu"], "ReLU")])
def test_format_components_is_the_courses_label(components, label):
    assert metrics.format_components(components) == label


def test_format_components_refuses_what_run_refuses():
    with pytest.raises(ValueError, match="components"):
        metrics.format_components(("rc", "softmax"))


def test_describe_a_trajectory_is_one_line():
    traj = simulate.run(batches.gaussian(d=16, n=8, rng=0), 10, rng=0)
    line = metrics.describe(traj)
    assert "\n" not in line
    assert line.startswith("RC+ReLU, width 16, batch 8, layer 10 of 10: soft rank ")
    assert f"soft rank {metrics.soft_rank(traj.grams[-1]):.2f}" in line
    assert f"#{metrics.outlier_stats(traj.grams[-1]).index} " in line
    assert "layer 0 of 10" in metrics.describe(traj, layer=0)
    assert "layer 9 of 10" in metrics.describe(traj, layer=-2)


def test_describe_wide_limit_output():
    line = metrics.describe(meanfield.run(np.eye(8), 3))
    assert "\n" not in line
    assert line.startswith("wide limit, batch 8, layer 3 of 3: ")
    assert f"mean cosine {theory.kappa(8):+.3f}" in line
    assert "; rank 8;" in line


def test_describe_names_zero_samples():
    traj = meanfield.run(np.diag([1.0, 0.0, 2.0]), 0, ("linear",))
    line = metrics.describe(traj)
    assert "1 zero sample(s)" in line and "\n" not in line


def test_describe_refuses_a_layer_out_of_range():
    traj = meanfield.run(np.eye(3), 2)
    with pytest.raises(ValueError, match=r"The 'layer' parameter must be an int in the range "
                                         r"\[-3, 2\]; got 3"):
        metrics.describe(traj, layer=3)


def test_describe_takes_a_trajectory_only():
    """No guessing: an array of Gram matrices has no config to label it, so it is refused
    with the fix (pass the Trajectory, not traj.grams)."""
    traj = meanfield.run(np.eye(3), 2)
    with pytest.raises(TypeError, match=r"describe needs a Trajectory, what bnteach\.simulate\.run "
                                        r"or bnteach\.meanfield\.run returns, as traj; got an "
                                        r"array of shape \(3, 3, 3\) and dtype float64\. Pass "
                                        r"the Trajectory itself \(describe\(traj\), not "
                                        r"describe\(traj\.grams\)\)\."):
        metrics.describe(traj.grams)
    with pytest.raises(TypeError, match=r"describe needs a Trajectory.*got None\.$"):
        metrics.describe(None)


# -- centered_norms and cluster_spread (lesson 4) ------------------------------------------

@pytest.mark.parametrize("d, n", [(3, 5), (10, 4), (2, 2)])
def test_centered_norms_are_the_norms_after_recentering(rng, d, n):
    X = rng.standard_normal((d, n)) + rng.standard_normal((d, 1))
    expected = np.linalg.norm(layers.recenter(X), axis=0)
    np.testing.assert_allclose(metrics.centered_norms(X.T @ X), expected, atol=TOL["exact"])


def test_centered_norms_of_the_invariant_configuration():
    # cluster c (norm 1) and outlier o (norm n-1), c ⟂ o: centered vectors (c-o)/n and
    # -(n-1)(c-o)/n, so the outlier's is n-1 times the cluster's
    n = 6
    norms = metrics.centered_norms(theory.invariant_gram(n))
    np.testing.assert_allclose(norms[-1] / norms[0], n - 1, rtol=TOL["exact"])
    np.testing.assert_allclose(norms[:-1], norms[0], rtol=TOL["exact"])


def test_cluster_spread_against_a_naive_loop(rng):
    X = rng.standard_normal((7, 6))
    G = X.T @ X
    members = [0, 2, 5]
    naive = []
    for a in range(len(members)):
        for b in range(a + 1, len(members)):
            i, j = members[a], members[b]
            naive.append(1 - X[:, i] @ X[:, j] / np.linalg.norm(X[:, i]) / np.linalg.norm(X[:, j]))
    assert metrics.cluster_spread(G, members) == pytest.approx(np.mean(naive), abs=TOL["exact"])


def test_cluster_spread_default_leaves_out_the_largest_sample(rng):
    X = rng.standard_normal((5, 4))
    X[:, 2] *= 10
    G = X.T @ X
    assert metrics.cluster_spread(G) == pytest.approx(metrics.cluster_spread(G, [0, 1, 3]))
    assert metrics.cluster_spread(theory.invariant_gram(8)) == pytest.approx(0, abs=TOL["exact"])


@pytest.mark.parametrize("members", [[1], [0, 0], [0, 9], [[0, 1]], [0.0, 1.0]])
def test_cluster_spread_rejects_bad_members(members):
    with pytest.raises(ValueError, match=r"The 'members' parameter must list at least 2 distinct"):
        metrics.cluster_spread(theory.invariant_gram(5), members)
