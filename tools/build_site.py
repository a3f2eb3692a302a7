"""Build a static HTML site of the course: every lesson executed, figures included.

Usage (from any directory; the path is from the repository root)::

    python tools/build_site.py DEST [--timeout SECONDS]

calls :func:`build_html`. For readers who run nothing, offline: each lesson is
executed once from a fresh kernel and written as ``DEST/<lesson>.html``, with its
figures embedded as images; ``DEST/index.html`` is the course map (each lesson's
title, description and learner time, read from its header, in the order of
``LESSONS`` in ``tools/notebooks.py``), and ``DEST/site.css`` the one stylesheet of
every page. A repository tool (``tools/``), never packaged: it builds the
repository's ``lessons/``.

Decisions, stated in ``INSTRUCTORS.md`` too:

* **Nothing is loaded from the network.** No page has a script: the mathematics is
  converted from TeX to MathML at build time (latex2mathml, a build-only dependency:
  ``pip install -e '.[site]'``), which browsers typeset themselves, and the one
  stylesheet, ``site.css`` (from ``tools/site/``), uses the reader's fonts. The
  launch cells (Colab/Binder badges and the install cell, tagged ``launch``) are left
  out: a reader of the site has nothing to launch.
* **Exercise stubs stay stubs.** The lessons run exactly as a learner receives
  them (copied with :func:`bnteach.cli.copy_lessons`): the stub's function raises
  ``NotImplementedError`` when called, and is shown with its hint. Its check cell
  shows, instead of "pending" and ``False``, a note that the exercise is the
  reader's to write in the notebook. The hidden solution cells (tagged
  ``solution``) and the closing ``exercises.summary()`` are left out, so a
  published site spoils no solution. Errors are allowed only in cells tagged
  ``raises-exception`` (nbclient, like nbval and JupyterLab's Run All, goes on
  after them); an error in any other cell fails the build.
* **Widgets become static.** An explorer is replaced by the figure and text
  it showed on its first view (nbclient records them in the widget state), a
  list of its controls' starting values, and a note to run the notebook to
  move them. The site loads no widget JavaScript.
* **For reading.** No In/Out prompts, no nbval markers in the code, printed text in
  one block per cell, and each figure's alt text is its caption (or the explorer's
  one-line summary).
* **Same interpreter.** The kernel is the Python running the build (like
  nbval's ``--nbval-current-env``), so the lessons run against the ``bnteach``
  installed in that environment (the checkout itself after ``pip install -e .``),
  never against whatever a ``python3`` kernelspec points to.

Needs nbclient, nbconvert and ipykernel (JupyterLab installs them) and latex2mathml;
they are imported only when a build starts. Imports go one way: this tool uses
:func:`bnteach.cli.copy_lessons`, and nothing in ``bnteach`` imports it.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):   # run as a script: the checkout's bnteach and tools come first
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bnteach import cli  # noqa: E402  (copy_lessons: the lessons exactly as a learner gets them)
from tools import site_pages, site_render  # noqa: E402  (the pages a reader sees; the math)
from tools.site_pages import lesson_header, notebook_title, prepare_for_site  # noqa: E402,F401
from tools.site_render import tex_to_mathml  # noqa: E402,F401

__all__ = ["BuildError", "build_html", "notebook_title", "lesson_header", "prepare_for_site",
           "tex_to_mathml", "main"]

ROOT = Path(__file__).resolve().parents[1]
LESSONS_DIR = ROOT / "lessons"
PROG = "python tools/build_site.py"

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
STATIC_NOTE = ("Interactive explorer, shown here as a static snapshot of its first view. "
               "Run this lesson (on Binder, on Colab or on your computer) to move its controls.")

class BuildError(RuntimeError):
    """The site could not be built: a dependency is missing or a lesson failed."""


def _imports():
    try:
        import nbformat
        from ipykernel import kernelspec as ipykernel_spec
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import KernelManager
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        from nbconvert import HTMLExporter
        import latex2mathml.converter  # noqa: F401  (the math, typeset at build time)
    except ImportError as exc:
        raise BuildError(
            f"{PROG} needs nbclient, nbconvert, ipykernel and latex2mathml ({exc.name} is "
            f"missing). Install them with: pip install -e '.[site]' in the repository "
            f"(or: pip install nbclient nbconvert ipykernel latex2mathml)."
        ) from exc
    return (nbformat, ipykernel_spec, KernelSpecManager, KernelManager, NotebookClient,
            CellExecutionError, HTMLExporter)


# -- widgets -> static outputs ------------------------------------------------------------

def _model_refs(value):
    """Model ids referenced (``IPY_MODEL_<id>``) anywhere inside a widget state value."""
    if isinstance(value, str):
        return [value[len("IPY_MODEL_"):]] if value.startswith("IPY_MODEL_") else []
    if isinstance(value, list):
        return [ref for item in value for ref in _model_refs(item)]
    if isinstance(value, dict):
        return [ref for item in value.values() for ref in _model_refs(item)]
    return []


def _descendants(state: dict, model_id: str) -> list[dict]:
    """The model and every model below it, depth first, each once."""
    seen, order, stack = set(), [], [model_id]
    while stack:
        mid = stack.pop()
        if mid in seen or mid not in state:
            continue
        seen.add(mid)
        model = state[mid]
        order.append(model)
        stack.extend(reversed(_model_refs(model.get("state", {}))))
    return order


def _control_text(model: dict) -> str | None:
    """``"description = value"`` for a control with a description, else None."""
    st = model.get("state", {})
    label = st.get("description")
    if not label or model.get("model_name") in ("ButtonModel", "LabelModel", "HTMLModel"):
        return None
    if "_options_labels" in st and st.get("index") is not None:
        value = st["_options_labels"][st["index"]]
    elif "value" in st:
        value = st["value"]
    else:
        return None
    return f"{label}: {value}"


def _static_outputs(view_output: dict, state: dict) -> list[dict]:
    """What replaces one widget view: its Output widgets' outputs, its controls, a note."""
    model_id = view_output["data"][WIDGET_VIEW]["model_id"]
    models = _descendants(state, model_id)
    outputs = [out for m in models if m.get("model_name") == "OutputModel"
               for out in m.get("state", {}).get("outputs", [])]
    controls = [text for text in map(_control_text, models) if text]
    note = STATIC_NOTE
    if controls:
        note += " Its controls start at: " + "; ".join(controls) + "."
    markdown = f"*{html.escape(note, quote=False)}*"
    return [dict(out) for out in outputs] + [{
        "output_type": "display_data", "metadata": {},
        "data": {"text/markdown": markdown, "text/plain": note},
    }]


