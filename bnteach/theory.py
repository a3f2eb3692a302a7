"""Closed forms the course's simulations are checked against.

Each function says where its statement comes from:

* **paper (abstract)**: Nachum, Bondaschi, Gastpar, Khina, "Batch Normalization
  Decomposed", arXiv 2412.02843; only its abstract was available to the course;
* **Daneshmand et al.**: the 2020 (arXiv 2003.01652) and 2021 (arXiv 2106.03970)
  papers it builds on, read in full;
* **derived in this course, checked numerically**: our own derivations, in the
  spirit of the paper, verified by simulation and by the wide-limit map in the
  tests. They are a reconstruction, not the paper's statements.

Notation: ``n`` is the batch size (``n >= 2``). The Lyapunov exponents of deep
linear networks live in :mod:`bnteach.lyapunov` and are re-exported here.
"""

from __future__ import annotations

import numbers

import numpy as np

from bnteach import _validation
from bnteach.lyapunov import lyapunov_exponents

__all__ = ["relu_cosine", "kappa", "alpha", "two_cluster_factor", "invariant_gram",
           "cluster_angle", "simplex_cosine", "lyapunov_exponents"]


def _batch_size(n, name: str = "n", low: int = 2):
    """An int ``>= low`` or an array of them (for plotting against n)."""
    if isinstance(n, numbers.Integral) and not isinstance(n, bool):
        return _validation.check_int(n, name, low=low)
    arr = np.asarray(n)
    if arr.dtype.kind not in "iu" or arr.ndim == 0:
        raise TypeError(f"The '{name}' parameter must be an int >= {low} (a batch size) or an "
                        f"array of them; got {_validation.describe_value(n)}.")
    if np.any(arr < low):
        raise ValueError(f"The '{name}' parameter must be >= {low}; got min {arr.min()}.")
    return arr.astype(np.float64)


def relu_cosine(c):
    """Output cosine of a wide ReLU layer, given the input cosine ``c``.

    For a zero-mean Gaussian pre-activation pair with correlation ``c = cos θ``,
    ``E[relu(u) relu(v)] / sqrt(E[relu(u)²] E[relu(v)²]) = (sin θ + (π − θ) cos θ) / π``,
    the normalized degree-1 arc-cosine kernel. Maps −1 to 0, 0 to 1/π and 1 to 1.

    Parameters
    ----------
    c : float or array_like of any shape
        Input cosines; clipped to [−1, 1] first (computed cosines can be a rounding
        step outside). NaN is refused.

    Returns
    -------
    float or ndarray of the same shape as ``c``
        The output cosines, elementwise; a float for a scalar ``c``.

    Notes
    -----
    Source: Cho and Saul (2009), "Kernel methods for deep learning" (the arc-cosine
    kernel); introduced in ``lessons/03_relu.ipynb`` (exercise 3.1).

    Examples
    --------
    >>> np.round(relu_cosine(np.array([-1.0, 0.0, 0.5, 1.0])), 4)
    array([0.    , 0.3183, 0.609 , 1.    ])
    """
    c = _validation.as_float_array(c, "c")
    if np.any(np.isnan(c)):
        raise ValueError(f"c must hold cosines (inf is clipped to ±1); entry "
                         f"{tuple(int(i) for i in np.argwhere(np.isnan(c))[0])} is nan.")
    c = np.clip(c, -1.0, 1.0)
    theta = np.arccos(c)
    sin_theta = np.sqrt((1.0 - c) * (1.0 + c))  # = sin(arccos c), exactly 0 at c = ±1
    out = (sin_theta + (np.pi - theta) * c) / np.pi
    return float(out) if out.ndim == 0 else out


