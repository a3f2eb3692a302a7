"""Explore a random network: any components, any metric against depth; step through a run.

:func:`network_explorer` simulates (cached per configuration and seed) and plots a
metric against depth with the last layer's cosines; :func:`layer_viewer` steps
through a finished run without simulating again. Built like every explorer
(:mod:`bnteach.widgets._explore`); the lessons reach them as ``bnteach.widgets.*``.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np

from bnteach import batches, metrics, plotting, simulate
from bnteach.widgets import _explore
from bnteach.widgets._explore import MAX_SEED

__all__ = ["network_explorer", "layer_viewer", "METRICS", "INPUTS"]


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


#: The input batches the explorer offers: label -> function of (width, n, seed).
INPUTS = {
    "Gaussian": lambda d, n, seed: batches.gaussian(d=d, n=n, rng=seed),
    "nearly rank one": lambda d, n, seed: batches.nearly_rank_one(d=d, n=n),
    "low-dimensional (rank 2)": lambda d, n, seed: batches.gaussian(d=d, n=n, rank=min(2, d),
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


def _dead_batch_summary(config, err) -> str:
    """The summary when the run stopped (the whole batch became zero)."""
    width, n, depth, components, seed, _ = config
    return (f"{metrics.format_components(components)}, width {width}, batch {n}, seed "
            f"{seed}: no trajectory to show. {err}")


class _NetworkView(_explore.View):
    """Left: a metric against depth (one curve); right: the last layer's cosines."""

    def __init__(self, n: int):
        with plotting.style():
            self.figure, (self.left, right) = _explore.two_panels(1.4, 1)
            plotting.plot_depth({" ": [0.0, 1.0]}, ax=self.left)
            (self.line,) = self.left.get_lines()
            self.line.set_markevery(None)
            self.cosines = _explore.Cosines(right, n)
            self.note = self.figure.text(0.5, 0.5, "", ha="center", va="center")
        self.dynamic = [self.left, *self.cosines.artists, self.note]
        self.logy = False

    def update(self, width, n, depth, rc, rs, nonlinearity, inputs, metric, logy, seed):
        config = (width, n, depth, _components(rc, rs, nonlinearity), seed, inputs)
        try:
            traj = _simulate(*config)
        except ValueError as err:   # at tiny width, ReLU can switch off every sample
            self._show_axes(False)
            return _dead_batch_summary(config, err)
        self._show_axes(True)
        curve = _curve(*config, metric)
        layers = np.arange(depth + 1)
        self.line.set_data(layers, curve)
        self.line.set_markevery(max(1, (depth + 1) // 10))   # markers mark, not every point
        self.left.get_legend().get_texts()[0].set_text(
            metrics.format_components(traj.config.components))
        self.left.set_ylabel(metric)
        logy = bool(logy and np.nanmax(curve) > 0)           # zeros are masked
        if logy != self.logy:
            self.logy = logy
            if logy:
                self.left.set_yscale("log", nonpositive="mask")
            else:
                self.left.set_yscale("linear")
        self.left.relim()
        self.left.autoscale_view()
        if logy:
            plotting.readable_log(self.left, "y")
        if self.cosines.show(traj.grams[-1], depth):
            self.invalidate()
        return metrics.describe(traj)

    def _show_axes(self, shown: bool):
        if shown != self.figure.axes[1].get_visible():
            self.invalidate()
        for ax in self.figure.axes:
            ax.set_visible(shown)
        self.note.set_text("" if shown else "every sample became zero:\nnothing to show (try a "
                           "wider network, RC or another seed)")


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

    return _explore.explorer(
        _NetworkView(n),
        width=_explore.steps(WIDTHS, width, "width d (neurons)"),
        n=_explore.slider(n, 2, 32, "batch n (samples)"),
        depth=_explore.slider(depth, 1, 500, "depth (layers)"),
        rc=_explore.checkbox("rc" in comps, "recentering (RC)"),
        rs=_explore.checkbox("rs" in comps, "rescaling (RS)"),
        nonlinearity=_explore.menu(["linear", "relu", "tanh"], comps[-1], "non-linearity"),
        inputs=_explore.menu(INPUTS, inputs, "input batch"),
        metric=_explore.menu(METRICS, metric, "plot"),
        logy=_explore.checkbox(METRICS[metric][1], "log scale (y)"),
        seed=_explore.seed_box(seed))


def layer_viewer(traj, *, layer: int | None = None) -> widgets.interactive:
    """Step through the layers of a finished run: the cosine matrix at the chosen layer.

    Left: the cosine heat map at the layer. Right: the largest sample's norm ratio
    and its largest |cosine| with the others, against depth, with the layer marked.
    The slider only changes the view: nothing is simulated again.

    Parameters
    ----------
    traj : bnteach.simulate.Trajectory
        E.g. ``bn.run(X0, 300)``, or the wide limit ``bn.meanfield.run(G0, 300)``.
    layer : int, optional
        Starting layer, default the last.

    Returns
    -------
    ipywidgets.interactive
        ``.result`` is :func:`bnteach.metrics.describe` at the shown layer.
    """
    from bnteach import _validation

    if not isinstance(traj, simulate.Trajectory):
        raise TypeError(f"layer_viewer needs a Trajectory, what bnteach.simulate.run or "
                        f"bnteach.meanfield.run returns; got {type(traj).__name__}. Pass the "
                        f"Trajectory itself, not traj.grams.")
    grams = traj.grams
    depth = len(grams) - 1
    layer = depth if layer is None else _validation.check_int(layer, "layer", low=0, high=depth)
    try:
        stats = metrics.per_layer(lambda G: tuple(metrics.outlier_stats(G)), grams,
                                  errors="nan")       # (depth + 1, 4); NaN rows if undefined
    except ValueError:                                # undefined at every layer
        stats = np.full((depth + 1, 4), np.nan)

    view = _LayerView(traj, stats)
    # Only the view changes (nothing is simulated), so this slider updates while it moves.
    return _explore.explorer(view, layer=widgets.IntSlider(
        value=layer, min=0, max=depth, description="layer (depth)", style=_explore.WIDE,
        layout=widgets.Layout(width="60%")))


class _LayerView(_explore.View):
    """Left: the cosines at the layer; right: the largest sample against depth, layer marked."""

    def __init__(self, traj, stats):
        self.traj = traj
        with plotting.style():
            self.figure, (left, right) = _explore.two_panels(1, 1.3)
            self.cosines = _explore.Cosines(left, traj.config.n)
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
            self.mark = right.axvline(0, color="0.4", linewidth=1, linestyle=":", marker="")
        self.dynamic = [*self.cosines.artists, self.mark]

    def update(self, layer):
        if self.cosines.show(self.traj.grams[layer], layer):
            self.invalidate()
        self.mark.set_xdata([layer, layer])
        return metrics.describe(self.traj, layer)