def make_widgets_static(nb) -> int:
    """Replace every widget view in ``nb`` by static outputs; drop the widget state.

    Returns the number of widget views replaced.
    """
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    replaced = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        new = []
        for out in cell.get("outputs", []):
            if WIDGET_VIEW in out.get("data", {}):
                new.extend(_static_outputs(out, state))
                replaced += 1
            else:
                new.append(out)
        cell["outputs"] = new
    nb.get("metadata", {}).pop("widgets", None)
    return replaced


# -- the build ------------------------------------------------------------------------------

def build_html(dest, *, source=None, timeout: int = 300, log=None) -> list[Path]:
    """Execute every lesson and write a static HTML site into ``dest``.

    Parameters
    ----------
    dest : str or Path
        Output directory (created); ``index.html`` and ``<lesson>.html`` in it
        are overwritten.
    source : Traversable or Path, optional
        Where the lessons are; defaults to the repository's ``lessons/`` (what
        the package ships for ``bnteach copy-lessons``). Notebooks whose names
        start with ``_`` (the template) are left out.
    timeout : int
        Seconds allowed for one cell.
    log : callable, optional
        Called with one line of progress per lesson.

    Returns
    -------
    list of Path
        The pages written, ``index.html`` first.

    Raises
    ------
    BuildError
        nbclient, nbconvert or ipykernel is missing, or a cell not tagged
        ``raises-exception`` failed.
    """
    source = LESSONS_DIR if source is None else source
    (nbformat, ipykernel_spec, KernelSpecManager, KernelManager, NotebookClient,
     CellExecutionError, HTMLExporter) = _imports()

    class ThisPython(KernelSpecManager):
        """Every kernel name resolves to the interpreter running the build."""

        def get_kernel_spec(self, kernel_name):
            return self.kernel_spec_class(resource_dir=ipykernel_spec.RESOURCES,
                                          **ipykernel_spec.get_kernel_dict())

    log = log or (lambda line: None)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # inline figures
    exporter = site_render.site_exporter(HTMLExporter)
    with tempfile.TemporaryDirectory(prefix="bnteach-html-") as work:
        cli.copy_lessons(work, source=source)
        paths = site_pages.course_order([p for p in Path(work).glob("*.ipynb") if not p.name.startswith("_")])
        if not paths:
            raise BuildError(f"no lessons to build in {source}.")
        names = {p.stem for p in paths}
        cards = []
        for path in paths:
            nb = nbformat.read(str(path), as_version=4)
            km = KernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())
            client = NotebookClient(nb, km=km, timeout=timeout,
                                    resources={"metadata": {"path": work}})
            try:
                client.execute(env=env)
            except CellExecutionError as exc:
                raise BuildError(f"{path.name}: a cell failed (only cells tagged "
                                 f"raises-exception may raise):\n{exc}") from None
            views = make_widgets_static(nb)
            cards.append(_write_page(nb, path.stem, dest, exporter, names))
            log(f"  built      {path.stem}.html  ({views} explorer(s) made static)")
    css = (site_render.SITE_FILES / "site.css").read_text(encoding="utf-8")
    (dest / "site.css").write_text(css, encoding="utf-8")
    try:
        index = site_pages.index_page(cards, exporter.markdown, names)
    except site_render.TeXError as exc:
        raise BuildError(f"a lesson's header: {exc}") from None
    (dest / "index.html").write_text(index, encoding="utf-8")
    return [dest / "index.html"] + [dest / f"{card['stem']}.html" for card in cards]


