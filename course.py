#!/usr/bin/env python3
"""Set up and run the bnteach course with one command.

    python3 course.py open    start JupyterLab at the course index
    python3 course.py test    run the course's tests

Both create a virtual environment in ``.venv`` the first time and install the
course into it (``pip install -e ".[lab]"`` or ``".[test]"``). A stamp file in
``.venv`` records a hash of ``pyproject.toml``, the Python version and this
folder, so later runs install nothing unless one of those changed.

Standard library only; runs on the Python that starts it (3.10 or newer).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYPROJECT = ROOT / "pyproject.toml"
WORKSPACE = "workspace"  # the learner's copy of the lessons, relative to ROOT
INDEX = "00_index.ipynb"  # the course map, opened first
MIN_PYTHON = (3, 10)
EXTRAS = {"open": "lab", "test": "test"}  # pyproject optional-dependencies per command
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# JupyterLab settings for learners: no "Jupyter news" and no check-for-updates pop-ups.
NOTIFICATION_PLUGIN = "@jupyterlab/apputils-extension:notification"
QUIET_NOTIFICATIONS = {"fetchNews": "false", "checkForUpdates": False}

VENV_FIX = (
    "Python's venv support is not installed. Install it, then run this command again:\n"
    "  Debian/Ubuntu:  sudo apt-get install python3-venv   "
    f"(if that is not enough: python{sys.version_info[0]}.{sys.version_info[1]}-venv)\n"
    "  Fedora:         sudo dnf install python3\n"
    "  macOS/Windows:  install Python from python.org, which includes venv.\n"
    "Or delete .venv and run this command with a Python that has venv."
)

USAGE = """\
python3 course.py open [JUPYTER-LAB-ARGS...]
       python3 course.py test [PYTEST-ARGS...]"""

DESCRIPTION = """\
Set up and run the bnteach course.

  open  Create .venv (first run only), install the course with its JupyterLab
        extra (only when pyproject.toml changed), copy the lessons into
        workspace/ (updating the ones you have not edited, keeping the ones you
        did), then start JupyterLab on 127.0.0.1 with a random access token, at
        workspace/00_index.ipynb, without news or update pop-ups.
        Extra arguments go to `jupyter lab`, e.g. --no-browser --port 8899.

  test  Same .venv, installs the test extra when needed, then runs
        `python -m pytest`; extra arguments go to pytest, e.g. -x tests/.
        Its exit code is pytest's.

To pass an option that course.py itself knows (-h), put it after `--`:
python3 course.py test -- --help. To start from scratch, delete .venv."""


class CourseError(Exception):
    """A step failed; the message says what to do. Exit code 1."""


def say(message):
    print(f"[course] {message}", flush=True)


# --- virtual environment -------------------------------------------------------


def venv_python(venv=VENV):
    """Path of the venv's interpreter (POSIX or Windows layout)."""
    if os.name == "nt":
        return Path(venv) / "Scripts" / "python.exe"
    return Path(venv) / "bin" / "python"


def venv_unavailable_reason():
    """Why ``python -m venv`` cannot work here, or None if it should."""
    for module in ("venv", "ensurepip"):
        if importlib.util.find_spec(module) is None:
            return f"this Python ({sys.executable}) has no {module!r} module"
    return None


def ensure_venv(venv=VENV, *, python=None):
    """Create ``venv`` if it has no working interpreter; return the interpreter."""
    venv = Path(venv)
    py = venv_python(venv)
    if py.exists():  # False for a dangling link, e.g. after a Python upgrade
        return py
    reason = venv_unavailable_reason()
    if reason:
        raise CourseError(f"cannot create {venv.name}: {reason}.\n{VENV_FIX}")
    existed = venv.exists()
    cmd = [python or sys.executable, "-m", "venv"] + (["--clear"] if existed else []) + [str(venv)]
    say(f"creating {venv.name} ...")
    say("running: " + " ".join(cmd))
    if run(cmd).returncode != 0 or not py.exists():
        if not existed:
            shutil.rmtree(venv, ignore_errors=True)
        raise CourseError(f"could not create {venv.name} (see the messages above).\n{VENV_FIX}")
    return py


def venv_python_version(venv=VENV):
    """The venv's Python version from its pyvenv.cfg, e.g. '3.11.7'."""
    try:
        lines = (Path(venv) / "pyvenv.cfg").read_text().splitlines()
    except OSError:
        return "unknown"
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            return value.strip()
    return "unknown"


# --- installing only when needed -------------------------------------------------


def stamp_path(extra, venv=VENV):
    return Path(venv) / f".course-installed-{extra}"


