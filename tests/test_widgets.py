"""Tests for bnteach.widgets, headless: drive the controls as a user would.

Under Agg, without a kernel: set ``control.value``, then read ``w.kwargs``,
``w.result`` and the figures (course-standards §4). ipywidgets' ``interactive``
swallows exceptions raised in its callback (it logs them), so every update is
checked for a fresh ``w.result`` and for a logged callback exception.
"""

import ast
import logging
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import bnteach  # noqa: E402
from bnteach import simulate  # noqa: E402
from bnteach import widgets as bw  # noqa: E402
from bnteach.widgets import models as bwm  # noqa: E402
from bnteach.widgets import network as bwn  # noqa: E402

#: kwarg of the callback -> the control's label, as the learner reads it (with units).
LABELS = {
    "width": "width d (neurons)",
    "n": "batch n (samples)",
    "depth": "depth (layers)",
    "rc": "recentering (RC)",
    "rs": "rescaling (RS)",
    "nonlinearity": "non-linearity",
    "inputs": "input batch",
    "metric": "plot",
    "logy": "log scale (y)",
    "seed": "seed",
}
#: Controls that start a simulation (the others only change the view).
SIMULATING = ["width", "n", "depth", "rc", "rs", "nonlinearity", "inputs", "seed"]
#: Small starting values, so that pushing one control to its maximum stays cheap.
SMALL = dict(width=8, n=4, depth=5)


@pytest.fixture(autouse=True)
def _fresh():
    plt.close("all")
    bwn._simulate.cache_clear()
    bwn._curve.cache_clear()
    bwm._raw_norms.cache_clear()
    bwm._split_run.cache_clear()
    bwm._groups.cache_clear()
    yield
    plt.close("all")
    bwn._simulate.cache_clear()
    bwn._curve.cache_clear()
    bwm._raw_norms.cache_clear()
    bwm._split_run.cache_clear()
    bwm._groups.cache_clear()


@pytest.fixture
def callback_errors(caplog):
    """The exceptions ipywidgets caught in the explorer's callback (it only logs them)."""
    caplog.set_level(logging.WARNING)

    def errors():
        return [r for r in caplog.records if "Exception in interact callback" in r.getMessage()]
    return errors


def controls(w):
    by_label = {c.description: c for c in w.children if hasattr(c, "description")}
    return {name: by_label[label] for name, label in LABELS.items()}


def drive(w, name, value, callback_errors):
    """Set one control as a user would; check the update ran once and drew one figure."""
    control = controls(w)[name]
    assert control.value != value, "setting a control to its current value fires nothing"
    images = w.images
    w.result = None
    control.value = value
    assert not callback_errors(), callback_errors()[0].getMessage()
    assert w.kwargs[name] == value
    assert w.images == images + 1, "every update shows exactly one image"
    assert plt.get_fignums() == [], "the explorer's figure is its own, never pyplot's"
    result = w.result
    assert isinstance(result, str) and result, "the callback did not return its summary"
    assert "\n" not in result
    assert f"width {w.kwargs['width']}" in result and f"batch {w.kwargs['n']}" in result
    return result


def check_figure(w):
    """The newest figure: the metric against depth (left) and the last layer's cosines."""
    left, right = w.figure.axes[:2]
    (line,) = left.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), np.arange(w.kwargs["depth"] + 1))
    assert left.get_ylabel() == w.kwargs["metric"]
    (image,) = right.get_images()
    assert image.get_clim() == (-1, 1)
    assert image.get_array().shape == (w.kwargs["n"], w.kwargs["n"])


def extremes(control):
    """The values a test must reach: both ends of a range, every option of a list."""
    if isinstance(control, ipywidgets.Checkbox):
        values = [True, False]
    elif isinstance(control, ipywidgets.SelectionSlider):
        values = [control.options[0], control.options[-1]]
    elif hasattr(control, "options"):
        values = list(control.options)
    else:
        values = [control.min, control.max]
    return sorted(values, key=lambda v: v == control.value)   # the current value last


# -- structure --------------------------------------------------------------------------