def _write_page(nb, stem: str, dest: Path, exporter, names: set[str]) -> dict:
    """Write ``dest/<stem>.html`` from an executed lesson; return its course-map card."""
    site_pages.prepare_for_site(nb)
    header = site_pages.lesson_header(nb, stem)
    nb.metadata["title"] = header["title"]
    try:
        body, _ = exporter.from_notebook_node(nb, resources={
            "metadata": {"name": stem}, "site_name": site_pages.SITE_NAME,
            "site_note": site_pages.SITE_NOTE, "site_footer": site_pages.SITE_FOOTER})
    except site_render.TeXError as exc:
        raise BuildError(f"{stem}.ipynb: {exc}") from None
    (dest / f"{stem}.html").write_text(site_pages.link_pages(body, names), encoding="utf-8")
    return {"stem": stem, "header": header}


# -- the command line -------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Execute every lesson from a fresh kernel (the Python running this command) "
            "and write DEST/index.html (the course map), one HTML page per lesson, figures "
            "embedded, and DEST/site.css, for readers who run nothing: the pages load "
            "nothing from the network (math as MathML, no scripts). Exercise stubs stay "
            "stubs, explorers become static snapshots. Needs nbclient, nbconvert, "
            "ipykernel and latex2mathml: pip install -e '.[site]'."
        ),
    )
    parser.add_argument("dest", metavar="DEST", help="output directory (created; pages overwritten)")
    parser.add_argument("--timeout", type=int, default=300, metavar="SECONDS",
                        help="time allowed for one cell (default: %(default)s)")
    return parser


def main(argv=None, *, source=None) -> int:
    """Run the site builder; return its exit code.

    0 on success, 1 if a lesson failed, a dependency is missing or the lessons
    or DEST are unusable, 2 for a usage error. ``source`` overrides where the
    lessons are read from (for tests).
    """
    args = build_parser().parse_args(argv)
    print(f"Building the course as static HTML in {args.dest}")
    try:
        pages = build_html(args.dest, source=source, timeout=args.timeout, log=print)
    except (BuildError, cli.CopyError, OSError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(pages) - 1} lessons built; open {pages[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
