"""The one construction every explorer shares: labelled controls -> compute -> one figure.

:func:`explorer` turns controls and a ``draw`` function (compute, cached; draw one
figure; return a one-line summary) into an ipywidgets ``interactive``: the course
style, one ``plt.show()`` per update, the summary printed and kept as ``.result``.
The control factories label every control with its units; those that may start
a simulation update on release (``continuous_update=False``). Used by
:mod:`bnteach.widgets.network` and :mod:`bnteach.widgets.models`; internal, like
:mod:`bnteach._validation`.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from bnteach import metrics, plotting

MAX_SEED = 10 ** 6


def say(ax, text):
    """An empty panel with a sentence, where there is nothing to draw."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center")


def cosines_or_say(G, ax, layer):
    """The cosine heat map of ``G``, or why there is none (a sample of zero norm)."""
    if np.all(np.diag(G) > 0):
        plotting.plot_cosines(metrics.cosines(G), ax=ax, title=f"cosines at layer {layer}")
    else:
        say(ax, "a sample has zero norm:\nno angles to show")


def two_panels(left: float, right: float):
    """A figure with two axes side by side and fixed margins.

    Explorers skip the course style's constrained layout: it recomputes the layout at
    every draw, which is a third of an update's time in the browser.
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), layout="none",
                             gridspec_kw={"width_ratios": [left, right]})
    fig.subplots_adjust(left=0.07, right=0.95, bottom=0.15, top=0.9, wspace=0.3)
    return fig, axes


WIDE = {"description_width": "initial"}       # labels are never cut off


def slider(value, low, high, label):
    """An integer slider that updates on release: moving it may start a simulation."""
    return widgets.IntSlider(value=value, min=low, max=high, continuous_update=False,
                             description=label, style=WIDE)


def steps(options, value, label):
    """A slider over a few fixed values (widths, directions), updating on release."""
    return widgets.SelectionSlider(options=options, value=value, continuous_update=False,
                                   description=label, style=WIDE)


def menu(options, value, label):
    return widgets.Dropdown(options=list(options), value=value, description=label, style=WIDE)


def checkbox(value, label):
    return widgets.Checkbox(value=value, description=label, style=WIDE)


def seed_box(seed):
    return widgets.BoundedIntText(value=seed, min=0, max=MAX_SEED, description="seed",
                                  style=WIDE)


def explorer(draw, **controls) -> widgets.interactive:
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
