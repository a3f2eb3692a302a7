"""The course's simplified model of the branching: batches shaped like binary trees.

The paper explains its observation with "a simplified indicative model" (paper,
abstract) whose exact form we have not seen. This module is **the course's own
model in that spirit**, not the paper's; its facts are derived in this course
and checked numerically (tests/test_tree.py, lesson 5).

* **Tree batches.** ``n = 2**k`` unit vectors sit at the leaves of a balanced
  binary tree. The cosine of two leaves depends only on the level of their lowest
  common ancestor (1 = siblings, k = the root): ``k`` numbers describe the batch
  (:func:`tree_gram`, :func:`lca_level`). The wide RC+ReLU map keeps this
  structure exactly, so a tree batch evolves as a ``k``-dimensional deterministic
  system (:func:`tree_step`, :func:`tree_run`).
* **Branching** (:mod:`bnteach.branching`, re-exported here). A tight group of
  samples branches when its internal spread grows: :func:`groups` and
  :func:`branching_history` follow the groups through a run; the split trees of
  :func:`split_gram` show how fast.
"""

from __future__ import annotations

import numpy as np

from bnteach import _validation, meanfield, metrics
from bnteach.branching import branching_history, groups, split_gram

#: tree_gram() builds at most 2**MAX_LEVELS leaves (a 4096 x 4096 Gram matrix, 128 MB).
MAX_LEVELS = 12

__all__ = ["lca_level", "lca_levels", "tree_gram", "tree_cosines", "tree_step", "tree_run", "split_gram",
           "groups", "branching_history"]


def _depth_of(n: int) -> int:
    k = n.bit_length() - 1
    if n < 2 or n != 2 ** k:
        raise ValueError(f"G must be a tree batch: a tree batch has n = 2**k samples (k >= 1); "
                         f"got n = {n}. Use n = 2, 4, 8, 16, ...")
    return k


def lca_level(i, j) -> int:
    """Level of the lowest common ancestor of leaves ``i`` and ``j`` (0 if ``i == j``).

    Leaves are numbered ``0 .. n−1`` from left to right, so two leaves first share
    an ancestor at the level given by the highest bit in which their numbers
    differ: ``(i ^ j).bit_length()``. Siblings (0 and 1) meet at level 1; the two
    halves of the batch meet at the root, level k.

    Parameters
    ----------
    i, j : int
        Leaf numbers, ``>= 0``.

    Returns
    -------
    int
        The level, from 0 (the same leaf) to k (the root of a tree of ``2**k`` leaves).
        Exercise 5.1 of ``lessons/05_branching_tree.ipynb`` uses it.

    Examples
    --------
    >>> lca_level(0, 1), lca_level(2, 3), lca_level(3, 4), lca_level(5, 5)
    (1, 1, 3, 0)
    """
    i = _validation.check_int(i, "i", low=0)
    j = _validation.check_int(j, "j", low=0)
    return (i ^ j).bit_length()


def lca_levels(n) -> np.ndarray:
    """:func:`lca_level` for every pair of leaves of a tree with ``n`` leaves.

    Parameters
    ----------
    n : int
        The number of leaves, a power of two (``2**k``, ``k`` levels).

    Returns
    -------
    ndarray of shape (n, n), int
        Entry ``(i, j)`` is the level where leaves ``i`` and ``j`` meet: 0 on the
        diagonal, 1 for siblings, ``k`` across the root.

    Examples
    --------
    >>> lca_levels(4)
    array([[0, 1, 2, 2],
           [1, 0, 2, 2],
           [2, 2, 0, 1],
           [2, 2, 1, 0]])
    """
    n = _validation.check_int(n, "n", low=1)
    if n & (n - 1):
        raise ValueError(f"The 'n' parameter of lca_levels must be a power of two (the leaves "
                         f"of a balanced binary tree); got {n}.")
    idx = np.arange(n)
    x = idx[:, None] ^ idx[None, :]
    level = np.zeros((n, n), dtype=int)
    while np.any(x):
        level += x > 0
        x = x >> 1
    return level


def _gram_from_levels(c: np.ndarray) -> np.ndarray:
    """Ones on the diagonal, ``c[lca_level - 1]`` elsewhere (no checks)."""
    level = lca_levels(2 ** len(c))
    return np.where(level == 0, 1.0, c[np.maximum(level, 1) - 1])


