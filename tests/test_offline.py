"""The package, the solutions and the repository tools work offline: no network code, no
downloads, no remote styles.

What counts as network use, and what does not:

* importing a network-capable module (``urllib``, ``http``, ``requests``, ``socket``, ...)
  anywhere in ``bnteach/``, ``lessons/solutions/`` or the repository's ``tools/``: refused;
* running another program (``subprocess``, ``os.system``) from the package: refused, so that
  nothing can shell out to ``pip``, ``curl`` or ``wget``;
* a URL in a string that the code *uses* (``"https://..."`` outside docstrings): refused,
  except in the repository's ``tools/`` (never shipped), whose notebook generators write
  links (badges, the guarded Colab install cell) into notebooks without fetching them;
* URLs in docstrings and comments (references to papers): allowed.

The lessons' code cells are scanned by ``tests/test_notebook_hygiene.py``. Finally, every
module is imported, and the explorers are built and updated, in a subprocess whose sockets
refuse to connect, so a hidden download would fail loudly.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bnteach"
TOOLS = ROOT / "tools"                     # repository only, never in the wheel
SOURCES = (sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "lessons" / "solutions").glob("*.py"))
           + sorted(TOOLS.glob("*.py")))
NETWORK_MODULES = {"urllib", "urllib2", "urllib3", "http", "httplib", "requests", "httpx",
                   "aiohttp", "socket", "ssl", "ftplib", "smtplib", "poplib", "imaplib",
                   "telnetlib", "xmlrpc", "websocket", "websockets", "webbrowser", "pip"}
PROCESS_CALLS = {("subprocess", name) for name in ("run", "call", "check_call", "check_output",
                                                    "Popen", "getoutput", "getstatusoutput")}
PROCESS_CALLS |= {("os", name) for name in ("system", "popen", "execv", "execvp", "spawnv")}
URL_ALLOWED = {TOOLS}                       # notebook generators: links written, never fetched
URL_PREFIXES = ("http://", "https://", "ftp://", "git+", "www.")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the Constant nodes that are docstrings (module, class, function)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                found.add(id(body[0].value))
    return found


def _parse(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_no_network_modules_are_imported(path):
    for node in ast.walk(_parse(path)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "__import__" and node.args \
                and isinstance(node.args[0], ast.Constant):
            names = [str(node.args[0].value)]
        for name in names:
            assert name.split(".")[0] not in NETWORK_MODULES, (
                f"{_rel(path)}:{node.lineno} imports {name}: the course must work offline")


@pytest.mark.parametrize("path", [p for p in SOURCES if PACKAGE in p.parents], ids=_rel)
def test_the_package_runs_no_other_programs(path):
    tree = _parse(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert all(a.name != "subprocess" for a in node.names), (
                f"{_rel(path)}:{node.lineno} imports subprocess")
        if isinstance(node, ast.ImportFrom):
            assert node.module != "subprocess", f"{_rel(path)}:{node.lineno} imports subprocess"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name):
            call = (node.func.value.id, node.func.attr)
            assert call not in PROCESS_CALLS, (
                f"{_rel(path)}:{node.lineno} calls {'.'.join(call)}: the package runs no other "
                f"programs (no pip, curl or wget at run time)")


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_no_urls_in_code_outside_docstrings_and_comments(path):
    if any(allowed in path.parents for allowed in URL_ALLOWED):
        pytest.skip(f"{_rel(path)} writes links into notebooks; it never fetches them")
    tree = _parse(path)
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            for prefix in URL_PREFIXES:
                assert prefix not in node.value, (
                    f"{_rel(path)}:{node.lineno} uses the address {node.value[:80]!r} in code; "
                    f"the course loads nothing by URL (styles, data, solutions ship with it)")


def test_the_scan_sees_what_it_should(tmp_path):
    """The scanners' own check: they flag a download and pass a docstring reference."""
    bad = tmp_path / "bad.py"
    bad.write_text('"""See https://arxiv.org/abs/2412.02843."""\n'
                   'import urllib.request\n'
                   'STYLE = "https://example.org/style.mplstyle"\n')
    tree = _parse(bad)
    docs = _docstrings(tree)
    urls = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and id(n) not in docs and "https://" in n.value]
    imports = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert urls == ["https://example.org/style.mplstyle"] and imports == ["urllib.request"]


# Imports every module and drives the explorers with sockets that refuse to connect.
_NO_NETWORK = r"""
import socket

class Offline(OSError):
    pass

def refuse(*args, **kwargs):
    raise Offline(f"network use attempted: {args[:2]!r}")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

import importlib, pkgutil
import matplotlib
matplotlib.use("Agg")
import bnteach
for info in pkgutil.walk_packages(bnteach.__path__, "bnteach."):
    importlib.import_module(info.name)

import matplotlib.pyplot as plt
from bnteach import batches, plotting, simulate, widgets
for name in widgets.__all__:
    make = getattr(widgets, name)
    if not callable(make) or isinstance(make, type):
        continue
    if name == "layer_viewer":
        w = make(simulate.run(batches.gaussian(d=8, n=4, rng=0), 5, rng=0))
    else:
        w = make()
    for control in w.children:
        if hasattr(control, "max") and isinstance(getattr(control, "value", None), int) \
                and not isinstance(control.value, bool):
            control.value = control.min if control.value != control.min else control.max
            break
    plt.close("all")
with plotting.style():
    pass
print("offline ok")
"""


def test_everything_imports_and_runs_with_sockets_refusing_to_connect():
    out = subprocess.run([sys.executable, "-c", _NO_NETWORK], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert out.returncode == 0 and "offline ok" in out.stdout, out.stderr[-3000:]
