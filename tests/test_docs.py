"""The package's documentation runs and is complete (style.md habit 4).

* Every example in a docstring (``>>>``) runs as a doctest and prints what it says,
  on the oldest and the newest numpy the package allows (so examples print
  arrays or formatted numbers, never numpy scalar reprs, which changed in numpy 2).
* Every public function and class of the package (each module's ``__all__``)
  has a numpydoc docstring: a summary line, a ``Parameters`` section naming each
  parameter with its type (shapes in the type line for arrays), and a ``Returns``
  (or ``Yields``) section, unless it takes or returns nothing.
* Every module's docstring starts with a line saying what the module is for.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re

import numpy as np
import pytest

import bnteach

MODULES = sorted(m.name for m in pkgutil.walk_packages(bnteach.__path__, "bnteach.")
                 if not m.name.startswith("bnteach._lessons"))
#: Modules whose public functions are documented to the numpydoc standard: all of them.
DOCUMENTED = [m for m in MODULES if m.split(".")[-1] != "__main__"]


def _module(name):
    return importlib.import_module(name)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = _module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    globs = {"np": np, "bn": bnteach, **vars(module)}
    for test in finder.find(module, name, globs=dict(globs)):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"


def test_there_are_examples_to_run():
    finder = doctest.DocTestFinder(exclude_empty=True)
    examples = sum(len(t.examples) for name in MODULES for t in finder.find(_module(name), name))
    assert examples >= 20, f"only {examples} docstring examples in the package"


def _public(name):
    module = _module(name)
    for attr in getattr(module, "__all__", []):
        obj = getattr(module, attr)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == name:
            yield f"{name}.{attr}", obj


PUBLIC = [pair for name in DOCUMENTED for pair in _public(name)]


def _sections(doc):
    """numpydoc section names: a title line underlined by dashes."""
    lines = inspect.cleandoc(doc).splitlines()
    return {lines[i].strip() for i in range(len(lines) - 1)
            if lines[i].strip() and re.fullmatch(r"-{3,}", lines[i + 1].strip())}


def _documented_parameters(doc):
    lines = inspect.cleandoc(doc).splitlines()
    try:
        start = next(i for i, ln in enumerate(lines) if ln.strip() == "Parameters") + 2
    except StopIteration:
        return {}
    params = {}
    for line in lines[start:]:
        if line.strip() and re.fullmatch(r"-{3,}", line.strip()):
            break
        match = re.match(r"^(\*{0,2}\w+(?:, \*{0,2}\w+)*) : (.+)$", line)
        if match and not line.startswith(" "):
            for p in match.group(1).split(", "):
                params[p.lstrip("*")] = match.group(2)
    return params


@pytest.mark.parametrize("qualname, obj", PUBLIC, ids=[q for q, _ in PUBLIC])
def test_public_callables_have_numpydoc(qualname, obj):
    doc = inspect.getdoc(obj)
    assert doc and doc.splitlines()[0].strip(), f"{qualname} has no summary line"
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return
    params = [p for p in signature.parameters.values()
              if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL,
                                                                     p.VAR_KEYWORD)]
    sections = _sections(doc)
    if inspect.isclass(obj) and not params:
        return
    if params:
        documented = _documented_parameters(doc)
        if inspect.isclass(obj) and "Attributes" in sections and not documented:
            return                         # a record documents its fields as attributes
        missing = [p.name for p in params if p.name not in documented]
        assert not missing, f"{qualname}: Parameters section lacks {missing}"
    if inspect.isfunction(target) and not inspect.isclass(obj):
        returns = inspect.signature(obj).return_annotation
        if returns not in (None, "None"):
            assert sections & {"Returns", "Yields"}, f"{qualname}: no Returns section"


@pytest.mark.parametrize("name", MODULES)
def test_every_module_says_what_it_is_for(name):
    doc = _module(name).__doc__
    assert doc and doc.strip().splitlines()[0].rstrip().endswith((".", ":")), (
        f"{name}: the module docstring's first line says what the module is for")
