"""Explorers of lesson 4's cluster+outlier norms and lesson 5's split trees.

:func:`variance_explorer` shows how the weight variance sets the raw norms of the
cluster+outlier configuration; :func:`tree_explorer` runs a split tree through the
infinitely wide network and draws its branching. Both are built like every
explorer (:mod:`bnteach.widgets._explore`); the lessons reach them as
``bnteach.widgets.*``.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np

from bnteach import batches, meanfield, metrics, plotting, simulate, theory, tree
from bnteach.widgets import _explore
from bnteach.widgets._explore import MAX_SEED

__all__ = ["variance_explorer", "tree_explorer", "SCALINGS"]


#: Weight-variance scalings offered by :func:`variance_explorer`: label -> factor times 2/d.
SCALINGS = {
    "He: 2/d": lambda n: 1.0,
    "2α/d": lambda n: theory.alpha(n),
    "0.95 × 2α/d": lambda n: 0.95 * theory.alpha(n),
    "1.05 × 2α/d": lambda n: 1.05 * theory.alpha(n),
}
VARIANCE_WIDTHS = [64, 256, 1024, 4096]


@functools.lru_cache(maxsize=64)
def _raw_norms(n: int, width: int, depth: int, scaling: str, seed: int, runs: int):
    """Raw norms (runs, depth + 1, n) of RC+ReLU runs from the cluster+outlier batch."""
    X0 = batches.cluster_outlier(n=n, d=width)
    rng = np.random.default_rng(seed)
    factor = SCALINGS[scaling](n)
    return np.array([simulate.run(X0, depth, weight_var=2.0 * factor, rng=rng).raw_norms()
                     for _ in range(runs)])


def variance_explorer(*, n: int = 16, width: int = 256, depth: int = 50,
                      scaling: str = "2α/d", seed: int = 0, runs: int = 5) -> widgets.interactive:
    """How the weight variance sets the norms of the cluster+outlier configuration.

    Starts RC+ReLU networks (``runs`` of them, input width = width) from ``n − 1``
    unit vectors and one orthogonal vector of norm ``n − 1``
    (:func:`bnteach.batches.cluster_outlier`), and plots the raw norms of the
    cluster and of the outlier divided by ``n − 1``, against depth. With weights of
    variance ``2α/d`` both stay at 1 in expectation; any other scaling makes them
    drift geometrically (derived in this course, checked numerically; lesson 4).

    Parameters
    ----------
    n : int, default 16
        Starting batch size, 3 to 32.
    width : int, default 256
        Starting width d, one of 64, 256, 1024, 4096.
    depth : int, default 50
        Starting depth, 1 to 100.
    scaling : str, default "2α/d"
        Starting weight variance, a key of :data:`SCALINGS`.
    seed : int, default 0
        Starting seed, 0 to 10**6.
    runs : int, default 5
        Number of runs averaged, 1 to 20 (fixed when the explorer is made).

    Returns
    -------
    ipywidgets.interactive
        ``.result`` is a one-line summary of the shown runs.
    """
    from bnteach import _validation

    _validation.check_int(n, "n", low=3, high=32)
    if width not in VARIANCE_WIDTHS:
        raise ValueError(f"The 'width' parameter must be one of {VARIANCE_WIDTHS}; got {width!r}.")
    _validation.check_int(depth, "depth", low=1, high=100)
    _validation.check_choice(scaling, "scaling", SCALINGS)
    _validation.check_int(seed, "seed", low=0, high=MAX_SEED)
    runs = _validation.check_int(runs, "runs", low=1, high=20)

    view = _VarianceView(runs)
    return _explore.explorer(view, n=_explore.slider(n, 3, 32, "batch n (samples)"),
                     width=_explore.steps(VARIANCE_WIDTHS, width, "width d (neurons)"),
                     depth=_explore.slider(depth, 1, 100, "depth (layers)"),
                     scaling=_explore.menu(SCALINGS, scaling, "weight variance"),
                     seed=_explore.seed_box(seed))


class _VarianceView(_explore.View):
    """The cluster's and the outlier's raw norms against depth, log y, with a 10-90 % band."""

    LABELS = ("cluster (mean norm)", "outlier / (n − 1)")

    def __init__(self, runs: int):
        self.runs = runs
        with plotting.style():
            self.figure = _explore.new_figure(8, 3.6)
            self.ax = self.figure.subplots()
            self.figure.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.9)
            plotting.plot_depth({label: [1.0, 1.0] for label in self.LABELS}, ax=self.ax,
                                ylabel="raw norm", logy=True)
            self.lines = self.ax.get_lines()
            self.ax.axhline(1.0, color="0.3", linewidth=1, linestyle=":", marker="")
        self.dynamic = [self.ax]

    def update(self, n, width, depth, scaling, seed):
        runs = self.runs
        norms = _raw_norms(n, width, depth, scaling, seed, runs)   # (runs, depth + 1, n)
        cluster = norms[:, :, :-1].mean(axis=2)
        outlier = norms[:, :, -1] / (n - 1)
        layers = np.arange(depth + 1)
        for band in list(self.ax.collections):
            band.remove()
        shown = [np.ones(1)]
        for line, y in zip(self.lines, (cluster, outlier)):
            line.set_data(layers, y.mean(axis=0))
            line.set_markevery(max(1, (depth + 1) // 10))
            shown.append(y.mean(axis=0))
            if runs > 1:
                lo, hi = np.percentile(y, [10, 90], axis=0)
                self.ax.fill_between(layers, lo, hi, color=line.get_color(), alpha=0.2,
                                     linewidth=0)
                shown += [lo, hi]
        self._log_limits(np.concatenate(shown))
        self.ax.set_xlim(-0.02 * depth - 0.5, 1.02 * depth + 0.5)
        self.ax.set_title(f"n = {n}, width {width}, variance {scaling}, {runs} runs")
        return (f"RC+ReLU, width {width}, batch {n}, weight variance {scaling} "
                f"(alpha = {theory.alpha(n):.4f}): after {depth} layers the cluster's norm is "
                f"{cluster[:, -1].mean():.3g} and the outlier's {outlier[:, -1].mean():.3g} "
                f"times n - 1 (mean of {runs} runs; both start at 1).")

    def _log_limits(self, values):
        """Limits around the positive values, a twentieth of their range in log space."""
        values = values[values > 0]
        low, high = values.min(), values.max()
        pad = (high / low) ** 0.05 if high > 1.1 * low else 1.05
        self.ax.set_ylim(low / pad, high * pad)
        plotting.readable_log(self.ax, "y")


class _TreeView(_explore.View):
    """Left: the branching diagram up to the layer; right: the cosines at that layer."""

    def __init__(self, n: int):
        self.n = n
        with plotting.style():
            self.figure, (self.left, right) = _explore.two_panels(1.4, 1)
            self.figure.subplots_adjust(wspace=0.5)      # room for the group-size key
            self.cosines = _explore.Cosines(right, n)
        self.dynamic = [self.left, *self.cosines.artists]

    def update(self, m, fresh, seed, layer):
        n = self.n
        traj = _split_run(n, m, fresh, seed)
        shown = np.unique(np.linspace(0, layer, min(layer, 40) + 1).round().astype(int))
        history = [_groups(n, m, fresh, seed, int(i)) for i in shown]
        for artist in list(self.left.collections):
            artist.remove()
        self.left.ignore_existing_data_limits = True          # limits from the new diagram
        plotting.plot_branching(history, layers=shown, ax=self.left)
        self.left.set_xlim(-0.02 * layer - 0.5, 1.02 * layer + 0.5)
        self.left.set_title(f"groups with cosine > 0.45, split {m} + {n - m}")
        if self.cosines.show(traj.grams[layer], layer):
            self.invalidate()
        sizes = sorted((len(g) for g in history[-1]), reverse=True)
        return (f"split tree {m} + {n - m}, spread in {fresh} fresh directions, seed {seed}: "
                f"{len(sizes)} group(s) of sizes {sizes}; " + metrics.describe(traj, layer))


TREE_FRESH = [4, 8, 16, 32, 62]
TREE_DEPTH = 400


@functools.lru_cache(maxsize=64)
def _split_run(n: int, m: int, fresh: int, seed: int):
    """The wide RC+ReLU map for TREE_DEPTH layers from a split tree (tree.split_gram)."""
    return meanfield.run(tree.split_gram(n, m, noise=1e-4, fresh=fresh, rng=seed), TREE_DEPTH)


@functools.lru_cache(maxsize=4096)
def _groups(n: int, m: int, fresh: int, seed: int, layer: int):
    """The groups at one layer, computed when a view first shows that layer."""
    return tree.groups(_split_run(n, m, fresh, seed).grams[layer])


def tree_explorer(*, n: int = 16, m: int = 4, fresh: int = 16, seed: int = 0,
                  layer: int = 150) -> widgets.interactive:
    """Branching in the course's tree model: a split tree through the infinitely wide network.

    Starts from two orthogonal groups of ``m`` and ``n − m`` identical samples with a
    ``1e-4`` spread in ``fresh`` new directions (:func:`bnteach.tree.split_gram`) and
    iterates the wide RC+ReLU map. Left: the branching diagram (groups of samples
    with cosine above 0.45, :func:`bnteach.tree.groups`) up to the chosen layer.
    Right: the cosine matrix at that layer. The layer slider only changes the view.
    Lesson 5 (``lessons/05_branching_tree.ipynb``).

    Parameters
    ----------
    n : int, default 16
        Batch size, 8, 16 or 32 (fixed when the explorer is made).
    m : int, default 4
        Starting size of the small group, 1 to ``n // 2``.
    fresh : int, default 16
        Starting number of fresh directions of the spread, one of 4, 8, 16, 32, 62.
    seed : int, default 0
        Starting seed, 0 to 10**6.
    layer : int, default 150
        Starting layer shown, 0 to 400.

    Returns
    -------
    ipywidgets.interactive
        ``.result`` is a one-line summary: the groups' sizes and the geometry.
    """
    from bnteach import _validation

    if n not in (8, 16, 32):
        raise ValueError(f"The 'n' parameter must be one of [8, 16, 32]; got {n!r}.")
    _validation.check_int(m, "m", low=1, high=n // 2)
    if fresh not in TREE_FRESH:
        raise ValueError(f"The 'fresh' parameter must be one of {TREE_FRESH}; got {fresh!r}.")
    _validation.check_int(seed, "seed", low=0, high=MAX_SEED)
    _validation.check_int(layer, "layer", low=0, high=TREE_DEPTH)

    view = _TreeView(n)
    return _explore.explorer(view, m=_explore.slider(m, 1, n // 2, "small group m (samples)"),
                     fresh=_explore.steps(TREE_FRESH, fresh, "fresh directions (spread)"),
                     seed=_explore.seed_box(seed),
                     layer=_explore.slider(layer, 0, TREE_DEPTH, "layer (depth)"))
