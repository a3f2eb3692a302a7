"""The course's performance budgets, measured in one run on this machine.

Prints four tables:

1. each notebook's run-all wall time from a fresh kernel (start-up included) and the
   kernel's peak memory, ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` after it
   exits (budget: under 20 s and 500 MB per lesson); every ``lessons/*.ipynb``, the
   template included;
2. the whole notebook suite as CI runs it, ``python -m pytest lessons`` under nbval,
   wall time (budget: under 90 s);
3. the latency of an explorer update, from a control change to the PNG handed to
   the kernel's display (the image the browser receives), headless, for every
   explorer in ``bnteach.widgets``, at least 20 updates each (budget: median at most
   100 ms, p95 at most 200 ms), with the machine's load average beside it. Each
   control is nudged one step and back, repeatedly: the first pass simulates, later
   ones hit the cache, as a learner's moves would;
4. the simulator's speed-up over explicit weight matrices (bench_simulate.py;
   target at least 20x);
5. the fixed cost per layer of ``simulate.run`` against a plain numpy loop, and of
   ``simulate.run_many`` per seed (plain_loop.py; target at most about 1.3x);
6. Daneshmand et al. (2021)'s width sweep, their explicit weights against bnteach
   (peer_daneshmand.py; target at least 40x with the same slope; ``--no-peer``
   skips it: it takes minutes).

Run: ``python benchmarks/bench_course.py`` (``--quick`` skips tables 1 and 2).
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import io
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
# Executes a notebook cell by cell with a blocking client and reports wall time and the
# kernel's peak RSS (nbclient sometimes stalls for its whole timeout after widget cells).
RUNNER = ROOT / "tests" / "notebook_runner.py"


def bench_lessons():
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(LESSONS.glob("*.ipynb")):
            out = Path(tmp) / f"{path.stem}.json"
            subprocess.run([sys.executable, str(RUNNER), str(path), str(out)],
                           capture_output=True, text=True, check=True)
            result = json.loads(out.read_text())
            rows.append((path.name, result["wall"], result["rss_mb"]))
    print(f"{'notebook':<30}{'run-all (s)':>12}{'peak RSS (MB)':>15}")
    for name, wall, rss in rows:
        flag = "" if wall < 20 and rss < 500 else "  OVER BUDGET"
        print(f"{name:<30}{wall:>12.1f}{rss:>15.0f}{flag}")
    total = sum(r[1] for r in rows)
    print(f"{'sum of the run-alls':<30}{total:>12.1f}")
    print("(run-all = every cell from a fresh kernel, kernel start-up included)\n")
    return rows


def bench_suite():
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "--nbval-lax", "--nbval-current-env", "lessons"], cwd=ROOT,
                         capture_output=True, text=True)
    wall = time.perf_counter() - start
    last = (out.stdout.strip().splitlines() or ["(no output)"])[-1]
    flag = "" if wall < 90 and out.returncode == 0 else "  OVER BUDGET" if wall >= 90 else ""
    print(f"{'notebook suite (nbval)':<30}{wall:>12.1f} s{flag}   pytest: {last}\n")
    return wall


def _controls(w):
    return [c for c in w.children if hasattr(c, "description") and hasattr(c, "value")
            and c.description]


def _nudges(control):
    """One step away from the current value and back, as a learner would move a control."""
    value = control.value
    if hasattr(control, "options") and control.options:        # dropdown, selection slider
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        i = options.index(value)
        other = options[i + 1] if i + 1 < len(options) else options[i - 1]
    elif isinstance(value, bool):                               # checkbox
        other = not value
    else:                                                        # int slider or box
        step = getattr(control, "step", 1) or 1
        hi = getattr(control, "max", value + step)
        other = value + step if value + step <= hi else value - step
    return [other, value]


MIN_UPDATES = 20     # per explorer, so that a p95 means something


def _explorer_latencies(make):
    """Time every control's nudges, from the change to the PNG handed to the kernel's display.

    The explorer runs as in a kernel, except that ``display`` records the time and the
    image instead of sending it. Every control is nudged one step and back, over and over
    until at least MIN_UPDATES updates: the first pass simulates, later ones hit the cache.
    Returns the seconds of every update, the number of images each update sent, and the
    CPU seconds of every update (this process, all threads: less sensitive to other load).
    """
    from bnteach.widgets import _explore

    sent = []
    real = _explore.get_ipython, _explore.display
    _explore.get_ipython = lambda: object()
    _explore.display = lambda data, raw: sent.append(time.perf_counter())
    try:
        with contextlib.redirect_stdout(io.StringIO()):           # the first view's summary
            w = make()
        controls = _controls(w)
        passes = max(2, -(-MIN_UPDATES // (2 * len(controls))))
        latencies, images, cpus = [], [], []
        for _ in range(passes):
            for control in controls:
                for value in _nudges(control):
                    before = len(sent)
                    with contextlib.redirect_stdout(io.StringIO()):   # the summary line
                        cpu, start = time.process_time(), time.perf_counter()
                        control.value = value
                        cpus.append(time.process_time() - cpu)
                    images.append(len(sent) - before)
                    latencies.append(sent[-1] - start if len(sent) > before else float("nan"))
    finally:
        _explore.get_ipython, _explore.display = real
    return latencies, images, cpus


def _explorer_factories():
    """Every explorer in bnteach.widgets, started as the lessons start it."""
    from bnteach import batches, simulate, widgets as bw

    lessons = {
        "network_explorer": lambda: bw.network_explorer(
            width=64, n=8, depth=100, components=("rc", "rs", "relu"), metric="mean |cosine|"),
        "layer_viewer": lambda: bw.layer_viewer(simulate.run(
            batches.gaussian(d=512, n=16, rng=0), 300, rng=1), layer=60),
        "variance_explorer": lambda: bw.variance_explorer(n=16, width=256, depth=50),
        "tree_explorer": lambda: bw.tree_explorer(n=16, m=4, fresh=16, layer=150),
    }
    factories = {}
    for name in bw.__all__:
        fn = getattr(bw, name)
        if not inspect.isfunction(fn):
            continue
        required = [p for p in inspect.signature(fn).parameters.values()
                    if p.default is inspect.Parameter.empty
                    and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if name in lessons:
            factories[name] = lessons[name]
        elif not required:                 # a new explorer: its defaults
            factories[name] = fn
        else:
            print(f"(skipped {name}: it needs {[p.name for p in required]}; add it to "
                  f"benchmarks/bench_course.py)")
    return factories


def _p95(sorted_values):
    """The 95th percentile, nearest rank: with 20 updates, the second largest."""
    return sorted_values[math.ceil(0.95 * len(sorted_values)) - 1]


def bench_explorers():
    import matplotlib

    matplotlib.use("Agg")
    rows = []
    load = os.getloadavg()
    print(f"{'explorer update':<20}{'to PNG: median':>16}{'p95':>6}{'max':>6}"
          f"{'CPU: median':>13}{'p95':>6}{'updates':>9}{'images/update':>15}   (ms)")
    for name, make in _explorer_factories().items():
        latencies, images, cpus = _explorer_latencies(make)
        t, c = sorted(latencies), sorted(cpus)
        median, p95 = statistics.median(t), _p95(t)
        flag = "" if median <= 0.100 and p95 <= 0.200 else "  OVER BUDGET"
        if set(images) != {1}:
            flag += f"  NOT ONE IMAGE PER UPDATE: {sorted(set(images))}"
        rows.append((name, median, p95, len(t)))
        print(f"{name:<20}{1e3 * median:>16.0f}{1e3 * p95:>6.0f}{1e3 * t[-1]:>6.0f}"
              f"{1e3 * statistics.median(c):>13.0f}{1e3 * _p95(c):>6.0f}{len(t):>9}"
              f"{'1' if set(images) == {1} else '?':>15}{flag}")
    print(f"(every control nudged one step and back until at least {MIN_UPDATES} updates, "
          f"headless under Agg, from the change to the PNG handed to the kernel's display; "
          f"budget: median <= 100 ms, p95 <= 200 ms. Load average before: "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, after: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f", on {os.cpu_count()} CPUs)\n")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="skip executing the notebooks (tables 1 and 2)")
    parser.add_argument("--no-peer", action="store_true",
                        help="skip the peer benchmark (table 6, minutes)")
    args = parser.parse_args(argv)
    if not args.quick:
        bench_lessons()
        bench_suite()
    bench_explorers()
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_simulate
    import peer_daneshmand
    import plain_loop

    bench_simulate.main([])
    print()
    plain_loop.main([])
    if not args.no_peer:
        print()
        peer_daneshmand.main([])


if __name__ == "__main__":
    main()
