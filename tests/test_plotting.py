"""Tests for bnteach.plotting: axes in, axes out; no computing, no plt.show(), no network.

Run under the non-interactive Agg backend; every test closes its figures.
"""

import ast
import inspect

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402

from bnteach import plotting  # noqa: E402

TOL = {"exact": 1e-12}

DEPTH = 12


@pytest.fixture(autouse=True)
def _close_figures():
    plt.close("all")
    yield
    plt.close("all")


@pytest.fixture
def gen():
    return np.random.default_rng(20240601)


def _cosine_matrix(gen, n=5):
    X = gen.standard_normal((8, n))
    G = X.T @ X
    s = np.sqrt(np.diag(G))
    return np.clip(G / np.outer(s, s), -1, 1)


# One call per plotting function, on small precomputed data.
CALLS = {
    "plot_depth": lambda gen, **kw: plotting.plot_depth(gen.random(DEPTH + 1), **kw),
    "plot_cosines": lambda gen, **kw: plotting.plot_cosines(_cosine_matrix(gen), **kw),
    "plot_histogram": lambda gen, **kw: plotting.plot_histogram(gen.standard_normal(50), **kw),
    "plot_branching": lambda gen, **kw: plotting.plot_branching(
        [[(0, 1, 2, 3)], [(0, 1), (2, 3)], [(0,), (1,), (2,), (3,)]], **kw),
}


def test_every_plot_function_is_covered():
    public = {name for name in plotting.__all__ if name.startswith("plot_")}
    assert public == set(CALLS)


# -- axes in, axes out ----------------------------------------------------------------------

@pytest.mark.parametrize("name", CALLS)
def test_draws_on_given_axes_without_new_figure(name, gen):
    fig, ax = plt.subplots()
    n_figs = len(plt.get_fignums())
    out = CALLS[name](gen, ax=ax)
    assert out is ax
    assert len(plt.get_fignums()) == n_figs
    assert ax.has_data()


@pytest.mark.parametrize("name", CALLS)
def test_opens_exactly_one_figure_without_axes(name, gen):
    assert plt.get_fignums() == []
    out = CALLS[name](gen, ax=None)
    assert isinstance(out, Axes)
    assert len(plt.get_fignums()) == 1
    assert out.figure is plt.gcf()


@pytest.mark.parametrize("name", CALLS)
@pytest.mark.parametrize("bad_ax", [plt, "ax", 0], ids=["pyplot", "str", "int"])
def test_rejects_non_axes(name, bad_ax, gen):
    with pytest.raises(TypeError, match="The 'ax' parameter must be a matplotlib Axes or None"):
        CALLS[name](gen, ax=bad_ax)


def test_rejects_a_figure_as_axes(gen):
    fig = plt.figure()
    with pytest.raises(TypeError, match="got Figure"):
        plotting.plot_depth([1.0, 2.0], ax=fig)


@pytest.mark.parametrize("name", CALLS)
def test_no_show_called(name, gen, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("plotting must not call plt.show(); the lesson does")

    monkeypatch.setattr(plt, "show", forbidden)
    monkeypatch.setattr(plt.Figure, "show", forbidden)
    with plotting.style():
        CALLS[name](gen)


def test_source_never_calls_show_and_never_simulates():
    tree = ast.parse(inspect.getsource(plotting))
    calls = [node.func.attr for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)]
    assert "show" not in calls
    assert "run" not in calls


# -- plot_depth -----------------------------------------------------------------------------

def test_depth_1d_x_is_layers_and_y_is_values(gen):
    y = gen.random(DEPTH + 1)
    ax = plotting.plot_depth(y, ylabel="soft rank")
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), np.arange(DEPTH + 1))
    np.testing.assert_allclose(line.get_ydata(), y, atol=TOL["exact"])
    assert ax.get_xlabel() == "depth (layer)"
    assert ax.get_ylabel() == "soft rank"
    assert ax.get_legend() is None        # a single unlabelled curve needs no legend
    assert ax.get_yscale() == "linear"


def test_depth_2d_draws_mean_and_band(gen):
    runs = gen.random((6, DEPTH + 1))
    ax = plotting.plot_depth(runs)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), np.arange(DEPTH + 1))
    np.testing.assert_allclose(line.get_ydata(), runs.mean(axis=0), atol=TOL["exact"])
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1
    # the band spans the 10th to 90th percentile, so it contains the mean line
    (path,) = bands[0].get_paths()
    lo, hi = np.percentile(runs, [10, 90], axis=0)
    ys = path.vertices[:, 1]
    assert ys.min() == pytest.approx(lo.min()) and ys.max() == pytest.approx(hi.max())
    assert to_hex(bands[0].get_facecolor()[0], keep_alpha=False) == to_hex(line.get_color())


