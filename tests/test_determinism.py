"""Every lesson is deterministic and leaves numpy's global random state alone.

Each lesson (the template too) is executed twice, each time from a fresh kernel
with nbclient, and the outputs of its checked cells (``# NBVAL_CHECK_OUTPUT``)
must be identical between the two runs. Both runs get two injected cells: the
first records ``np.random.get_state()`` before any lesson code, the last compares
it with the state after the last lesson cell. A lesson that seeds or draws from
the global generator (``np.random.seed``, ``np.random.rand``, ...) changes it;
the course uses ``np.random.default_rng(SEED)`` only.

The executions run two at a time (one kernel per CPU on a 2-core machine), each in a
subprocess running ``tests/notebook_runner.py`` (a blocking client, as nbval uses),
once per test session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
NOTEBOOKS = sorted(LESSONS.glob("*.ipynb"))
CHECK = "# NBVAL_CHECK_OUTPUT"
MARK = "BNTEACH-GLOBAL-RNG:"

BEFORE = (
    "import numpy as _bnteach_np\n"
    "_bnteach_rng_before = _bnteach_np.random.get_state()\n"
)
AFTER = (
    "_bnteach_rng_after = _bnteach_np.random.get_state()\n"
    "print('" + MARK + "', 'untouched' if (\n"
    "    _bnteach_rng_after[0] == _bnteach_rng_before[0]\n"
    "    and (_bnteach_rng_after[1] == _bnteach_rng_before[1]).all()\n"
    "    and _bnteach_rng_after[2:] == _bnteach_rng_before[2:]) else 'CHANGED')\n"
)

RUNNER = Path(__file__).resolve().parent / "notebook_runner.py"
# Two kernels at a time on two CPUs: one BLAS thread each, or their spinning threads
# oversubscribe the machine (lesson 3 ran 3x slower).
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _execute(path: Path, dest: Path) -> dict:
    out = subprocess.run([sys.executable, str(RUNNER), str(path), str(dest), "--first", BEFORE,
                          "--last", AFTER], capture_output=True, text=True, timeout=900, env=ENV)
    if out.returncode != 0:
        return {"error": out.stderr[-3000:]}
    return json.loads(dest.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def executions(tmp_path_factory):
    """``{lesson name: (first run, second run)}``, as written by tests/notebook_runner.py."""
    scratch = tmp_path_factory.mktemp("determinism")
    jobs = [(path, scratch / f"{path.stem}.run{k}.json") for path in NOTEBOOKS for k in (1, 2)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda job: _execute(*job), jobs))
    return {path.name: (results[2 * i], results[2 * i + 1]) for i, path in enumerate(NOTEBOOKS)}


def _text(output) -> str:
    """What nbval would compare: stream text and the text-like representations."""
    if output["output_type"] == "stream":
        return f"{output['name']}: {output['text']}"
    if output["output_type"] == "error":
        return f"error: {output['ename']}: {output['evalue']}"
    data = output.get("data", {})
    return "\n".join(f"{mime}: {data[mime]}" for mime in sorted(data)
                     if mime.startswith("text/") or mime == "application/json")


def _checked_outputs(run) -> list[tuple[int, list[str]]]:
    return [(cell["index"], [_text(o) for o in cell["outputs"]]) for cell in run["cells"]
            if CHECK in cell["source"]]


def _runs(executions, name):
    first, second = executions[name]
    for run in (first, second):
        assert "error" not in run, f"{name} failed to execute from a fresh kernel:\n{run['error']}"
    return first, second


def test_there_are_lessons_to_execute():
    assert NOTEBOOKS


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_checked_outputs_are_identical_in_two_fresh_runs(executions, name):
    first, second = _runs(executions, name)
    a, b = _checked_outputs(first), _checked_outputs(second)
    assert [i for i, _ in a] == [i for i, _ in b]
    for (i, out_a), (_, out_b) in zip(a, b):
        assert out_a == out_b, (f"{name} cell {i}: checked output differs between two fresh "
                                f"runs:\n{out_a}\n---\n{out_b}")


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_lesson_leaves_numpys_global_random_state_alone(executions, name):
    for run in _runs(executions, name):
        printed = "".join(o.get("text", "") for o in run["cells"][-1]["outputs"])
        assert f"{MARK} untouched" in printed, (
            f"{name} changed numpy's global random state (np.random.seed or a legacy "
            f"np.random.* call); use rng = np.random.default_rng(SEED) and pass rng down. "
            f"Injected check printed: {printed!r}")
