"""Checkers of Lesson 5 (the branching tree): tree levels and tree Gram matrices.

Each ``check_<name>(your_function)`` follows the protocol of
:mod:`bnteach.exercises.harness`: True when it passes, False while pending, an
``AssertionError`` with a hint when it fails.
"""

from __future__ import annotations

import numpy as np

from bnteach import tree
from bnteach.exercises.harness import (RTOL, as_array, as_number, call, exercise,
                                       reject_known_mistakes)

__all__ = ["check_lca_level", "check_tree_gram"]

LESSON = "05_branching_tree.ipynb"


@exercise("lca_level", "5.1", "find the level where two leaves meet", LESSON)
def check_lca_level(lca_level) -> str:
    """Check your ``lca_level(i, j)``: the level of the lowest common ancestor of two leaves.

    Exercise 5.1 of ``lessons/05_branching_tree.ipynb``. Leaves ``0 .. n−1`` of a
    balanced binary tree; siblings meet at level 1, the two halves at the root,
    level k; a leaf with itself at level 0. Reference: :func:`bnteach.tree.lca_level`,
    on every pair of leaves of a 16-leaf tree.

    Parameters
    ----------
    lca_level : callable
        Your function, ``lca_level(i, j) -> int``;
        pass the function itself, without calling it.

    Returns
    -------
    bool
        True when your function passes (a line says so), False while it still raises
        ``NotImplementedError`` (the exercise is pending).

    Raises
    ------
    AssertionError
        When it fails, with the exercise number and a hint saying what to fix.

    Examples
    --------
    >>> def lca_level(i, j):
    ...     return (i ^ j).bit_length()
    >>> check_lca_level(lca_level)
    Exercise 5.1 passed: every pair of leaves of a 16-leaf tree meets at the right level.
    True
    """
    for i in range(16):
        for j in range(16):
            out = call(lca_level, i, j)
            expected = tree.lca_level(i, j)
            assert out is not None, "your function returned None. Did you forget `return`?"
            if out == expected:
                continue
            hints = [
                (abs(i - j).bit_length(), "neighbours in numbering are not always siblings: "
                                          "3 and 4 meet only at the root of an 8-leaf tree. "
                                          "Compare the bits of i and j (i ^ j), not i - j."),
                (expected - 1, "off by one: siblings (0 and 1) meet at level 1, a leaf with "
                               "itself at level 0."),
                (expected + 1, "off by one: siblings (0 and 1) meet at level 1, a leaf with "
                               "itself at level 0."),
            ]
            reject_known_mistakes(out, hints, f"lca_level({i}, {j}) should be {expected}; yours "
                                               f"is {out}: ", close=lambda a, b: a == b)
            raise AssertionError(f"lca_level({i}, {j}) should be {expected}; yours is {out}. "
                                 f"Climb the tree: halve both numbers until they are equal, "
                                 f"counting the steps.")
    return "every pair of leaves of a 16-leaf tree meets at the right level."


@exercise("tree_gram", "5.2", "build a tree batch's Gram matrix", LESSON)
def check_tree_gram(tree_gram) -> str:
    """Check your ``tree_gram(cosines)``: the Gram matrix of unit vectors on a binary tree.

    Exercise 5.2 of ``lessons/05_branching_tree.ipynb``. ``cosines[l - 1]`` is the
    cosine at level ``l`` (siblings first, root last), for k = 1, 2 and 3 levels.
    Reference: :func:`bnteach.tree.tree_gram`, at absolute tolerance 1e-12.

    Parameters
    ----------
    tree_gram : callable
        Your function, ``tree_gram(cosines) -> ndarray of shape (2**k, 2**k)``;
        pass the function itself, without calling it.

    Returns
    -------
    bool
        True when your function passes (a line says so), False while it still raises
        ``NotImplementedError`` (the exercise is pending).

    Raises
    ------
    AssertionError
        When it fails, with the exercise number and a hint saying what to fix.
    """
    for cosines in ([0.5], [0.9, 0.2], [0.95, 0.7, 0.1]):
        expected = tree.tree_gram(cosines)
        out = as_array(call(tree_gram, np.array(cosines)), expected.shape,
                               f"(2**k, 2**k) for k = {len(cosines)} levels")
        if np.allclose(out, expected, atol=1e-12):
            continue
        assert np.allclose(np.diag(out), 1.0), (
            f"the diagonal should be 1 (unit vectors); for cosines {cosines} it is "
            f"{np.round(np.diag(out), 3).tolist()}.")
        n = len(expected)
        levels = np.array([[tree.lca_level(i, j) for j in range(n)] for i in range(n)])
        flipped = np.where(levels == 0, 1.0, np.array(cosines[::-1])[levels - 1])
        assert len(cosines) == 1 or not np.allclose(out, flipped), (
            f"your levels are in reverse order: cosines[0] is for siblings (level 1), the "
            f"last entry for the root (level {len(cosines)}).")
        i, j = np.argwhere(~np.isclose(out, expected))[0]
        raise AssertionError(f"for cosines {cosines}, entry ({i}, {j}) should be "
                             f"{expected[i, j]:g} (leaves {i} and {j} meet at level "
                             f"{tree.lca_level(int(i), int(j))}); yours is {out[i, j]:g}.")
    return "your Gram matrices match bnteach.tree.tree_gram."