def test_returns_interactive_with_labelled_controls(callback_errors):
    w = bw.network_explorer(**SMALL)
    assert isinstance(w, ipywidgets.interactive)
    assert not callback_errors()
    assert w.images == 1                        # the first view is drawn once, at creation
    assert plt.get_fignums() == []
    for name, control in controls(w).items():
        assert control.description.strip()
    assert set(w.kwargs) == set(LABELS)
    assert all(c.description.strip() for c in w.kwargs_widgets)


def test_simulating_controls_update_on_release_only():
    c = controls(bw.network_explorer(**SMALL))
    for name in SIMULATING:
        if hasattr(c[name], "continuous_update"):
            assert c[name].continuous_update is False, name
    for name in ("width", "n", "depth"):
        assert isinstance(c[name], (ipywidgets.IntSlider, ipywidgets.SelectionSlider))
    assert isinstance(c["seed"], ipywidgets.BoundedIntText)


def test_starting_values_reach_the_controls():
    w = bw.network_explorer(width=16, n=5, depth=7, components=("relu", "rc"), metric="soft rank",
                            seed=3, inputs="nearly rank one")
    assert w.kwargs == dict(width=16, n=5, depth=7, rc=True, rs=False, nonlinearity="relu",
                            inputs="nearly rank one", metric="soft rank", logy=False, seed=3)
    assert w.result.startswith("RC+ReLU, width 16, batch 5, layer 7 of 7")


def test_initial_result_describes_the_network():
    w = bw.network_explorer(**SMALL)
    assert isinstance(w.result, str) and "\n" not in w.result
    assert "width 8" in w.result and "batch 4" in w.result
    check_figure(w)


# -- every control to its extremes ------------------------------------------------------------

@pytest.mark.parametrize("name", list(LABELS))
def test_control_extremes(name, callback_errors):
    w = bw.network_explorer(**SMALL)
    control = controls(w)[name]
    start = control.value
    for value in extremes(control):
        drive(w, name, value, callback_errors)
        if "no trajectory" not in w.result:
            check_figure(w)
        plt.close("all")
    if control.value != start:
        drive(w, name, start, callback_errors)


def test_results_follow_the_controls(callback_errors):
    w = bw.network_explorer(**SMALL)
    assert drive(w, "width", 1024, callback_errors).startswith("RS+linear, width 1024")
    drive(w, "width", 8, callback_errors)
    assert "batch 32" in drive(w, "n", 32, callback_errors)
    assert "layer 500 of 500" in drive(w, "depth", 500, callback_errors)
    assert drive(w, "rc", True, callback_errors).startswith("RC+RS+linear")
    assert drive(w, "nonlinearity", "tanh", callback_errors).startswith("RC+RS+tanh")


def test_log_scale_checkbox(callback_errors):
    w = bw.network_explorer(metric="soft rank", **SMALL)
    drive(w, "logy", True, callback_errors)
    assert w.figure.axes[0].get_yscale() == "log"
    drive(w, "logy", False, callback_errors)
    assert w.figure.axes[0].get_yscale() == "linear"


SPREAD = "cosine spread (max |cos - mean|)"


def test_cosine_spread_shows_the_simplex_forming(callback_errors):
    # lesson 2: RC + RS + linear drives the batch to the regular simplex (equiangular), so the
    # spread of the cosines falls with depth (the input's orthogonal samples have spread 0,
    # so the first view keeps a linear axis; the log-scale box is ticked for later views)
    w = bw.network_explorer(width=512, n=4, depth=50, components=("rc", "rs", "linear"),
                            metric=SPREAD, inputs="nearly rank one")
    assert not callback_errors() and w.kwargs["logy"] is True
    left = w.figure.axes[0]
    assert left.get_ylabel() == SPREAD
    (line,) = left.get_lines()
    spread = line.get_ydata()
    assert spread[-1] < 0.2 * spread[1]


def test_cosine_spread_of_two_samples_is_zero_and_drawn_linear(callback_errors):
    w = bw.network_explorer(metric=SPREAD, **SMALL)
    drive(w, "n", 2, callback_errors)                 # one pair: no spread, no log axis
    left = w.figure.axes[0]
    (line,) = left.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), 0.0)
    assert left.get_yscale() == "linear"


# -- caching --------------------------------------------------------------------------------

