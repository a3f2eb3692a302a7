"""Checkers of Lesson 1 (deep linear networks): rescaling and the orthogonality gap.

Each ``check_<name>(your_function)`` follows the protocol of
:mod:`bnteach.exercises.harness`: True when it passes, False while pending, an
``AssertionError`` with a hint when it fails.
"""

from __future__ import annotations

import numpy as np

from bnteach import layers, metrics
from bnteach.exercises.harness import (RTOL, as_array, as_number, call, exercise,
                                       reject_known_mistakes)

__all__ = ["check_rescale", "check_orthogonality_gap"]

LESSON = "01_linear_networks.ipynb"


@exercise("rescale", "1.1", "implement rescale (RS)", LESSON)
def check_rescale(rescale) -> str:
    """Check your ``rescale(Z)``: each row divided by its root-mean-square over the batch (RS).

    Exercise 1.1 of ``lessons/01_linear_networks.ipynb``. Reference:
    :func:`bnteach.layers.rescale`, at relative tolerance 1e-10. Inputs are not
    centered, so dividing by the standard deviation (which subtracts the mean) is
    caught.

    Parameters
    ----------
    rescale : callable
        Your function, ``rescale(Z) -> ndarray of shape (d, n)``;
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
    >>> def rescale(Z):
    ...     return Z / np.sqrt(np.mean(Z ** 2, axis=1, keepdims=True))
    >>> check_rescale(rescale)
    Exercise 1.1 passed: every neuron (row) now has mean square 1 over the batch.
    True
    """
    rng = np.random.default_rng(1)
    for d, n in [(5, 4), (3, 7)]:
        Z = rng.standard_normal((d, n)) * rng.uniform(0.5, 3, (d, 1)) + rng.uniform(-2, 2, (d, 1))
        out = as_array(call(rescale, Z, cause=_rescale_cause), Z.shape,
                       "the same shape as Z, (d, n)")
        expected = layers.rescale(Z)
        if np.allclose(out, expected, rtol=RTOL, atol=1e-12):
            continue
        variants = [
            (Z / np.sqrt(np.mean(Z ** 2, axis=0)),
             "you normalized each column (sample) with axis=0. Batch norm normalizes each row "
             "(a neuron) across the batch: use axis=1 and keepdims=True."),
            (Z / Z.std(axis=0, keepdims=True),
             "you divided each column (sample) by its standard deviation (axis=0). Rescaling "
             "works on each row (a neuron) across the batch (axis=1), and the standard "
             "deviation subtracts the mean first, which RS does not."),
            (Z / np.linalg.norm(Z, axis=1, keepdims=True),
             "you divided each row by its norm sqrt(sum z²), which is Daneshmand et al.'s "
             "diag(ZZᵀ)^(-1/2) Z, √n times too small. Divide by the root-MEAN-square "
             "sqrt(mean(z²)) instead."),
            (Z / Z.std(axis=1, keepdims=True),
             "you divided by the standard deviation, which subtracts the row mean first. "
             "Here rescale comes without recentering: divide by sqrt(mean(z²)) over the row."),
            ((Z - Z.mean(axis=1, keepdims=True)) / Z.std(axis=1, keepdims=True),
             "you also recentered (subtracted the mean). That is RC, a separate component "
             "(lesson 2); rescale only divides each row by sqrt(mean(z²))."),
            (Z / np.mean(Z ** 2, axis=1, keepdims=True),
             "you divided by the mean square; take its square root: sqrt(mean(z²))."),
            (Z / np.sqrt(np.mean(Z ** 2)),
             "you divided by one root-mean-square of the whole matrix; each row (neuron) gets "
             "its own: np.mean(..., axis=1, keepdims=True)."),
        ]
        reject_known_mistakes(out, variants)
        assert out.dtype != np.float32 or not np.allclose(out, expected, rtol=1e-5), (
            "your result is right to about 7 digits but it is float32: keep numpy's float64 "
            "(drop the .astype(np.float32) or dtype=np.float32).")
        ratio = out / expected
        if np.allclose(ratio, ratio[:, :1], rtol=1e-9) and np.allclose(ratio, 1, rtol=1e-2):
            raise AssertionError(
                f"your rows are scaled right up to a relative {np.max(np.abs(ratio - 1)):.1e}: "
                f"did you add an ε inside the square root (sqrt(mean(z²) + ε), as in the BN "
                f"formula that guards against dividing by zero)? The course's RS has no ε: "
                f"leave it out, so that each row has mean square exactly 1.")
        ms = np.mean(out ** 2, axis=1)
        raise AssertionError(f"every row of the output should have mean square 1; for Z of shape "
                             f"{Z.shape} the rows' mean squares are {np.round(ms, 4).tolist()} "
                             f"(up to {np.max(np.abs(ms - 1)):.1e} away from 1). Check which "
                             f"axis you average over, and what you divide by.")
    return "every neuron (row) now has mean square 1 over the batch."


