"""Lyapunov exponents of deep linear networks: why they collapse a batch onto one line.

A deep linear network multiplies its input by a product of random d×d matrices.
That product's singular values grow at different exponential rates, its Lyapunov
exponents; the gaps between them make the top singular direction dominate
after many more layers than d (lesson 1, ``lessons/01_linear_networks.ipynb``).
One closed form of :mod:`bnteach.theory`, which re-exports it
(``bn.theory.lyapunov_exponents``); source: Newman (1986), checked numerically.
"""

from __future__ import annotations

import numpy as np

from bnteach import _validation

__all__ = ["lyapunov_exponents"]


def _digamma(x: np.ndarray) -> np.ndarray:
    """ψ(x) for x > 0: shift up by the recurrence ψ(x) = ψ(x + 1) − 1/x, then the asymptotic series."""
    x = np.array(x, dtype=float)
    acc = np.zeros_like(x)
    while np.any(x < 6):
        small = x < 6
        acc[small] -= 1.0 / x[small]
        x[small] += 1.0
    inv2 = 1.0 / (x * x)
    series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))))
    return acc + np.log(x) - 0.5 / x - series


def lyapunov_exponents(d) -> np.ndarray:
    """The d Lyapunov exponents of a product of d×d Gaussian matrices, N(0, 1/d) entries.

    ``λ_i = ½ [log(2/d) + ψ((d − i + 1)/2)]`` for ``i = 1, ..., d`` (ψ the digamma
    function): after L layers the i-th singular value of the product grows like
    ``exp(L λ_i)``. The gaps ``λ_1 − λ_i`` (about ``(i − 1)/(2d)`` for large d) are
    why a deep linear network collapses its batch onto one direction: after
    ``L ≫ d`` layers the top singular direction dominates.

    Parameters
    ----------
    d : int
        Width of the square weight matrices, ``d >= 1``.

    Returns
    -------
    ndarray of shape (d,)
        Decreasing exponents, per layer, natural log.

    Notes
    -----
    Source: Newman (1986), "The distribution of Lyapunov exponents: exact results
    for random matrices", Commun. Math. Phys. 103; checked numerically in lesson 1
    (``lessons/01_linear_networks.ipynb``). (From the QR decomposition: the i-th
    diagonal entry of R is a χ variable with d − i + 1 degrees of freedom, scaled
    by 1/√d.)

    Examples
    --------
    >>> np.round(lyapunov_exponents(3), 4)
    array([-0.1845, -0.4913, -1.1845])
    """
    d = _validation.check_int(d, "d", low=1)
    return 0.5 * (np.log(2.0 / d) + _digamma((d - np.arange(d)) / 2.0))