@pytest.fixture
def run_calls(monkeypatch):
    calls = []
    real_run = simulate.run

    def counting_run(*args, **kwargs):
        calls.append(kwargs.get("rng"))
        return real_run(*args, **kwargs)

    monkeypatch.setattr(simulate, "run", counting_run)
    bwn._simulate.cache_clear()
    bwn._curve.cache_clear()
    return calls


def test_view_controls_do_not_simulate_again(run_calls, callback_errors):
    w = bw.network_explorer(**SMALL)
    assert len(run_calls) == 1
    c = controls(w)
    for metric in extremes(c["metric"]):
        drive(w, "metric", metric, callback_errors)
    for logy in extremes(c["logy"]):
        drive(w, "logy", logy, callback_errors)
    assert len(run_calls) == 1


def test_seed_simulates_again_and_reproduces(run_calls, callback_errors):
    w = bw.network_explorer(**SMALL, seed=0)
    first = w.result
    assert len(run_calls) == 1
    other = drive(w, "seed", 1, callback_errors)
    assert len(run_calls) == 2
    assert other != first
    again = drive(w, "seed", 0, callback_errors)
    assert again == first
    assert len(run_calls) == 2                      # seed 0 was cached

    bwn._simulate.cache_clear()
    bwn._curve.cache_clear()
    fresh = bw.network_explorer(**SMALL, seed=0)
    assert len(run_calls) == 3                      # really simulated again ...
    assert fresh.result == first                    # ... with the same outcome


def test_simulating_controls_simulate_again(run_calls, callback_errors):
    w = bw.network_explorer(**SMALL)
    for k, (name, value) in enumerate([("width", 16), ("n", 5), ("depth", 6), ("rc", True),
                                       ("rs", False), ("nonlinearity", "relu")], start=2):
        drive(w, name, value, callback_errors)
        assert len(run_calls) == k, name


# -- dead samples at tiny width ---------------------------------------------------------------

def _dead_samples(seed, depth=10):
    """How many samples of a width-4 ReLU network end at zero (n for a run that stopped)."""
    try:
        traj = bwn._simulate(4, 4, depth, ("relu",), seed, "Gaussian")
    except ValueError:
        return 4
    return int(np.sum(np.diag(traj.grams[-1]) <= 0))


def test_one_zero_sample_does_not_raise(callback_errors):
    seed = next(s for s in range(200) if 0 < _dead_samples(s) < 4)
    w = bw.network_explorer(width=4, n=4, depth=10, components=("relu",), seed=seed)
    assert not callback_errors(), callback_errors()[0].getMessage()
    assert "zero sample(s)" in w.result
    c = controls(w)
    for name in ("metric", "logy"):                 # every metric meets the zero sample
        for value in extremes(c[name]):
            drive(w, name, value, callback_errors)
            left, right = w.figure.axes[:2]
            assert len(left.get_lines()) == 1
            (image,) = right.get_images()                 # no cosines of a zero sample:
            assert not image.get_visible()                # a sentence instead
            assert any(t.get_visible() and "zero norm" in t.get_text() for t in right.texts)


def test_whole_batch_dying_does_not_raise(callback_errors):
    seed = next(s for s in range(200) if _dead_samples(s, depth=50) == 4)
    w = bw.network_explorer(width=4, n=4, depth=50, components=("relu",),
                            seed=(seed + 1) % 200)
    w.result = None
    images = w.images
    controls(w)["seed"].value = seed
    assert not callback_errors(), callback_errors()[0].getMessage()
    assert w.images == images + 1
    assert not any(ax.get_visible() for ax in w.figure.axes)      # a sentence, no axes
    assert any("every sample became zero" in t.get_text() for t in w.figure.texts)
    assert isinstance(w.result, str) and "\n" not in w.result
    assert w.result.startswith("ReLU, width 4, batch 4") and "no trajectory" in w.result
    assert "mapped the whole batch to zero" in w.result


