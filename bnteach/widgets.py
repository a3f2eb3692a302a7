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

from bnteach import metrics, plotting, simulate

__all__ = ["network_explorer", "METRICS", "INPUTS"]


def _mean_abs_cos(G):
    C = metrics.cosines(G)
    return float(np.abs(C[np.triu_indices(len(C), 1)]).mean())


#: The quantities the network explorer can plot against depth: label -> (function of G, log-y).
METRICS = {
    "soft rank": (metrics.soft_rank, False),
    "numerical rank": (metrics.numerical_rank, False),
    "orthogonality gap": (metrics.orthogonality_gap, True),
    "mean |cosine|": (_mean_abs_cos, False),
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
    with np.errstate(all="ignore"):
        return np.array([_safe(METRICS[metric][0], G) for G in traj.grams])


def _safe(fn, G):
    try:
        return fn(G)
    except ValueError:      # e.g. a sample with zero norm at tiny width: no angle to measure
        return np.nan


def _show_dead_batch(config, err) -> str:
    """The update when the run stopped (the whole batch became zero): one figure, one line."""
    width, n, depth, components, seed, _ = config
    summary = (f"{metrics._format_components(components)}, width {width}, batch {n}, seed "
               f"{seed}: no trajectory to show. {err}")
    with plotting.style():
        _, ax = plt.subplots(figsize=(10, 3.6))
        ax.set_axis_off()
        ax.text(0.5, 0.5, "every sample became zero:\nnothing to show (try a wider network, "
                "RC or another seed)", ha="center", va="center")
        plt.show()
    print(summary)
    return summary


def _components(rc, rs, nonlinearity):
    return tuple(c for c, on in (("rc", rc), ("rs", rs)) if on) + (nonlinearity,)


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

    wide = {"description_width": "initial"}       # labels are never cut off
    slider = functools.partial(widgets.IntSlider, continuous_update=False, style=wide)
    controls = dict(
        width=widgets.SelectionSlider(options=WIDTHS, value=width, continuous_update=False,
                                      description="width d (neurons)", style=wide),
        n=slider(value=n, min=2, max=32, description="batch n (samples)"),
        depth=slider(value=depth, min=1, max=500, description="depth (layers)"),
        rc=widgets.Checkbox(value="rc" in comps, description="recentering (RC)", style=wide),
        rs=widgets.Checkbox(value="rs" in comps, description="rescaling (RS)", style=wide),
        nonlinearity=widgets.Dropdown(options=["linear", "relu", "tanh"], value=comps[-1],
                                      description="non-linearity", style=wide),
        inputs=widgets.Dropdown(options=list(INPUTS), value=inputs, description="input batch",
                                style=wide),
        metric=widgets.Dropdown(options=list(METRICS), value=metric, description="plot",
                                style=wide),
        logy=widgets.Checkbox(value=METRICS[metric][1], description="log scale (y)", style=wide),
        seed=widgets.BoundedIntText(value=seed, min=0, max=MAX_SEED, description="seed",
                                    style=wide),
    )

    def show(width, n, depth, rc, rs, nonlinearity, inputs, metric, logy, seed):
        config = (width, n, depth, _components(rc, rs, nonlinearity), seed, inputs)
        try:
            traj = _simulate(*config)
        except ValueError as err:   # at tiny width, ReLU can switch off every sample
            return _show_dead_batch(config, err)
        curve = _curve(*config, metric)
        with plotting.style():
            fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6),
                                              gridspec_kw={"width_ratios": [1.4, 1]})
            label = metrics._format_components(traj.config.components)
            plotting.plot_depth({label: curve}, ax=left, ylabel=metric,
                                logy=logy and np.nanmin(curve) > 0)
            G = traj.grams[-1]
            if np.all(np.diag(G) > 0):
                plotting.plot_cosines(metrics.cosines(G), ax=right,
                                      title=f"cosines at layer {depth}")
            else:
                right.set_axis_off()
                right.text(0.5, 0.5, "a sample has zero norm:\nno angles to show",
                           ha="center", va="center")
            plt.show()
        summary = metrics.describe(traj)
        print(summary)
        return summary

    return widgets.interactive(show, **controls)