def stamp_value(extra, venv=VENV, pyproject=PYPROJECT, root=ROOT):
    """What a stamp must hold for ``extra`` to count as installed."""
    digest = hashlib.sha256(Path(pyproject).read_bytes()).hexdigest()
    return (
        f"extra: {extra}\n"
        f"python: {venv_python_version(venv)}\n"
        f"pyproject.toml sha256: {digest}\n"
        f"folder: {root}\n"  # an editable install breaks if the folder moves
    )


def needs_install(extra, venv=VENV, pyproject=PYPROJECT, root=ROOT):
    try:
        current = stamp_path(extra, venv).read_text()
    except OSError:
        return True
    return current != stamp_value(extra, venv, pyproject, root)


def ensure_installed(py, extra, venv=VENV, pyproject=PYPROJECT, root=ROOT):
    """``pip install -e ".[extra]"`` into the venv unless its stamp is current."""
    if not needs_install(extra, venv, pyproject, root):
        say(f"dependencies up to date (.[{extra}], stamp in {Path(venv).name})")
        return False
    say(f"installing the course and its '{extra}' dependencies into {Path(venv).name} ...")
    stamp_path(extra, venv).unlink(missing_ok=True)
    cmd = [str(py), "-m", "pip", "install", "--disable-pip-version-check", "-e", f".[{extra}]"]
    say("running: " + " ".join(cmd))
    if run(cmd, cwd=root).returncode != 0:
        raise CourseError(
            "installing the dependencies failed (see pip's messages above). Check the "
            "network connection and run the command again."
        )
    stamp_path(extra, venv).write_text(stamp_value(extra, venv, pyproject, root))
    return True


# --- the commands -----------------------------------------------------------------


def _option_values(args, names):
    """Values given to any of the ``--name`` options in ``args`` (both spellings)."""
    values = []
    for i, arg in enumerate(args):
        for name in names:
            if arg.startswith(name + "="):
                values.append(arg.split("=", 1)[1])
            elif arg == name:
                values.append(args[i + 1] if i + 1 < len(args) else "")
    return values


def check_jupyter_args(extra_args):
    """Refuse extra arguments that would expose the server or drop its token."""
    for ip in _option_values(extra_args, ("--ip", "--ServerApp.ip")):
        if ip.strip("[]") not in LOOPBACK:
            raise CourseError(
                f"course.py serves JupyterLab on this computer only (127.0.0.1); it "
                f"will not listen on {ip!r}. Run .venv's `jupyter lab` yourself if you "
                f"really need that."
            )
    names = ("--ServerApp.token", "--IdentityProvider.token", "--NotebookApp.token", "--token")
    if any(not token.strip() for token in _option_values(extra_args, names)):
        raise CourseError("course.py will not start JupyterLab with an empty token.")


def lab_settings_dir(venv=VENV):
    """The JupyterLab application settings folder in the course's venv.

    It is where JupyterLab run from ``.venv`` looks by default
    (``<prefix>/share/jupyter/lab/settings``); ``open`` also names it on the
    command line. Its ``overrides.json`` changes the defaults of settings, so a
    choice the learner makes in JupyterLab (saved in their own user settings)
    still wins. Deleting ``.venv`` removes it.
    """
    return Path(venv) / "share" / "jupyter" / "lab" / "settings"


def write_lab_settings(settings_dir):
    """Turn off JupyterLab's news and update notifications in ``settings_dir/overrides.json``.

    Other entries of an existing ``overrides.json`` are kept; an unreadable one is
    replaced. Nothing is written outside ``settings_dir`` (never the learner's home).
    Returns the file's path.
    """
    path = Path(settings_dir) / "overrides.json"
    try:
        overrides = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        overrides = {}
    if not isinstance(overrides, dict):
        overrides = {}
    plugin = overrides.get(NOTIFICATION_PLUGIN)
    plugin = plugin if isinstance(plugin, dict) else {}
    if overrides.get(NOTIFICATION_PLUGIN) != {**plugin, **QUIET_NOTIFICATIONS}:
        overrides[NOTIFICATION_PLUGIN] = {**plugin, **QUIET_NOTIFICATIONS}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(overrides, indent=2) + "\n", encoding="utf-8")
    return path


