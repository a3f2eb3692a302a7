"""Checkers of Lesson 5 (the branching tree): tree Gram matrices and the growth of a split.

Each ``check_<name>(your_function)`` follows the protocol of
:mod:`bnteach.exercises.harness`: True when it passes, False while pending, an
``AssertionError`` with a hint when it fails.
"""

from __future__ import annotations

import numpy as np

from bnteach import meanfield, metrics, theory, tree
from bnteach.exercises.harness import as_array, as_number, call, exercise, reject_known_mistakes

__all__ = ["check_tree_gram", "check_split_growth"]

LESSON = "05_branching_tree.ipynb"


def _from_levels(cosines, levels):
    """Ones where ``levels`` is 0, ``cosines[levels - 1]`` elsewhere."""
    c = np.asarray(cosines, dtype=float)
    return np.where(levels == 0, 1.0, c[np.clip(levels - 1, 0, len(c) - 1)])


def _tree_gram_cause(err):
    if isinstance(err, IndexError):
        return ("an index past the end of cosines: the levels run from 1 (siblings) to k (the "
                "root), and cosines has k entries, at indices 0 .. k − 1. The cosine of level "
                "l is cosines[l - 1].")
    return None


@exercise("tree_gram", "5.1", "build a tree batch's Gram matrix", LESSON)
def check_tree_gram(tree_gram) -> str:
    """Check your ``tree_gram(cosines)``: the Gram matrix of unit vectors on a binary tree.

    Exercise 5.1 of ``lessons/05_branching_tree.ipynb``. ``cosines[l - 1]`` is the
    cosine at level ``l`` (siblings first, root last), for k = 1, 2 and 3 levels.
    Reference: :func:`bnteach.tree.tree_gram`, at absolute tolerance 1e-12.

    Parameters
    ----------
    tree_gram : callable
        Your function, ``tree_gram(cosines) -> ndarray of shape (2**k, 2**k)``;
        pass the function itself, without calling it.

    Returns
    -------
    Result
        True when your function passes (a line says so), False while it still raises
        ``NotImplementedError`` (the exercise is pending).

    Raises
    ------
    AssertionError
        When it fails, with the exercise number and a hint saying what to fix.

    Examples
    --------
    >>> def tree_gram(cosines):
    ...     levels = bn.tree.lca_levels(2 ** len(cosines))
    ...     return np.where(levels == 0, 1.0, np.asarray(cosines)[levels - 1])
    >>> import bnteach as bn
    >>> check_tree_gram(tree_gram)
    Exercise 5.1 passed: your Gram matrices match bnteach.tree.tree_gram.
    True
    """
    all_cosines = ([0.5], [0.9, 0.2], [0.95, 0.7, 0.1])
    outs = []
    for cosines in all_cosines:
        expected = tree.tree_gram(cosines)
        outs.append(as_array(call(tree_gram, np.array(cosines), cause=_tree_gram_cause),
                             expected.shape, f"(2**k, 2**k) for k = {len(cosines)} levels"))
    for cosines, out in zip(all_cosines, outs):
        expected = tree.tree_gram(cosines)
        if np.allclose(out, expected, atol=1e-12):
            continue
        k, n = len(cosines), len(expected)
        levels = tree.lca_levels(n)
        if k == 2 and np.allclose(out, _from_levels(cosines[::-1], levels)):
            cosines, out = all_cosines[2], outs[2]      # reversed or shifted: k = 3 tells
            k, n, levels, expected = 3, 8, tree.lca_levels(8), tree.tree_gram(all_cosines[2])
        assert np.allclose(np.diag(out), 1.0), (
            f"the diagonal should be 1 (unit vectors); for cosines {cosines} it is "
            f"{np.round(np.diag(out), 3).tolist()}.")
        diff_levels = np.array([[abs(i - j).bit_length() for j in range(n)] for i in range(n)])
        c = np.asarray(cosines)
        variants = [
            (np.where(levels == 0, 1.0, c[levels % k]),
             "you used cosines[level] (wrapped around with % k): the levels run from 1 "
             "(siblings) to k (the root), so the cosine of level l is cosines[l - 1]."),
            (_from_levels(cosines[::-1], levels),
             f"your levels are in reverse order: cosines[0] is for siblings (level 1), the "
             f"last entry for the root (level {k})."),
            (_from_levels(cosines, diff_levels),
             "neighbours in numbering are not always siblings: leaves 1 and 2 meet only at "
             "level 2. Use the level of the lowest common ancestor (bn.tree.lca_level(i, j)), "
             "not |i − j|."),
            (np.where(levels == 0, 0.0, _from_levels(cosines, levels)), "the diagonal should "
             "be 1: each unit vector has cosine 1 with itself."),
        ]
        reject_known_mistakes(out, variants, close=lambda a, b: np.allclose(a, b, atol=1e-12))
        assert np.allclose(out, out.T), "the Gram matrix should be symmetric: G[i, j] = G[j, i]."
        i, j = np.argwhere(~np.isclose(out, expected))[0]
        raise AssertionError(f"for cosines {cosines}, entry ({i}, {j}) should be "
                             f"{expected[i, j]:g} (leaves {i} and {j} meet at level "
                             f"{tree.lca_level(int(i), int(j))}); yours is {out[i, j]:g}.")
    return "your Gram matrices match bnteach.tree.tree_gram."