def test_depth_2d_band_can_be_turned_off(gen):
    ax = plotting.plot_depth(gen.random((6, DEPTH + 1)), band=False)
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_depth_single_run_has_no_band(gen):
    ax = plotting.plot_depth(gen.random((1, DEPTH + 1)))
    assert len(ax.get_lines()) == 1
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_depth_mapping_labels_and_redundant_encoding(gen):
    curves = {"vanilla": gen.random(DEPTH + 1), "RC": gen.random(DEPTH + 1),
              "RC+RS": gen.random((3, DEPTH + 1))}
    with plotting.style():
        ax = plotting.plot_depth(curves)
    lines = ax.get_lines()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(curves)
    assert [line.get_label() for line in lines] == list(curves)
    colors = [to_hex(line.get_color()) for line in lines]
    styles = [line.get_linestyle() for line in lines]
    markers = [line.get_marker() for line in lines]
    # Colour-blind-safe palette AND a second channel: every curve differs in style and marker.
    assert len(set(colors)) == len(lines)
    assert set(colors) <= {c.lower() for c in plotting.PALETTE}
    assert len(set(styles)) == len(lines)
    assert len(set(markers)) == len(lines)
    for line in lines:
        np.testing.assert_array_equal(line.get_xdata(), np.arange(DEPTH + 1))


def test_depth_mapping_curves_may_have_different_depths():
    ax = plotting.plot_depth({"short": [1.0, 0.5], "long": [1.0, 0.5, 0.25, 0.125]})
    assert [len(line.get_xdata()) for line in ax.get_lines()] == [2, 4]


def test_depth_logy():
    ax = plotting.plot_depth([1.0, 0.1, 0.01], logy=True)
    assert ax.get_yscale() == "log"


def _tick_texts(ax, axis, minor):
    ax.figure.canvas.draw()
    ticks = getattr(ax, f"get_{axis}ticklabels")(minor=minor)
    lo, hi = sorted(getattr(ax, f"get_{axis}lim")())
    return [t.get_text() for t in ticks if t.get_text()
            and lo <= (t.get_position()[0] if axis == "x" else t.get_position()[1]) <= hi]


def test_readable_log_labels_short_axes_plainly_without_crowding():
    # Lesson 1's plateau figure: widths 16..512, plateaus 0.3..0.05 (issue: 2×10^1, 3×10^1, ...
    # overlapped on the x axis).
    fig, ax = plt.subplots()
    ax.loglog([16, 512], [0.3, 0.05])
    plotting.readable_log(ax)
    assert _tick_texts(ax, "x", minor=True) == ["20", "50", "200", "500"]
    assert _tick_texts(ax, "x", minor=False) == ["100"]
    assert _tick_texts(ax, "y", minor=True) == ["0.05", "0.06", "0.08", "0.2", "0.3"]


def test_readable_log_labels_only_powers_of_ten_on_long_axes():
    ax = plotting.plot_depth([1.0, 1e-3, 1e-6, 1e-9], logy=True)
    assert _tick_texts(ax, "y", minor=True) == []
    assert _tick_texts(ax, "y", minor=False)
    assert all(t.startswith("$10^{") for t in _tick_texts(ax, "y", minor=False))


def test_readable_log_uses_round_numbers_on_a_nearly_linear_axis_and_follows_new_limits():
    # The variance explorer's raw norms, 0.45..1.6: powers of ten would leave one label (1).
    fig, ax = plt.subplots()
    ax.semilogy([0, 50], [0.45, 1.6])
    ax.set_ylim(0.45, 1.6)
    plotting.readable_log(ax, "y")
    assert _tick_texts(ax, "y", minor=False) == ["0.5", "0.75", "1", "1.25", "1.5"]
    assert _tick_texts(ax, "y", minor=True) == []
    ax.set_ylim(1e-3, 10)                    # the limits change: call it again
    plotting.readable_log(ax, "y")
    assert all(t.startswith("$10^{") or t in {"0.001", "0.01", "0.1", "1", "10"}
               for t in _tick_texts(ax, "y", minor=False))
    plt.close(fig)


def test_readable_log_validates():
    with pytest.raises(ValueError, match="'axis' parameter of readable_log"):
        plotting.readable_log(plt.subplots()[1], axis="z")
    with pytest.raises(TypeError, match="must be a matplotlib Axes; got str"):
        plotting.readable_log("ax")


def test_depth_kwargs_reach_every_curve():
    ax = plotting.plot_depth({"a": [1.0, 2.0], "b": [2.0, 3.0]}, color="black")
    assert {to_hex(line.get_color()) for line in ax.get_lines()} == {"#000000"}


