"""Input batches: every builder of the ``(d, n)`` batches the lessons feed to a network.

A batch ``X`` has shape ``(d, n)`` = (width, batch size), samples as columns,
everywhere in the course. The builders here all say it the same way:

* **sizes are keyword-only**, ``d=`` then ``n=``: a batch of 40 samples of width 16
  and one of 16 samples of width 40 are both valid, so a swapped positional call
  would silently build the other one. ``gaussian(d=32, n=8)`` cannot be misread;
* randomness comes from ``rng`` (``None``, an int seed or a ``Generator``), as in
  :func:`bnteach.simulate.run`; deterministic builders take no ``rng``.

The builders:

* :func:`gaussian`: i.i.d. standard Gaussian entries, optionally of low rank;
* :func:`nearly_rank_one`: Daneshmand et al. (2021)'s input, almost on one line
  (lessons 1 and 2);
* :func:`cluster_outlier`: ``n − 1`` identical samples and one orthogonal sample
  ``n − 1`` times longer, optionally with the cluster spread a little (lesson 4);
* :func:`from_gram`: a batch with a prescribed Gram matrix ``X.T @ X = G``.

**Tree and split batches go through** :func:`from_gram`. The course's tree model
(:mod:`bnteach.tree`, lesson 5) is defined by Gram matrices: ``tree.tree_gram``
and ``tree.split_gram`` return them, the wide network (:mod:`bnteach.meanfield`)
takes them as they are, and ``from_gram(tree.tree_gram(c), d=512)`` gives a
finite-width network its batch. A second builder per tree shape here would
duplicate the model outside its module, and would have to import ``tree`` from
below it (``tree`` runs the wide map, which sits above this module).
"""

from __future__ import annotations

import numpy as np

from bnteach import _validation

__all__ = ["gaussian", "nearly_rank_one", "cluster_outlier", "from_gram"]


def gaussian(*, d, n, rank=None, rng=None) -> np.ndarray:
    """A random input batch: i.i.d. standard Gaussian entries.

    Parameters
    ----------
    d : int
        Width, ``>= 1`` (keyword-only, like ``n``).
    n : int
        Batch size, ``>= 2``.
    rank : int, optional
        If given, the samples lie in a random ``rank``-dimensional subspace
        (``1 <= rank <= min(d, n)``): a low-dimensional input, from which structure
        emerges fastest (lesson 3).
    rng : None, int or numpy.random.Generator
        Source of randomness; an int is a seed.

    Returns
    -------
    ndarray of shape (d, n)
        ``X0``, samples as columns. For large ``d`` the samples are nearly orthogonal
        with nearly equal norms.

    Examples
    --------
    >>> from bnteach import metrics
    >>> X0 = gaussian(d=64, n=8, rank=2, rng=0)
    >>> print(X0.shape, metrics.numerical_rank(metrics.gram(X0)))
    (64, 8) 2
    """
    d = _validation.check_int(d, "d", low=1)
    n = _validation.check_int(n, "n", low=2)
    rng = _validation.as_generator(rng)
    if rank is None:
        return rng.standard_normal((d, n))
    rank = _validation.check_int(rank, "rank", low=1, high=min(d, n))
    basis = rng.standard_normal((d, rank)) / np.sqrt(rank)
    return basis @ rng.standard_normal((rank, n))            # (d, r) @ (r, n)


def nearly_rank_one(*, d, n, eps=1e-6) -> np.ndarray:
    """A batch that is almost on one line: Daneshmand et al. (2021)'s input.

    The first sample is ``e_1``, and every sample ``j`` also gets ``eps`` in its own
    coordinate ``j mod d``: singular values 1 and about ``eps``. Deterministic. Their
    Fig. 2a starts rescaled linear networks from it to show the batch becoming
    orthogonal (lesson 1, ``lessons/01_linear_networks.ipynb``).

    Parameters
    ----------
    d : int
        Width, ``>= 1`` (keyword-only, like ``n``).
    n : int
        Batch size, ``>= 2``.
    eps : float, default 1e-6
        The small entries, ``> 0``.

    Returns
    -------
    ndarray of shape (d, n)
        ``X0``, samples as columns.

    Examples
    --------
    >>> print(nearly_rank_one(d=3, n=4, eps=0.1))
    [[1.1 0.  0.  0.1]
     [0.  0.1 0.  0. ]
     [0.  0.  0.1 0. ]]
    """
    d = _validation.check_int(d, "d", low=1)
    n = _validation.check_int(n, "n", low=2)
    eps = _validation.check_real(eps, "eps", low=0.0, strict=True)
    X = np.zeros((d, n))
    X[0, 0] = 1.0
    X[np.arange(n) % d, np.arange(n)] += eps
    return X