def _members_cause(err):
    if "members" in str(err):
        return ("the big group has n − m samples, the first n − m of the batch (m is the size "
                "of the small group, the last m samples): check the indices you pass as members.")
    return None


@exercise("split_growth", "5.2", "measure the growth of a split's big group", LESSON)
def check_split_growth(split_growth) -> str:
    """Check your ``split_growth(G0, m)``: the one-layer growth of the big group's spread.

    Exercise 5.2 of ``lessons/05_branching_tree.ipynb``. ``G0`` is the Gram matrix
    of an m vs n − m split batch (:func:`bnteach.tree.split_gram`: the big group is
    the first n − m samples); the growth is the big group's spread (mean ``1 − cos``
    over its pairs, :func:`bnteach.metrics.cluster_spread`) after one
    :func:`bnteach.meanfield.step`, over the spread before. Compared with that
    reference at relative tolerance 1e-6, for n = 8 and 16 and m = 1, 2, 4, so the
    closed form n²/(m² + (n − m)²) (:func:`bnteach.theory.two_cluster_factor`),
    about 1e-4 to 2e-4 away (relative), does not pass.

    Parameters
    ----------
    split_growth : callable
        Your function, ``split_growth(G0, m) -> float``;
        pass the function itself, without calling it.

    Returns
    -------
    Result
        True when your function passes (a line says so), False while it still raises
        ``NotImplementedError`` (the exercise is pending).

    Raises
    ------
    AssertionError
        When it fails, with the exercise number and a hint saying what to fix.
    """
    spread = metrics.cluster_spread
    for n, m in ((16, 1), (16, 4), (8, 2), (16, 8)):
        G0 = tree.split_gram(n, m, rng=n + m)
        where = f"for n = {n}, m = {m}"
        out = as_number(call(split_growth, G0, m, cause=_members_cause), where,
                        "Return the ratio of two spreads.")
        G1 = meanfield.step(G0)
        big, small = np.arange(n - m), np.arange(n - m, n)
        expected = spread(G1, big) / spread(G0, big)
        if np.isclose(out, expected, rtol=1e-6, atol=0):
            continue
        ratio = lambda f: f(G1) / f(G0)
        mean_gap = lambda G, ms: float(np.mean(1 - G[np.ix_(ms, ms)][np.triu_indices(len(ms), 1)]))
        hints = [
            (theory.two_cluster_factor(n, m),
             f"that is the closed form n²/(m² + (n − m)²) = {theory.two_cluster_factor(n, m):.6f}"
             f", exact only for a vanishing spread; measure the growth itself, {expected:.6f} "
             f"here: one bn.meanfield.step, and the ratio of the big group's spreads."),
            (1 / expected, "you divided before by after; the growth is after / before."),
            (ratio(lambda G: spread(G, small)) if m >= 2 else None,
             "you measured the small group (the last m samples); the big group is the first "
             "n − m samples, np.arange(n - m)."),
            (ratio(spread) if m >= 2 else None,
             "bn.metrics.cluster_spread without members takes every sample but the longest: "
             "pass members=np.arange(n - m), the big group."),
            (ratio(lambda G: spread(G, np.arange(m, n))) if n - m != m else None,
             "you measured the last n − m samples (np.arange(m, n)); the big group is the "
             "first n − m samples."),
            (ratio(lambda G: spread(G, np.arange(m))) if 2 <= m < n - m else None,
             "you measured the first m samples (np.arange(m)); the big group is the first "
             "n − m samples, m being the size of the small group."),
            (ratio(lambda G: spread(G, np.arange(n))),
             "you measured the spread of the whole batch; measure the big group's, the first "
             "n − m samples: members=np.arange(n - m)."),
            (ratio(lambda G: mean_gap(G, big)),
             "you averaged 1 − G_ij over the Gram entries; the spread uses the cosines, "
             "G_ij / sqrt(G_ii G_jj) (bn.metrics.cosines, or bn.metrics.cluster_spread)."),
            (np.sqrt(expected), "that is the growth of the angle; the spread 1 − cos grows like "
                                "the angle squared: return the ratio of spreads itself."),
            (ratio(lambda G: spread(G, np.arange(n - m - 1))) if n - m > 2 else None,
             "off by one: the big group is the first n − m samples, np.arange(n - m), "
             "n − m of them."),
        ]
        # near 1 the mixed-group mistakes differ by 1e-8 (relative): rounding is far smaller
        reject_known_mistakes(out, hints, f"{where} you returned {out:.6f}: ",
                              close=lambda a, b: np.isclose(a, b, rtol=1e-10, atol=0))
        assert abs(out - 1) > 1e-5, (
            f"{where} you returned {out:.6f}: a spread that mixes the two groups, whose pairs "
            f"across the groups hardly change in a wide layer. The big group is the first "
            f"n − m samples; the small group, the last m, is not part of it.")
        raise AssertionError(
            f"{where} the big group's spread grows by {expected:.6f} in one wide layer; yours is "
            f"{out:.6f}. Compute G1 = bn.meanfield.step(G0), then the ratio of "
            f"bn.metrics.cluster_spread(G, np.arange(n - m)) after and before.")
    return "the big group's growth over one wide layer matches the measurement."
