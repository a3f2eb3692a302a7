"""The compute layer's boundaries (style.md habit 13 and §3): numpy only, imports one way."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "bnteach"

# What each compute module may import from the package (style.md §3: down the list only).
ALLOWED = {
    "_validation": set(),
    "layers": {"_validation"},
    "theory": {"_validation", "layers"},
    "meanfield": {"_validation", "layers"},
    "metrics": {"_validation"},
    "simulate": {"_validation", "layers"},
    "tree": {"_validation", "layers", "meanfield", "metrics", "theory", "simulate"},
    "exercises": {"_validation", "layers", "meanfield", "metrics", "theory", "simulate", "tree"},
}
COMPUTE = set(ALLOWED)
FORBIDDEN_TOP_LEVEL = {"matplotlib", "ipywidgets", "IPython"}
FORBIDDEN_IN_PACKAGE = {"plotting", "widgets", "cli", "tools", "__main__"}


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(bnteach submodules, other top-level modules) imported anywhere in the file."""
    internal, external = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "bnteach":
                    internal.update(parts[1:2] or ["__init__"])
                else:
                    external.add(parts[0])
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            parts = module.split(".")
            if node.level > 0 or parts[0] == "bnteach":      # relative or absolute, in-package
                sub = parts[1:] if parts[0] == "bnteach" else [p for p in parts if p]
                if sub:
                    internal.add(sub[0])
                else:                                         # from bnteach import a, b
                    internal.update(alias.name for alias in node.names)
            elif module != "__future__":
                external.add(parts[0])
    return internal, external


def test_importing_the_compute_layer_loads_no_plotting_or_widgets():
    code = ("import sys, bnteach, bnteach.layers, bnteach.simulate, bnteach.meanfield, "
            "bnteach.metrics, bnteach.theory, bnteach.tree, bnteach.exercises; "
            f"print(sorted(set({sorted(FORBIDDEN_TOP_LEVEL)!r}) & set(sys.modules)))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
    env.pop("MPLBACKEND", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO, env=env, timeout=120)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_compute_module_imports_only_down_the_layering(module):
    internal, external = _imports(PACKAGE / f"{module}.py")
    assert internal <= ALLOWED[module], f"{module} imports {sorted(internal - ALLOWED[module])}"
    third_party = external - set(sys.stdlib_module_names)
    assert third_party <= {"numpy"}, f"{module} imports {sorted(third_party)}"


def test_package_init_reexports_the_compute_layer_only():
    internal, external = _imports(PACKAGE / "__init__.py")
    assert {"layers", "meanfield", "metrics", "simulate", "theory"} <= internal
    assert internal <= COMPUTE, f"__init__ imports {sorted(internal - COMPUTE)}"
    assert external - set(sys.stdlib_module_names) <= {"numpy"}


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_no_compute_module_names_plotting_or_widgets(module):
    internal, external = _imports(PACKAGE / f"{module}.py")
    assert not internal & FORBIDDEN_IN_PACKAGE
    assert not external & FORBIDDEN_TOP_LEVEL


def test_the_import_parser_sees_every_form(tmp_path):
    """The checker itself: it must catch each way of writing an import."""
    src = tmp_path / "mod.py"
    src.write_text("import numpy as np\nimport bnteach.plotting\nfrom bnteach import layers, "
                   "metrics\nfrom bnteach.simulate import run\nfrom . import theory\n"
                   "from .widgets import x\nfrom __future__ import annotations\n"
                   "def f():\n    import matplotlib.pyplot as plt\n")
    internal, external = _imports(src)
    assert internal == {"plotting", "layers", "metrics", "simulate", "theory", "widgets"}
    assert external == {"numpy", "matplotlib"}
