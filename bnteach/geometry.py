"""The geometry of one batch, from its Gram matrix: angles, ranks, the gap from orthogonality.

Everything here takes a Gram matrix ``G = X.T @ X`` of shape ``(n, n)`` (make one
with :func:`gram`), so the same function applies to a representation, to each
entry of ``Trajectory.grams`` from :mod:`bnteach.simulate` and to the wide-limit
output of :mod:`bnteach.meanfield`. Angles and norm ratios do not depend on the
overall scale of ``G``. :mod:`bnteach.metrics` gathers these with the cluster
measurements of :mod:`bnteach.clusters`, and applies any of them along depth.

* :func:`cosines`: pairwise cosines ``C_ij = G_ij / sqrt(G_ii G_jj)``;
* :func:`numerical_rank` and :func:`soft_rank`: how many directions the batch spans;
* :func:`orthogonality_gap`: distance from an orthogonal batch of equal norms;
* :func:`cosine_spread`: how far the pairwise cosines are from one common value.
"""

from __future__ import annotations

import numpy as np

from bnteach import _validation

__all__ = ["gram", "cosines", "numerical_rank", "soft_rank", "orthogonality_gap", "cosine_spread"]


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
