"""Tests for bnteach.tree, the course's branching-tree model (lesson 5)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import TOL

from bnteach import batches, meanfield, metrics, theory, tree


def test_lca_level_against_a_walk_up_the_tree():
    for i, j in itertools.product(range(16), repeat=2):
        a, b, level = i, j, 0
        while a != b:                       # the oracle: climb until the ancestors meet
            a, b, level = a // 2, b // 2, level + 1
        assert tree.lca_level(i, j) == level


@pytest.mark.parametrize("n", [1, 2, 4, 16])
def test_lca_levels_is_lca_level_for_every_pair(n):
    expected = [[tree.lca_level(i, j) for j in range(n)] for i in range(n)]
    np.testing.assert_array_equal(tree.lca_levels(n), expected)


def test_lca_levels_needs_a_power_of_two():
    with pytest.raises(ValueError, match=r"The 'n' parameter of lca_levels must be a power of two"):
        tree.lca_levels(12)


@pytest.mark.parametrize("cos", [[0.5], [0.9, 0.2], [1 - 1e-9, 1 - 1e-6, 1 - 1e-3], [0.3] * 4])
def test_tree_gram_structure(cos):
    G = tree.tree_gram(cos)
    n = 2 ** len(cos)
    assert G.shape == (n, n)
    np.testing.assert_array_equal(np.diag(G), 1.0)
    for i, j in itertools.combinations(range(n), 2):
        assert G[i, j] == G[j, i] == cos[tree.lca_level(i, j) - 1]
    np.testing.assert_allclose(tree.tree_cosines(G), cos, atol=TOL["exact"])


def test_tree_gram_refuses_impossible_cosines():
    with pytest.raises(ValueError, match="describe no set of vectors"):
        tree.tree_gram([0.0, 0.9])
    with pytest.raises(ValueError, match=r"cosines must lie in \[-1, 1\]"):
        tree.tree_gram([1.5])
    with pytest.raises(ValueError, match="1-D sequence of k level cosines, 1 <= k <= 12"):
        tree.tree_gram([])


def test_tree_cosines_refuses_a_non_tree(rng):
    X = rng.standard_normal((10, 8))
    with pytest.raises(ValueError, match="not tree-structured"):
        tree.tree_cosines(X.T @ X)
    with pytest.raises(ValueError, match=r"n = 2\*\*k samples"):
        tree.tree_cosines(np.eye(6))


@pytest.mark.parametrize("cos", [[0.9, 0.3], [1 - 1e-8, 1 - 1e-4, 0.5], [0.99, 0.9, 0.8, 0.1]])
def test_wide_map_keeps_tree_structure_exactly(cos):
    grams = meanfield.run(tree.tree_gram(cos), 30).grams
    for G in grams:
        tree.tree_cosines(G)                # raises if cosines at a level differ by > 1e-9
    levels = tree.tree_run(cos, 30)
    assert levels.shape == (31, len(cos))
    np.testing.assert_allclose(levels[1], tree.tree_step(cos), atol=TOL["exact"])
    np.testing.assert_allclose(levels[5], tree.tree_cosines(grams[5]), atol=TOL["exact"])


def test_tight_halves_split_orthogonally_after_one_layer():
    """science.md §4A: with tight halves the root turns near-orthogonal after one layer."""
    after = tree.tree_step([1 - 1e-9, 1 - 1e-6, 1 - 1e-3])
    assert abs(after[-1]) < 1e-4


@pytest.mark.parametrize("k", [2, 3, 4])
def test_tree_ends_equiangular_at_kappa(k):
    levels = tree.tree_run([1 - 1e-6] + [1 - 1e-4] * (k - 2) + [0.5], 200)
    np.testing.assert_allclose(levels[-1], theory.kappa(2 ** k), atol=1e-6)


def test_levels_open_in_turn_and_gaps_double():
    """Each half's (1 - cos) grows about x2 per layer (two_cluster_factor at m = n/2)."""
    levels = tree.tree_run([1 - 1e-9, 1 - 1e-6, 1 - 1e-3], 60)
    opened = [int(np.argmax(levels[:, lv] < 0.5)) for lv in range(3)]
    assert opened[2] < opened[1] < opened[0]
    gaps = 1 - levels[1:5, 1]                # 1 - cos about 1e-6: the linear regime
    ratios = gaps[1:] / gaps[:-1]
    np.testing.assert_allclose(ratios, theory.two_cluster_factor(8, 4), rtol=0.05)


@pytest.mark.parametrize("m", [1, 2, 4, 8])
def test_split_tree_branches_at_the_two_cluster_factor(m):
    n = 16
    G = tree.split_gram(n, m, noise=1e-4, rng=0)
    G1 = meanfield.step(G)
    big = np.arange(n - m)
    growth = metrics.cluster_spread(G1, big) / metrics.cluster_spread(G, big)
    assert growth == pytest.approx(theory.two_cluster_factor(n, m), rel=1e-3)


def test_split_gram_with_one_outlier_is_the_invariant_configuration():
    G = tree.split_gram(8, 1, noise=0.0)
    np.testing.assert_allclose(G * (8 / np.trace(G)), theory.invariant_gram(8), atol=TOL["exact"])
    np.testing.assert_allclose(G, batches.cluster_outlier(n=8).T @ batches.cluster_outlier(n=8),
                               atol=TOL["exact"])


@pytest.mark.parametrize("m", [1, 2, 4])
def test_lopsided_splits_end_at_cluster_plus_outlier(m):
    """science.md §4C: k = 1, 2, 4 end in the cluster+outlier attractor (3000 layers)."""
    end = meanfield.run(tree.split_gram(16, m, rng=0), 3000).grams[-1]
    s = metrics.outlier_stats(end)
    assert s.outlier_cos < 0.01 and s.norm_ratio > 12 and s.cluster_cos > 0.8
    assert len(tree.groups(end)) == 2


def test_balanced_split_with_many_fresh_directions_ends_equiangular():
    end = meanfield.run(tree.split_gram(16, 8, fresh=62, rng=0), 3000).grams[-1]
    C = metrics.cosines(end)
    np.testing.assert_allclose(C[np.triu_indices(16, 1)], theory.kappa(16), atol=1e-3)
    assert len(tree.groups(end)) == 16


def test_groups_are_connected_components():
    C = np.array([[1, .9, .1, .1], [.9, 1, .1, .7], [.1, .1, 1, .1], [.1, .7, .1, 1.]])
    assert tree.groups(C) == [(0, 1, 3), (2,)]          # 0-1 and 1-3 link 0 to 3
    assert tree.groups(C, threshold=0.8) == [(0, 1), (2,), (3,)]
    assert tree.groups(np.ones((3, 3))) == [(0, 1, 2)]
    assert tree.groups(np.eye(3)) == [(0,), (1,), (2,)]


def test_branching_history_of_a_tree_doubles_groups():
    grams = meanfield.run(tree.tree_gram([1 - 1e-9, 1 - 1e-6, 1 - 1e-3]), 60).grams
    counts = [len(p) for p in tree.branching_history(grams)]
    assert counts[0] == 1 and counts[-1] == 8
    assert sorted(set(counts)) == [1, 2, 4, 8] and counts == sorted(counts)
    with pytest.raises(ValueError, match=r"grams must have shape \(depth \+ 1, n, n\)"):
        tree.branching_history(grams[0])


def test_tree_gram_refuses_too_many_levels():
    with pytest.raises(ValueError, match=r"1 <= k <= 12 \(siblings first"):
        tree.tree_gram([0.5] * 13)