def simplex_cosine(n):
    """``−1/(n−1)``: the pairwise cosine of ``n`` centered, equiangular, equal-norm vectors.

    The regular simplex: where recentering puts an orthogonal batch, and where
    RC + RS + linear layers drive any batch. Note that the *mean* pairwise cosine of
    any centered batch of equal norms is exactly this value, so it is the spread
    (:func:`bnteach.metrics.cosine_spread`) that shows convergence.

    Parameters
    ----------
    n : int or array_like of int
        Batch size, ``n >= 2``.

    Returns
    -------
    float or ndarray of float
        ``−1/(n−1)``, elementwise for an array.

    Notes
    -----
    Source: derived in this course, checked numerically (lesson 2,
    ``lessons/02_recentering.ipynb``).

    Examples
    --------
    >>> print(f"{simplex_cosine(5):.4f}")
    -0.2500
    """
    n = _batch_size(n)
    return -1 / (n - 1)        # int / int: exact for any int, even one beyond float range


def kappa(n):
    """κ(n): the pairwise cosine after one wide RC+ReLU layer on an equiangular batch.

    Recentering turns any equiangular batch into a regular simplex (cosine
    ``−1/(n−1)``, :func:`simplex_cosine`) and the ReLU maps that cosine through
    :func:`relu_cosine`: ``κ(n) = (sin θ_n + (π − θ_n) cos θ_n)/π`` with
    ``cos θ_n = −1/(n−1)``. So κ(2) = 0, κ(8) ≈ 0.2501, and κ(n) → 1/π as n → ∞.
    The κ(n)-equiangular Gram matrix is a fixed point of the wide RC+ReLU and
    RC+RS+ReLU maps.

    Parameters
    ----------
    n : int or array_like of int
        Batch size, ``n >= 2``.

    Returns
    -------
    float or ndarray of float
        κ(n), elementwise for an array.

    Notes
    -----
    Source: derived in this course, checked numerically (lesson 3,
    ``lessons/03_relu.ipynb``, exercise 3.2).

    Examples
    --------
    >>> print(f"{kappa(8):.4f}")
    0.2501
    >>> np.round(kappa(np.array([2, 3, 4, 16, 64])), 4)
    array([0.    , 0.109 , 0.1695, 0.2857, 0.3104])
    """
    return relu_cosine(simplex_cosine(n))


def alpha(n):
    """α = n²/(n² − 2n + 2) = n²/((n−1)² + 1).

    In the cluster+outlier configuration (n − 1 equal unit vectors and one
    orthogonal vector of norm n − 1), recentering shrinks the cluster's vectors to
    squared norm 1/α while leaving perturbations inside the cluster unchanged, so
    one wide RC+ReLU layer multiplies the cluster's ``1 − cos`` by α (to first
    order); and weights of variance ``2α/d`` keep the configuration's norms fixed
    in expectation. α(2) = 2, α(n) ≈ 1 + 2/n.

    Parameters
    ----------
    n : int or array_like of int
        Batch size, ``n >= 2``.

    Returns
    -------
    float or ndarray of float
        α(n), elementwise for an array.

    Notes
    -----
    Source: derived in this course, checked numerically (lesson 4,
    ``lessons/04_clustering.ipynb``). That this constant is the "specific variance
    parameterization" that the summary quoted in SOURCES.md attributes to the paper
    is our reading, not confirmed. Unrelated to the α of Daneshmand et al. (2021)'s
    assumption A₁ (a lower bound on singular values).

    Examples
    --------
    >>> print(f"{alpha(16):.4f}")
    1.1327
    >>> alpha(np.array([2, 3, 4, 8]))
    array([2.  , 1.8 , 1.6 , 1.28])
    """
    n = _batch_size(n)
    return n * n / (n * n - 2 * n + 2)


