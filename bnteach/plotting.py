"""Figures for the lessons: precomputed data in, a matplotlib ``Axes`` out.

Every function here takes arrays that the compute layer already made (a metric
along depth, a cosine matrix, a list of counts) and draws them on ``ax`` (a new
figure if ``ax`` is None). Nothing here simulates, and nothing calls
``plt.show()``: the lesson does, once per figure.

``with style():`` gives the course look, shipped inside the package: the
Okabe–Ito colour-blind-safe palette, and every curve told apart by line style
and marker as well as by colour. Under each figure a lesson prints a one-line
text summary from :func:`bnteach.metrics.describe` (or its own), for
screen-reader users and as a checked output.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from bnteach._ticks import readable_log

__all__ = ["PALETTE", "style", "plot_depth", "plot_cosines", "plot_histogram", "plot_branching",
           "readable_log"]

#: Okabe and Ito (2008), "Color Universal Design": distinguishable with any colour vision.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3))]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]

#: A diverging colour map for cosines in [-1, 1] (blue negative, white 0, red positive).
COSINE_CMAP = "RdBu_r"

_RC = {
    "axes.prop_cycle": (cycler(color=PALETTE) + cycler(linestyle=LINESTYLES)
                        + cycler(marker=MARKERS)),
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "legend.frameon": False,
    "font.size": 10,
    "image.cmap": "viridis",
}


@contextlib.contextmanager
def style():
    """Context manager: the course's matplotlib style (nothing is loaded from the network).

    The Okabe–Ito palette (:data:`PALETTE`), with curves also told apart by line
    style and marker, light grids, constrained layout. Settings apply inside the
    ``with`` block only; nothing global changes.

    Returns
    -------
    contextlib.AbstractContextManager
        Use it as ``with style(): ...``; it yields nothing.

    Examples
    --------
    >>> with style():
    ...     ax = plot_depth({"vanilla": [8, 4, 2, 1]})
    >>> plt.close(ax.figure)
    """
    with mpl.rc_context(_RC):
        yield


def _new_axes(ax) -> Axes:
    if ax is None:
        _, ax = plt.subplots()
    elif not isinstance(ax, Axes):
        raise TypeError(f"The 'ax' parameter must be a matplotlib Axes or None; got "
                        f"{type(ax).__name__}.")
    return ax


def _as_curves(values) -> dict[str, np.ndarray]:
    if isinstance(values, Mapping):
        curves = {str(k): np.asarray(v, dtype=float) for k, v in values.items()}
    else:
        curves = {"": np.asarray(values, dtype=float)}
    for label, y in curves.items():
        if y.ndim not in (1, 2) or y.shape[-1] == 0:
            raise ValueError(f"plot_depth: curve {label!r} must be a 1-D array over depth (or "
                             f"2-D: runs x depth); got shape {y.shape}.")
    return curves


def plot_depth(values, *, ax=None, ylabel: str = "", logy: bool = False, band: bool = True,
               **kwargs) -> Axes:
    """A quantity against depth: one curve, or several from a ``{label: values}`` mapping.

    Parameters
    ----------
    values : array_like of shape (depth + 1,) or (runs, depth + 1), or a mapping of them
        Index 0 is the input. A 2-D array is several runs: its mean is drawn, with a
        band from the 10th to the 90th percentile if ``band``. Compute it first, e.g.
        with :func:`bnteach.metrics.per_layer`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure.
    ylabel : str, default ""
        The quantity, with its unit if any.
    logy : bool, default False
        A logarithmic y axis (for quantities that fall geometrically); values <= 0
        are left out of the curve.
    band : bool, default True
        For 2-D values, shade the 10th to 90th percentile over runs.
    **kwargs
        Passed to ``ax.plot`` for every curve (e.g. ``color``).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on, x labelled "depth (layer)"; a legend if curves have labels.

    Examples
    --------
    >>> from bnteach import meanfield, metrics
    >>> traj = meanfield.run(np.eye(8), depth=20, components=("linear",))
    >>> ax = plot_depth({"soft rank": metrics.per_layer(metrics.soft_rank, traj.grams)},
    ...                 ylabel="soft rank")
    >>> ax.get_xlabel(), len(ax.lines)
    ('depth (layer)', 1)
    >>> plt.close(ax.figure)
    """
    ax = _new_axes(ax)
    curves = _as_curves(values)
    for label, y in curves.items():
        layer = np.arange(y.shape[-1])
        every = max(1, y.shape[-1] // 10)           # markers mark the curve, not every point
        mean = y if y.ndim == 1 else y.mean(axis=0)
        (line,) = ax.plot(layer, mean, label=label or None, markevery=every, **kwargs)
        if y.ndim == 2 and band and len(y) > 1:
            lo, hi = np.percentile(y, [10, 90], axis=0)
            ax.fill_between(layer, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set(xlabel="depth (layer)", ylabel=ylabel)
    if logy:
        ax.set_yscale("log", nonpositive="mask")   # a zero (e.g. at layer 0) leaves a gap
        readable_log(ax, "y")
    if any(curves):
        ax.legend()
    return ax


def plot_cosines(C, *, ax=None, title: str = "", colorbar: bool = True) -> Axes:
    """Heat map of a cosine matrix on the fixed colour scale [−1, 1].

    Parameters
    ----------
    C : array_like of shape (n, n)
        Pairwise cosines, e.g. ``metrics.cosines(G)``; the colour of 0 is white, so
        an orthogonal sample shows as a white cross.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure.
    title : str, default ""
    colorbar : bool, default True
        Add a colour bar labelled "cosine".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from bnteach import metrics, theory
    >>> ax = plot_cosines(metrics.cosines(theory.invariant_gram(8)), title="cluster+outlier")
    >>> ax.get_title()
    'cluster+outlier'
    >>> plt.close(ax.figure)
    """
    C = np.asarray(C, dtype=float)
    if C.ndim != 2 or C.shape[0] != C.shape[1]:
        raise ValueError(f"plot_cosines: C must be a square cosine matrix of shape (n, n); got "
                         f"shape {C.shape}. Make one with bnteach.metrics.cosines(G).")
    if np.nanmax(np.abs(C)) > 1 + 1e-9:
        raise ValueError("plot_cosines: C has entries outside [-1, 1]; pass cosines "
                         "(bnteach.metrics.cosines(G)), not a Gram matrix.")
    ax = _new_axes(ax)
    image = ax.imshow(C, vmin=-1, vmax=1, cmap=COSINE_CMAP, interpolation="nearest")
    n = len(C)
    ticks = np.arange(n) if n <= 10 else np.arange(0, n, max(2, n // 8))
    ax.set(xticks=ticks, yticks=ticks, xlabel="sample", ylabel="sample", title=title)
    ax.grid(False)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="cosine", shrink=0.85)
    return ax


def plot_histogram(values, *, ax=None, bins=None, discrete: bool = False, xlabel: str = "",
                   ylabel: str = "count", label: str | None = None, **kwargs) -> Axes:
    """Histogram of precomputed values: pairwise cosines, or neurons' active counts.

    Parameters
    ----------
    values : array_like of shape (m,)
        Other shapes are flattened. E.g. the upper triangle of a cosine matrix, or ``metrics.active_counts(Z)``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure.
    bins : int or sequence, optional
        Default: 30 bins, or one bar per integer if ``discrete``.
    discrete : bool, default False
        Integer data (counts): one bar per value, centred on it.
    xlabel : str, default ""
    ylabel : str, default "count"
        What the bars count: "neurons" for active counts, "pairs" for cosines.
    label : str, optional
        Legend label (to overlay several histograms on one ``ax``).
    **kwargs
        Passed to ``ax.hist``.

    Returns
    -------
    Axes
    """
    values = np.asarray(values, dtype=float).ravel()
    if values.size == 0:
        raise ValueError("plot_histogram: values is empty; nothing to draw.")
    ax = _new_axes(ax)
    if bins is None:
        bins = (np.arange(values.min(), values.max() + 2) - 0.5) if discrete else 30
    kwargs.setdefault("alpha", 0.6 if label else 0.9)
    ax.hist(values, bins=bins, label=label, edgecolor="white", **kwargs)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if label:
        ax.legend()
    return ax


def _dot_area(size, n):
    """Points² for a group of ``size`` of ``n`` samples: a singleton small, the batch large, and
    on a log scale, so that the small groups a split makes (1, 2, 4) are told apart too."""
    return 8 + 80 * np.log2(size) / np.log2(max(n, 2))


def plot_branching(history, *, layers=None, ax=None, key: bool = True, **kwargs) -> Axes:
    """A branching diagram: the groups of a batch through the layers, as a tree.

    Parameters
    ----------
    history : list of partitions
        One partition per shown layer, each a list of tuples of sample indices
        (``bnteach.tree.branching_history``).
    layers : array_like of int of shape (len(history),), optional
        The layer of each partition (default ``0, 1, 2, ...``), for the x axis.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure.
    key : bool, default True
        Add a legend outside the axes, on the right, keying dot size to group size
        (for side-by-side diagrams, give it to the last one only).
    **kwargs
        Passed to the segments' ``LineCollection`` (e.g. ``color``).

    Returns
    -------
    Axes
        The y axis holds the samples, one row each, ordered so that every group's
        samples are adjacent (for up to 32 samples the ticks name the sample in each
        row). Each group is a dot at the mean row of its samples (dot area grows with
        the group's size); a segment joins two groups of consecutive layers that
        share samples, so a split shows as a fork and a merge as a join. The segments
        are one ``LineCollection`` (``ax.collections[0]``).

    Examples
    --------
    >>> ax = plot_branching([[(0, 1, 2, 3)], [(0, 1), (2, 3)], [(0,), (1,), (2, 3)]])
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['1', '2', '4']
    >>> plt.close(ax.figure)
    """
    if not history or not all(isinstance(p, (list, tuple)) for p in history):
        raise ValueError("plot_branching: history must be a non-empty list of partitions (lists "
                         "of tuples of sample indices), e.g. from bnteach.tree.branching_history.")
    layers = np.arange(len(history)) if layers is None else np.asarray(layers)
    if len(layers) != len(history):
        raise ValueError(f"plot_branching: {len(layers)} layers for {len(history)} partitions.")
    n = sum(len(g) for g in history[0])
    label = np.array([[next(k for k, g in enumerate(p) if i in g) for p in history]
                      for i in range(n)])                        # (n, shown layers)
    order = np.lexsort(label.T[::-1])                           # keep groups contiguous
    position = np.empty(n)
    position[order] = np.arange(n)
    ax = _new_axes(ax)
    kwargs.setdefault("color", PALETTE[0])
    centers = [[position[list(g)].mean() for g in p] for p in history]
    segments = [[(layers[t - 1], centers[t - 1][a]), (layers[t], centers[t][b])]
                for t in range(1, len(history))
                for a, prev in enumerate(history[t - 1])
                for b, group in enumerate(history[t]) if set(prev) & set(group)]
    ax.add_collection(LineCollection(segments, linewidths=1.2, **kwargs))   # one artist: fast
    dots = np.array([(layers[t], centers[t][k], len(g))                  # one scatter: fast
                     for t, p in enumerate(history) for k, g in enumerate(p)], dtype=float)
    ax.scatter(dots[:, 0], dots[:, 1], s=_dot_area(dots[:, 2], n), color=kwargs["color"],
               zorder=3)
    ax.set(xlabel="depth (layer)", ylabel="sample (grouped)", ylim=(n - 0.5, -0.5))
    ax.set_yticks(np.arange(n) if n <= 32 else [], [str(i) for i in order] if n <= 32 else [],
                  fontsize="small" if n <= 16 else "x-small")
    ax.grid(False, axis="y")
    if key:
        shown = sorted({1, max(1, n // 4), max(1, n // 2), n})
        handles = [Line2D([], [], linestyle="", marker="o", color=kwargs["color"],
                          markersize=np.sqrt(_dot_area(size, n))) for size in shown]
        ax.legend(handles, [str(size) for size in shown], title="group size",
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), labelspacing=1.0,
                  borderaxespad=0.0)
    return ax
