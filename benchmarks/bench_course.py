"""The course's performance budgets, measured in one run on this machine.

Prints three tables:

1. each lesson's run-all wall time from a fresh kernel and the kernel's peak
   memory (budget: under 20 s and 500 MB per lesson; the whole notebook suite
   under 90 s);
2. the latency of an explorer update, from a control change to the redrawn
   figure, measured headless (budget: median under 150 ms);
3. the simulator's speed-up over explicit weight matrices (bench_simulate.py;
   target at least 20x).

Run: ``python benchmarks/bench_course.py`` (``--quick`` skips the lessons).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"

# Runs in a fresh interpreter per notebook: execute it, then read the peak RSS of the kernel
# (a child process, reaped when the client shuts it down).
_RUN_ONE = r"""
import json, resource, sys, time
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
start = time.perf_counter()
NotebookClient(nb, kernel_name="python3", timeout=300,
               resources={"metadata": {"path": sys.argv[2]}}).execute()
wall = time.perf_counter() - start
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024   # Linux: kB
print(json.dumps({"wall": wall, "rss_mb": rss_mb}))
"""


def bench_lessons():
    rows = []
    for path in sorted(LESSONS.glob("*.ipynb")):
        out = subprocess.run([sys.executable, "-c", _RUN_ONE, str(path), str(LESSONS)],
                             capture_output=True, text=True, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append((path.name, result["wall"], result["rss_mb"]))
    print(f"{'lesson':<30}{'run-all (s)':>12}{'peak RSS (MB)':>15}")
    for name, wall, rss in rows:
        flag = "" if wall < 20 and rss < 500 else "  OVER BUDGET"
        print(f"{name:<30}{wall:>12.1f}{rss:>15.0f}{flag}")
    total = sum(r[1] for r in rows)
    print(f"{'all notebooks':<30}{total:>12.1f}{'':>15}{'' if total < 90 else '  OVER BUDGET'}")
    print("(run-all = executing every cell from a fresh kernel, kernel start-up included)\n")


def _explorer_latencies(make, moves, repeats):
    """Time ``control.value = v`` for each (label, value) in ``moves``, cycled ``repeats`` times."""
    import matplotlib.pyplot as plt

    w = make()
    by_label = {c.description: c for c in w.children if hasattr(c, "description")}
    times = []
    for _ in range(repeats):
        for label, value in moves:
            control = by_label[label]
            if control.value == value:
                continue
            with contextlib.redirect_stdout(io.StringIO()):   # the summary line, printed
                start = time.perf_counter()
                control.value = value
                times.append(time.perf_counter() - start)
            plt.close("all")
    return times


def bench_explorers():
    import matplotlib

    matplotlib.use("Agg")
    from bnteach import widgets as bw

    explorers = {
        "network_explorer (lesson 1)": (
            lambda: bw.network_explorer(width=32, n=4, depth=50, components=("rs", "linear"),
                                        inputs="nearly rank one"),
            [("depth (layers)", 80), ("width d (neurons)", 128), ("rescaling (RS)", False),
             ("plot", "soft rank"), ("seed", 1), ("batch n (samples)", 8),
             ("depth (layers)", 50), ("width d (neurons)", 32), ("rescaling (RS)", True),
             ("plot", "orthogonality gap"), ("seed", 0), ("batch n (samples)", 4)]),
    }
    print(f"{'explorer update':<30}{'median (ms)':>12}{'p95 (ms)':>10}{'updates':>9}")
    for name, (make, moves) in explorers.items():
        times = sorted(_explorer_latencies(make, moves, repeats=3))
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        median = statistics.median(times)
        flag = "" if median < 0.150 else "  OVER BUDGET"
        print(f"{name:<30}{1e3 * median:>12.0f}{1e3 * p95:>10.0f}{len(times):>9}{flag}")
    print("(a control change to the redrawn figure, headless under Agg; the first pass over the "
          "moves simulates, later passes hit the cache)\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip executing the lessons")
    args = parser.parse_args(argv)
    if not args.quick:
        bench_lessons()
    bench_explorers()
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_simulate

    bench_simulate.main([])


if __name__ == "__main__":
    main()
