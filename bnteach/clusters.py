"""Clusters and outliers in a batch, from its Gram matrix, and which samples each neuron fires on.

The measurements of lesson 4's cluster+outlier state (paper, abstract: "a single
cluster except for an odd data point that breaks far away from the cluster in an
orthogonal direction"), each from a Gram matrix ``G = X.T @ X`` of shape
``(n, n)`` like those of :mod:`bnteach.geometry`:

* :func:`outlier_stats`: the sample with the largest norm against the rest;
* :func:`centered_norms` and :func:`cluster_spread`: distances from the batch mean,
  and how far a group of samples is from identical;
* :func:`active_counts`: per neuron, how many samples it fires on (from ``Z``, not ``G``).

:mod:`bnteach.metrics` re-exports them all (``bn.metrics.outlier_stats``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from bnteach import _validation, layers
from bnteach.geometry import cosines

__all__ = ["OutlierStats", "outlier_stats", "centered_norms", "cluster_spread", "active_counts"]


class OutlierStats(NamedTuple):
    """The sample with the largest norm, against the rest of the batch (:func:`outlier_stats`).

    Attributes
    ----------
    index : int
        Argmax of the norms (the first one on ties).
    outlier_cos : float
        Max over the others of ``|cos(outlier, other)|``.
    cluster_cos : float
        Mean cosine over pairs not involving the outlier (NaN if n = 2).
    norm_ratio : float
        The outlier's norm over the mean norm of the others.
    """

    index: int            #: argmax of the norms (the first one on ties)
    outlier_cos: float    #: max over the others of |cos(outlier, other)|
    cluster_cos: float    #: mean cosine over pairs not involving the outlier (NaN if n = 2)
    norm_ratio: float     #: the outlier's norm over the mean norm of the others


def outlier_stats(G) -> OutlierStats:
    """Find the largest-norm sample and measure how far it stands from the others.

    In the cluster+outlier state (paper, abstract: "a single cluster except for an
    odd data point that breaks far away from the cluster in an orthogonal
    direction") ``outlier_cos`` is near 0, ``cluster_cos`` near 1 and
    ``norm_ratio`` near ``n − 1``. In an equiangular batch all three are unremarkable.

    Parameters
    ----------
    G : array_like of shape (n, n)
        Gram matrix; no sample may have zero norm.

    Returns
    -------
    OutlierStats
        A named tuple of Python numbers ``(index, outlier_cos, cluster_cos, norm_ratio)``.
        Introduced in ``lessons/04_clustering.ipynb`` (exercise 4.1).

    Examples
    --------
    The exact cluster+outlier configuration at n = 5:

    >>> from bnteach import theory
    >>> outlier_stats(theory.invariant_gram(5))
    OutlierStats(index=4, outlier_cos=0.0, cluster_cos=1.0, norm_ratio=4.0)
    """
    G = _validation.check_gram(G)
    C = cosines(G)                                # refuses a sample of zero norm
    n = len(G)
    norms = np.sqrt(np.diag(G))
    k = int(np.argmax(norms))
    rest = np.delete(np.arange(n), k)
    outlier_cos = float(np.max(np.abs(C[k, rest])))
    if n > 2:
        block = C[np.ix_(rest, rest)]
        cluster_cos = float(block[np.triu_indices(n - 1, 1)].mean())
    else:
        cluster_cos = float("nan")
    return OutlierStats(k, outlier_cos, cluster_cos, float(norms[k] / norms[rest].mean()))


def centered_norms(G) -> np.ndarray:
    """Each sample's distance from the batch mean, ``sqrt(diag(P G P))``.

    These are the norms of the samples after recentering (RC). In an RC+ReLU
    network the sample farthest from the batch mean gets the largest centered
    vector, hence (on average) the largest norm after the ReLU: "rich get
    richer" (lesson 4; derived in this course, checked numerically).

    Parameters
    ----------
    G : array_like of shape (n, n)
        Gram matrix, with ``P = I_n − 11ᵀ/n``.

    Returns
    -------
    ndarray of shape (n,)
        ``‖x_i − mean_j x_j‖`` for each sample ``i``.

    Examples
    --------
    Orthogonal unit vectors are all ``sqrt(1 − 1/n)`` from their mean:

    >>> np.round(centered_norms(np.eye(4)), 4)
    array([0.866, 0.866, 0.866, 0.866])
    """
    G = _validation.check_gram(G)
    C = layers.centered_gram(G)                  # P G P
    return np.sqrt(np.clip(np.diag(C), 0.0, None))


def cluster_spread(G, members=None) -> float:
    """Mean of ``1 − cos`` over the pairs of samples in ``members``: 0 for identical samples.

    In the cluster+outlier state one wide RC+ReLU layer multiplies a small spread
    by α(n) = n²/(n² − 2n + 2) (lesson 4; derived in this course, checked numerically).

    Parameters
    ----------
    G : array_like of shape (n, n)
        Gram matrix; no sample may have zero norm.
    members : sequence of int, optional
        The samples of the cluster (at least 2). Default: every sample except the
        one with the largest norm (the outlier of :func:`outlier_stats`).

    Returns
    -------
    float
        ``mean_{i<j in members} (1 − C_ij)``, in [0, 2].

    Examples
    --------
    Two samples at cosine 0.9 and a long third one (the default outlier):

    >>> G = np.array([[1.0, 0.9, 0.0],
    ...               [0.9, 1.0, 0.0],
    ...               [0.0, 0.0, 4.0]])
    >>> print(f"{cluster_spread(G):.4f}")
    0.1000
    """
    G = _validation.check_gram(G)
    _validation.check_nonzero_columns(G)
    n = len(G)
    if members is None:
        members = np.delete(np.arange(n), int(np.argmax(np.diag(G))))
    members = np.asarray(members)
    if (members.ndim != 1 or members.size < 2 or members.dtype.kind not in "iu"
            or members.min() < -n or members.max() >= n or len(set(members % n)) != members.size):
        raise ValueError(f"The 'members' parameter must list at least 2 distinct sample indices "
                         f"in [0, {n}); got {_validation.describe_value(members)}.")
    C = cosines(G)[np.ix_(members, members)]
    return float(np.mean(1.0 - C[np.triu_indices(len(members), 1)]))


def active_counts(Z) -> np.ndarray:
    """For each neuron (row) of ``Z``, how many samples it is positive on.

    ``Z`` may be a pre-activation or a post-ReLU representation: a ReLU neuron is
    active on a sample exactly when its pre-activation is > 0. In the equiangular
    state the counts gather near ``n/2``; at the exact cluster+outlier
    configuration every neuron fires on the whole cluster (``n − 1``) or on the
    outlier alone (1), while at the attractor reached by deep networks
    intermediate counts stay common (lesson 4; derived in this course, checked
    numerically).

    Parameters
    ----------
    Z : array_like of shape (d, n)
        Samples as columns.

    Returns
    -------
    ndarray of shape (d,), int
        Entry ``k`` is the number of positive entries of row ``k``.

    Examples
    --------
    >>> active_counts(np.array([[1.0, -2.0, 3.0],
    ...                         [-1.0, -1.0, 0.5]]))
    array([2, 1])
    """
    Z = _validation.check_batch(Z, "Z")
    return np.count_nonzero(Z > 0, axis=1)
