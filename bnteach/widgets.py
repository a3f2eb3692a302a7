"""Interactive explorers for the lessons: controls -> compute (cached) -> one figure.

Each explorer is built by a function returning an ipywidgets object, so a lesson
cell is one line. Controls are labelled with their units; controls that start a
simulation use ``continuous_update=False`` (the simulation runs when the slider
is released); every update draws exactly one figure; simulations are cached per
(configuration, seed), so a control that only changes the view (which metric,
log scale) does not simulate again; and the ``seed`` control makes every view
reproducible. Only core ipywidgets are used (no ipympl), so the explorers work
in JupyterLab, on Binder and on Colab.

This is the only module of the package that imports ipywidgets.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from bnteach import meanfield, metrics, plotting, simulate, theory, tree

__all__ = ["network_explorer", "layer_viewer", "variance_explorer", "tree_explorer",
           "METRICS", "INPUTS", "SCALINGS"]


def _mean_abs_cos(G):
    C = metrics.cosines(G)
    return float(np.abs(C[np.triu_indices(len(C), 1)]).mean())


#: The quantities the network explorer can plot against depth: label -> (function of G, log-y).
METRICS = {
    "soft rank": (metrics.soft_rank, False),
    "numerical rank": (metrics.numerical_rank, False),
    "orthogonality gap": (metrics.orthogonality_gap, True),
    "mean |cosine|": (_mean_abs_cos, False),
    "cosine spread (max |cos - mean|)": (metrics.cosine_spread, True),
    "norm ratio (largest / rest)": (lambda G: metrics.outlier_stats(G).norm_ratio, False),
}

WIDTHS = [4, 8, 16, 32, 64, 128, 256, 512, 1024]
MAX_SEED = 10 ** 6


#: The input batches the explorer offers: label -> function of (width, n, seed).
INPUTS = {
    "Gaussian": lambda d, n, seed: simulate.random_batch(d, n, rng=seed),
    "nearly rank one": lambda d, n, seed: simulate.nearly_rank_one(d, n),
    "low-dimensional (rank 2)": lambda d, n, seed: simulate.random_batch(d, n, rank=min(2, d),
                                                                         rng=seed),
}


@functools.lru_cache(maxsize=64)
def _simulate(width: int, n: int, depth: int, components: tuple, seed: int, inputs: str):
    """One simulation per (configuration, seed); the input batch has width d."""
    X0 = INPUTS[inputs](width, n, seed)
    return simulate.run(X0, depth, components=components, rng=seed + 1)


@functools.lru_cache(maxsize=256)
def _curve(width, n, depth, components, seed, inputs, metric):
    traj = _simulate(width, n, depth, components, seed, inputs)
    # NaN where a sample has zero norm at tiny width: no angle to measure there
    return metrics.per_layer(METRICS[metric][0], traj.grams, errors="nan")


def _show_dead_batch(config, err) -> str:
    """The update when the run stopped (the whole batch became zero): one figure, one line."""
    width, n, depth, components, seed, _ = config
    _, ax = plt.subplots(figsize=(10, 3.6))
    _say(ax, "every sample became zero:\nnothing to show (try a wider network, RC or another "
         "seed)")
    return (f"{metrics.format_components(components)}, width {width}, batch {n}, seed "
            f"{seed}: no trajectory to show. {err}")


def _say(ax, text):
    """An empty panel with a sentence, where there is nothing to draw."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center")


def _cosines_or_say(G, ax, layer):
    """The cosine heat map of ``G``, or why there is none (a sample of zero norm)."""
    if np.all(np.diag(G) > 0):
        plotting.plot_cosines(metrics.cosines(G), ax=ax, title=f"cosines at layer {layer}")
    else:
        _say(ax, "a sample has zero norm:\nno angles to show")