def tree_gram(cosines) -> np.ndarray:
    """The Gram matrix of unit vectors on a binary tree.

    Parameters
    ----------
    cosines : sequence of k floats
        ``cosines[l - 1]`` is the cosine of two leaves whose lowest common ancestor
        is at level ``l``: siblings first, the root last; ``1 <= k <= 12``.

    Returns
    -------
    ndarray of shape (n, n), n = 2**k
        Ones on the diagonal, ``cosines[lca_level(i, j) - 1]`` elsewhere.
        Exercise 5.1 of ``lessons/05_branching_tree.ipynb``.

    Raises
    ------
    ValueError
        If the cosines do not describe real vectors (the matrix is not positive
        semidefinite): deeper levels must not be less similar than what their
        parents allow, e.g. ``cosines = (0, 0.9)`` is impossible.

    Examples
    --------
    Two pairs of close siblings (cosine 0.9), far from each other (0.2):

    >>> tree_gram([0.9, 0.2])
    array([[1. , 0.9, 0.2, 0.2],
           [0.9, 1. , 0.2, 0.2],
           [0.2, 0.2, 1. , 0.9],
           [0.2, 0.2, 0.9, 1. ]])
    """
    c = _validation.as_float_array(cosines, "cosines")
    if c.ndim != 1 or not 1 <= c.size <= MAX_LEVELS:
        raise ValueError(f"cosines must be a 1-D sequence of k level cosines, 1 <= k <= "
                         f"{MAX_LEVELS} (siblings first, root last; 2**k leaves); got shape "
                         f"{c.shape}.")
    _validation.check_finite(c, "cosines")
    if np.any(np.abs(c) > 1):
        raise ValueError(f"cosines must lie in [-1, 1]; got {c.tolist()}.")
    G = _gram_from_levels(c)
    if np.linalg.eigvalsh(G)[0] < -1e-10:
        raise ValueError(f"cosines {c.tolist()} describe no set of vectors (the Gram matrix is "
                         f"not positive semidefinite). Siblings must be at least as similar as "
                         f"their parents allow; try cosines decreasing from the leaves to the root.")
    return G


def tree_cosines(G, *, check: bool = True) -> np.ndarray:
    """Read the ``k`` level cosines back from a tree-structured Gram matrix.

    Parameters
    ----------
    G : array_like of shape (n, n), n = 2**k
        A Gram matrix whose cosines depend only on the level where two leaves meet,
        e.g. from :func:`tree_gram` or the wide map applied to one.
    check : bool, default True
        Raise ``ValueError`` if the matrix is not tree-structured, that is if
        cosines at one level differ by more than 1e-7 or the norms by more than 1e-7
        relatively (rounding in the wide map reaches about 1e-9 after tens of layers).
        With ``False``, average anyway.

    Returns
    -------
    ndarray of shape (k,)
        The mean cosine at each level, siblings first: the inverse of :func:`tree_gram`.

    Examples
    --------
    >>> tree_cosines(tree_gram([0.9, 0.2]))
    array([0.9, 0.2])
    """
    C = metrics.cosines(G)
    n = len(C)
    k = _depth_of(n)
    level = lca_levels(n)
    out = np.array([C[level == lv].mean() for lv in range(1, k + 1)])
    if check:
        spread = max(np.ptp(C[level == lv]) for lv in range(1, k + 1))
        norms = np.sqrt(np.diag(np.asarray(G, dtype=float)))
        if spread > 1e-7 or np.ptp(norms) > 1e-7 * norms.max():
            raise ValueError(f"G is not tree-structured: cosines at one level differ by up to "
                             f"{spread:.2g}, norms by {np.ptp(norms):.2g}. Pass check=False to "
                             f"average anyway.")
    return out


def tree_step(cosines) -> np.ndarray:
    """One infinitely wide RC+ReLU layer on a tree batch, as a map on the k level cosines.

    Exact: the wide map (``bnteach.meanfield.step``) is permutation-equivariant and
    the tree's symmetries act transitively on its leaves, so the output is again a
    tree batch of equal norms (derived in this course, checked numerically).

    Parameters
    ----------
    cosines : sequence of k floats
        The level cosines, siblings first, as in :func:`tree_gram`.

    Returns
    -------
    ndarray of shape (k,)
        The level cosines after the layer.

    Examples
    --------
    The two halves of the batch (the root level) become nearly orthogonal at once;
    the siblings move apart more slowly:

    >>> c = tree_step([0.99, 0.5])
    >>> print(f"siblings {c[0]:.4f}, root {c[1]:.4f}")
    siblings 0.9628, root 0.0008
    """
    G0 = tree_gram(cosines)
    try:
        G = meanfield.step(G0)
    except ValueError as err:       # e.g. all cosines 1: identical samples; in the caller's terms
        raise ValueError(f"cosines {np.asarray(cosines, dtype=float).tolist()}: {err}") from None
    return tree_cosines(G, check=False)


def tree_run(cosines, depth: int) -> np.ndarray:
    """Iterate :func:`tree_step`: the level cosines of a tree batch through ``depth`` wide layers.

    Parameters
    ----------
    cosines : sequence of k floats
        The input's level cosines, siblings first, as in :func:`tree_gram`.
    depth : int
        Number of wide RC+ReLU layers, ``>= 0``.

    Returns
    -------
    ndarray of shape (depth + 1, k)
        Row ``l`` holds the level cosines after ``l`` layers; row 0 is ``cosines``.
        Used in ``lessons/05_branching_tree.ipynb``.

    Examples
    --------
    Levels open in turn: first the root, then the siblings (derived in this course,
    checked numerically):

    >>> np.round(tree_run([0.9999, 0.5], depth=3), 4)
    array([[0.9999, 0.5   ],
           [0.9996, 0.    ],
           [0.9992, 0.    ],
           [0.9984, 0.    ]])
    """
    depth = _validation.check_int(depth, "depth", low=0)
    G0 = tree_gram(cosines)
    try:
        grams = meanfield.run(G0, depth).grams
    except ValueError as err:       # e.g. all cosines 1: identical samples; in the caller's terms
        raise ValueError(f"cosines {np.asarray(cosines, dtype=float).tolist()}: {err}") from None
    return np.array([tree_cosines(G, check=False) for G in grams])
