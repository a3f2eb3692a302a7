"""The one construction every explorer shares: labelled controls -> compute -> one image.

:func:`explorer` turns controls and a *view* into an ipywidgets ``interactive``. A
view owns one matplotlib figure of fixed size, built once when the explorer is
made; its ``update(**values)`` computes (cached), updates the figure's artists in
place (new data, labels, limits: no axes are rebuilt) and returns a one-line
summary. The helper then renders the figure once with the Agg canvas at its fixed
size (no tight bounding box, which would render it twice) and shows the PNG bytes
in the widget's output, followed by the summary, kept as ``.result``. One image per
update, core ipywidgets only. Used by :mod:`bnteach.widgets.network` and
:mod:`bnteach.widgets.models`; internal, like :mod:`bnteach._validation`.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import matplotlib.image
import numpy as np
from IPython import get_ipython
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bnteach import metrics, plotting

MAX_SEED = 10 ** 6
DPI = 100                      # as the course style: the PNG is 100 pixels per inch
PNG_OPTIONS = {"compress_level": 1}   # 2 ms to encode instead of 6, files about 10 % larger


def new_figure(width: float, height: float) -> Figure:
    """A figure outside pyplot (nothing shows it but the explorer), with fixed margins.

    Explorers skip the course style's constrained layout: it recomputes the layout at
    every draw. Create it inside ``plotting.style()``.
    """
    fig = Figure(figsize=(width, height), dpi=DPI, layout="none")
    FigureCanvasAgg(fig)
    return fig


def two_panels(left: float, right: float):
    """A new figure with two axes side by side and fixed margins."""
    fig = new_figure(10, 3.6)
    axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [left, right]})
    fig.subplots_adjust(left=0.08, right=0.95, bottom=0.15, top=0.9, wspace=0.3)
    return fig, axes


def png(fig: Figure) -> bytes:
    """The figure's canvas, as drawn, encoded as PNG (no further drawing)."""
    buffer = io.BytesIO()
    matplotlib.image.imsave(buffer, np.asarray(fig.canvas.buffer_rgba()), format="png",
                     pil_kwargs=PNG_OPTIONS)
    return buffer.getvalue()


class View:
    """One figure, drawn in two layers: a static background, drawn and kept once, and the
    ``dynamic`` artists an update changes, drawn over a copy of it (blitting).

    A subclass builds ``figure`` and lists its ``dynamic`` artists (whole axes, images,
    titles, lines) in ``__init__``, and implements ``update(**values) -> str``; it calls
    :meth:`invalidate` when an update changed the background too (ticks, visibility).
    """

    figure: Figure
    dynamic: list

    def invalidate(self) -> None:
        self._background = None

    def render(self) -> bytes:
        """Draw what changed, once, at the figure's fixed size; return the PNG."""
        canvas = self.figure.canvas
        for artist in self.dynamic:
            artist.set_animated(True)                 # left out of the full draw
        if getattr(self, "_background", None) is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self.dynamic:
            if artist.get_visible() and (not hasattr(artist, "axes") or artist.axes is None
                                         or artist.axes.get_visible()):
                self.figure.draw_artist(artist)
        return png(self.figure)


def render(view: View) -> bytes:
    """The view's figure as PNG bytes (see :meth:`View.render`)."""
    return view.render()


class Cosines:
    """The cosine heat map of a panel, updated in place (or a sentence where there is none).

    ``artists`` are the ones an update changes; :meth:`show` returns True when it also
    changed the panel's background (its ticks, or whether there is a map at all)."""

    def __init__(self, ax, n: int):
        self.ax = ax
        plotting.plot_cosines(np.eye(n), ax=ax, title=" ")
        (self.image,) = ax.get_images()
        self.note = ax.text(0.5, 0.5, "a sample has zero norm:\nno angles to show",
                            ha="center", va="center", transform=ax.transAxes, visible=False)
        self.artists = [self.image, self.note, ax.title]
        self.n, self.ok = n, True

    def show(self, G, layer: int) -> bool:
        ok = bool(np.all(np.diag(G) > 0))
        changed = ok != self.ok
        self.ok = ok
        self.image.set_visible(ok)
        self.note.set_visible(not ok)
        self.ax.set_frame_on(ok)
        self.ax.xaxis.set_visible(ok)
        self.ax.yaxis.set_visible(ok)
        if not ok:
            self.ax.set_title("")
            return changed
        n = len(G)
        self.image.set_data(metrics.cosines(G))
        if n != self.n:
            self.n, changed = n, True
            self.image.set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
            ticks = np.arange(n) if n <= 10 else np.arange(0, n, max(2, n // 8))
            self.ax.set(xticks=ticks, yticks=ticks, xlim=(-0.5, n - 0.5), ylim=(n - 0.5, -0.5))
        self.ax.set_title(f"cosines at layer {layer}")
        return changed


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


class Explorer(widgets.interactive):
    """An ``interactive`` that shows one PNG of its view's figure per update."""

    def __init__(self, view, **controls):
        self.figure = view.figure   #: the explorer's one figure (tests read its artists)
        self.png = b""              #: the last image shown
        self.images = 0             #: how many images it has shown
        self._view = view
        super().__init__(self._show, **controls)

    def _show(self, **values):
        with plotting.style():
            summary = self._view.update(**values)
            png = render(self._view)
        if get_ipython() is not None:               # outside a kernel there is no display
            display({"image/png": png}, raw=True)
        self.png, self.images = png, self.images + 1
        print(summary)
        return summary


def explorer(view, **controls) -> widgets.interactive:
    """Controls -> ``view.update`` -> one PNG and a one-line summary: every explorer is this.

    ``view.figure`` is the explorer's one figure; ``view.update(**values)`` gets the
    controls' values, computes (cached), updates the figure and returns the summary
    line. The figure is then rendered once to PNG and shown, and the summary printed
    and kept as the widget's ``.result``. The widget also keeps ``.figure``, the last
    ``.png`` and ``.images``, the number of images shown so far.
    """
    return Explorer(view, **controls)