def _two_panels(left: float, right: float):
    """A figure with two axes side by side and fixed margins.

    Explorers skip the course style's constrained layout: it recomputes the layout at
    every draw, which is a third of an update's time in the browser.
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), layout="none",
                             gridspec_kw={"width_ratios": [left, right]})
    fig.subplots_adjust(left=0.07, right=0.95, bottom=0.15, top=0.9, wspace=0.3)
    return fig, axes


def _components(rc, rs, nonlinearity):
    return tuple(c for c, on in (("rc", rc), ("rs", rs)) if on) + (nonlinearity,)


# -- the one construction every explorer shares ----------------------------------------------

_WIDE = {"description_width": "initial"}       # labels are never cut off


def _slider(value, low, high, label):
    """An integer slider that updates on release: moving it may start a simulation."""
    return widgets.IntSlider(value=value, min=low, max=high, continuous_update=False,
                             description=label, style=_WIDE)


def _steps(options, value, label):
    """A slider over a few fixed values (widths, directions), updating on release."""
    return widgets.SelectionSlider(options=options, value=value, continuous_update=False,
                                   description=label, style=_WIDE)


def _menu(options, value, label):
    return widgets.Dropdown(options=list(options), value=value, description=label, style=_WIDE)


def _check(value, label):
    return widgets.Checkbox(value=value, description=label, style=_WIDE)


def _seed_box(seed):
    return widgets.BoundedIntText(value=seed, min=0, max=MAX_SEED, description="seed",
                                  style=_WIDE)


def _explorer(draw, **controls) -> widgets.interactive:
    """Controls -> ``draw`` -> one figure and a one-line summary: every explorer is this.

    ``draw(**values)`` gets the controls' values, computes (cached), draws one figure
    and returns the summary line. Here the figure gets the course style and is shown
    once, and the summary is printed and kept as the widget's ``.result``.
    """
    def show(**values):
        with plotting.style():
            summary = draw(**values)
            plt.show()
        print(summary)
        return summary

    return widgets.interactive(show, **controls)


def network_explorer(*, width: int = 32, n: int = 4, depth: int = 50,
                     components=("rs", "linear"), metric: str = "orthogonality gap",
                     seed: int = 0, inputs: str = "Gaussian") -> widgets.interactive:
    """Explore a random network with any subset of {RC, RS} and a non-linearity.

    Left: the chosen metric against depth. Right: the pairwise cosines at the last
    layer. Below the figure: a one-line text summary (:func:`bnteach.metrics.describe`),
    also stored as the widget's ``.result``.

    Parameters
    ----------
    width : int
        Starting width d; one of 4, 8, ..., 1024.
    n : int
        Starting batch size, 2 to 32.
    depth : int
        Starting depth, 1 to 500.
    components : iterable of str
        Starting components, as in :func:`bnteach.simulate.run`.
    metric : str
        Starting metric, a key of :data:`METRICS`.
    seed : int
        Starting seed.
    inputs : str
        Starting input batch, a key of :data:`INPUTS`.

    Returns
    -------
    ipywidgets.interactive
        Display it (make it the last expression of a cell). ``.kwargs`` holds the
        control values, ``.result`` the text summary of the current view.
    """
    from bnteach import _validation   # validate the starting values like the package does

    comps = _validation.check_components(components)
    if width not in WIDTHS:
        raise ValueError(f"The 'width' parameter must be one of {WIDTHS}; got {width!r}.")
    _validation.check_int(n, "n", low=2, high=32)
    _validation.check_int(depth, "depth", low=1, high=500)
    _validation.check_choice(metric, "metric", METRICS)
    _validation.check_choice(inputs, "inputs", INPUTS)
    _validation.check_int(seed, "seed", low=0, high=MAX_SEED)   # the seed box would clamp it

    def draw(width, n, depth, rc, rs, nonlinearity, inputs, metric, logy, seed):
        config = (width, n, depth, _components(rc, rs, nonlinearity), seed, inputs)
        try:
            traj = _simulate(*config)
        except ValueError as err:   # at tiny width, ReLU can switch off every sample
            return _show_dead_batch(config, err)
        curve = _curve(*config, metric)
        fig, (left, right) = _two_panels(1.4, 1)
        label = metrics.format_components(traj.config.components)
        plotting.plot_depth({label: curve}, ax=left, ylabel=metric,
                            logy=logy and np.nanmax(curve) > 0)  # zeros are masked
        _cosines_or_say(traj.grams[-1], right, depth)
        return metrics.describe(traj)

    return _explorer(
        draw,
        width=_steps(WIDTHS, width, "width d (neurons)"),
        n=_slider(n, 2, 32, "batch n (samples)"),
        depth=_slider(depth, 1, 500, "depth (layers)"),
        rc=_check("rc" in comps, "recentering (RC)"),
        rs=_check("rs" in comps, "rescaling (RS)"),
        nonlinearity=_menu(["linear", "relu", "tanh"], comps[-1], "non-linearity"),
        inputs=_menu(INPUTS, inputs, "input batch"),
        metric=_menu(METRICS, metric, "plot"),
        logy=_check(METRICS[metric][1], "log scale (y)"),
        seed=_seed_box(seed))


def layer_viewer(traj, *, layer: int | None = None) -> widgets.interactive:
    """Step through the layers of a finished run: the cosine matrix at the chosen layer.

    Left: the cosine heat map at the layer. Right: the largest sample's norm ratio
    and its largest |cosine| with the others, against depth, with the layer marked.
    The slider only changes the view: nothing is simulated again.

    Parameters
    ----------
    traj : bnteach.simulate.Trajectory
        E.g. ``bn.run(X0, 300)``.
    layer : int, optional
        Starting layer, default the last.

    Returns
    -------
    ipywidgets.interactive
        ``.result`` is :func:`bnteach.metrics.describe` at the shown layer.
    """
    from bnteach import _validation

    grams = getattr(traj, "grams", None)
    if grams is None or getattr(traj, "config", None) is None:
        raise TypeError(f"layer_viewer needs a Trajectory from bnteach.simulate.run; got "
                        f"{type(traj).__name__}.")
    depth = len(grams) - 1
    layer = depth if layer is None else _validation.check_int(layer, "layer", low=0, high=depth)
    try:
        stats = metrics.per_layer(lambda G: tuple(metrics.outlier_stats(G)), grams,
                                  errors="nan")       # (depth + 1, 4); NaN rows if undefined
    except ValueError:                                # undefined at every layer
        stats = np.full((depth + 1, 4), np.nan)

    def draw(layer):
        fig, (left, right) = _two_panels(1, 1.3)
        _cosines_or_say(grams[layer], left, layer)
        plotting.plot_depth({"norm ratio (largest / rest)": stats[:, 3]}, ax=right,
                            ylabel="norm ratio")
        twin = right.twinx()
        plotting.plot_depth({"max |cos| largest vs rest": stats[:, 1]}, ax=twin,
                            ylabel="max |cosine|", color=plotting.PALETTE[1],
                            linestyle="--", marker="s")
        twin.set_ylim(0, 1)
        twin.grid(False)
        right.legend(loc="lower right")
        twin.legend(loc="center right")
        right.axvline(layer, color="0.4", linewidth=1, linestyle=":", marker="")
        return metrics.describe(traj, layer)

    # Only the view changes (nothing is simulated), so this slider updates while it moves.
    return _explorer(draw, layer=widgets.IntSlider(value=layer, min=0, max=depth,
                                                   description="layer (depth)", style=_WIDE,
                                                   layout=widgets.Layout(width="60%")))


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
    X0 = simulate.cluster_outlier(n, width)
    rng = np.random.default_rng(seed)
    factor = SCALINGS[scaling](n)
    return np.array([simulate.run(X0, depth, weight_var=2.0 * factor, rng=rng).raw_norms()
                     for _ in range(runs)])


def variance_explorer(*, n: int = 16, width: int = 256, depth: int = 50,
                      scaling: str = "2α/d", seed: int = 0, runs: int = 5) -> widgets.interactive:
    """How the weight variance sets the norms of the cluster+outlier configuration.

    Starts RC+ReLU networks (``runs`` of them, input width = width) from ``n − 1``
    unit vectors and one orthogonal vector of norm ``n − 1``
    (:func:`bnteach.simulate.cluster_outlier`), and plots the raw norms of the
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

    def draw(n, width, depth, scaling, seed):
        norms = _raw_norms(n, width, depth, scaling, seed, runs)   # (runs, depth + 1, n)
        cluster = norms[:, :, :-1].mean(axis=2)
        outlier = norms[:, :, -1] / (n - 1)
        fig, ax = plt.subplots(figsize=(8, 3.6), layout="none")
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.9)
        plotting.plot_depth({"cluster (mean norm)": cluster, "outlier / (n − 1)": outlier},
                            ax=ax, ylabel="raw norm", logy=True)
        ax.axhline(1.0, color="0.3", linewidth=1, linestyle=":", marker="")
        ax.set_title(f"n = {n}, width {width}, variance {scaling}, {runs} runs")
        return (f"RC+ReLU, width {width}, batch {n}, weight variance {scaling} "
                f"(alpha = {theory.alpha(n):.4f}): after {depth} layers the cluster's norm is "
                f"{cluster[:, -1].mean():.3g} and the outlier's {outlier[:, -1].mean():.3g} "
                f"times n - 1 (mean of {runs} runs; both start at 1).")

    return _explorer(draw, n=_slider(n, 3, 32, "batch n (samples)"),
                     width=_steps(VARIANCE_WIDTHS, width, "width d (neurons)"),
                     depth=_slider(depth, 1, 100, "depth (layers)"),
                     scaling=_menu(SCALINGS, scaling, "weight variance"),
                     seed=_seed_box(seed))


