"""Execute a notebook from a fresh kernel, cell by cell, with a blocking client.

Used by ``tests/test_determinism.py`` and ``benchmarks/bench_course.py``::

    python tests/notebook_runner.py NOTEBOOK OUT.json [--first CODE] [--last CODE]

runs every code cell in order in a new ``python3`` kernel started in the
notebook's folder (honouring the ``raises-exception`` and ``skip-execution``
tags, like nbval and nbclient), then writes JSON: each code cell's index, source
and outputs (consecutive stream chunks joined), the run-all wall time, kernel
start-up included, and the kernel's peak RSS in MB
(``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` once it has exited). ``--first``
and ``--last`` inject a code cell before the first and after the last cell.

Why not nbclient: its asyncio client sometimes misses the reply of a cell that
displays widgets and then waits its whole timeout before going on (seen here with
nbclient 0.11 and pyzmq 27: about 1 run in 10 of lesson 5 stalled for exactly the
timeout, without an error), which would make the benchmark's times meaningless.
nbval's blocking client, used here too, does not.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import sys
import time
from pathlib import Path

from jupyter_client.manager import KernelManager

CELL_TIMEOUT = 300     # seconds; a cell running longer fails the run


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def _output(msg) -> dict | None:
    kind, content = msg["msg_type"], msg["content"]
    if kind == "stream":
        return {"output_type": "stream", "name": content["name"], "text": content["text"]}
    if kind in ("display_data", "execute_result"):
        return {"output_type": kind, "data": content["data"]}
    if kind == "error":
        return {"output_type": "error", "ename": content["ename"], "evalue": content["evalue"]}
    return None


def _coalesce(outputs: list) -> list:
    joined: list = []
    for out in outputs:
        if out["output_type"] == "stream" and joined and joined[-1]["output_type"] == "stream" \
                and joined[-1]["name"] == out["name"]:
            joined[-1] = {**joined[-1], "text": joined[-1]["text"] + out["text"]}
        else:
            joined.append(out)
    return joined


def run_cell(kc, code: str) -> list:
    """Execute ``code``; return its outputs once the kernel is idle again."""
    msg_id = kc.execute(code, allow_stdin=False)
    outputs: list = []
    clear_pending = False
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=CELL_TIMEOUT)
        except queue.Empty:
            raise TimeoutError(f"no output for {CELL_TIMEOUT} s while running:\n{code}") from None
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        if msg["msg_type"] == "clear_output":
            if msg["content"].get("wait"):
                clear_pending = True
            else:
                outputs = []
            continue
        out = _output(msg)
        if out is not None:
            if clear_pending:
                outputs, clear_pending = [], False
            outputs.append(out)
    while True:                                  # the matching reply on the shell channel
        reply = kc.get_shell_msg(timeout=CELL_TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    return _coalesce(outputs)


def run_notebook(path: Path, first: str | None = None, last: str | None = None) -> dict:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [(i, _source(c), _tags(c)) for i, c in enumerate(nb["cells"])
             if c["cell_type"] == "code" and "skip-execution" not in _tags(c)]
    if first is not None:
        cells.insert(0, (-1, first, []))
    if last is not None:
        cells.append((len(nb["cells"]), last, []))
    start = time.perf_counter()
    km = KernelManager(kernel_name="python3")
    # This interpreter's ipykernel (like nbval's --nbval-current-env), whatever kernelspecs
    # the machine has installed.
    km.kernel_spec.argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    km.start_kernel(cwd=str(Path(path).resolve().parent), env=dict(os.environ))
    kc = km.client()
    kc.start_channels()
    results = []
    try:
        kc.wait_for_ready(timeout=120)
        for index, code, tags in cells:
            outputs = run_cell(kc, code)
            errors = [o for o in outputs if o["output_type"] == "error"]
            if errors and "raises-exception" not in tags:
                raise RuntimeError(f"{Path(path).name} cell {index} raised "
                                   f"{errors[0]['ename']}: {errors[0]['evalue']}\n{code}")
            results.append({"index": index, "source": code, "outputs": outputs})
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    wall = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024   # Linux: kB
    return {"notebook": Path(path).name, "wall": wall, "rss_mb": rss_mb, "cells": results}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--first", help="code cell to run before the notebook's cells")
    parser.add_argument("--last", help="code cell to run after the notebook's cells")
    args = parser.parse_args(argv)
    result = run_notebook(args.notebook, args.first, args.last)
    args.out.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