# -- starting values ------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, message", [
    (dict(width=5), ValueError, r"The 'width' parameter must be one of \[4, 8, 16"),
    (dict(width=2048), ValueError, r"The 'width' parameter must be one of"),
    (dict(n=1), ValueError, r"The 'n' parameter must be an int in the range \[2, 32\]; got 1"),
    (dict(n=33), ValueError, r"The 'n' parameter must be an int in the range \[2, 32\]; got 33"),
    (dict(n=4.0), TypeError, r"The 'n' parameter must be an int"),
    (dict(depth=0), ValueError, r"The 'depth' parameter must be an int in the range \[1, 500\]"),
    (dict(depth=501), ValueError, r"The 'depth' parameter must be an int in the range \[1, 500\]"),
    (dict(metric="rank"), ValueError, r"The 'metric' parameter must be one of .*got 'rank'"),
    (dict(inputs="orthogonal"), ValueError, r"The 'inputs' parameter must be one of .*got 'orth"),
    (dict(seed=-1), ValueError, r"The 'seed' parameter must be an int in the range \[0, "),
    (dict(seed=10 ** 6 + 1), ValueError, r"The 'seed' parameter must be an int in the range"),
    (dict(seed="0"), TypeError, r"The 'seed' parameter must be an int"),
    (dict(components=("rc", "bn")), ValueError, r"Unknown component\(s\) \['bn'\]"),
    (dict(components=("relu", "tanh")), ValueError, r"names two non-linearities"),
])
def test_bad_starting_values(kwargs, error, message):
    with pytest.raises(error, match=message):
        bw.network_explorer(**kwargs)
    assert plt.get_fignums() == []             # refused before drawing anything


def test_seed_box_bounds_match_validation():
    seed = controls(bw.network_explorer(**SMALL))["seed"]
    w = bw.network_explorer(**SMALL, seed=seed.max)
    assert w.kwargs["seed"] == seed.max and seed.min == 0


# -- architecture ---------------------------------------------------------------------------

def _imports(path):
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_widgets_imports_ipywidgets():
    package = Path(bnteach.__file__).parent
    importers = {p.relative_to(package).parts[0] for p in package.rglob("*.py")
                 if any(m == "ipywidgets" or m.startswith("ipywidgets.") for m in _imports(p))}
    assert importers == {"widgets"}        # the sub-package bnteach/widgets/ alone


# -- lesson 4: layer_viewer and variance_explorer ------------------------------------------

@pytest.fixture(scope="module")
def small_traj():
    return bnteach.run(np.random.default_rng(0).standard_normal((32, 6)), 20, rng=1)


def test_layer_viewer_slides_without_simulating(small_traj, run_calls, callback_errors):
    w = bw.layer_viewer(small_traj, layer=5)
    (slider,) = [c for c in w.children if getattr(c, "description", "") == "layer (depth)"]
    assert (slider.min, slider.max, slider.value) == (0, 20, 5)
    for value in (slider.min, slider.max, 7):
        before = w.images
        slider.value = value
        assert w.images == before + 1
        assert w.result == bnteach.metrics.describe(small_traj, value)
    assert not callback_errors() and run_calls == []


def test_layer_viewer_takes_the_wide_limit_too(callback_errors):
    """One type: meanfield.run's Trajectory (no width) steps through like a finite run's."""
    traj = bnteach.meanfield.run(bnteach.theory.invariant_gram(6), 12)
    w = bw.layer_viewer(traj, layer=3)
    (slider,) = [c for c in w.children if getattr(c, "description", "") == "layer (depth)"]
    slider.value = 12
    assert w.result == bnteach.metrics.describe(traj, 12)
    assert w.result.startswith("wide limit, batch 6, layer 12 of 12")
    assert not callback_errors()


def test_layer_viewer_validates(small_traj):
    with pytest.raises(TypeError, match=r"layer_viewer needs a Trajectory, what "
                                        r"bnteach\.simulate\.run or bnteach\.meanfield\.run "
                                        r"returns; got ndarray\. Pass the Trajectory itself, "
                                        r"not traj\.grams\."):
        bw.layer_viewer(small_traj.grams)
    with pytest.raises(ValueError, match=r"The 'layer' parameter must be an int in the range \[0, 20\]"):
        bw.layer_viewer(small_traj, layer=21)


VARIANCE_LABELS = {"n": "batch n (samples)", "width": "width d (neurons)",
                   "depth": "depth (layers)", "scaling": "weight variance", "seed": "seed"}


