"""Checkers of Lesson 2 (recentering): recentering and its commutation gap.

Each ``check_<name>(your_function)`` follows the protocol of
:mod:`bnteach.exercises.harness`: True when it passes, False while pending, an
``AssertionError`` with a hint when it fails.
"""

from __future__ import annotations

import numpy as np

from bnteach import layers
from bnteach.exercises.harness import (RTOL, as_array, as_number, call, exercise,
                                       reject_known_mistakes)

__all__ = ["check_recenter", "check_commutation_gap"]

LESSON = "02_recentering.ipynb"


@exercise("recenter", "2.1", "implement recenter (RC)", LESSON)
def check_recenter(recenter) -> str:
    """Check your ``recenter(Z)``: each row minus its mean over the batch (RC).

    Exercise 2.1 of ``lessons/02_recentering.ipynb``. Reference:
    :func:`bnteach.layers.recenter`, at relative tolerance 1e-10. Every row gets its
    own offset, so a mean over the wrong axis is caught; the first input is square,
    so a mean without ``keepdims`` (which broadcasts along the wrong axis instead of
    failing) is caught too.

    Parameters
    ----------
    recenter : callable
        Your function, ``recenter(Z) -> ndarray of shape (d, n)``;
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
    >>> def recenter(Z):
    ...     return Z - Z.mean(axis=1, keepdims=True)
    >>> check_recenter(recenter)
    Exercise 2.1 passed: every neuron (row) now has mean 0 over the batch, and Z is untouched.
    True

    A mean over the wrong axis gets a hint:

    >>> def recenter(Z):
    ...     return Z - Z.mean(axis=0, keepdims=True)
    >>> check_recenter(recenter)
    Traceback (most recent call last):
        ...
    bnteach.exercises.errors.CheckFailed: Exercise 2.1: you subtracted each column's (sample's) mean with axis=0. ...
    """
    rng = np.random.default_rng(3)
    for d, n in [(4, 4), (5, 3), (3, 7)]:
        Z = rng.standard_normal((d, n)) + rng.uniform(-3, 3, (d, 1))
        out = as_array(call(recenter, Z), Z.shape, "the same shape as Z, (d, n)")
        expected = layers.recenter(Z)
        if np.allclose(out, expected, rtol=RTOL, atol=1e-12):
            continue
        variants = [
            (Z - Z.mean(axis=0, keepdims=True),
             "you subtracted each column's (sample's) mean with axis=0. Batch norm recenters "
             "each row (a neuron) across the batch: use axis=1 and keepdims=True."),
            (Z - Z.mean(axis=1) if d == n else None,
             "you subtracted Z.mean(axis=1) without keepdims=True: the vector of row means "
             "broadcasts along the rows, so sample j lost neuron j's mean. Use "
             "Z.mean(axis=1, keepdims=True)."),
            (Z - Z.mean(),
             "you subtracted the mean of the whole matrix; subtract each row's own mean over "
             "the batch (axis=1, keepdims=True)."),
            (Z - Z.sum(axis=1, keepdims=True) / (n - 1),
             "you divided the row sums by n − 1; a mean divides by n, the number of samples "
             "(n − 1 belongs to the unbiased variance, which recentering does not use)."),
            (expected / np.sqrt(np.mean(expected ** 2, axis=1, keepdims=True)),
             "you also divided by the standard deviation. That is rescaling (RS, lesson 1); "
             "recenter only subtracts each row's mean."),
            (expected.T if d == n else None,
             "you transposed the result: keep samples as columns, shape (d, n)."),
        ]
        reject_known_mistakes(out, variants)
        raise AssertionError(f"each row of the output should be Z's row minus its mean; for Z "
                             f"of shape {Z.shape} your output differs from Z - Z.mean(axis=1, "
                             f"keepdims=True) by up to {np.max(np.abs(out - expected)):.3g} (its "
                             f"row means are {np.round(out.mean(axis=1), 3).tolist()}).")
    return "every neuron (row) now has mean 0 over the batch, and Z is untouched."


@exercise("commutation_gap", "2.2", "test whether a map commutes with RC", LESSON)
def check_commutation_gap(commutation_gap) -> str:
    """Check your ``commutation_gap(f, X)`` = ``max |recenter(f(X)) − f(recenter(X))|``.

    Exercise 2.2 of ``lessons/02_recentering.ipynb``. ``f`` maps a batch of shape
    ``(d_in, n)`` to one of shape ``(d, n)``. The checker tries a linear map (the gap
    is rounding error: it must be below 1e-10), an affine map ``W @ X + b``
    (recentering removes the bias, so the gap is ``max |b|``) and a ReLU layer,
    comparing with the reference at relative tolerance 1e-8.

    Parameters
    ----------
    commutation_gap : callable
        Your function, ``commutation_gap(f, X) -> float``;
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
    rng = np.random.default_rng(5)
    X = rng.standard_normal((5, 4)) + rng.uniform(-2, 2, (5, 1))   # (d_in, n)
    W = rng.standard_normal((6, 5))                                # (d, d_in)
    b = np.array([0.5, -2.0, 1.2, 0.1, -0.7, 1.1])                 # max |b| is negative
    maps = {
        "the linear map X -> W @ X": lambda A: W @ A,
        "the affine map X -> W @ X + b": lambda A: W @ A + b[:, None],
        "the ReLU layer X -> relu(W @ X)": lambda A: np.maximum(W @ A, 0.0),
    }
    rc = layers.recenter
    for what, f in maps.items():
        out = as_number(call(commutation_gap, f, X), f"for {what}",
                        "Take np.max(np.abs(...)) of the difference.")
        fX = f(X)
        diff = rc(fX) - f(rc(X))                   # (d, n)
        expected = float(np.max(np.abs(diff)))
        if what.startswith("the linear"):
            if abs(out) < 1e-10:
                continue
        elif np.isclose(out, expected, rtol=1e-8, atol=0):
            continue
        hints = [
            (np.max(np.abs(rc(fX) - fX)),
             "you recentered only one side. Compare recenter(f(X)) with f(recenter(X))."),
            (np.max(np.abs((fX - fX.mean(axis=0)) - f(X - X.mean(axis=0)))),
             "you recentered each column (axis=0). Recentering subtracts each row's mean over "
             "the batch: axis=1, keepdims=True (or bn.layers.recenter)."),
            (np.max(diff), "take the absolute value before the maximum: np.max(np.abs(...))."),
            (np.max(-diff), "take the absolute value before the maximum: np.max(np.abs(...))."),
            (np.mean(np.abs(diff)),
             "the gap is the LARGEST absolute difference (np.max), not the mean."),
            (np.linalg.norm(diff),
             "the gap is the largest absolute entry, np.max(np.abs(...)), not the Frobenius norm."),
        ]
        reject_known_mistakes(out, hints, f"for {what}: ")
        should = "below 1e-10" if what.startswith("the linear") else f"{expected:.6g}"
        raise AssertionError(f"for {what} the gap should be {should}; yours is {out:.6g}. Return "
                             f"np.max(np.abs(recenter(f(X)) - f(recenter(X)))).")
    return ("a linear map commutes with recentering (gap ~1e-16); a bias or a ReLU does not.")
