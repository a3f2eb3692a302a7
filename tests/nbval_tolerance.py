"""Compare the numbers in nbval's checked outputs as numbers, within a tolerance.

nbval compares a checked cell's stored output with the new one as text. A seeded
result printed to three decimals can then fail on another machine for its last
digit alone: another CPU makes OpenBLAS pick other kernels, which round
differently, and a value near a rounding boundary (0.2965) prints as 0.296 on
one machine and 0.297 on the next. This plugin keeps nbval's comparison and
loosens it only where numbers differ:

* the text around the numbers must match exactly (a changed word, a missing or
  an extra line fails); only the padding next to a number may change width;
* a number printed with a decimal point may differ from the stored one by two
  units in its last printed digit (0.296 against 0.297 or 0.298 passes;
  against 0.299 it fails); ``-0.000`` equals ``0.000``;
* a number printed without a decimal point (a count, an index, a layer, a
  threshold such as ``1e-12``) must be equal;
* a cell may state a wider tolerance with one comment line, which then applies
  to every number in its output, integers included::

      # NBVAL_TOLERANCE rel=0.02
      # NBVAL_TOLERANCE abs=1e-3
      # NBVAL_TOLERANCE rel=0.02 abs=1e-3

  A number then passes if it is within ``max(rel * |stored|, abs)`` of the
  stored one (or within the default for its printed digits, if that is wider);
* ``nan`` equals ``nan``, ``inf`` equals ``inf`` of the same sign, and nothing else.

Values at rounding level (``2.2e-16``) are no claim that any tolerance can
hold: print the threshold they pass instead (``below 1e-12``).

Loaded from the test configuration (``-p nbval_tolerance`` in ``pyproject.toml``,
with ``tests`` on the path). The comparison itself is a pure function,
:func:`compare_texts`, tested in ``tests/test_nbval_tolerance.py``; the hook
replaces nbval's ``IPyNbCell.compare_outputs`` with a wrapper that defers to
nbval and, where nbval finds a difference, compares again with tolerance.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# --- the cell's tolerance comment ------------------------------------------------------

MARKER = "NBVAL_TOLERANCE"
_MARKER_LINE = re.compile(r"^\s*#\s*NBVAL_TOLERANCE\b(?P<rest>.*)$")
SYNTAX = "# NBVAL_TOLERANCE rel=<number> abs=<number> (either or both, e.g. rel=0.02)"


@dataclass(frozen=True)
class Tolerance:
    """A cell's stated tolerance; ``None`` for a bound the cell does not set."""

    rel: Decimal | None = None
    abs: Decimal | None = None

    @property
    def stated(self):
        return self.rel is not None or self.abs is not None

    def describe(self):
        parts = [f"{k}={v}" for k, v in (("rel", self.rel), ("abs", self.abs)) if v is not None]
        return " ".join(parts)


DEFAULT = Tolerance()


def parse_tolerance(source):
    """The tolerance a cell's source states, or :data:`DEFAULT` if it states none.

    Raises ``ValueError`` naming the line and the pinned syntax for a malformed
    comment, an unknown key, a negative or non-numeric value, or two comments.
    """
    found = None
    for line in source.splitlines():
        match = _MARKER_LINE.match(line)
        if not match:
            continue
        if found is not None:
            raise ValueError(f"{MARKER} appears twice in this cell; state one line: {SYNTAX}")
        values = {}
        for item in match.group("rest").split():
            key, sep, value = item.partition("=")
            if not sep or key not in ("rel", "abs"):
                raise ValueError(f"cannot read {item!r} in {line.strip()!r}; write {SYNTAX}")
            if key in values:
                raise ValueError(f"{key} is given twice in {line.strip()!r}; write {SYNTAX}")
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite() or number < 0:
                raise ValueError(f"{key}={value} in {line.strip()!r} is not a number >= 0; "
                                 f"write {SYNTAX}")
            values[key] = number
        if not values:
            raise ValueError(f"{line.strip()!r} states no tolerance; write {SYNTAX}")
        found = Tolerance(**values)
    return DEFAULT if found is None else found