def _drive_to_extremes(w, labels, result_start):
    """Set every control to its first and last value as a user would: one figure each."""
    by_label = {c.description: c for c in w.children if hasattr(c, "description")}
    assert set(labels.values()) <= set(by_label)
    for name, label in labels.items():
        control = by_label[label]
        ends = (control.options[0], control.options[-1]) if hasattr(control, "options") else (
            control.min, control.max)
        for value in ends:
            if control.value == value:
                continue
            before = w.images
            control.value = value
            assert w.kwargs[name] == value and w.images == before + 1
            assert w.result.startswith(result_start) and "\n" not in w.result


def test_variance_explorer_controls_extremes(callback_errors):
    _drive_to_extremes(bw.variance_explorer(n=4, width=64, depth=3, runs=2), VARIANCE_LABELS,
                       "RC+ReLU, width")
    assert not callback_errors()


def test_variance_two_alpha_keeps_norms_he_shrinks_them():
    """The explorer's claim at moderate width: 2α/d keeps both norms near 1, He shrinks them."""
    n, depth = 8, 20
    alpha_runs = bwm._raw_norms(n, 1024, depth, "2α/d", 0, 5)
    he_runs = bwm._raw_norms(n, 1024, depth, "He: 2/d", 0, 5)
    assert alpha_runs.shape == (5, depth + 1, n)
    kept = alpha_runs[:, -1, :-1].mean()
    assert 0.8 < kept < 1.25
    expected_he = bnteach.theory.alpha(n) ** (-depth / 2)       # norm shrinks by 1/sqrt(alpha)
    assert he_runs[:, -1, :-1].mean() == pytest.approx(expected_he, rel=0.3)


@pytest.mark.parametrize("kwargs, message", [
    (dict(n=2), r"The 'n' parameter must be an int in the range \[3, 32\]"),
    (dict(width=100), r"The 'width' parameter must be one of \[64, 256, 1024, 4096\]"),
    (dict(depth=101), r"The 'depth' parameter must be an int in the range \[1, 100\]"),
    (dict(scaling="3/d"), r"The 'scaling' parameter must be one of"),
    (dict(runs=0), r"The 'runs' parameter must be an int in the range \[1, 20\]"),
])
def test_variance_explorer_bad_starting_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bw.variance_explorer(**kwargs)


# -- lesson 5: tree_explorer ------------------------------------------------------------------

TREE_LABELS = {"m": "small group m (samples)", "fresh": "fresh directions (spread)",
               "seed": "seed", "layer": "layer (depth)"}


def test_tree_explorer_controls_extremes(callback_errors):
    _drive_to_extremes(bw.tree_explorer(n=8, m=2, layer=20), TREE_LABELS, "split tree")
    assert not callback_errors()


def test_tree_explorer_layer_is_a_view(monkeypatch, callback_errors):
    calls = []
    real = bwm.meanfield.run
    monkeypatch.setattr(bwm.meanfield, "run", lambda *a, **k: calls.append(1) or real(*a, **k))
    bwm._split_run.cache_clear()
    bwm._groups.cache_clear()
    w = bw.tree_explorer(n=8, m=1, layer=10)
    layer = next(c for c in w.children if getattr(c, "description", "") == "layer (depth)")
    for value in (0, 200, 400):
        layer.value = value
    assert len(calls) == 1 and not callback_errors()
    assert "2 group(s) of sizes [7, 1]" in w.result       # the single outlier stays apart


@pytest.mark.parametrize("kwargs, message", [
    (dict(n=12), r"The 'n' parameter must be one of \[8, 16, 32\]"),
    (dict(m=9), r"The 'm' parameter must be an int in the range \[1, 8\]"),
    (dict(fresh=5), r"The 'fresh' parameter must be one of \[4, 8, 16, 32, 62\]"),
    (dict(layer=401), r"The 'layer' parameter must be an int in the range \[0, 400\]"),
])
def test_tree_explorer_bad_starting_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bw.tree_explorer(**kwargs)


# -- rendering: one PNG per update, at a fixed size -----------------------------------------

EXPLORERS = {
    "network_explorer": lambda: bw.network_explorer(**SMALL),
    "layer_viewer": lambda: bw.layer_viewer(
        bnteach.run(np.random.default_rng(0).standard_normal((32, 6)), 20, rng=1), layer=5),
    "variance_explorer": lambda: bw.variance_explorer(n=4, width=64, depth=3, runs=2),
    "tree_explorer": lambda: bw.tree_explorer(n=8, m=2, layer=20),
}


