"""Checkers of Lesson 4 (the cluster and its outlier): finding the outlier, measuring α.

Each ``check_<name>(your_function)`` follows the protocol of
:mod:`bnteach.exercises.harness`: True when it passes, False while pending, an
``AssertionError`` with a hint when it fails.
"""

from __future__ import annotations

import numpy as np

from bnteach import metrics, theory
from bnteach.exercises.alpha_hints import alpha_ratios, diagnose_alpha
from bnteach.exercises.harness import (RTOL, as_array, as_number, call, describe, exercise,
                                       reject_known_mistakes)

__all__ = ["check_find_outlier", "check_measure_alpha", "check_invariance"]

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
    Result
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
        pair = isinstance(out, (tuple, list)) or (isinstance(out, np.ndarray) and out.ndim == 1)
        assert pair and len(out) == 2, (
            f"return a pair (index, norm_ratio); for {what} you returned {describe(out)}.")
        index, ratio = out
        assert np.ndim(index) == 0 and not isinstance(index, str) and float(index) == int(index), (
            f"the first entry should be the outlier's index, one integer; for {what} it is "
            f"{describe(index)}.")
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
            (np.delete(norms, ref.index).mean() / norms[ref.index],
             "you divided the others' mean norm by the outlier's; the ratio is the outlier's "
             "norm over the others' mean norm (larger than 1)."),
            (norms[ref.index] / np.median(others), "divide by the mean of the others' norms, "
                                                   "not their median."),
            (G[ref.index, ref.index] / np.mean(np.delete(np.diag(G), ref.index)),
             "you compared squared norms (the diagonal of G); take square roots first: "
             "norms = np.sqrt(np.diag(G))."),
        ]
        reject_known_mistakes(ratio, hints, f"for {what}: ")
        raise AssertionError(f"for {what} the norm ratio should be {ref.norm_ratio:.6f}; yours is "
                             f"{ratio:.6f}.")
    return "the outlier's index and norm ratio match bnteach.metrics.outlier_stats."


def _alpha_cause(err):
    """measure_alpha's likely failures: no noise (a spread of 0), or a list divided by a list."""
    if isinstance(err, ZeroDivisionError):
        return ("the cluster's spread before the layer is 0, so the ratio divides by 0. Did you "
                "pass noise=1e-3 to bn.batches.cluster_outlier? Without noise the cluster is a "
                "single point: it has no spread to grow.")
    return None


