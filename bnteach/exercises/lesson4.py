"""Checkers of Lesson 4 (the cluster and its outlier): finding the outlier, measuring α.

Each ``check_<name>(your_function)`` follows the protocol of
:mod:`bnteach.exercises.harness`: True when it passes, False while pending, an
``AssertionError`` with a hint when it fails.
"""

from __future__ import annotations

import numpy as np

from bnteach import metrics, theory
from bnteach.exercises.harness import (RTOL, as_array, as_number, call, exercise,
                                       reject_known_mistakes)

__all__ = ["check_find_outlier", "check_measure_alpha"]

LESSON = "04_clustering.ipynb"


@exercise("find_outlier", "4.1", "find the outlier and its norm ratio", LESSON)
def check_find_outlier(find_outlier) -> str:
    """Check your ``find_outlier(G) -> (index, norm_ratio)``.

    Exercise 4.1 of ``lessons/04_clustering.ipynb``. ``index`` is the sample with
    the largest norm; ``norm_ratio`` its norm over the mean norm of the other
    samples. Reference: :func:`bnteach.metrics.outlier_stats`.

    Parameters
    ----------
    find_outlier : callable
        Your function, ``find_outlier(G) -> (int, float), G of shape (n, n)``;
        pass the function itself, without calling it.

    Returns
    -------
    bool
        True when your function passes (a line says so), False while it still raises
        ``NotImplementedError`` (the exercise is pending).

    Raises
    ------
    AssertionError
        When it fails, with the exercise number and a hint saying what to fix.
    """
    rng = np.random.default_rng(4)
    X = rng.standard_normal((12, 7))
    X[:, 3] *= 6.0
    cases = {"the cluster+outlier Gram matrix (outlier last)": theory.invariant_gram(6),
             "the cluster+outlier Gram matrix with the outlier first":
                 theory.invariant_gram(6, outlier=0),
             "a random batch whose sample 3 is 6 times longer": X.T @ X}
    for what, G in cases.items():
        out = call(find_outlier, G)
        assert out is not None, "your function returned None. Did you forget `return`?"
        assert isinstance(out, (tuple, list)) and len(out) == 2, (
            f"return a pair (index, norm_ratio); for {what} you returned {type(out).__name__}.")
        index, ratio = out
        ref = metrics.outlier_stats(G)
        norms = np.sqrt(np.diag(G))
        assert int(index) == ref.index, (
            f"for {what} the outlier is sample {ref.index}, you returned {index}."
            + (" You took the smallest norm (argmin); the outlier is the largest."
               if int(index) == int(np.argmin(norms)) else
               " Use the diagonal of G (squared norms), not its row sums."
               if int(index) == int(np.argmax(G.sum(axis=1))) else ""))
        ratio = float(ratio)
        if np.isclose(ratio, ref.norm_ratio, rtol=1e-9):
            continue
        others = np.delete(norms, ref.index)
        hints = [
            (ref.norm_ratio ** 2, "you compared squared norms (the diagonal of G); take "
                                  "square roots first: norms = np.sqrt(np.diag(G))."),
            (norms[ref.index] / norms.mean(), "divide by the mean norm of the OTHER samples, "
                                              "leaving the outlier out."),
            (norms[ref.index] / np.sqrt(np.mean(others ** 2)), "divide by the mean of the "
                                                               "others' norms, not their rms."),
        ]
        reject_known_mistakes(ratio, hints, f"for {what}: ")
        raise AssertionError(f"for {what} the norm ratio should be {ref.norm_ratio:.6f}; yours is "
                             f"{ratio:.6f}.")
    return "the outlier's index and norm ratio match bnteach.metrics.outlier_stats."


@exercise("measure_alpha", "4.2", "measure alpha by simulation", LESSON)
def check_measure_alpha(measure_alpha) -> str:
    """Check your ``measure_alpha(n, rng) -> float`` against α(n) = n²/(n² − 2n + 2).

    Exercise 4.2 of ``lessons/04_clustering.ipynb``. Your function simulates one
    wide RC+ReLU layer on the slightly perturbed cluster+outlier batch and returns
    the growth factor of the cluster's spread (mean ``1 − cos``). Its answer is
    random, so it is compared with α(n) (:func:`bnteach.theory.alpha`; derived in
    this course, checked numerically) at a tolerance of 0.06 (four standard
    deviations for the mean of 10 draws at width 4096, so a correct simulation of
    that size passes).

    Parameters
    ----------
    measure_alpha : callable
        Your function, ``measure_alpha(n, rng) -> float, rng a numpy Generator``;
        pass the function itself, without calling it.

    Returns
    -------
    bool
        True when your function passes (a line says so), False while it still raises
        ``NotImplementedError`` (the exercise is pending).

    Raises
    ------
    AssertionError
        When it fails, with the exercise number and a hint saying what to fix.
    """
    for n in (8, 16):
        rng = np.random.default_rng(100 + n)
        value = as_number(call(measure_alpha, n, rng), f"for n = {n}",
                          "Return the mean growth factor over your draws.")
        alpha = theory.alpha(n)
        if abs(value - alpha) <= 0.06:
            continue
        hints = [
            (1.0, "the spread did not change: did you apply a layer (bn.run(X, 1, ...)) and "
                  "compare layer 1 with layer 0?"),
            (1 / alpha, "you divided before by after; the growth factor is after / before."),
            (np.sqrt(alpha), "that is the growth of the angle; measure the spread 1 − cos "
                             "(bn.metrics.cluster_spread), which grows like the angle squared."),
            (alpha ** 2, "you squared the ratio; 1 − cos already grows like the angle squared."),
        ]
        reject_known_mistakes(value, hints, f"for n = {n} you returned {value:.4f}: ",
                               close=lambda a, b: abs(a - b) <= 0.06)
        raise AssertionError(
            f"for n = {n} you returned {value:.4f}, but α({n}) = {alpha:.4f}. Start from "
            f"bn.batches.cluster_outlier(n=n, d=40, noise=1e-3, rng=rng), one wide layer "
            f"(width 4096), components ('rc', 'relu') and no RS, and average "
            f"bn.metrics.cluster_spread(after) / bn.metrics.cluster_spread(before) over at "
            f"least 10 draws.")
    return "your simulation gives alpha(n) = n²/(n² − 2n + 2) for n = 8 and 16."
