"""Measurements of a batch's geometry, all computed from its Gram matrix.

Everything here takes a Gram matrix ``G = X.T @ X`` of shape ``(n, n)`` (make one
with :func:`gram`), so the same function applies to a representation, to each
entry of ``Trajectory.grams`` from :mod:`bnteach.simulate` and to the wide-limit
output of :mod:`bnteach.meanfield`. Angles and norm ratios do not depend on the
overall scale of ``G``. :func:`per_layer` applies any of them along depth.

* :func:`cosines`: pairwise cosines ``C_ij = G_ij / sqrt(G_ii G_jj)``;
* :func:`numerical_rank` and :func:`soft_rank`: how many directions the batch spans;
* :func:`orthogonality_gap`: distance from an orthogonal batch of equal norms;
* :func:`cosine_spread`: how far the pairwise cosines are from one common value;
* :func:`outlier_stats`: the sample with the largest norm against the rest;
* :func:`centered_norms` and :func:`cluster_spread`: distances from the batch mean,
  and how far a group of samples is from identical;
* :func:`active_counts`: per neuron, how many samples it fires on (from ``Z``, not ``G``);
* :func:`describe`: a one-line text summary of a trajectory.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from bnteach import _validation

__all__ = ["gram", "cosines", "numerical_rank", "soft_rank", "orthogonality_gap", "cosine_spread",
           "OutlierStats", "outlier_stats", "centered_norms", "cluster_spread", "active_counts",
           "per_layer", "format_components", "describe"]


def gram(X) -> np.ndarray:
    """The Gram matrix ``G = X.T @ X`` of a representation.

    Parameters
    ----------
    X : array_like of shape (d, n)
        A representation, samples as columns, ``n >= 2``.

    Returns
    -------
    ndarray of shape (n, n)
        ``G_ij = x_i · x_j``: squared norms on the diagonal, inner products off it.
        Every other function of this module takes it.

    Raises
    ------
    ValueError
        If ``X.T @ X`` overflows float64 (divide ``X`` by a constant first).

    Examples
    --------
    >>> X = np.array([[1.0, 0.0, 1.0],
    ...               [0.0, 2.0, 1.0]])     # d = 2, n = 3 samples as columns
    >>> gram(X)
    array([[1., 0., 1.],
           [0., 4., 2.],
           [1., 2., 2.]])
    """
    X = _validation.check_batch(X, "X")
    with np.errstate(over="ignore", invalid="ignore"):
        G = X.T @ X  # (n, d) @ (d, n) -> (n, n)
    if not np.all(np.isfinite(G)):
        raise ValueError(f"X.T @ X overflows float64: the entries of X are too large (max |X| is "
                         f"{np.abs(X).max():.3g}). Divide X by a constant first; angles and ranks "
                         f"do not depend on the scale.")
    return G


def cosines(G) -> np.ndarray:
    """Pairwise cosines ``C_ij = G_ij / sqrt(G_ii G_jj)``, clipped to [−1, 1].

    Parameters
    ----------
    G : array_like of shape (n, n)
        Gram matrix (:func:`gram`); no sample may have zero norm.

    Returns
    -------
    ndarray of shape (n, n)
        The cosine matrix ``C``, with ones on the diagonal.

    Raises
    ------
    ValueError
        If a sample has zero norm (its angles are undefined).

    Examples
    --------
    >>> X = np.array([[1.0, 0.0, 1.0],
    ...               [0.0, 2.0, 1.0]])
    >>> np.round(cosines(gram(X)), 3)
    array([[1.   , 0.   , 0.707],
           [0.   , 1.   , 0.707],
           [0.707, 0.707, 1.   ]])
    """
    G = _validation.check_gram(G)
    _validation.check_nonzero_columns(G)
    return _cosines(G)


def _cosines(G: np.ndarray) -> np.ndarray:
    s = np.sqrt(np.diag(G))
    C = np.clip(G / np.outer(s, s), -1.0, 1.0)
    np.fill_diagonal(C, 1.0)
    return C


def numerical_rank(G, rtol: float = 1e-10) -> int:
    """The number of eigenvalues of ``G`` above ``rtol`` times the largest.

    Parameters
    ----------
    G : array_like of shape (n, n)
        Gram matrix (:func:`gram`).
    rtol : float, default 1e-10
        Relative threshold, ``>= 0``. Eigenvalues of ``G`` are squared singular values
        of ``X``, so the default counts singular values above 1e-5 of the largest.
        (numpy's default tolerance, near machine precision, never shows a collapse
        that leaves rounding noise behind.)

    Returns
    -------
    int
        Between 0 (all zeros) and n. A batch on one line has rank 1 (the collapse of
        deep linear networks, lesson 1).

    Examples
    --------
    >>> numerical_rank(np.eye(4)), numerical_rank(np.ones((4, 4)))
    (4, 1)
    """
    G = _validation.check_gram(G)
    rtol = _validation.check_real(rtol, "rtol", low=0.0)
    eig = np.linalg.eigvalsh(G)
    top = eig[-1]
    return 0 if top <= 0 else int(np.count_nonzero(eig > rtol * top))


def soft_rank(G) -> float:
    """``tr(G)² / ‖G‖_F²``, between 1 (all samples on one line) and n (orthogonal, equal norms).

    Equal to the "lower bound on rank" ``tr(M)²/‖M‖_F²`` with ``M = X Xᵀ`` of
    Daneshmand et al. (2020), since ``X Xᵀ`` and ``Xᵀ X`` share their non-zero
    eigenvalues. Smooth, so it shows a collapse that the numerical rank misses.

    Parameters
    ----------
    G : array_like of shape (n, n)
        Gram matrix (:func:`gram`), not all zeros.

    Returns
    -------
    float
        ``(Σ λ_i)² / Σ λ_i²`` over the eigenvalues ``λ_i`` of ``G``.

    Examples
    --------
    >>> print(f"{soft_rank(np.eye(4)):.2f} {soft_rank(np.ones((4, 4))):.2f}")
    4.00 1.00
    """
    G = _validation.check_gram(G)
    norm2 = float(np.sum(G * G))
    if norm2 == 0.0:
        raise ValueError("soft_rank: G is all zeros, so the batch spans nothing; its rank is 0.")
    return float(np.trace(G)) ** 2 / norm2


def orthogonality_gap(G) -> float:
    """Daneshmand et al. (2021)'s orthogonality gap ``V = ‖G/tr(G) − I/n‖_F``.

    Zero exactly for an orthogonal batch of equal norms; ``sqrt(1 − 1/n)`` for a
    batch on one line with equal norms. Their Theorem 1 bounds its expectation
    after ℓ rescaled linear layers by ``2(1 − 2α/3)^ℓ + 3n/(α√d)`` (α there is a
    lower bound on singular values, unrelated to :func:`bnteach.theory.alpha`).

    Parameters
    ----------
    G : array_like of shape (n, n)
        Gram matrix (:func:`gram`), not all zeros.

    Returns
    -------
    float
        ``V``, in ``[0, sqrt(1 − 1/n)]``. Introduced in
        ``lessons/01_linear_networks.ipynb`` (exercise 1.2).

    Examples
    --------
    >>> print(f"{orthogonality_gap(np.eye(4)):.4f}")       # orthogonal
    0.0000
    >>> print(f"{orthogonality_gap(np.ones((4, 4))):.4f}")  # one line: sqrt(3/4)
    0.8660
    """
    G = _validation.check_gram(G)
    tr = np.trace(G)
    if tr <= 0:
        raise ValueError("orthogonality_gap: G is all zeros (trace 0), so G/tr(G) is undefined.")
    return float(np.linalg.norm(G / tr - np.eye(len(G)) / len(G)))


def cosine_spread(G, target=None) -> float:
    """The largest deviation of any pairwise cosine from ``target``: 0 for an equiangular batch.

    Parameters
    ----------
    G : array_like of shape (n, n)
        Gram matrix; no sample may have zero norm.
    target : float in [-1, 1], optional
        The common cosine to compare with, e.g. ``theory.simplex_cosine(n)`` (the
        regular simplex, lesson 2) or ``theory.kappa(n)`` (lesson 3). Default: the
        mean pairwise cosine of ``G``.

    Returns
    -------
    float
        ``max_{i<j} |C_ij - target|``. Use it, not the mean cosine, to show that a
        batch converges to an equiangular configuration: the mean pairwise cosine
        of *any* centered batch of equal norms is exactly ``-1/(n-1)``, because
        ``‖Σ_i x_i‖² = 0`` (derived in this course, checked numerically in lesson 2).

    Examples
    --------
    The centering matrix is the Gram matrix of a regular simplex:

    >>> from bnteach import layers, theory
    >>> P = layers.centering_matrix(4)
    >>> print(f"{cosine_spread(P, theory.simplex_cosine(4)):.4f}")
    0.0000
    """
    G = _validation.check_gram(G)
    _validation.check_nonzero_columns(G)
    pairs = _cosines(G)[np.triu_indices(len(G), 1)]
    if target is None:
        target = pairs.mean()
    else:
        target = _validation.check_real(target, "target", low=-1.0)
        if target > 1.0:
            raise ValueError(f"The 'target' parameter must be a cosine in [-1, 1]; got {target!r}.")
    return float(np.max(np.abs(pairs - target)))


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
    _validation.check_nonzero_columns(G)
    C = _cosines(G)
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
    C = G - G.mean(axis=0, keepdims=True)        # P G P, with P symmetric
    C = C - C.mean(axis=1, keepdims=True)
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
    C = _cosines(G)[np.ix_(members, members)]
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


def per_layer(metric, grams, *, errors="raise") -> np.ndarray:
    """Apply ``metric`` (e.g. :func:`soft_rank`) to each Gram matrix in ``grams``.

    Parameters
    ----------
    metric : callable
        A function of one Gram matrix returning a number or k numbers.
    grams : array_like of shape (depth + 1, n, n)
        E.g. ``Trajectory.grams`` or the output of :func:`bnteach.meanfield.run`.
    errors : {"raise", "nan"}
        What a layer whose matrix the metric refuses (``ValueError``, e.g. a sample of
        zero norm has no angle) gives: ``"raise"`` names the layer and re-raises;
        ``"nan"`` records NaN for that layer and goes on (for plots); if the metric
        refuses every layer, there is nothing to plot and the first layer's error is
        raised even so.

    Returns
    -------
    ndarray of shape (depth + 1,) or (depth + 1, k)
        The metric at every layer, as floats (k for a metric returning k numbers,
        such as :func:`outlier_stats`).

    Examples
    --------
    >>> per_layer(soft_rank, [np.eye(3), np.ones((3, 3))])
    array([3., 1.])
    """
    if not callable(metric):
        raise TypeError(f"The 'metric' parameter must be a function of a Gram matrix, such as "
                        f"bnteach.metrics.soft_rank; got {_validation.describe_value(metric)}.")
    errors = _validation.check_choice(errors, "errors", ("raise", "nan"))
    grams = _validation.as_float_array(grams, "grams")
    if grams.ndim != 3 or grams.shape[1] != grams.shape[2]:
        raise ValueError(f"grams must have shape (depth + 1, n, n), a Gram matrix per layer; "
                         f"got shape {grams.shape}. For a single matrix call the metric directly.")
    values, failed = [], []
    for layer, G in enumerate(grams):
        try:
            if errors == "nan":       # a plot of a dying batch: no warnings, NaN where undefined
                with np.errstate(all="ignore"):
                    values.append(metric(G))
            else:
                values.append(metric(G))
        except ValueError as err:
            if errors == "raise":                # say which layer, in the caller's terms
                raise ValueError(f"grams[{layer}]: {err}") from None
            values.append(None)
            failed.append(layer)
        except TypeError as err:
            raise TypeError(f"grams[{layer}]: {err}") from None
    if failed and len(failed) == len(values):   # nothing to plot, and no shape to give NaN
        return per_layer(metric, grams[:1])      # raises the first layer's error, named
    if failed:
        k = next(np.shape(v) for v in values if v is not None)
        values = [np.full(k, np.nan) if v is None else v for v in values]
    return np.array(values, dtype=float)


def format_components(components) -> str:
    """The course's label for a layer's components, e.g. ``("rc", "relu")`` -> ``"RC+ReLU"``.

    Parameters
    ----------
    components : iterable of str
        As in :func:`bnteach.simulate.run`: any of ``"rc"``, ``"rs"``, then one of
        ``"relu"``, ``"tanh"``, ``"linear"``.

    Returns
    -------
    str

    Examples
    --------
    >>> format_components(("rc", "rs", "relu"))
    'RC+RS+ReLU'
    """
    components = _validation.check_components(components)
    names = {"rc": "RC", "rs": "RS", "relu": "ReLU", "tanh": "tanh", "linear": "linear"}
    return "+".join(names[c] for c in components)


def describe(traj, layer: int = -1) -> str:
    """A one-line text summary of a trajectory at one layer (default: the last).

    The line states the network and the batch's geometry: soft rank, numerical
    rank, mean pairwise cosine and the largest-norm sample. It is printed under
    figures for screen-reader users and as a checked output.

    Parameters
    ----------
    traj : Trajectory or array_like of shape (depth + 1, n, n)
        A :class:`bnteach.simulate.Trajectory`, or an array of Gram matrices (e.g.
        from :func:`bnteach.meanfield.run`, which is labelled "wide limit").
    layer : int, default -1
        The layer to describe, ``-depth - 1 <= layer <= depth``; negative counts from
        the end.

    Returns
    -------
    str
        One sentence, ending with a full stop.

    Examples
    --------
    >>> from bnteach import meanfield, theory
    >>> print(describe(meanfield.run(theory.invariant_gram(8), depth=3)))
    wide limit, batch 8, layer 3 of 3: soft rank 1.28; rank 2; mean cosine +0.750; largest
    sample #7 at 7.00x the others' mean norm, max |cos| to them 0.000.
    """
    grams = getattr(traj, "grams", traj)
    grams = _validation.as_float_array(grams, "traj.grams")
    if grams.ndim != 3 or grams.shape[1] != grams.shape[2]:
        raise ValueError(f"describe needs a Trajectory or an array of Gram matrices of shape "
                         f"(depth + 1, n, n); got shape {grams.shape}. Pass what "
                         f"simulate.run or meanfield.run returned as traj.")
    depth = len(grams) - 1
    layer = _validation.check_int(layer, "layer", low=-depth - 1, high=depth) % (depth + 1)
    G = _validation.check_gram(grams[layer], f"traj.grams[{layer}]")
    if not np.any(G):
        raise ValueError(f"traj.grams[{layer}] is all zeros: the batch spans nothing to describe.")
    n = len(G)
    config = getattr(traj, "config", None)
    if config is None:
        head = f"wide limit, batch {n}"
    else:
        head = f"{format_components(config.components)}, width {config.width}, batch {n}"
    try:
        parts = [f"{head}, layer {layer} of {depth}: soft rank {soft_rank(G):.2f}",
                 f"rank {numerical_rank(G)}"]
        if np.all(np.diag(G) > 0):
            C = _cosines(G)
            parts.append(f"mean cosine {C[np.triu_indices(n, 1)].mean():+.3f}")
            s = outlier_stats(G)
            parts.append(f"largest sample #{s.index} at {s.norm_ratio:.2f}x the others' mean "
                         f"norm, max |cos| to them {s.outlier_cos:.3f}")
        else:
            parts.append(f"{int(np.sum(np.diag(G) <= 0))} zero sample(s)")
    except ValueError as err:                     # say which matrix, in the caller's terms
        raise ValueError(f"traj.grams[{layer}]: {err}") from None
    return "; ".join(parts) + "."