def _png_size(png: bytes):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_each_update_sends_one_png_of_a_fixed_size(name, monkeypatch, callback_errors):
    """In a kernel, every update displays exactly one image/png, rendered once at the
    figure's own size (no tight bounding box), and no pyplot figure is left behind."""
    shown, renders = [], []
    monkeypatch.setattr(bw._explore, "get_ipython", lambda: object())   # as in a kernel
    monkeypatch.setattr(bw._explore, "display", lambda data, raw: shown.append(data))
    real_render = bw._explore.render
    monkeypatch.setattr(bw._explore, "render", lambda view: renders.append(1) or real_render(view))
    w = EXPLORERS[name]()
    size = tuple(round(v * bw._explore.DPI) for v in w.figure.get_size_inches())
    for control in [c for c in w.children if isinstance(c, ipywidgets.ValueWidget)]:
        for value in extremes(control)[:1]:
            before = len(shown)
            control.value = value
            assert len(shown) == before + 1 and len(renders) == len(shown)
            (data,) = shown[-1:]
            assert set(data) == {"image/png"} and data["image/png"] == w.png
            assert _png_size(w.png) == size
    assert w.images == len(shown) > 1
    assert plt.get_fignums() == [] and not callback_errors()


def _overlaps(boxes):
    boxes = sorted(boxes, key=lambda b: b.y0)
    return [(a, b) for a, b in zip(boxes, boxes[1:]) if b.y0 < a.y1]


@pytest.mark.parametrize("scaling, depth", [("2α/d", 50), ("He: 2/d", 50), ("He: 2/d", 100),
                                            ("1.05 × 2α/d", 100), ("2α/d", 3)])
def test_variance_log_axis_labels_are_readable(scaling, depth):
    """The log-y axis labels a few ticks in plain numbers, and no two labels overlap."""
    w = bw.variance_explorer(n=16, width=256, depth=depth, scaling=scaling, runs=5)
    ax = w.figure.axes[0]
    renderer = w.figure.canvas.get_renderer()
    labels = [t for t in ax.yaxis.get_ticklabels(which="both")
              if t.get_visible() and t.get_text() and ax.get_ylim()[0] <= t.get_position()[1]
              <= ax.get_ylim()[1]]
    assert len(labels) >= 2, [t.get_text() for t in labels]
    assert not any("times" in t.get_text() or "^" in t.get_text() for t in labels)
    assert not _overlaps([t.get_window_extent(renderer) for t in labels])


def _pixels(fig):
    return np.asarray(fig.canvas.buffer_rgba()).copy()


DRIVES = {
    "network_explorer": [("batch n (samples)", 12), ("log scale (y)", True), ("plot", "soft rank"),
                         ("width d (neurons)", 4), ("batch n (samples)", 3),
                         ("recentering (RC)", True)],
    "layer_viewer": [("layer (depth)", 0), ("layer (depth)", 17)],
    "variance_explorer": [("depth (layers)", 60), ("weight variance", "He: 2/d"),
                          ("batch n (samples)", 20)],
    "tree_explorer": [("layer (depth)", 300), ("small group m (samples)", 3),
                      ("layer (depth)", 5)],
}


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_redrawing_only_what_changed_shows_what_a_full_draw_shows(name, callback_errors):
    """After every update the image (the kept background plus the redrawn artists) is the
    figure a full draw gives: nothing stale from an earlier view (ticks, titles, maps)."""
    w = EXPLORERS[name]()
    by_label = {c.description: c for c in w.children if hasattr(c, "description")}
    for label, value in DRIVES[name]:
        by_label[label].value = value
        shown = _pixels(w.figure)
        for artist in w._view.dynamic:
            artist.set_animated(False)
        with bnteach.plotting.style():
            w.figure.canvas.draw()
        full = _pixels(w.figure)
        differ = np.any(shown != full, axis=-1).mean()
        assert differ < 0.005, f"{label} = {value!r}: {differ:.1%} of the pixels differ"
    assert not callback_errors()
