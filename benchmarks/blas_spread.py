"""How far the lessons' checked numbers move when OpenBLAS picks other kernels.

Another CPU makes OpenBLAS choose other matrix kernels, which round differently; a
seeded simulation then prints other last digits. This script runs every lesson
from a fresh kernel under several OpenBLAS core types and thread counts
(``OPENBLAS_CORETYPE``, ``OPENBLAS_NUM_THREADS``: numpy's wheels build OpenBLAS for
many CPUs and let these choose), compares every number in every checked cell
with the stored output, and prints, per cell, the largest difference in units of
the number's last printed digit (nbval_tolerance's default allows 2) and in
relative terms. Cells that state ``# NBVAL_TOLERANCE`` show the stated bound.

Run: ``python benchmarks/blas_spread.py [NOTEBOOK ...]`` (all lessons by default;
``--cores Haswell,Zen --threads 1,2`` to choose). It never changes a notebook.
Not a test: CI runs the notebook suite itself under other kernels (.ci/run).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from nbval_tolerance import (_last_digit_unit, _value, parse_tolerance,  # noqa: E402
                             split_numbers)

RUNNER = ROOT / "tests" / "notebook_runner.py"
CORES = ["Prescott", "SandyBridge", "Haswell", "Zen", "SkylakeX"]
THREADS = ["1", "2"]


def _checked_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = {}
    for i, cell in enumerate(nb["cells"]):
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and "NBVAL_CHECK_OUTPUT" in src:
            text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", [])
                           if o.get("output_type") == "stream")
            cells[i] = (src, text)
    return cells


def _run(path, core, threads):
    env = {**os.environ, "OPENBLAS_CORETYPE": core, "OPENBLAS_NUM_THREADS": threads}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        subprocess.run([sys.executable, str(RUNNER), str(path), str(out)], env=env, check=True)
        result = json.loads(out.read_text())
    return {c["index"]: "".join(o.get("text", "") for o in c["outputs"]
                                if o["output_type"] == "stream") for c in result["cells"]}


def _spread(stored, new):
    """Largest |difference| in last-digit units and relative, over paired numbers."""
    worst_units, worst_rel = Decimal(0), Decimal(0)
    for s_line, n_line in zip(stored.split("\n"), new.split("\n")):
        for a, b in zip(split_numbers(s_line)[1], split_numbers(n_line)[1]):
            va, vb = _value(a), _value(b)
            if not (va.is_finite() and vb.is_finite()) or va == vb:
                continue
            diff = abs(va - vb)
            if "." in a:
                worst_units = max(worst_units, diff / _last_digit_unit(a))
            else:
                worst_units = max(worst_units, Decimal("Infinity"))
            if va != 0:
                worst_rel = max(worst_rel, diff / abs(va))
    return worst_units, worst_rel


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--cores", default=",".join(CORES))
    parser.add_argument("--threads", default=",".join(THREADS))
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "lessons").glob("[0-9]*.ipynb"))
    worst_overall = Decimal(0)
    for path in notebooks:
        cells = _checked_cells(path)
        worst = {i: (Decimal(0), Decimal(0), "") for i in cells}
        for core in args.cores.split(","):
            for threads in args.threads.split(","):
                outputs = _run(path, core, threads)
                for i, (src, stored) in cells.items():
                    units, rel = _spread(stored, outputs.get(i, ""))
                    if units > worst[i][0] or rel > worst[i][1]:
                        worst[i] = (max(units, worst[i][0]), max(rel, worst[i][1]),
                                    f"{core}/{threads}")
        print(f"\n{path.name}: cell, largest difference in last-digit units, relative, where")
        for i, (units, rel, where) in worst.items():
            stated = parse_tolerance(cells[i][0])
            note = f"  (cell states {stated.describe()})" if stated.stated else ""
            print(f"  cell {i:3d}: {float(units):6.2f} units  {float(rel):9.2e}  {where}{note}")
            if not stated.stated:
                worst_overall = max(worst_overall, units)
    print(f"\nlargest difference in a cell with the default tolerance: "
          f"{float(worst_overall):.2f} units of the last digit (the default allows 2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
