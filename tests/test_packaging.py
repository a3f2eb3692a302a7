"""The wheel holds only what learners import, and all of it works once installed.

pyproject.toml lists packages explicitly (to map lessons/ into bnteach._lessons): every
sub-package of bnteach must be listed, so none is left out of a wheel, and the repository's
maintenance tools (``tools/``) never are. The slow test builds the wheel, installs it into a
fresh virtual environment and checks it there: no ``bnteach.tools``, every module imports,
every console command it declares runs.
"""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is new in Python 3.11")
def test_every_subpackage_is_listed_in_pyproject():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "bnteach").rglob("__init__.py")
    }
    listed = set(config["packages"])
    assert on_disk <= listed, f"add {sorted(on_disk - listed)} to [tool.setuptools] packages"
    assert config["package-dir"]["bnteach._lessons"] == "lessons"
    assert {"*.ipynb", "solutions/*.py"} <= set(config["package-data"]["bnteach._lessons"])


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is new in Python 3.11")
def test_the_repository_tools_are_not_packaged():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert all(p.startswith("bnteach") for p in config["packages"]), config["packages"]
    assert "bnteach.tools" not in config["packages"]
    assert not (ROOT / "bnteach" / "tools").exists(), "the tools live in tools/, not bnteach/"
    assert (ROOT / "tools" / "notebooks.py").exists()


# -- the wheel, installed in a fresh virtual environment ----------------------------------------

_IGNORE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "workspace",
                                 "__pycache__", ".hypothesis", ".pytest_cache",
                                 ".ipynb_checkpoints", "benchmarks")


def _run(*args, **kwargs):
    out = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert out.returncode == 0, f"{' '.join(map(str, args))} failed:\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(wheel, venv's bin directory, clean environment): one build and one venv per session.

    The wheel is built from a copy of the checkout, so that a stale ``build/`` folder
    (setuptools keeps old files there) cannot leak into it, and nothing is written into
    the repository. Dependencies come from PyPI.
    """
    scratch = tmp_path_factory.mktemp("wheel")
    source = scratch / "src"
    shutil.copytree(ROOT, source, ignore=_IGNORE)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV")}
    env.update(MPLBACKEND="Agg", PIP_DISABLE_PIP_VERSION_CHECK="1")
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", scratch / "dist",
         source, env=env, timeout=600)
    (wheel,) = (scratch / "dist").glob("bnteach-*.whl")
    _run(sys.executable, "-m", "venv", scratch / "venv", timeout=300)
    bindir = scratch / "venv" / ("Scripts" if os.name == "nt" else "bin")
    _run(bindir / "python", "-m", "pip", "install", "--quiet", wheel, env=env, cwd=scratch,
         timeout=900)
    return wheel, bindir, env


@pytest.mark.slow
def test_the_wheel_holds_the_package_and_lessons_but_no_tools(installed):
    wheel, _, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops <= {"bnteach", next(t for t in tops if t.endswith(".dist-info"))}, sorted(tops)
    assert not [n for n in names if n.startswith("bnteach/tools/")]
    lessons = {p.name for p in LESSONS.glob("*.ipynb")}
    assert lessons <= {n.split("/")[-1] for n in names if n.startswith("bnteach/_lessons/")}


_IMPORT_ALL = r"""
import importlib, importlib.util, json, pkgutil
import bnteach
modules = []
for info in pkgutil.walk_packages(bnteach.__path__, "bnteach."):
    importlib.import_module(info.name)
    modules.append(info.name)
print(json.dumps({"file": bnteach.__file__, "modules": modules,
                  "tools": importlib.util.find_spec("bnteach.tools") is not None}))
"""


@pytest.mark.slow
def test_every_installed_module_imports_and_there_is_no_bnteach_tools(installed, tmp_path):
    _, bindir, env = installed
    out = _run(bindir / "python", "-c", _IMPORT_ALL, cwd=tmp_path, env=env, timeout=300)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(found["file"]).is_relative_to(bindir.parent), (
        f"imported {found['file']}, not the installed wheel")
    assert found["tools"] is False
    assert not [m for m in found["modules"] if m.startswith("bnteach.tools")]
    expected = {".".join(("bnteach",) + p.relative_to(ROOT / "bnteach").with_suffix("").parts)
                for p in (ROOT / "bnteach").rglob("*.py") if p.name != "__init__.py"}
    expected |= {f"bnteach.{p.parent.name}" for p in (ROOT / "bnteach").glob("*/__init__.py")}
    assert expected <= set(found["modules"]), sorted(expected - set(found["modules"]))


@pytest.mark.slow
def test_every_console_command_runs(installed, tmp_path):
    _, bindir, env = installed
    code = ("import importlib.metadata as m, json; print(json.dumps(sorted(e.name for e in "
            "m.distribution('bnteach').entry_points if e.group == 'console_scripts')))")
    commands = json.loads(_run(bindir / "python", "-c", code, cwd=tmp_path, env=env).stdout)
    assert commands == ["bnteach"]
    for command in commands:
        assert "usage:" in _run(bindir / command, "--help", cwd=tmp_path, env=env).stdout
    assert "--reset LESSON" in _run(bindir / "bnteach", "copy-lessons", "--help",
                                    cwd=tmp_path, env=env).stdout
    assert "copy-lessons" in _run(bindir / "python", "-m", "bnteach", "--help",
                                  cwd=tmp_path, env=env).stdout

    out = _run(bindir / "bnteach", "copy-lessons", tmp_path / "ws", cwd=tmp_path, env=env)
    expected = sorted([p.name for p in LESSONS.glob("[!_]*.ipynb")]   # never the template
                      + ["SOURCES.md"]                                 # what the lessons cite
                      + [f"solutions/{p.name}" for p in (LESSONS / "solutions").glob("[!_]*.py")])
    copied = sorted(p.relative_to(tmp_path / "ws").as_posix()
                    for p in (tmp_path / "ws").rglob("*") if p.is_file())
    assert copied == sorted(expected + [".bnteach-workspace.json"])
    assert out.stdout == f"{tmp_path / 'ws'}: {len(expected)} files copied\n"
    for name in expected:
        assert (tmp_path / "ws" / name).read_bytes() == (LESSONS / name).read_bytes(), name


@pytest.mark.slow
def test_an_installed_course_shows_a_solution_on_request(installed, tmp_path):
    """As on Colab: no lessons folder in the working directory, the solutions come from the
    lessons shipped in the package, shown and not run."""
    _, bindir, env = installed
    code = ("import bnteach as bn; bn.exercises.show_solution('4.1'); "
            "print(bn.exercises.status())")
    out = _run(bindir / "python", "-c", code, cwd=tmp_path, env=env, timeout=300).stdout
    assert "Solution to Exercise 4.1" in out and "def find_outlier(G):" in out
    assert out.rstrip().endswith("{}")