@pytest.mark.parametrize("values", [np.zeros((2, 2, 3)), np.zeros(0), 1.0])
def test_depth_rejects_bad_shapes(values):
    with pytest.raises(ValueError, match="must be a 1-D array over depth"):
        plotting.plot_depth(values)


def test_depth_reports_the_bad_curve():
    with pytest.raises(ValueError, match="curve 'bad'"):
        plotting.plot_depth({"good": [1.0, 2.0], "bad": np.zeros((2, 2, 2))})


# -- plot_cosines ---------------------------------------------------------------------------

def test_cosines_fixed_colour_scale(gen):
    C = _cosine_matrix(gen, n=6)
    ax = plotting.plot_cosines(C, title="cosines at layer 3")
    (image,) = ax.get_images()
    assert isinstance(image, AxesImage)
    assert image.get_clim() == (-1, 1)
    np.testing.assert_allclose(image.get_array(), C, atol=TOL["exact"])
    assert ax.get_title() == "cosines at layer 3"
    assert ax.get_xlabel() == "sample" and ax.get_ylabel() == "sample"


def test_cosines_scale_does_not_follow_the_data():
    # All cosines near 1 must still be drawn on [-1, 1], so two layers compare by colour.
    C = np.full((3, 3), 0.9)
    np.fill_diagonal(C, 1.0)
    (image,) = plotting.plot_cosines(C).get_images()
    assert image.get_clim() == (-1, 1)


def test_cosines_colourbar(gen):
    C = _cosine_matrix(gen)
    ax = plotting.plot_cosines(C, colorbar=True)
    assert len(ax.figure.axes) == 2
    colorbar = ax.get_images()[0].colorbar
    assert colorbar is not None and colorbar.ax.get_ylabel() == "cosine"
    plt.close("all")
    ax = plotting.plot_cosines(C, colorbar=False)
    assert len(ax.figure.axes) == 1 and ax.get_images()[0].colorbar is None


def test_cosines_colourbar_on_given_axes_stays_in_its_figure(gen):
    fig, (left, right) = plt.subplots(1, 2)
    plotting.plot_cosines(_cosine_matrix(gen), ax=right)
    assert plt.get_fignums() == [fig.number]
    assert len(fig.axes) == 3


def test_cosines_accepts_the_clipped_extremes():
    C = np.array([[1.0, -1.0], [-1.0, 1.0]])
    plotting.plot_cosines(C, colorbar=False)


@pytest.mark.parametrize("shape", [(3, 4), (4,), (2, 2, 2)])
def test_cosines_rejects_non_square(shape):
    with pytest.raises(ValueError, match=r"C must be a square cosine matrix of shape \(n, n\)"):
        plotting.plot_cosines(np.zeros(shape))


def test_cosines_rejects_a_gram_matrix(gen):
    X = gen.standard_normal((8, 4)) * 3
    with pytest.raises(ValueError, match=r"C has entries outside \[-1, 1\]; pass cosines"):
        plotting.plot_cosines(X.T @ X)


def test_cosines_validates_before_opening_a_figure():
    with pytest.raises(ValueError):
        plotting.plot_cosines(np.full((2, 2), 4.0))
    assert plt.get_fignums() == []


# -- plot_histogram -------------------------------------------------------------------------

def _heights(ax):
    return np.array([patch.get_height() for patch in ax.patches])


def test_histogram_heights_match_numpy(gen):
    values = gen.standard_normal(200)
    ax = plotting.plot_histogram(values, xlabel="cosine")
    counts, _ = np.histogram(values, bins=30)
    np.testing.assert_array_equal(_heights(ax), counts)
    assert ax.get_xlabel() == "cosine" and ax.get_ylabel() == "count"


def test_histogram_ylabel_names_what_is_counted(gen):
    ax = plotting.plot_histogram(gen.integers(0, 8, 50), discrete=True, ylabel="neurons")
    assert ax.get_ylabel() == "neurons"


def test_histogram_explicit_bins(gen):
    values = gen.uniform(-1, 1, 100)
    edges = np.linspace(-1, 1, 9)
    ax = plotting.plot_histogram(values, bins=edges)
    counts, _ = np.histogram(values, bins=edges)
    np.testing.assert_array_equal(_heights(ax), counts)


def test_histogram_discrete_one_bar_per_integer(gen):
    values = gen.integers(2, 7, 300)          # 2..6
    ax = plotting.plot_histogram(values, discrete=True)
    bars = ax.patches
    assert len(bars) == 5
    centres = [bar.get_x() + bar.get_width() / 2 for bar in bars]
    np.testing.assert_allclose(centres, [2, 3, 4, 5, 6], atol=TOL["exact"])
    np.testing.assert_array_equal(_heights(ax), np.bincount(values)[2:7])