# --- numbers in text -------------------------------------------------------------------

# A number starts after a character that cannot continue a word or a number (so
# "x2", "v3.11.2"'s ".2" and "2412.02843"-style identifiers stay as they are, the
# whole identifier being one number); an ASCII sign belongs to it.
_NUMBER = re.compile(
    r"(?<![\w.])(?P<num>[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"
    r"|[-+]?(?:inf|nan)(?![A-Za-z_]))",
    re.IGNORECASE,
)


def split_numbers(line):
    """Split one line into its texts and numbers: ``texts`` has one more item."""
    texts, numbers, start = [], [], 0
    for match in _NUMBER.finditer(line):
        texts.append(line[start:match.start()])
        numbers.append(match.group())
        start = match.end()
    texts.append(line[start:])
    return texts, numbers


def _last_digit_unit(token):
    """One unit in the last printed digit of a number printed with a decimal point."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return Decimal(1).scaleb(int(exponent or 0) - decimals)


def _value(token):
    low = token.lower().lstrip("+")
    if low.lstrip("-") in ("inf", "nan"):
        return Decimal(low)
    return Decimal(token)


def numbers_agree(stored, new, tolerance=DEFAULT):
    """Whether two printed numbers agree; returns ``(ok, why)`` with a reason when not."""
    a, b = _value(stored), _value(new)
    if a.is_nan() or b.is_nan():
        return (a.is_nan() and b.is_nan()), "nan against a number"
    if a.is_infinite() or b.is_infinite():
        return a == b, "an infinity against another value"
    bounds = []
    printed = [t for t in (stored, new) if "." in t]
    if printed:     # the finer of the two printings (%g drops trailing zeros)
        unit = min(_last_digit_unit(t) for t in printed)
        bounds.append((2 * unit, "2 units in the last printed digit"))
    if tolerance.rel is not None:
        bounds.append((tolerance.rel * abs(a), f"rel={tolerance.rel} of the stored value"))
    if tolerance.abs is not None:
        bounds.append((tolerance.abs, f"abs={tolerance.abs}"))
    difference = abs(a - b)
    if not bounds:
        return difference == 0, "numbers printed without a decimal point must be equal"
    bound, name = max(bounds, key=lambda pair: pair[0])
    return difference <= bound, f"|difference| {difference} > tolerance {bound} ({name})"


@dataclass(frozen=True)
class Mismatch:
    """Where a stored text and a new text disagree, and why."""

    line: int          # 0-based line index
    stored: str        # the stored line ('' past the end)
    new: str           # the new line
    why: str
    span: tuple[int, int] | None = None   # the differing number's columns in ``new``


def _texts_agree(stored_texts, new_texts):
    """Texts between numbers must be equal; padding next to a number may change width."""
    last = len(stored_texts) - 1
    for i, (s, t) in enumerate(zip(stored_texts, new_texts)):
        if i > 0:          # follows a number
            s, t = s.lstrip(" "), t.lstrip(" ")
        if i < last:       # precedes a number
            s, t = s.rstrip(" "), t.rstrip(" ")
        if s != t:
            return False
    return True


def compare_texts(stored, new, tolerance=DEFAULT):
    """The first disagreement between a stored and a new output text, or ``None``."""
    stored_lines, new_lines = stored.split("\n"), new.split("\n")
    if len(stored_lines) != len(new_lines):
        i = next((k for k, (s, t) in enumerate(zip(stored_lines, new_lines)) if s != t),
                 min(len(stored_lines), len(new_lines)))
        return Mismatch(i, stored_lines[i] if i < len(stored_lines) else "",
                        new_lines[i] if i < len(new_lines) else "",
                        f"the stored output has {len(stored_lines)} lines, the new one "
                        f"{len(new_lines)}")
    for i, (s_line, n_line) in enumerate(zip(stored_lines, new_lines)):
        if s_line == n_line:
            continue
        s_texts, s_numbers = split_numbers(s_line)
        n_texts, n_numbers = split_numbers(n_line)
        if len(s_numbers) != len(n_numbers) or not _texts_agree(s_texts, n_texts):
            return Mismatch(i, s_line, n_line, "the text differs (words are compared exactly)")
        spans = [m.span() for m in _NUMBER.finditer(n_line)]
        for k, (a, b) in enumerate(zip(s_numbers, n_numbers)):
            ok, why = numbers_agree(a, b, tolerance)
            if not ok:
                return Mismatch(i, s_line, n_line, f"number {k + 1} of the line: stored {a}, "
                                f"new {b}; {why}", spans[k])
    return None


# --- the pytest hook -------------------------------------------------------------------


def _texts_by_key(item, outputs, skip, transform):
    """nbval's view of a cell's outputs: for each output field, its sanitized values."""
    by_key = defaultdict(list)
    for output in transform(outputs):
        for key, value in output.items():
            if key in skip:
                continue
            fields = value.items() if key == "data" else [(key, value)]
            for field, content in fields:
                if field not in skip:
                    by_key[field].append(item.sanitize(content))
    return by_key


def _report(item, key, mismatch):
    cc = item.colors
    new = mismatch.new
    if mismatch.span:
        a, b = mismatch.span
        new = new[:a] + cc.FAIL + new[a:b] + cc.ENDC + new[b:]
    lines = [cc.OKBLUE + f" mismatch '{key}' (numbers compared within tolerance, text exactly)"
             + cc.ENDC,
             cc.FAIL + "  <<<<<<<<<<<< Reference output from ipynb file, line "
             f"{mismatch.line + 1}:" + cc.ENDC,
             "    " + mismatch.stored,
             cc.FAIL + "  ============ disagrees with newly computed (test) output:" + cc.ENDC,
             "    " + new]
    if mismatch.span:
        a, b = mismatch.span
        lines.append("    " + " " * a + "^" * (b - a))
    lines += [cc.FAIL + "  >>>>>>>>>>>>" + cc.ENDC, "  " + mismatch.why]
    return lines


def install(cell_class, transform):
    """Wrap ``cell_class.compare_outputs`` (nbval's) with the tolerant comparison."""
    original = cell_class.compare_outputs
    if getattr(original, "_nbval_tolerance", False):
        return original

    def compare_outputs(self, test, ref, skip_compare=None):
        try:
            tolerance = parse_tolerance(self.cell.source)
        except ValueError as err:
            self.comparison_traceback = [f"bad {MARKER} comment: {err}"]
            return False
        if original(self, test, ref, skip_compare):
            return True
        skip = skip_compare or self.parent.skip_compare
        stored = _texts_by_key(self, ref, skip, transform)
        new = _texts_by_key(self, test, skip, transform)
        if stored.keys() != new.keys() or any(len(stored[k]) != len(new[k]) for k in stored):
            return False                    # nbval's own report says what is missing
        report = []
        for key in stored:
            for s, t in zip(stored[key], new[key]):
                if s == t:
                    continue
                if not (isinstance(s, str) and isinstance(t, str)):
                    return False            # structured output (JSON): nbval's report
                mismatch = compare_texts(s, t, tolerance)
                if mismatch is not None:
                    report += _report(self, key, mismatch)
        if report:
            self.comparison_traceback = report
            return False
        self.comparison_traceback = []
        return True

    compare_outputs._nbval_tolerance = True
    compare_outputs.__wrapped__ = original
    cell_class.compare_outputs = compare_outputs
    return original


def pytest_configure(config):
    try:
        from nbval import plugin as nbval_plugin
    except ImportError:     # nbval not installed: nothing to extend
        return
    for name in ("IPyNbCell", "transform_streams_for_comparison"):
        if not hasattr(nbval_plugin, name):
            raise RuntimeError(f"nbval_tolerance: this nbval has no {name}; the plugin "
                               "extends nbval 0.11 (tests/nbval_tolerance.py)")
    install(nbval_plugin.IPyNbCell, nbval_plugin.transform_streams_for_comparison)