def _rescale_cause(err):
    """The likely cause when the learner's rescale raises (the checker's Z is not square)."""
    if "broadcast" in str(err):
        return ("np.mean(Z ** 2, axis=1) without keepdims=True is a vector of shape (d,), "
                "which numpy lines up with Z's last axis (the n samples), not its rows. "
                "Keep the dimensions: np.mean(Z ** 2, axis=1, keepdims=True) has shape (d, 1) "
                "and divides each row by its own value.")
    return None


@exercise("orthogonality_gap", "1.2", "implement the orthogonality gap", LESSON)
def check_orthogonality_gap(orthogonality_gap) -> str:
    """Check your ``orthogonality_gap(G)`` = ‖G/tr(G) − I/n‖_F (Daneshmand et al. 2021).

    Exercise 1.2 of ``lessons/01_linear_networks.ipynb``. Reference:
    :func:`bnteach.metrics.orthogonality_gap`, at relative tolerance 1e-10, on an
    orthogonal batch, a random batch, a batch on one line and a scaled batch.

    Parameters
    ----------
    orthogonality_gap : callable
        Your function, ``orthogonality_gap(G) -> float, G of shape (n, n)``;
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
    rng = np.random.default_rng(2)
    n = 5
    X = rng.standard_normal((8, n))
    cases = {
        "an orthogonal batch of equal norms, 3 * I": 3 * np.eye(n),
        # The random batch comes before the line: on the line, the spectral norm and the
        # squared Frobenius norm of G/tr(G) - I/n are both 1 - 1/n, so the hints would mix up.
        "a random batch": X.T @ X,
        "a batch on one line": np.ones((n, n)),
        "the same random batch scaled by 10": 100 * (X.T @ X),
    }
    for what, G in cases.items():
        out = as_number(call(orthogonality_gap, G), f"for {what}",
                        "Use np.linalg.norm(...) of the whole matrix.")
        expected = metrics.orthogonality_gap(G)
        if np.isclose(out, expected, rtol=RTOL, atol=1e-12):
            continue
        A = G / np.trace(G) - np.eye(n) / n
        hints = [
            (np.linalg.norm(G - np.eye(n) / n),
             "divide G by its trace first: the gap compares directions and relative norms, "
             "so it must not change when the batch is scaled."),
            (np.linalg.norm(G / np.trace(G) - np.eye(n)),
             "compare with I/n, not I: G/tr(G) has trace 1, like I/n."),
            (np.sum(A ** 2),
             "you returned the squared Frobenius norm; take the square root (np.linalg.norm)."),
            (np.linalg.norm(A, 2),
             "you computed the spectral norm (ord=2); the gap uses the Frobenius norm, "
             "np.linalg.norm(A) with no ord for a matrix."),
        ]
        reject_known_mistakes(out, hints, f"for {what}: ")
        raise AssertionError(f"for {what} the gap should be {expected:.6f}; yours is {out:.6f}. "
                             f"Compute np.linalg.norm(G / np.trace(G) - np.eye(n) / n).")
    return "0 for an orthogonal batch, sqrt(1 - 1/n) for a batch on one line, scale-free."
