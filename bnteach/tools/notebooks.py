"""Keep the lesson notebooks clean, navigable and blessed.

Usage (from the repository root)::

    python -m bnteach.tools.notebooks clean [NOTEBOOK ...]   # strip outputs except checked cells
    python -m bnteach.tools.notebooks nav                     # rewrite the navigation cells
    python -m bnteach.tools.notebooks bless [NOTEBOOK ...]    # execute, then clean

Conventions (tests/test_notebook_hygiene.py checks them):

* only cells containing ``# NBVAL_CHECK_OUTPUT`` keep outputs and an execution
  count (nbval compares just those, under ``--nbval-lax``); every other code cell
  is saved with no outputs and a null execution count;
* no ``metadata.widgets`` (widget state would go stale), kernelspec ``python3``;
* the first and last cells tagged ``navigation`` link to the previous lesson, the
  index and the next lesson, in the order of :data:`LESSONS`.

With no NOTEBOOK arguments, the tools act on every notebook in ``lessons/``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

CHECK = "NBVAL_CHECK_OUTPUT"
NAV_TAG = "navigation"
LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"

#: The course in order: (notebook, title).
LESSONS = [
    ("00_index.ipynb", "Course index"),
    ("01_linear_networks.ipynb", "1. Linear networks: collapse, and rescaling"),
    ("02_recentering.ipynb", "2. Adding recentering"),
    ("03_relu.ipynb", "3. Adding ReLU"),
    ("04_clustering.ipynb", "4. One cluster and an orthogonal outlier"),
    ("05_branching_tree.ipynb", "5. The branching tree model"),
    ("06_projects.ipynb", "6. Open questions as projects"),
]

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def is_checked(cell) -> bool:
    """A code cell whose outputs nbval compares."""
    return cell["cell_type"] == "code" and CHECK in _source(cell)


def clean(nb: dict) -> dict:
    """Strip what should not be committed; keep outputs of checked cells only."""
    for cell in nb["cells"]:
        meta = cell.setdefault("metadata", {})
        for key in ("execution", "collapsed", "scrolled"):
            meta.pop(key, None)
        if cell["cell_type"] != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            continue
        if not is_checked(cell):
            cell["outputs"] = []
            cell["execution_count"] = None
        for out in cell.get("outputs", []):
            out.get("metadata", {}).pop("execution", None)
    nb["metadata"].pop("widgets", None)
    nb["metadata"]["kernelspec"] = dict(KERNELSPEC)
    nb["metadata"]["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return nb


def navigation_markdown(name: str, available=None) -> str:
    """The navigation line for lesson ``name``: previous · index · next.

    ``available`` lists the notebooks that exist (default: all of :data:`LESSONS`);
    lessons not yet written are skipped, so no link is broken.
    """
    names = [n for n, _ in LESSONS if available is None or n in available or n == name]
    titles = dict(LESSONS)
    i = names.index(name)
    parts = []
    if i > 0:
        parts.append(f"← [{titles[names[i - 1]]}]({names[i - 1]})")
    if i > 1:
        parts.append(f"[{titles[names[0]]}]({names[0]})")
    if i + 1 < len(names):
        parts.append(f"[{titles[names[i + 1]]}]({names[i + 1]}) →")
    return " · ".join(parts)


def _nav_cell(text: str, where: str) -> dict:
    return {"cell_type": "markdown", "id": f"navigation-{where}", "metadata": {"tags": [NAV_TAG]},
            "source": text}


def set_navigation(nb: dict, name: str, available=None) -> dict:
    """Put one navigation cell first and one last (replacing any old ones)."""
    if name not in dict(LESSONS):
        return nb
    text = navigation_markdown(name, available)
    cells = [c for c in nb["cells"] if NAV_TAG not in c.get("metadata", {}).get("tags", [])]
    nb["cells"] = [_nav_cell(text, "top")] + cells + [_nav_cell(text, "bottom")]
    return nb


def read(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write(nb: dict, path: Path) -> None:
    text = json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    Path(path).write_text(text, encoding="utf-8")


def execute(path: Path, timeout: int = 120) -> dict:
    """Run a notebook from a fresh kernel in its own directory (needs nbclient)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=timeout,
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    return json.loads(nbformat.writes(nb))


def _paths(args) -> list[Path]:
    return [Path(p) for p in args] if args else sorted(LESSONS_DIR.glob("*.ipynb"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bnteach.tools.notebooks",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["clean", "nav", "bless"])
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args(argv)
    for path in _paths(args.notebooks):
        nb = execute(path) if args.command == "bless" else read(path)
        if args.command in ("nav", "bless"):
            available = {p.name for p in path.parent.glob("*.ipynb")}
            nb = set_navigation(nb, path.name, available)
        write(clean(nb), path)
        print(f"{args.command}: {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
