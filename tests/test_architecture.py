"""The package's boundaries (style.md habit 13 and §3): every module in a layering that
imports one way, no import cycles, a compute layer that needs numpy only, and a package
that never imports the repository's tools/ (they import it, never the other way)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "bnteach"

# What each module may import from the package (style.md §3: down the list only). Every
# module of bnteach/ must be listed: the compute layer (numpy only), the exercises (on the
# compute layer), plotting, widgets and the command line. The maintainers' tools are not in
# the package (the repository's tools/ folder, never shipped).
CORE = {"_validation", "_kernels", "_sampler", "layers", "batches", "trajectory", "lyapunov", "theory",
        "meanfield", "geometry", "clusters", "metrics", "simulate", "branching", "tree",
        "backprop", "training", "datasets"}
ALLOWED = {
    "_validation": set(),
    "_kernels": set(),
    "layers": {"_validation", "_kernels"},
    "batches": {"_validation"},
    "trajectory": set(),
    "lyapunov": {"_validation"},
    "theory": {"_validation", "layers", "lyapunov"},
    "meanfield": {"_validation", "layers", "trajectory"},
    "geometry": {"_validation"},
    "clusters": {"_validation", "layers", "geometry"},
    "metrics": {"_validation", "geometry", "clusters", "trajectory"},
    "_sampler": {"_kernels", "trajectory"},
    "simulate": {"_validation", "_sampler", "layers", "trajectory"},
    "branching": {"_validation", "geometry"},
    "tree": {"_validation", "layers", "meanfield", "metrics", "theory", "simulate", "branching"},
    "backprop": {"_validation", "_kernels"},
    "training": {"_validation", "backprop"},
    "datasets": set(),
    "exercises.results": set(),
    "exercises.errors": set(),
    "exercises.progress": set(),
    "exercises.scaffold": set(),
    "exercises.harness": {"exercises.results", "exercises.errors", "exercises.progress",
                          "exercises.scaffold"},
    "exercises.solutions": {"exercises.harness"},
    **{f"exercises.lesson{k}": CORE | {"exercises.harness"} for k in (1, 2, 3, 4, 5, 7)},
    "exercises.alpha_hints": CORE,
    "exercises.lesson4": CORE | {"exercises.harness", "exercises.alpha_hints"},
    "exercises": CORE | {f"exercises.lesson{k}" for k in (1, 2, 3, 4, 5, 7)}
                 | {"exercises.harness", "exercises.solutions", "exercises.errors",
                    "exercises.progress"},
    "__init__": CORE | {"exercises"},
    "_ticks": set(),
    "plotting": CORE | {"_ticks"},
    "widgets._explore": CORE | {"plotting"},
    "widgets.network": CORE | {"plotting", "widgets._explore"},
    "widgets.models": CORE | {"plotting", "widgets._explore"},
    "widgets": {"widgets.network", "widgets.models"},
    "workspace": set(),
    "cli": {"workspace"},
    "__main__": {"cli"},
}
COMPUTE = CORE | {m for m in ALLOWED if m.startswith("exercises")}
FORBIDDEN_TOP_LEVEL = {"matplotlib", "ipywidgets", "IPython"}
FORBIDDEN_IN_PACKAGE = {"plotting", "widgets", "workspace", "cli", "__main__"}
# Import cycles that exist and are to go; the cycle test fails when one of them no longer
# exists, so that it is removed here. None today.
KNOWN_CYCLES: set[frozenset] = set()
# The repository's own top-level folders that the package must never import: tools/ is
# not in the wheel (a learner's install has no such module), tests/ neither.
REPOSITORY_ONLY = {"tools", "tests", "course", "benchmarks"}


def _module_names() -> set[str]:
    """Every module of bnteach/: "layers", "exercises.harness", "cli", "__init__", ..."""
    names = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        names.add(".".join(parts))
    return names


def _path(module: str) -> Path:
    base = PACKAGE.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _resolve(dotted: str) -> str:
    """The longest bnteach module named by ``bnteach.<dotted>`` ("exercises.harness.call" ->
    "exercises.harness"; "layers" -> "layers")."""
    names = _module_names()
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        if ".".join(parts[:k]) in names:
            return ".".join(parts[:k])
    return parts[0]


def _dependencies(module: str) -> set[str]:
    """The bnteach modules that ``module`` imports, anywhere in the file (functions too)."""
    deps = set()
    for node in ast.walk(ast.parse(_path(module).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            deps.update(_resolve(a.name[len("bnteach."):]) for a in node.names
                        if a.name.startswith("bnteach."))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bnteach"):
            base = node.module[len("bnteach."):] if node.module != "bnteach" else ""
            for alias in node.names:
                deps.add(_resolve(f"{base}.{alias.name}" if base else alias.name))
    deps.discard(module)
    return deps


def _cycles(graph: dict[str, set[str]]) -> set[frozenset]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), set()

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


#: About 300 lines per module (style.md habit 1): split by concept when one grows past this.
MAX_LINES = 320
# Modules over it that are to shrink; the test fails when one no longer is, so that it is
# removed here.
KNOWN_LONG: set = set()


def test_no_module_is_over_about_300_lines():
    lines = {m: len(_path(m).read_text(encoding="utf-8").splitlines()) for m in _module_names()}
    long = {m for m, k in lines.items() if k > MAX_LINES}
    assert long == KNOWN_LONG, {m: lines[m] for m in long ^ KNOWN_LONG}


def _private_uses(module: str) -> set[str]:
    """``other._name`` and ``from bnteach.other import _name`` in ``module``, for bnteach
    modules ``other`` (package-private modules such as ``_validation`` are modules whose
    names are meant for the package; their own ``_names`` are still private)."""
    tree = ast.parse(_path(module).read_text(encoding="utf-8"))
    aliases = {}                                   # local name -> bnteach module
    uses = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bnteach"):
            base = node.module[len("bnteach."):] if node.module != "bnteach" else ""
            for alias in node.names:
                target = f"{base}.{alias.name}" if base else alias.name
                if _resolve(target) == target:     # a module: remember its local name
                    aliases[alias.asname or alias.name] = target
                elif alias.name.startswith("_") and not alias.name.startswith("__"):
                    uses.add(f"{base}.{alias.name}")
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases and node.attr.startswith("_")
                and not node.attr.startswith("__")):
            uses.add(f"{aliases[node.value.id]}.{node.attr}")
    return uses


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_modules_use_only_public_names_of_each_other(module):
    assert not _private_uses(module), f"{module} uses private names {sorted(_private_uses(module))}"


def test_every_module_is_in_the_layering():
    assert _module_names() == set(ALLOWED), (
        f"add to ALLOWED: {sorted(_module_names() - set(ALLOWED))}; "
        f"remove: {sorted(set(ALLOWED) - _module_names())}")


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_every_module_imports_only_down_the_layering(module):
    deps = _dependencies(module)
    assert deps <= ALLOWED[module], f"{module} imports {sorted(deps - ALLOWED[module])}"


def test_no_import_cycles_but_the_known_ones():
    graph = {m: _dependencies(m) for m in _module_names()}
    assert _cycles(graph) == KNOWN_CYCLES


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {frozenset("abc")}
    assert _cycles({"a": {"b"}, "b": set()}) == set()


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


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_no_module_imports_the_repository_tools(module):
    """One direction only: tools/build_site.py imports bnteach.cli, never the reverse."""
    _, external = _imports(_path(module))
    assert not external & REPOSITORY_ONLY, (
        f"{module} imports {sorted(external & REPOSITORY_ONLY)}, which the installed package "
        f"does not have (the repository's tools/ is never shipped)")


def test_importing_the_compute_layer_loads_no_plotting_or_widgets():
    code = ("import sys, bnteach, bnteach.layers, bnteach.simulate, bnteach.meanfield, "
            "bnteach.metrics, bnteach.geometry, bnteach.clusters, bnteach.theory, "
            "bnteach.lyapunov, bnteach.tree, bnteach.branching, bnteach.exercises, "
            "bnteach.backprop, bnteach.training, bnteach.datasets; "
            f"print(sorted(set({sorted(FORBIDDEN_TOP_LEVEL)!r}) & set(sys.modules)))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
    env.pop("MPLBACKEND", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO, env=env, timeout=120)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("module", sorted(COMPUTE))
def test_compute_module_imports_numpy_only(module):
    _, external = _imports(_path(module))
    third_party = external - set(sys.stdlib_module_names)
    assert third_party <= {"numpy"}, f"{module} imports {sorted(third_party)}"


def test_package_init_reexports_the_compute_layer_only():
    internal, external = _imports(PACKAGE / "__init__.py")
    assert {"layers", "meanfield", "metrics", "simulate", "theory"} <= internal
    assert internal <= COMPUTE | {"exercises"}, f"__init__ imports {sorted(internal - COMPUTE)}"
    assert external - set(sys.stdlib_module_names) <= {"numpy"}


@pytest.mark.parametrize("module", sorted(COMPUTE))
def test_no_compute_module_names_plotting_or_widgets(module):
    internal, external = _imports(_path(module))
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