def cluster_outlier(*, d=None, n, noise=0.0, rng=None) -> np.ndarray:
    """The cluster+outlier batch, optionally with the cluster spread a little.

    Samples ``0 .. n−2`` are the unit vector ``e_0`` (the cluster); sample ``n−1`` is
    ``(n−1) e_1`` (the outlier: orthogonal, ``n − 1`` times longer). Its Gram matrix is
    :func:`bnteach.theory.invariant_gram` up to scale. With ``noise > 0`` every
    cluster sample gets ``noise`` times independent standard Gaussian entries in the
    coordinates ``2 .. d−1``, orthogonal to both ``e_0`` and ``e_1``: the perturbation
    whose growth per layer is α(n) in the wide RC+ReLU network (lesson 4,
    ``lessons/04_clustering.ipynb``; derived in this course, checked numerically).

    Parameters
    ----------
    d : int, optional
        Width, default ``n + 2``; at least 2, and at least 3 with noise
        (keyword-only, like ``n``: ``cluster_outlier(n=16, d=40)``).
    n : int
        Batch size, ``n >= 2``.
    noise : float, default 0.0
        Standard deviation of the perturbation of the cluster, ``>= 0``.
    rng : None, int or numpy.random.Generator
        Used only when ``noise > 0``.

    Returns
    -------
    ndarray of shape (d, n)
        ``X0``, samples as columns.

    Examples
    --------
    >>> print(cluster_outlier(n=4))
    [[1. 1. 1. 0.]
     [0. 0. 0. 3.]
     [0. 0. 0. 0.]
     [0. 0. 0. 0.]
     [0. 0. 0. 0.]
     [0. 0. 0. 0.]]
    >>> X = cluster_outlier(n=16, d=40, noise=1e-3, rng=0)
    >>> print(X.shape, f"{X[2:, :-1].std():.1e}")
    (40, 16) 1.0e-03
    """
    n = _validation.check_int(n, "n", low=2)
    noise = _validation.check_real(noise, "noise", low=0.0)
    d = n + 2 if d is None else _validation.check_int(d, "d", low=3 if noise else 2)
    X = np.zeros((d, n))
    X[0, :-1] = 1.0
    X[1, -1] = n - 1.0
    if noise:
        with np.errstate(over="ignore"):
            X[2:, :-1] = noise * _validation.as_generator(rng).standard_normal((d - 2, n - 1))
        if not np.all(np.isfinite(X)):
            raise ValueError(f"The 'noise' parameter is too large: noise times a Gaussian "
                             f"overflows float64; got {noise!r}.")
    return X


def from_gram(G, *, d=None) -> np.ndarray:
    """A batch ``X`` whose Gram matrix ``X.T @ X`` is ``G``.

    Built from the eigendecomposition of ``G``: one row per positive eigenvalue
    (those above 1e-12 of the largest), padded with zero rows to width ``d``. Use it
    to start a network from a prescribed geometry, e.g.
    ``from_gram(theory.invariant_gram(16))`` or a tree model's
    ``from_gram(tree.tree_gram([0.9, 0.2]), d=512)``. Identical samples in ``G``
    (equal columns) come out exactly identical. Deterministic.

    Parameters
    ----------
    G : array_like of shape (n, n)
        A Gram matrix (symmetric positive semidefinite).
    d : int, optional
        Width: the number of rows of ``X``, at least the rank of ``G``; default ``n``.

    Returns
    -------
    ndarray of shape (d, n)
        ``X``, samples as columns, with ``X.T @ X == G`` up to rounding.

    Examples
    --------
    >>> from bnteach import metrics, theory
    >>> G = theory.invariant_gram(4)
    >>> X = from_gram(G, d=10)
    >>> print(X.shape, np.allclose(metrics.gram(X), G))
    (10, 4) True
    """
    G = _validation.check_gram(G)
    n = len(G)
    # Identical samples have identical Gram columns: factor the distinct ones, then copy,
    # so that they come out bitwise identical (RS amplifies even rounding differences).
    _, first, inverse = np.unique(G, axis=1, return_index=True, return_inverse=True)
    eig, vec = np.linalg.eigh(G[np.ix_(first, first)])
    keep = eig > 1e-12 * max(eig[-1], 0.0)
    X = (vec[:, keep] * np.sqrt(eig[keep])).T[:, inverse.ravel()]  # (r, n): XᵀX = G
    d = n if d is None else _validation.check_int(d, "d", low=1)
    if d < len(X):
        raise ValueError(f"The 'd' parameter (the width) must be at least the rank of G "
                         f"({len(X)}) to hold the batch; got {d}. Pass d >= {len(X)}, or "
                         f"leave it out for d = n = {n}.")
    return np.vstack([X, np.zeros((d - len(X), n))])