@exercise("measure_alpha", "4.3", "measure alpha by simulation", LESSON)
def check_measure_alpha(measure_alpha) -> str:
    """Check your ``measure_alpha(n, rng) -> the per-draw growth factors`` against α(n).

    Exercise 4.3 of ``lessons/04_clustering.ipynb``. Your function simulates one
    wide RC+ReLU layer on the slightly perturbed cluster+outlier batch, 10 times,
    and returns the 10 growth factors of the cluster's spread (mean ``1 − cos``),
    one per draw. Their mean is compared with α(n) = n²/(n² − 2n + 2)
    (:func:`bnteach.theory.alpha`; derived in this course, checked numerically)
    within 5 of their own standard errors, which must be below 0.05 (a simulation
    of width 4096 has about 0.012). Draws that all agree are refused: a simulation
    has a spread, a closed form has none. The function is called twice with
    generators seeded alike and must return the same ratios, and with another
    generator other ratios (it uses its ``rng``).

    Parameters
    ----------
    measure_alpha : callable
        Your function, ``measure_alpha(n, rng) -> sequence of floats``, rng a numpy
        Generator; pass the function itself, without calling it.

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
    for n in (8, 16):
        ratios = alpha_ratios(call(measure_alpha, n, np.random.default_rng(100 + n),
                              cause=_alpha_cause), n)
        if n == 8:                       # the same seed again: the same draws
            again = np.asarray(call(measure_alpha, n, np.random.default_rng(100 + n)), float)
            assert again.shape == ratios.shape and np.array_equal(again, ratios,
                                                                  equal_nan=True), (
                "your ratios change from one call to the next, although both calls got a "
                "generator seeded alike: use the rng you are given for every random draw "
                "(rng=rng), so your results can be reproduced.")
            first = ratios
        assert np.all(np.isfinite(ratios)), (
            f"for n = {n} some of your ratios are nan or inf: the spread before the layer was 0. "
            f"Did you pass noise=1e-3 to bn.batches.cluster_outlier?")
        alpha, mean = theory.alpha(n), float(np.mean(ratios))
        se = float(np.std(ratios, ddof=1) / np.sqrt(len(ratios)))
        assert se > 1e-9 * abs(mean) or abs(mean - 1) < 1e-9, (
            f"for n = {n} your {len(ratios)} ratios are all {mean:.4f}"
            + (" = α(n)" if np.isclose(mean, alpha) else "")
            + ": a simulation's draws differ from one another. Measure each draw: run one layer "
              "(bn.run) on a new batch and take the ratio of the cluster's spreads, instead of "
              "computing a formula.")
        if se <= 0.05 and abs(mean - alpha) <= 5 * se:
            continue
        diagnose_alpha(n, mean, se)
        assert se <= 0.05, (
            f"for n = {n} your ratios spread too much to tell (standard error of their mean "
            f"{se:.3f}): use width 4096 (bn.run(..., width=4096)) and 10 draws.")
        hints = [
            (1.0, "the spread did not change: did you apply a layer (bn.run(X, 1, ...)) and "
                  "compare layer 1 with layer 0?"),
            (1 / alpha, "you divided before by after; the growth factor is after / before."),
            (np.sqrt(alpha), "that is the growth of the angle; measure the spread 1 − cos "
                             "(bn.metrics.cluster_spread), which grows like the angle squared."),
            (alpha ** 2, "you squared the ratio; 1 − cos already grows like the angle squared."),
        ]
        reject_known_mistakes(mean, hints, f"for n = {n} the mean of your ratios is {mean:.4f}: ",
                              close=lambda a, b: abs(a - b) <= max(5 * se, 0.02))
        raise AssertionError(
            f"for n = {n} the mean of your ratios is {mean:.4f} ± {se:.4f}, but α({n}) = "
            f"{alpha:.4f}. Start from bn.batches.cluster_outlier(n=n, d=40, noise=1e-3, rng=rng), "
            f"one wide layer (width 4096), components ('rc', 'relu') and no RS, and return "
            f"bn.metrics.cluster_spread(after) / bn.metrics.cluster_spread(before) for each of "
            f"10 draws.")
    other = np.asarray(call(measure_alpha, 8, np.random.default_rng(7)), float)
    assert not (other.shape == first.shape and np.array_equal(other, first)), (
        "your ratios are the same whatever generator your function is given: draw from the "
        "rng you are given (rng=rng), not from a generator of your own.")
    return "the mean of your draws agrees with alpha(n) = n²/(n² − 2n + 2) for n = 8 and 16."


def _cos(X):
    G = X.T @ X
    s = np.sqrt(np.diag(G))
    return G / np.outer(s, s)


def _gram_cause(err):
    text = str(err)
    if "layer takes a batch" in text:
        return ("layer takes the batch as it is, X itself (samples as columns), and returns "
                "the next batch, (d_out, n): call layer(X), not layer(X.T).")
    if "square Gram matrix" in text or "must be symmetric" in text:
        return ("you passed a batch, not its Gram matrix, to bn.metrics.cosines: it takes the "
                "(n, n) Gram matrix of the samples (the columns), not the batch (d, n) itself.")
    if "zero norm" in text:
        return ("a vector of zero norm has no angle: did you take the cosines of the rows "
                "(X @ X.T, the neurons, some of which can be all 0)? The samples are the "
                "columns: G = X.T @ X, of shape (n, n).")
    if "broadcast" in text:
        return ("did you take the cosines of the rows (X @ X.T, the neurons)? The layer "
                "changes the width d, so matrices of shape (d, d) before and after do not "
                "line up: the Gram matrix of a batch of columns is X.T @ X, (n, n), and its "
                "cosines are what the layer may or may not keep.")
    return None


def _batch_layer(layer, shape):
    """``layer``, refusing any batch but one of ``shape`` (a transposed X, above all)."""
    def apply(A):
        if np.shape(A) != shape:
            raise ValueError(f"layer takes a batch of shape {shape} (d, n), samples as "
                             f"columns; got {describe(A)}.")
        return layer(A)
    return apply


@exercise("invariance", "4.2", "measure how far a layer moves the cosines", LESSON,
          function="invariance_gap")
def check_invariance(invariance_gap) -> str:
    """Check your ``invariance_gap(X, layer) -> float``: the largest change of a pairwise cosine.

    Exercise 4.2 of ``lessons/04_clustering.ipynb``. ``layer`` maps a batch ``(d, n)``
    to the next one, ``(d_out, n)``; the gap is ``max |cos_ij(layer(X)) − cos_ij(X)|``
    over all pairs. The checker's layers refuse any batch but ``X`` itself (``X.T``
    above all), and its wide layer returns ``n + 2`` rows, so a batch handed to
    :func:`bnteach.metrics.cosines` is refused too. The checker tries the infinitely
    wide RC+ReLU layer on the
    cluster+outlier batch (gap about 0: the batch is invariant), on a random batch
    and on a tight cluster without an outlier (clearly not 0), and a layer that only
    rescales (gap 0), comparing with the reference at relative tolerance 1e-8.

    Parameters
    ----------
    invariance_gap : callable
        Your function, ``invariance_gap(X, layer) -> float``;
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
    from bnteach import batches, meanfield
    rng = np.random.default_rng(7)

    def wide(X):                    # (d, n) -> (n + 2, n): the wide RC+ReLU layer, whose
        return batches.from_gram(meanfield.step(X.T @ X), d=X.shape[1] + 2)  # width is not n

    cases = [("the cluster+outlier batch, wide RC+ReLU layer", batches.cluster_outlier(n=6, d=9),
              wide),
             ("a random batch, wide RC+ReLU layer", rng.standard_normal((9, 6)), wide),
             ("a tight cluster with no outlier, wide RC+ReLU layer",
              batches.cluster_outlier(n=6, d=12, noise=0.3, rng=rng)[:, :5], wide),
             ("a random batch, the layer X -> 3 X", rng.standard_normal((5, 4)), lambda X: 3 * X)]
    for what, X, layer in cases:
        layer = _batch_layer(layer, X.shape)
        out = as_number(call(invariance_gap, X, layer, cause=_gram_cause), f"for {what}",
                        "Take np.max(np.abs(...)) of the difference of the cosine matrices.")
        before, after = _cos(X), _cos(layer(X))
        diff = after - before
        expected = float(np.max(np.abs(diff)))
        if np.isclose(out, expected, rtol=1e-8, atol=1e-9):
            continue
        G0, G1 = X.T @ X, layer(X).T @ layer(X)
        hints = [
            (np.max(np.abs(G1 - G0)),
             "you compared the Gram matrices; compare the cosines (bn.metrics.cosines): a layer "
             "that only changes the norms keeps the batch's shape."),
            (np.max(np.abs(G1 / np.trace(G1) - G0 / np.trace(G0))),
             "you compared the Gram matrices scaled by their traces; compare the cosines "
             "(bn.metrics.cosines), which do not depend on the norms."),
            (np.mean(np.abs(diff)), "the gap is the LARGEST change (np.max), not the mean."),
            (np.linalg.norm(diff), "the gap is the largest change, np.max(np.abs(...)), not "
                                   "the Frobenius norm of the difference."),
            (np.max(diff), "take the absolute value before the maximum: np.max(np.abs(...))."),
            (np.max(-diff), "take the absolute value before the maximum: np.max(np.abs(...))."),
            (np.max(np.abs(_cos(layer(X).T) - _cos(X.T))) if X.shape[0] == layer(X).shape[0]
             else None, "you took the cosines of the rows (X @ X.T, the neurons); the samples "
                        "are the columns: G = X.T @ X, of shape (n, n)."),
        ]
        reject_known_mistakes(out, hints, f"for {what}: ",
                              close=lambda a, b: np.isclose(a, b, rtol=1e-6, atol=1e-9))
        should = f"about {expected:.1e}" if expected < 1e-9 else f"{expected:.6f}"
        raise AssertionError(
            f"for {what} the gap should be {should}; yours is {out:.6g}"
            + (". A function that always returns 0 cannot tell an invariant batch from "
               "one that changes." if abs(out) < 1e-9 else ".")
            + " Compare bn.metrics.cosines of layer(X).T @ layer(X) and of X.T @ X.")
    return "about 0 for the cluster+outlier batch, clearly not 0 for batches that change."