def two_cluster_factor(n, m):
    """n²/(m² + (n − m)²): the one-layer growth of ``1 − cos`` inside two orthogonal clusters.

    For a batch split into clusters of ``m`` and ``n − m`` samples, the wide RC+ReLU
    layer amplifies a small spread within a cluster by this factor. It is smallest,
    α(n) (:func:`alpha`), at ``m = 1`` (the single outlier) and 2 at ``m = n/2``.

    Parameters
    ----------
    n : int
        Batch size, ``n >= 2``.
    m : int
        Size of one cluster, ``1 <= m <= n − 1``.

    Returns
    -------
    float
        The factor ``n²/(m² + (n − m)²)``.

    Notes
    -----
    Source: derived in this course, checked numerically (lessons 4 and 5,
    ``lessons/04_clustering.ipynb`` and ``lessons/05_branching_tree.ipynb``).

    Examples
    --------
    >>> print(f"{two_cluster_factor(8, 4):.4f}")    # balanced: the fastest
    2.0000
    >>> print(f"{two_cluster_factor(16, 1):.4f}")   # one outlier: alpha(16)
    1.1327
    """
    n = _validation.check_int(n, "n", low=2)
    m = _validation.check_int(m, "m", low=1, high=n - 1)
    return n * n / (m * m + (n - m) ** 2)


def invariant_gram(n, *, outlier: int | None = None) -> np.ndarray:
    """The cluster+outlier fixed point: a Gram matrix of trace ``n``.

    ``n − 1`` identical unit vectors ``c`` and one vector ``o ⟂ c`` of norm ``n − 1``
    (before scaling to trace n): the cluster block is all ones, the outlier's
    diagonal entry ``(n − 1)²``, the cross terms zero. After recentering the batch
    lies on one line, so every neuron of a ReLU layer fires either on the whole
    cluster or on the outlier alone: for every weight draw (except all-one-sign,
    probability 2^(1−d) at width d) the cluster stays identical and the outlier
    exactly orthogonal, with and without RS.

    Parameters
    ----------
    n : int
        Batch size, ``n >= 2``.
    outlier : int, optional
        Index of the outlier, ``0 <= outlier < n``; default the last sample.

    Returns
    -------
    ndarray of shape (n, n)
        The Gram matrix ``G``, scaled to ``trace(G) = n``.
        :func:`bnteach.batches.cluster_outlier` gives a batch ``X`` of shape ``(d, n)``
        with this Gram matrix up to scale.

    Notes
    -----
    Source: the configuration is the paper's (abstract: "a single cluster except for
    an odd data point ... in an orthogonal direction"); its exact invariance and the
    norm ratio ``n − 1`` are derived in this course and checked numerically
    (lesson 4, ``lessons/04_clustering.ipynb``).

    Examples
    --------
    >>> np.round(invariant_gram(4), 3)
    array([[0.333, 0.333, 0.333, 0.   ],
           [0.333, 0.333, 0.333, 0.   ],
           [0.333, 0.333, 0.333, 0.   ],
           [0.   , 0.   , 0.   , 3.   ]])
    """
    n = _validation.check_int(n, "n", low=2)
    k = n - 1 if outlier is None else _validation.check_int(outlier, "outlier", low=0,
                                                           high=n - 1)
    G = np.ones((n, n))
    G[k, :] = G[:, k] = 0.0
    G[k, k] = (n - 1.0) ** 2
    return G * (n / np.trace(G))


def cluster_angle(n):
    """The within-cluster angle at the wide RC+ReLU attractor: φ* = 3π(α−1)/(2α^{3/2}).

    A wide RC+ReLU layer grows a small within-cluster angle φ by √α (so φ² by α) and
    the ReLU contracts it by a cubic term, ``φ'² ≈ α φ² − (2/(3π)) α^{3/2} φ³``;
    the balance is this angle. Use this full formula: its large-n limit 3π/n is
    about 30% off in ``1 − cos`` at n = 16.

    Parameters
    ----------
    n : int or array_like of int
        Batch size, ``n >= 2``.

    Returns
    -------
    float or ndarray of float
        The angle φ* in radians, elementwise for an array; ``cos φ*`` approximates the
        cluster's pairwise cosine at the attractor.

    Notes
    -----
    Source: derived in this course, checked numerically against the wide-limit map
    (lesson 4, ``lessons/04_clustering.ipynb``).

    Examples
    --------
    >>> print(f"cos(phi*) at n = 16: {np.cos(cluster_angle(16)):.4f}")
    cos(phi*) at n = 16: 0.8684
    """
    a = alpha(n)
    return 3 * np.pi * (a - 1) / (2 * a ** 1.5)
