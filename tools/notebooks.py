"""Keep the lesson notebooks clean, navigable and blessed.

Usage (from any directory; paths below are from the repository root)::

    python tools/notebooks.py clean [NOTEBOOK ...]   # strip outputs except checked cells
    python tools/notebooks.py nav [NOTEBOOK ...]     # rewrite the generated cells
    python tools/notebooks.py bless [NOTEBOOK ...]   # execute, then clean and nav
    python tools/notebooks.py publish                # nav, plus README and CITATION.cff
    python tools/notebooks.py add-exercise NOTEBOOK NAME --after-cell-id ID --title TITLE
                                                     # insert a new exercise's cells

Lessons are built from scratch by builder scripts, so anything every lesson must
carry is *generated* here, never hand-edited into a notebook: each generated
cell has a fixed id and tag and is replaced, not duplicated, on every run.

Conventions (tests/test_notebook_hygiene.py checks them):

* only cells containing ``# NBVAL_CHECK_OUTPUT`` keep outputs and an execution
  count (nbval compares just those, under ``--nbval-lax``); every other code cell
  is saved with no outputs and a null execution count;
* no ``metadata.widgets`` (widget state would go stale), kernelspec ``python3``;
* the first and last cells tagged ``navigation`` link to the previous lesson, the
  index and the next lesson, in the order of :data:`LESSONS` (templates, whose
  names start with ``_``, get none: they are not part of the sequence);
* right after the title, two cells tagged ``launch`` (ids ``launch-badges`` and
  ``launch-install``): the Colab badge (and, in the index, the Binder badge) and
  a guarded cell that installs the package from the repository address only
  where ``bnteach`` is missing. It never touches the network where the course
  is installed (nbval, Binder, a local install). The address comes from
  :mod:`tools.address`, the one place it is set; ``publish`` also rewrites the
  README's Binder badge and ``CITATION.cff`` from it. While the address is the
  placeholder (owner ``OWNER``) there are no launch cells: a badge or an install
  cell pointing at no repository cannot work, so none is shown until ``publish``
  runs with the real address;
* each exercise's solution-request cell (tag ``solution``, after its check
  cell) is generated from its number: one commented-out line
  ``# bn.exercises.show_solution("N.k")``, so Run All never shows or runs a
  solution; a learner removes the ``#`` to see it (:func:`request_code`).

With no NOTEBOOK arguments, the tools act on every notebook in ``lessons/``.
A repository tool (``tools/``), never packaged: it finds the repository from its own
location, so it works from any current directory.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

if __package__ in (None, ""):   # run as a script: make the repository's `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools import address  # noqa: E402

CHECK = "NBVAL_CHECK_OUTPUT"
NAV_TAG = "navigation"
LAUNCH_TAG = "launch"
LAUNCH_IDS = ("launch-badges", "launch-install")
ROOT = Path(__file__).resolve().parents[1]
LESSONS_DIR = ROOT / "lessons"
README = ROOT / "README.md"
CITATION = ROOT / "CITATION.cff"
README_BEGIN = ("<!-- launch-badges: generated from tools/address.py by "
                "`python tools/notebooks.py publish`; edit that file, not these lines -->")
README_END = "<!-- /launch-badges -->"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"

#: The course in order: (notebook, title).
LESSONS = [
    ("00_index.ipynb", "Course index"),
    ("01_linear_networks.ipynb", "1. Linear networks: collapse, and rescaling"),
    ("02_recentering.ipynb", "2. Adding recentering"),
    ("03_relu.ipynb", "3. Adding ReLU"),
    ("04_clustering.ipynb", "4. One cluster and an orthogonal outlier"),
    ("05_branching_tree.ipynb", "5. The branching tree model"),
    ("06_projects.ipynb", "6. Open questions as projects"),
    ("07_training.ipynb", "7. Training on real data"),
]

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def is_checked(cell) -> bool:
    """A code cell whose outputs nbval compares."""
    return cell["cell_type"] == "code" and CHECK in _source(cell)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def _coalesce_streams(outputs: list) -> list:
    """Join consecutive stream outputs of one name, stored one line per list item.

    How a kernel chunks printed text depends on timing; nbval joins the chunks before
    comparing, so storing them joined makes re-blessing an unchanged lesson a no-op.
    """
    joined: list = []
    for out in outputs:
        if (out.get("output_type") == "stream" and joined
                and joined[-1].get("output_type") == "stream"
                and joined[-1].get("name") == out.get("name")):
            joined[-1]["text"] = _text(joined[-1]["text"]) + _text(out["text"])
        else:
            joined.append(dict(out))
    for out in joined:
        if out.get("output_type") == "stream":
            out["text"] = _text(out["text"]).splitlines(keepends=True)
    return joined


def clean(nb: dict) -> dict:
    """Strip what should not be committed; keep outputs of checked cells only.

    A checked cell's execution count is its position among the code cells, so that
    re-blessing changes no count unless cells were added or removed before it.
    """
    code_cells = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            code_cells += 1
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
        else:
            cell["outputs"] = _coalesce_streams(cell.get("outputs", []))
            if cell.get("execution_count") is not None:
                cell["execution_count"] = code_cells
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


def is_template(name: str) -> bool:
    """Templates (``_template.ipynb``) are run by the tests but are not lessons."""
    return Path(name).name.startswith("_")


def binder_badge(repository=None, release=None) -> str:
    """Markdown of the Binder launch badge (README and course index)."""
    url = address.binder_url(repository, release)
    return f"[![Launch the course on Binder]({BINDER_BADGE})]({url})"


def launch_markdown(name: str, repository=None, release=None) -> str:
    """The badge cell of notebook ``name``: Colab (and Binder in the index)."""
    colab = (f"[![Open this notebook in Colab]({COLAB_BADGE})]"
             f"({address.colab_url(name, repository, release)})")
    badges = f"{binder_badge(repository, release)} {colab}" if name == LESSONS[0][0] else colab
    return (f"{badges}\n\n"
            f"*On Colab, run the next cell first: it installs the course package. "
            f"Anywhere the course is already installed it does nothing.*")


def launch_code(repository=None, release=None) -> str:
    """The guarded install cell: pip runs only where ``bnteach`` cannot be imported."""
    requirement = address.pip_requirement(repository, release)
    return ("# Installs the course package only where it is missing (e.g. on Colab).\n"
            "try:\n"
            "    import bnteach\n"
            "except ImportError:\n"
            f"    %pip install --quiet \"{requirement}\"")


def launch_cells(name: str, repository=None, release=None) -> list[dict]:
    """The two generated launch cells of notebook ``name``, as stored in it.

    None while the address is the placeholder: until ``publish`` sets the real one,
    a badge or install cell could only fail, so the lessons show neither.
    """
    if address.is_placeholder(repository):
        return []
    return [
        {"cell_type": "markdown", "id": LAUNCH_IDS[0], "metadata": {"tags": [LAUNCH_TAG]},
         "source": launch_markdown(name, repository, release)},
        {"cell_type": "code", "execution_count": None, "id": LAUNCH_IDS[1],
         "metadata": {"tags": [LAUNCH_TAG]}, "outputs": [],
         "source": launch_code(repository, release)},
    ]


def _is_title(cell) -> bool:
    return cell["cell_type"] == "markdown" and re.search(r"(?m)^# \S", _source(cell)) is not None


def set_launch(nb: dict, name: str) -> dict:
    """Put the launch cells right after the title cell (replacing any old ones)."""
    cells = [c for c in nb["cells"] if LAUNCH_TAG not in c.get("metadata", {}).get("tags", [])
             and c.get("id") not in LAUNCH_IDS]
    at = next((i + 1 for i, c in enumerate(cells) if _is_title(c)), 0)
    nb["cells"] = cells[:at] + launch_cells(Path(name).name) + cells[at:]
    return nb


SOLUTION_TAG = "solution"
_REQUEST_RE = re.compile(r'show_solution\("(\d+)\.(\d+)"\)|solutions/(\d+)_ex(\d+)\.py')


def request_code(number: str) -> str:
    """The solution-request cell of exercise ``number`` ("4.1"): shown on request, never run."""
    return ('# Stuck? Remove the "#" at the start of the last line and run this cell: it shows\n'
            '# a solution as text. It never runs it; Run All leaves this cell alone.\n'
            f'# bn.exercises.show_solution("{number}")')


def request_number(cell) -> str | None:
    """The exercise number a solution-request (or older ``%load``) cell names, if any."""
    m = _REQUEST_RE.search(_source(cell))
    if m is None:
        return None
    lesson, k = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return f"{int(lesson)}.{int(k)}"


def request_cell(number: str, cell_id: str) -> dict:
    """The solution-request cell of exercise ``number``, as stored in a lesson."""
    return {"cell_type": "code", "execution_count": None, "id": cell_id,
            "metadata": {"tags": [SOLUTION_TAG]}, "outputs": [], "source": request_code(number)}


def set_requests(nb: dict) -> dict:
    """Regenerate every cell tagged ``solution`` from the exercise number it names."""
    for i, cell in enumerate(nb["cells"]):
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            number = request_number(cell)
            if number is None:
                raise ValueError(f"cell {cell.get('id')!r} is tagged {SOLUTION_TAG!r} but names "
                                 f"no exercise (bn.exercises.show_solution(\"N.k\"))")
            nb["cells"][i] = request_cell(number, cell["id"])
    return nb


def generate(nb: dict, name: str, available=None) -> dict:
    """All generated cells of a notebook: launch cells, solution requests, navigation."""
    return set_navigation(set_requests(set_launch(nb, name)), name, available)


def readme_block(repository=None, release=None) -> str:
    """The README lines between (and including) the launch-badge markers."""
    return f"{README_BEGIN}\n{binder_badge(repository, release)}\n{README_END}"


_README_RE = re.compile(re.escape(README_BEGIN) + r"\n.*?" + re.escape(README_END), re.S)
_CITATION_RE = re.compile(r"(?m)^repository-code: .*$")


def publish_readme(text: str) -> str:
    """``text`` (the README) with its launch-badge block regenerated."""
    if len(_README_RE.findall(text)) != 1:
        raise ValueError(f"README.md must hold exactly one block from {README_BEGIN!r} to "
                         f"{README_END!r}; put the markers back where the badge goes.")
    return _README_RE.sub(lambda m: readme_block(), text)


def publish_citation(text: str) -> str:
    """``text`` (CITATION.cff) with its ``repository-code`` line regenerated."""
    if len(_CITATION_RE.findall(text)) != 1:
        raise ValueError("CITATION.cff must hold exactly one 'repository-code:' line.")
    return _CITATION_RE.sub(lambda m: f'repository-code: "{address.REPOSITORY}"', text)


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


COMMANDS_HELP = """commands:
  clean         strip outputs and execution counts except in checked cells
                (# NBVAL_CHECK_OUTPUT), remove widget state
  nav           clean, then rewrite the generated cells (navigation, launch,
                solution requests)
  bless         execute from a fresh kernel, then clean and nav: stores the
                checked outputs nbval compares
  publish       nav on every lesson, and rewrite README's Binder badge and
                CITATION.cff from tools/address.py (takes no notebooks)
  add-exercise  insert a new exercise's cells into a lesson; its own options:
                python tools/notebooks.py add-exercise --help

examples:
  python tools/notebooks.py bless lessons/03_relu.ipynb
  python tools/notebooks.py clean
"""


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["add-exercise"]:
        from tools import add_exercise
        return add_exercise.main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python tools/notebooks.py", description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=COMMANDS_HELP)
    parser.add_argument("command", choices=["clean", "nav", "bless", "publish", "add-exercise"],
                        help="what to do (see the list below)")
    parser.add_argument("notebooks", nargs="*",
                        help="lesson notebooks to act on (default: every notebook in lessons/)")
    args = parser.parse_args(argv)
    if args.command == "publish":
        if args.notebooks:
            parser.error("publish takes no notebooks: it rewrites all of them")
        for path, rewrite in ((README, publish_readme), (CITATION, publish_citation)):
            path.write_text(rewrite(path.read_text(encoding="utf-8")), encoding="utf-8")
            print(f"publish: {path.name}")
    for path in _paths(args.notebooks):
        nb = execute(path) if args.command == "bless" else read(path)
        if args.command != "clean":
            available = {p.name for p in path.parent.glob("*.ipynb")}
            nb = generate(nb, path.name, available)
        write(clean(nb), path)
        print(f"{args.command}: {path.name}")
    if args.command == "publish" and address.is_placeholder():
        print(f"publish: note: the repository address is still the placeholder "
              f"{address.REPOSITORY}; set REPOSITORY and RELEASE in tools/address.py first.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