TREE_FRESH = [4, 8, 16, 32, 62]
TREE_DEPTH = 400


@functools.lru_cache(maxsize=64)
def _split_run(n: int, m: int, fresh: int, seed: int):
    """The wide RC+ReLU map for TREE_DEPTH layers from a split tree (tree.split_gram), and
    the groups at every layer, so that moving the layer slider computes nothing."""
    grams = meanfield.run(tree.split_gram(n, m, noise=1e-4, fresh=fresh, rng=seed), TREE_DEPTH)
    return grams, tree.branching_history(grams)


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

    def draw(m, fresh, seed, layer):
        grams, groups = _split_run(n, m, fresh, seed)
        shown = np.unique(np.linspace(0, layer, min(layer, 40) + 1).round().astype(int))
        history = [groups[i] for i in shown]
        fig, (left, right) = _two_panels(1.4, 1)
        plotting.plot_branching(history, layers=shown, ax=left)
        left.set_title(f"groups with cosine > 0.45, split {m} + {n - m}")
        plotting.plot_cosines(metrics.cosines(grams[layer]), ax=right,
                              title=f"cosines at layer {layer}")
        sizes = sorted((len(g) for g in history[-1]), reverse=True)
        return (f"split tree {m} + {n - m}, spread in {fresh} fresh directions, seed {seed}: "
                f"{len(sizes)} group(s) of sizes {sizes}; " + metrics.describe(grams, layer))

    return _explorer(draw, m=_slider(m, 1, n // 2, "small group m (samples)"),
                     fresh=_steps(TREE_FRESH, fresh, "fresh directions (spread)"),
                     seed=_seed_box(seed),
                     layer=_slider(layer, 0, TREE_DEPTH, "layer (depth)"))
