"""Branching: a batch splitting into groups, and the split trees that show how fast.

Part of the course's simplified model of lesson 5 (:mod:`bnteach.tree`; derived
in this course and checked numerically, tests/test_tree.py). After recentering,
a group whose centered vectors lie on both sides of a line splits into a
positive and a negative part with disjoint supports, which are orthogonal: every
layer can double the number of distinct directions.

* **Groups.** :func:`groups` joins samples whose cosine is above a threshold;
  :func:`branching_history` follows the groups through a run, layer by layer.
* **Split trees.** Two orthogonal groups of ``m`` and ``n − m`` identical samples
  (:func:`split_gram`) are invariant; a small spread inside them grows by
  ``n²/(m² + (n − m)²)`` per layer (``bnteach.theory.two_cluster_factor``), fastest
  for a balanced split, slowest (α(n)) for a single outlier.

:mod:`bnteach.tree` re-exports all three (``bn.tree.split_gram``).
"""

from __future__ import annotations

import numpy as np

from bnteach import _validation
from bnteach.geometry import cosines

__all__ = ["split_gram", "groups", "branching_history"]


def split_gram(n, m, *, noise: float = 1e-4, fresh: int | None = None, rng=None) -> np.ndarray:
    """Two orthogonal groups of ``m`` and ``n − m`` samples, spread by ``noise``.

    The ``n − m`` samples of the first group are the unit vector ``e_0``, the ``m``
    samples of the second are ``(n − m)/m · e_1`` (the norm ratio of the invariant
    two-cluster state); then every sample gets ``noise`` times independent Gaussian
    entries in ``fresh`` new coordinates. With ``m = 1`` this is the cluster+outlier
    configuration of lesson 4. A small spread inside each group grows by
    ``n²/(m² + (n − m)²)`` per wide RC+ReLU layer
    (:func:`bnteach.theory.two_cluster_factor`; derived in this course, checked
    numerically).

    Parameters
    ----------
    n : int
        Batch size, ``n >= 3``.
    m : int
        Size of the second (smaller, for ``m <= n/2``) group, ``1 <= m <= n − 1``.
    noise : float, default 1e-4
        Standard deviation of the spread, ``>= 0``.
    fresh : int, optional
        Number of new coordinates the spread lives in, ``>= 1``; default ``n + 2``.
    rng : None, int or numpy.random.Generator
        Source of randomness for the spread; an int is a seed.

    Returns
    -------
    ndarray of shape (n, n)
        The Gram matrix ``X.T @ X`` of the batch (the batch ``X`` has shape
        ``(2 + fresh, n)``). Used in ``lessons/05_branching_tree.ipynb``.

    Examples
    --------
    >>> G = split_gram(8, 2, rng=0)
    >>> groups(G)
    [(0, 1, 2, 3, 4, 5), (6, 7)]
    >>> np.round(np.diag(G), 3)
    array([1., 1., 1., 1., 1., 1., 9., 9.])
    """
    n = _validation.check_int(n, "n", low=3)
    m = _validation.check_int(m, "m", low=1, high=n - 1)
    noise = _validation.check_real(noise, "noise", low=0.0)
    fresh = n + 2 if fresh is None else _validation.check_int(fresh, "fresh", low=1)
    X = np.zeros((2 + fresh, n))
    X[0, : n - m] = 1.0
    X[1, n - m:] = (n - m) / m
    with np.errstate(over="ignore", invalid="ignore"):
        X[2:] = noise * _validation.as_generator(rng).standard_normal((fresh, n))
        G = X.T @ X
    if not np.all(np.isfinite(G)):
        raise ValueError(f"The 'noise' parameter is too large: the Gram matrix overflows "
                         f"float64; got {noise!r}.")
    return G


def groups(G, threshold: float = 0.45) -> list[tuple[int, ...]]:
    """Split a batch into groups: samples linked by a cosine above ``threshold``.

    The connected components of the graph whose edges join samples with
    ``cos > threshold``. The default 0.45 sits between the equiangular cosine κ(n)
    (below 1/π ≈ 0.32 for every n) and the cluster's cosine at the cluster+outlier
    attractor (0.58 at n = 8, 0.87 at n = 16, 0.96 at n = 32): a choice of this
    course for drawing, not a law.

    Parameters
    ----------
    G : array_like of shape (n, n)
        Gram matrix; no sample may have zero norm.
    threshold : float, default 0.45
        The cosine above which two samples are linked, ``>= -1``.

    Returns
    -------
    list of tuple of int
        The groups, each a sorted tuple of sample indices, ordered by their smallest
        index; together they hold every sample once.

    Examples
    --------
    >>> from bnteach import theory
    >>> groups(theory.invariant_gram(4))       # the cluster and the outlier
    [(0, 1, 2), (3,)]
    >>> groups(np.eye(3))                      # orthogonal: every sample alone
    [(0,), (1,), (2,)]
    """
    C = cosines(G)
    threshold = _validation.check_real(threshold, "threshold", low=-1.0)
    n = len(C)
    label = np.arange(n)
    linked = (C > threshold) | np.eye(n, dtype=bool)   # a sample is always in its own group
    changed = True
    while changed:                       # propagate the smallest label along edges
        new = np.array([label[linked[i]].min() for i in range(n)])
        changed = bool(np.any(new != label))
        label = np.minimum(label, new)
        label = label[label]
    out: dict[int, list[int]] = {}
    for i, lab in enumerate(label):
        out.setdefault(int(lab), []).append(i)
    return [tuple(v) for _, v in sorted(out.items())]


def branching_history(grams, threshold: float = 0.45) -> list[list[tuple[int, ...]]]:
    """:func:`groups` at every layer: how a batch branches through depth.

    Parameters
    ----------
    grams : array_like of shape (depth + 1, n, n)
        A Gram matrix per layer, e.g. ``traj.grams`` of a run of
        :func:`bnteach.simulate.run` or :func:`bnteach.meanfield.run`.
    threshold : float, default 0.45
        As in :func:`groups`.

    Returns
    -------
    list of list of tuple of int
        ``depth + 1`` partitions of the samples, one per layer; draw them with
        ``bnteach.plotting.plot_branching``. Used in ``lessons/05_branching_tree.ipynb``.

    Examples
    --------
    A balanced split tree (4 + 4) in the wide limit holds its two groups for a
    while, then unfolds completely:

    >>> from bnteach import meanfield
    >>> traj = meanfield.run(split_gram(8, 4, rng=0), depth=60)
    >>> history = branching_history(traj.grams)
    >>> [len(partition) for partition in history[::10]]
    [2, 2, 2, 8, 8, 8, 8]
    """
    grams = _validation.as_float_array(grams, "grams")
    if grams.ndim != 3:
        raise ValueError(f"grams must have shape (depth + 1, n, n); got {grams.shape}.")
    history = []
    for layer, G in enumerate(grams):
        try:
            history.append(groups(G, threshold))
        except (ValueError, TypeError) as err:   # say which layer, in the caller's terms
            raise type(err)(f"grams[{layer}]: {err}") from None
    return history
