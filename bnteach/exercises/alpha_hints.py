"""Hints for exercise 4.3 (measure α): what a learner's ratios are, if not α's.

The checker :func:`bnteach.exercises.lesson4.check_measure_alpha` reads the learner's
result with :func:`alpha_ratios` and, when their mean is not α(n), asks
:func:`diagnose_alpha` whether they are those of a known mistake, measured here by
simulating the mistaken layer (:func:`simulated_growth`) rather than guessed.
"""

from __future__ import annotations

import inspect

import numpy as np

from bnteach import batches, metrics, simulate, theory

__all__ = ["alpha_ratios", "simulated_growth", "diagnose_alpha"]


def alpha_ratios(out, n: int) -> np.ndarray:
    """``measure_alpha``'s result as a 1-d array of ratios, or a hint saying what it is instead.

    Parameters
    ----------
    out : object
        What the learner's ``measure_alpha(n, rng)`` returned.
    n : int
        The batch size it was called with, for the hint.

    Returns
    -------
    ndarray of shape (draws,)
        The ratios, at least 5 of them.

    Raises
    ------
    AssertionError
        With a hint if ``out`` is None, a generator, one number, empty, one ratio (a
        ``return`` inside the loop) or fewer than 5.

    Examples
    --------
    >>> alpha_ratios([1.2, 1.3, 1.25, 1.31, 1.28], 8).shape
    (5,)
    """
    assert out is not None, "your function returned None. Did you forget `return`?"
    assert not inspect.isgenerator(out) and not isinstance(out, (map, filter, zip)), (
        "your function returned a generator, which can be read only once: return a list or "
        "an array of the 10 ratios.")
    assert np.ndim(out) == 1 and not isinstance(out, str), (
        f"return the growth factors of your draws, one per draw (a list or a 1-d array of "
        f"10 numbers), not {'their mean' if np.ndim(out) == 0 else f'an array of shape {np.shape(out)}'}: "
        f"the check judges your simulation by its own spread.")
    ratios = np.asarray(out, dtype=float)
    assert len(ratios) > 0, ("your list of ratios is empty: append each draw's ratio of the "
                             "cluster's spreads inside the loop.")
    assert len(ratios) != 1, ("you returned 1 ratio: is your `return` inside the loop? Return "
                              "the list after the loop, with all 10 draws' ratios.")
    assert len(ratios) >= 5, (f"for n = {n} you returned {len(ratios)} ratios; "
                              f"simulate 10 draws and return all 10.")
    return ratios


def simulated_growth(n: int, components, width: int = 4096, draws: int = 10):
    """The mean growth factor of the cluster's spread, and its standard error, for a layer.

    Parameters
    ----------
    n : int
        Batch size of the cluster+outlier batch (noise 1e-3, d = 40).
    components : tuple of str
        The layer's components, e.g. ``("rc", "rs", "relu")`` (a learner's mistake).
    width : int, default 4096
        The layer's width.
    draws : int, default 10
        How many batches and layers (seeded: the result is reproducible).

    Returns
    -------
    tuple of float
        ``(mean, standard error of the mean)`` of the per-draw growth factors.
    """
    rng, ratios = np.random.default_rng([43, n]), []
    for _ in range(draws):
        X = batches.cluster_outlier(n=n, d=40, noise=1e-3, rng=rng)
        before, after = simulate.run(X, 1, width=width, components=components, rng=rng).grams
        ratios.append(metrics.cluster_spread(after) / metrics.cluster_spread(before))
    return float(np.mean(ratios)), float(np.std(ratios, ddof=1) / np.sqrt(draws))


def diagnose_alpha(n: int, mean: float, se: float) -> None:
    """Fail with a hint if the ratios are those of a known wrong layer or a wrong cluster.

    Parameters
    ----------
    n : int
        The batch size.
    mean, se : float
        The mean of the learner's ratios and its standard error.

    Returns
    -------
    None
        When the ratios match none of the known mistakes.

    Raises
    ------
    AssertionError
        With a hint for the outlier counted in the cluster, RS in the layer, or a layer
        without recentering.
    """
    where = f"for n = {n} the mean of your ratios is {mean:.4f}"
    assert not (abs(mean - 1) < 1e-3 and 1e-9 < se < 1e-3), (
        f"{where}, with almost no spread: you measured the spread of the whole batch, outlier "
        f"included, which the layer hardly changes. The cluster is every sample but the "
        f"outlier: leave it out (bn.metrics.cluster_spread(G) without members does).")
    if mean > 3:
        rs_mean, _ = simulated_growth(n, ("rc", "rs", "relu"))
        assert not abs(np.log(mean / rs_mean)) < 1.5, (
            f"{where}, far above α({n}) = {theory.alpha(n):.4f}: RS is not part of this layer. "
            f"Use bn.run(X, 1, width=4096, rng=rng) with the default components ('rc', 'relu').")
    if 1e-9 < se <= 0.05:
        relu_mean, relu_se = simulated_growth(n, ("relu",))
        assert abs(mean - relu_mean) > 5 * np.hypot(se, relu_se), (
            f"{where}: about what a ReLU layer without recentering gives. Recentering is "
            f"missing: the layer is RC + ReLU, components ('rc', 'relu').")
