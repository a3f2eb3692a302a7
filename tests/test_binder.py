"""Binder's exact pins run the course: the same environment, built without Docker.

Builds a virtual environment the way repo2docker does from ``binder/``: the
``runtime.txt`` Python (3.11), exactly ``binder/requirements.txt``, then the
package as ``binder/postBuild`` installs it (``pip install --no-deps .``). Then:

* ``pip check`` finds no broken requirement;
* pytest and nbval, added after the pins, change no pinned version;
* the whole notebook suite passes under nbval in that environment, against the
  *installed* package (the lessons run from a scratch copy, outside the repository);
* ``jupyter labextension list`` shows ``@jupyter-widgets/jupyterlab-manager`` enabled,
  so the explorers render in Binder's JupyterLab.

Slow (a few minutes the first time). The pinned environment is cached, keyed by a
hash of the pins and the Python version, next to pytest's temporary folders
(``<pytest tmp root>/bnteach-binder-*``); the package itself is reinstalled every
run. Skips with the reason if the runtime.txt Python is not installed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
TEST_TOOLS = ["pytest", "nbval"]


def _runtime_python() -> tuple[str, str]:
    runtime = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    assert match, f"binder/runtime.txt should read like 'python-3.11'; got {runtime!r}"
    version = match.group(1)
    return version, shutil.which(f"python{version}") or ""


def _pins() -> dict[str, str]:
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"binder/requirements.txt must pin exactly: {line!r}"
            pins[_norm(name)] = version.strip()
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _run(cmd, **kwargs) -> subprocess.CompletedProcess:
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    assert out.returncode == 0, (f"{' '.join(map(str, cmd))} failed ({out.returncode}):\n"
                                 f"{out.stdout[-4000:]}\n{out.stderr[-4000:]}")
    return out


def _freeze(python) -> dict[str, str]:
    out = _run([python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"])
    return {_norm(n): v for n, _, v in (line.partition("==") for line in out.stdout.split())}


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory):
    version, python = _runtime_python()
    if not python:
        pytest.skip(f"binder/runtime.txt asks for Python {version}, and python{version} is not "
                    f"installed here")
    key = hashlib.sha256((BINDER / "requirements.txt").read_bytes()
                         + _run([python, "--version"]).stdout.encode()
                         + " ".join(TEST_TOOLS).encode()).hexdigest()[:16]
    cache = tmp_path_factory.getbasetemp().parent / f"bnteach-binder-{key}"
    venv, ready = cache / "venv", cache / "ready"
    py = venv / "bin" / "python"
    if not ready.exists():
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        _run([python, "-m", "venv", venv])
        _run([py, "-m", "pip", "install", "--disable-pip-version-check", "-r",
              BINDER / "requirements.txt"], timeout=1800)
        (cache / "pinned.txt").write_text(
            "\n".join(f"{k}=={v}" for k, v in sorted(_freeze(py).items())))
        _run([py, "-m", "pip", "install", "--disable-pip-version-check", *TEST_TOOLS],
             timeout=900)
        ready.write_text("ok")
    # postBuild, from a clean copy of the repository's files (no stale build/ folder)
    src = tmp_path_factory.mktemp("binder-src")
    shutil.copytree(ROOT, src / "repo", ignore=shutil.ignore_patterns(
        ".git", ".venv", "workspace", "build", "*.egg-info", "__pycache__", ".hypothesis"))
    post_build = (BINDER / "postBuild").read_text()
    assert "set -e" in post_build and "pip install --no-deps ." in post_build
    _run([py, "-m", "pip", "install", "--disable-pip-version-check", "--no-deps",
          "--force-reinstall", "."], cwd=src / "repo", timeout=900)
    return py, cache


def test_pins_are_exact_and_installed_as_pinned(binder_env):
    py, cache = binder_env
    installed = _freeze(py)
    wrong = {name: (want, installed.get(name)) for name, want in _pins().items()
             if installed.get(name) != want}
    assert not wrong, f"pinned versions not installed (pin, installed): {wrong}"


def test_pytest_and_nbval_change_no_pinned_version(binder_env):
    py, cache = binder_env
    before = dict(line.split("==") for line in (cache / "pinned.txt").read_text().split())
    after = _freeze(py)
    changed = {n: (v, after.get(n)) for n, v in before.items() if after.get(n) != v}
    assert not changed, f"installing {TEST_TOOLS} changed pinned packages: {changed}"


def test_pip_check(binder_env):
    py, _ = binder_env
    out = _run([py, "-m", "pip", "check", "--disable-pip-version-check"])
    assert "No broken requirements found" in out.stdout


def test_widget_manager_labextension_is_enabled(binder_env):
    py, _ = binder_env
    out = _run([py.parent / "jupyter", "labextension", "list"])
    text = out.stdout + out.stderr
    line = next((ln for ln in text.splitlines() if "@jupyter-widgets/jupyterlab-manager" in ln),
                "")
    assert "enabled" in line and "OK" in line, f"widget manager not enabled:\n{text}"


def test_start_gives_openblas_one_thread_unless_set_and_runs_the_server(tmp_path):
    """binder/start (repo2docker's entry point) must end by running its arguments."""
    start = BINDER / "start"
    assert os.access(start, os.X_OK), "binder/start must be executable (repo2docker runs it)"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    probe = ["sh", "-c", 'echo "$OPENBLAS_NUM_THREADS $0"', "server"]
    for preset, want in ((None, "1 server"), ("3", "3 server")):
        out = subprocess.run(["bash", start, *probe], capture_output=True, text=True,
                             env=env if preset is None else {**env, "OPENBLAS_NUM_THREADS": preset})
        assert out.returncode == 0 and out.stdout.strip() == want, (out.stdout, out.stderr)


def test_the_notebook_suite_passes_on_the_pins(binder_env, tmp_path):
    py, _ = binder_env
    where = _run([py, "-c", "import bnteach, numpy; print(bnteach.__file__, numpy.__version__)"],
                 cwd=tmp_path).stdout.split()
    assert "site-packages" in where[0], f"bnteach is not the installed package: {where[0]}"
    assert where[1] == _pins()["numpy"]
    shutil.copytree(ROOT / "lessons", tmp_path / "lessons")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")   # not the repository's configuration
    # The repository's comparison (numbers within tolerance), loaded from tests/ as the
    # configuration does; everything else as on Binder, started through binder/start.
    out = subprocess.run(["bash", BINDER / "start", py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
                          "nbval_tolerance", "--nbval-lax", "--nbval-current-env",
                          "--nbval-cell-timeout=60", "lessons"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=1800,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "tests")})
    assert out.returncode == 0, f"the notebooks fail on Binder's pins:\n{out.stdout[-6000:]}"
    print(out.stdout.strip().splitlines()[-1])
