"""Command line: copy the course into a learner's workspace.

``bnteach copy-lessons DEST`` (also ``python -m bnteach copy-lessons DEST``)
copies the lesson notebooks and their hidden solutions into ``DEST`` with
:func:`bnteach.workspace.copy_lessons`: it never overwrites a file that already
exists there, and lists what it skipped. ``--reset LESSON`` first moves the
learner's copy of one lesson to a timestamped backup beside it, then copies a
fresh one. The names of :mod:`bnteach.workspace` are re-exported here.

The static HTML site of the course is built by a repository tool,
``python tools/build_site.py DEST``, which uses :func:`copy_lessons`; this
module imports nothing from the repository's ``tools/``.

This module uses the standard library only: it must not import matplotlib,
ipywidgets, nbclient or nbconvert.
"""

from __future__ import annotations

import argparse
import sys

from bnteach.workspace import (CopyError, CopyReport, LessonNameError, copy_lessons,
                               lessons_source)

__all__ = ["CopyError", "CopyReport", "LessonNameError", "copy_lessons", "lessons_source", "main"]


def _print_report(report, out):
    for lesson, backup in report.backups:
        print(f"  backed up  {lesson} -> {backup}", file=out)
    for rel in report.copied:
        print(f"  copied     {rel}", file=out)
    for rel in report.skipped:
        print(f"  skipped    {rel}  (already in the workspace: your copy is kept)", file=out)
    print(
        f"{len(report.copied)} copied, {len(report.skipped)} skipped, "
        f"{len(report.backups)} backed up.",
        file=out,
    )
    if report.skipped:
        print(
            f"Existing files are never overwritten. For a fresh copy of a lesson "
            f"(yours is kept as a backup), run: "
            f"bnteach copy-lessons {report.dest} --reset LESSON",
            file=out,
        )


def _version():
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover
        return "unknown"
    try:
        return version("bnteach")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser():
    parser = argparse.ArgumentParser(
        prog="bnteach",
        description="Tools for the bnteach course on batch normalization at initialization.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    copy = sub.add_parser(
        "copy-lessons",
        help="copy the lessons into a workspace, never overwriting your files",
        description=(
            "Copy the course notebooks and their solutions into DEST. Files that "
            "already exist in DEST are never overwritten (they are listed as "
            "skipped), so running this again after a course update only adds "
            "what is new."
        ),
    )
    copy.add_argument("dest", metavar="DEST", help="the workspace directory (created if missing)")
    copy.add_argument(
        "--reset",
        metavar="LESSON",
        action="append",
        default=[],
        help=(
            "move your copy of LESSON (e.g. 01_linear_networks.ipynb) to a "
            "timestamped backup beside it, then copy a fresh one; may be repeated"
        ),
    )
    return parser


def main(argv=None, *, source=None):
    """Run the ``bnteach`` command; return its exit code.

    Parameters
    ----------
    argv : list of str, optional
        The command line without the program name; ``sys.argv[1:]`` by default.
    source : path or Traversable, optional
        Where the lessons are read from (for tests); :func:`lessons_source` by default.

    Returns
    -------
    int
        0 on success (skipped files included), 1 if the lessons or the workspace
        are unusable, 2 for a usage error such as a refused lesson name.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "copy-lessons":
        print(f"Copying the course lessons into {args.dest}")
        try:
            report = copy_lessons(args.dest, source=source, reset=args.reset)
        except LessonNameError as exc:
            print(f"bnteach copy-lessons: error: {exc} Nothing was changed.", file=sys.stderr)
            return 2
        except (CopyError, OSError) as exc:
            print(f"bnteach copy-lessons: error: {exc}", file=sys.stderr)
            return 1
        _print_report(report, sys.stdout)
        return 0
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover
    return 2  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
