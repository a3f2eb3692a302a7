"""Tick labels for log axes that never crowd (used by :mod:`bnteach.plotting`).

Matplotlib labels minor ticks of a short log axis as ``2×10^1``, ``3×10^1``, ...,
which overlap. Here numbers from 0.001 to 9999 are written plainly (0.05, 20, 500),
and minor ticks are labelled only where there is room.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import ticker
from matplotlib.axes import Axes

__all__ = ["readable_log"]


def _plain(x: float) -> str:
    """A tick label: 0.05, 20, 1000; powers of ten beyond that range as 10^k."""
    if 1e-3 <= x < 1e4:
        return f"{x:g}"
    k = int(np.floor(np.log10(x) + 1e-9))
    mantissa = x / 10.0 ** k
    return f"$10^{{{k}}}$" if abs(mantissa - 1) < 1e-6 else f"${mantissa:g}\\times10^{{{k}}}$"


class _LogLabels(ticker.Formatter):
    """Log-axis labels that never crowd: minor ticks are labelled only on short axes.

    Spanning more than two decades, only powers of ten are labelled (all written as
    10^k beyond four decades); up to two decades, also 2 and 5 times them; within one
    decade, 2 to 9 (short labels).
    The span is read when the ticks are drawn, so it follows later zooms.
    """

    def __init__(self, minor: bool):
        self.minor = minor

    def __call__(self, x, pos=None):
        if x <= 0:
            return ""
        lo, hi = sorted(self.axis.get_view_interval())
        decades = np.log10(hi / lo) if lo > 0 else np.inf
        mantissa = x / 10.0 ** np.floor(np.log10(x) + 1e-9)
        if self.minor:
            keep = (2, 3, 4, 5, 6, 8) if decades <= 1 else (2, 5) if decades <= 2 else ()
            if not any(abs(mantissa - k) < 1e-6 for k in keep):
                return ""
        elif decades > 4 and abs(mantissa - 1) < 1e-6:     # a long axis: all powers of ten
            return f"$10^{{{int(np.floor(np.log10(x) + 1e-9))}}}$"
        return _plain(x)


#: Below this many decades a log axis is nearly linear: ticks at round numbers instead.
NARROW = 0.7


class _Narrow(ticker.MaxNLocator):
    """Evenly spaced round numbers on a log axis spanning less than :data:`NARROW` decades."""


def readable_log(ax, axis: str = "both") -> Axes:
    """Give an axis's log scales tick labels that do not overlap (0.2, 0.5, 1, 2, 5, ...).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose x and/or y scale is already logarithmic (``ax.loglog``,
        ``ax.semilogx``, ``set_yscale("log")``); linear axes are left alone.
    axis : {"both", "x", "y"}, default "both"

    Returns
    -------
    matplotlib.axes.Axes
        The same axes. Numbers from 0.001 to 9999 are written plainly, others as
        powers of ten; minor ticks are labelled only on axes spanning two decades
        or less, at 2 and 5 times a power of ten (every minor tick within one decade).
        An axis whose limits span less than 0.7 decades (nearly linear) gets about five
        evenly spaced round numbers instead (0.5, 0.75, 1, 1.25); call it again once
        the limits change.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.loglog([16, 512], [0.3, 0.05])
    >>> ax = readable_log(ax)
    >>> fig.canvas.draw()
    >>> lo, hi = ax.get_xlim()                       # the labels of the ticks shown
    >>> [t.get_text() for t in ax.get_xticklabels(minor=True)
    ...  if lo <= t.get_position()[0] <= hi and t.get_text()]
    ['20', '50', '200', '500']
    >>> plt.close(fig)
    """
    if axis not in ("both", "x", "y"):
        raise ValueError(f"The 'axis' parameter of readable_log must be 'both', 'x' or 'y'; "
                         f"got {axis!r}.")
    if not isinstance(ax, Axes):
        raise TypeError(f"The 'ax' parameter of readable_log must be a matplotlib Axes; got "
                        f"{type(ax).__name__}.")
    for name in ("x", "y") if axis == "both" else (axis,):
        which = getattr(ax, f"{name}axis")
        if which.get_scale() != "log":
            continue
        lo, hi = sorted(which.get_view_interval())
        if 0 < lo and np.log10(hi / lo) < NARROW:      # nearly linear: round numbers
            which.set_major_locator(_Narrow(nbins=5, steps=[1, 2, 2.5, 5, 10]))
            which.set_major_formatter(ticker.FuncFormatter(
                lambda v, _: _plain(v) if v > 0 else ""))
            which.set_minor_formatter(ticker.NullFormatter())
            continue
        if isinstance(which.get_major_locator(), _Narrow):   # set by an earlier call
            which.set_major_locator(ticker.LogLocator())
        which.set_major_formatter(_LogLabels(minor=False))
        which.set_minor_formatter(_LogLabels(minor=True))
    return ax