def test_histogram_discrete_constant_values():
    ax = plotting.plot_histogram([3, 3, 3], discrete=True)
    (bar,) = ax.patches
    assert bar.get_x() + bar.get_width() / 2 == pytest.approx(3)
    assert bar.get_height() == 3


def test_histogram_label_gives_legend(gen):
    ax = plotting.plot_histogram(gen.random(20), label="layer 0")
    plotting.plot_histogram(gen.random(20), label="layer 9", ax=ax)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["layer 0", "layer 9"]


def test_histogram_rejects_empty():
    with pytest.raises(ValueError, match="values is empty"):
        plotting.plot_histogram([])
    assert plt.get_fignums() == []


# -- style ----------------------------------------------------------------------------------

def test_style_restores_rcparams():
    before = dict(mpl.rcParams)
    with plotting.style():
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == plotting.PALETTE
        assert mpl.rcParams["axes.grid"] is True
    assert dict(mpl.rcParams) == before


def test_style_restores_rcparams_after_an_error():
    before = mpl.rcParams["axes.prop_cycle"]
    with pytest.raises(RuntimeError):
        with plotting.style():
            raise RuntimeError("inside")
    assert mpl.rcParams["axes.prop_cycle"] == before


def test_style_cycle_encodes_each_curve_three_ways():
    with plotting.style():
        cycle = mpl.rcParams["axes.prop_cycle"].by_key()
    n = len(plotting.PALETTE)
    assert len(set(cycle["color"])) == len(set(map(str, cycle["linestyle"]))) == n
    assert len(set(cycle["marker"])) == n


def test_palette_is_okabe_ito():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                 "#CC79A7", "#000000"}
    assert len(plotting.PALETTE) == len(set(plotting.PALETTE)) >= 6
    assert set(plotting.PALETTE) <= okabe_ito


def test_style_loads_nothing_from_the_network():
    source = inspect.getsource(plotting)
    assert "http" not in source
    assert "style.use" not in source


def test_plotting_does_not_import_the_simulator():
    tree = ast.parse(inspect.getsource(plotting))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported |= {f"{node.module}.{alias.name}" for alias in node.names}
            imported.add(node.module or "")
    assert not {name for name in imported
                if name.startswith(("bnteach.simulate", "bnteach.meanfield"))}


# -- plot_branching ---------------------------------------------------------------------------

def test_plot_branching_draws_forks_and_dots():
    history = [[(0, 1, 2, 3)], [(0, 1), (2, 3)], [(0,), (1,), (2, 3)]]
    fig, ax = plt.subplots()
    n_figs = len(plt.get_fignums())
    assert plotting.plot_branching(history, ax=ax) is ax
    assert len(plt.get_fignums()) == n_figs
    # segments: 1->2 groups (2) + 2->3 groups (3)
    assert len(ax.collections[0].get_segments()) == 5
    offsets = np.concatenate([c.get_offsets() for c in ax.collections[1:]])
    assert len(offsets) == 1 + 2 + 3
    np.testing.assert_array_equal(sorted(set(offsets[:, 0])), [0, 1, 2])
    ax2 = plotting.plot_branching(history, layers=[0, 10, 20])
    xs = np.concatenate([c.get_offsets() for c in ax2.collections[1:]])[:, 0]
    assert sorted(set(xs)) == [0, 10, 20]


def test_plot_branching_keys_dot_size_and_names_the_rows():
    history = [[(0, 1, 2, 3)], [(0, 2), (1, 3)]]
    ax = plotting.plot_branching(history)
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "group size"
    assert [t.get_text() for t in legend.get_texts()] == ["1", "2", "4"]
    areas = [h.get_markersize() ** 2 for h in legend.legend_handles]
    dots = np.concatenate([c.get_sizes() for c in ax.collections[1:]])
    np.testing.assert_allclose(sorted(set(np.round(dots, 9))), [areas[1], areas[2]])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "2", "1", "3"]   # groups adjacent
    assert ax.get_ylim() == (3.5, -0.5)
    assert plotting.plot_branching(history, key=False).get_legend() is None


def test_plot_branching_draws_merges():
    history = [[(0,), (1,), (2,)], [(0, 1), (2,)]]
    ax = plotting.plot_branching(history)
    assert len(ax.collections[0].get_segments()) == 3     # 0->01, 1->01, 2->2


@pytest.mark.parametrize("bad, message", [([], "non-empty list of partitions"),
                                          ("abc", "non-empty list of partitions")])
def test_plot_branching_validates(bad, message):
    with pytest.raises(ValueError, match=message):
        plotting.plot_branching(bad)
    with pytest.raises(ValueError, match="2 layers for 1 partitions"):
        plotting.plot_branching([[(0, 1)]], layers=[0, 1])