def jupyter_command(py, extra_args=(), *, as_root=None, settings_dir=None):
    """The ``jupyter lab`` command line that ``open`` runs from the course folder.

    Listens on 127.0.0.1 only and keeps Jupyter's default random token (none
    is passed). ``--allow-root`` is added when running as root, where Jupyter
    otherwise refuses to start (containers, CI). ``settings_dir``: the
    application settings folder JupyterLab reads ``overrides.json`` from
    (:func:`lab_settings_dir`, written by :func:`write_lab_settings`).
    """
    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    cmd = [
        str(py), "-m", "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={WORKSPACE}",
    ]
    if settings_dir is not None:
        cmd.append(f"--LabApp.app_settings_dir={settings_dir}")
    if as_root:
        cmd.append("--allow-root")
    # Relative to root_dir; opens /lab/tree/00_index.ipynb in the browser.
    cmd.append(f"--ServerApp.file_to_run={INDEX}")
    return cmd + list(extra_args)


def jupyter_env(environ):
    """The environment ``open`` starts JupyterLab with: ``environ``, plus one thread for
    numpy's OpenBLAS unless ``OPENBLAS_NUM_THREADS`` is set already.

    The course's arrays are small: a second thread gains nothing on an idle machine and,
    on a busy one, makes each small factorization wait for it (see the README's
    "Performance"). The numbers are the same with any number of threads.
    """
    return {**environ, "OPENBLAS_NUM_THREADS": environ.get("OPENBLAS_NUM_THREADS", "1")}


def pytest_command(py, extra_args=()):
    return [str(py), "-m", "pytest"] + list(extra_args)


def run(cmd, **kwargs):
    """Run a command, letting its output through; return the CompletedProcess."""
    return subprocess.run(cmd, **kwargs)


def run_foreground(cmd, cwd, env=None):
    """Run an interactive command and return its exit code.

    Ctrl-C goes to the child alone (Jupyter asks before shutting down; pytest
    prints its summary), instead of also interrupting this script. ``env``: the
    child's environment (default: this one).
    """
    say("running: " + " ".join(cmd))
    process = subprocess.Popen(cmd, cwd=cwd, env=env)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return process.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


def cmd_open(extra_args):
    check_jupyter_args(extra_args)
    py = ensure_venv(VENV)
    ensure_installed(py, EXTRAS["open"], VENV, PYPROJECT, ROOT)
    say(f"updating the lessons in {WORKSPACE}/ (the files you edited are kept) ...")
    copy = [str(py), "-m", "bnteach", "copy-lessons", WORKSPACE]
    if run(copy, cwd=ROOT).returncode != 0:
        raise CourseError("copying the lessons failed (see the messages above).")
    settings = write_lab_settings(lab_settings_dir(VENV)).parent
    say("starting JupyterLab; open the address with ?token=... that it prints. Ctrl-C stops it.")
    return run_foreground(jupyter_command(py, extra_args, settings_dir=settings), cwd=ROOT,
                          env=jupyter_env(os.environ))


def cmd_test(extra_args):
    py = ensure_venv(VENV)
    ensure_installed(py, EXTRAS["test"], VENV, PYPROJECT, ROOT)
    return run_foreground(pytest_command(py, extra_args), cwd=ROOT)


COMMANDS = {"open": cmd_open, "test": cmd_test}


def build_parser():
    parser = argparse.ArgumentParser(
        prog="course.py",
        usage=USAGE,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    sub = parser.add_subparsers(dest="command", metavar="{open,test}", required=True)
    sub.add_parser(
        "open", allow_abbrev=False,
        usage="python3 course.py open [JUPYTER-LAB-ARGS...]",
        help="start JupyterLab at the course index (extra args go to jupyter lab)",
        description=DESCRIPTION.split("\n\n")[1] + "\n\nSee `jupyter lab --help-all` for its arguments.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_parser(
        "test", allow_abbrev=False,
        usage="python3 course.py test [PYTEST-ARGS...]",
        help="run the tests with pytest (extra args go to pytest)",
        description=DESCRIPTION.split("\n\n")[2]
        + "\n\nFor pytest's own help: python3 course.py test -- --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def parse_args(argv):
    """Return ``(command, extra_args)``; everything course.py does not know passes through.

    Arguments after a literal ``--`` are passed through untouched.
    """
    argv = list(argv)
    tail = []
    if "--" in argv:
        i = argv.index("--")
        argv, tail = argv[:i], argv[i + 1:]
    args, extra = build_parser().parse_known_args(argv)
    return args.command, extra + tail


def main(argv=None):
    """Entry point; returns the exit code."""
    if sys.version_info < MIN_PYTHON:
        print(
            f"[course] error: the course needs Python {'.'.join(map(str, MIN_PYTHON))} or "
            f"newer; this is {sys.version.split()[0]}.",
            file=sys.stderr,
        )
        return 1
    command, extra = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return COMMANDS[command](extra)
    except CourseError as exc:
        print(f"[course] error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n[course] interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
