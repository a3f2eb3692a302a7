"""Command line: copy the course into a learner's workspace.

``bnteach copy-lessons DEST`` (also ``python -m bnteach copy-lessons DEST``)
copies the lesson notebooks and their hidden solutions into ``DEST`` with
:func:`bnteach.workspace.copy_lessons`, and run again, updates every file there
that the learner has not edited and keeps (and reports) every file they did; it
says in one line what it did (:func:`summary`). ``--reset LESSON`` puts back the
course's version of one lesson, keeping the learner's edited copy as a
timestamped backup beside it. The names of :mod:`bnteach.workspace` are
re-exported here.

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

__all__ = ["CopyError", "CopyReport", "LessonNameError", "copy_lessons", "lessons_source", "main",
           "summary"]


def _names(paths, *, limit=None):
    """`` (a, b)``, or nothing when there are more than ``limit`` names."""
    return f" ({', '.join(paths)})" if limit is None or len(paths) <= limit else ""


def summary(report):
    """What :func:`copy_lessons` did, in one line.

    For example ``workspace: 2 files updated (01_linear_networks.ipynb,
    solutions/01_ex1.py), 1 kept because you edited it (02_recentering.ipynb;
    --reset it to get the new version), 14 unchanged``. Files kept as the
    learner's are always named; copied, updated and edited ones when they are
    three or fewer.

    Parameters
    ----------
    report : CopyReport
        What :func:`copy_lessons` returned.

    Returns
    -------
    str
        One line, without a newline, starting with the workspace's name.
    """
    backups = dict(report.backups)
    resets = [f"{name}, yours saved as {backups[name]}" if name in backups
              else f"{name}, not edited so no backup" for name in report.reset]

    def kept(names, why_one, why_many, version):
        one = len(names) == 1
        return (f"kept because {why_one if one else why_many} ({', '.join(names)}; "
                f"--reset {'it' if one else 'them'} to get {version})")

    parts = [
        (report.copied, "copied" + _names(report.copied, limit=3)),
        (report.updated, "updated" + _names(report.updated, limit=3)),
        (report.reset, f"reset ({'; '.join(resets)})"),
        (report.kept, kept(report.kept, "you edited it", "you edited them", "the new version")),
        (report.differ, kept(report.differ, "it differs from the course's version",
                             "they differ from the course's version", "the course's version")),
        (report.edited, "edited by you" + _names(report.edited, limit=3)),
        (report.unchanged, "unchanged"),
        (report.retired, "no longer in the course, left alone" + _names(report.retired)),
        (report.refused, "not written because the folder leads outside the workspace"
         + _names(report.refused)),
    ]
    said = [f"{len(names)} {text}" for names, text in parts if names]
    if said:  # "1 file copied", "17 files unchanged": the noun once, on the first count
        count, _, rest = said[0].partition(" ")
        said[0] = f"{count} {'file' if count == '1' else 'files'} {rest}"
    return f"{report.dest}: " + (", ".join(said) or "no files")


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
        help="copy the lessons into a workspace, or update it, keeping the files you edited",
        description=(
            "Copy the course notebooks and their solutions into DEST. Run again after "
            "a course update, it updates every file you have not edited since it was "
            "copied, adds new ones, and keeps every file you edited, naming those the "
            "course has changed since: --reset gets the course's version. It records what it "
            "copied in DEST/.bnteach-workspace.json and says in one line what it did."
        ),
    )
    copy.add_argument("dest", metavar="DEST", help="the workspace directory (created if missing)")
    copy.add_argument(
        "--reset",
        metavar="LESSON",
        action="append",
        default=[],
        help=(
            "put back the course's version of LESSON (e.g. 01_linear_networks.ipynb); "
            "if you edited it, your copy is first moved to a timestamped backup beside "
            "it. May be repeated"
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
        0 on success (kept files included), 1 if the lessons or the workspace
        are unusable, 2 for a usage error such as a refused lesson name.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "copy-lessons":
        try:
            report = copy_lessons(args.dest, source=source, reset=args.reset)
        except LessonNameError as exc:
            print(f"bnteach copy-lessons: error: {exc} Nothing was changed.", file=sys.stderr)
            return 2
        except (CopyError, OSError) as exc:
            print(f"bnteach copy-lessons: error: {exc}", file=sys.stderr)
            return 1
        print(summary(report))
        return 0
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover
    return 2  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
