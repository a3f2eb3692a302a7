"""The numeric-tolerance extension of nbval (tests/nbval_tolerance.py).

Pure comparisons first (what passes, what fails, and the report), then the plugin
end to end: pytest runs a small notebook whose stored outputs were edited, once
within tolerance and once beyond it, and the report names the differing number.
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest
from nbval_tolerance import (DEFAULT, Tolerance, compare_texts, numbers_agree,
                             parse_tolerance, split_numbers)

ROOT = Path(__file__).resolve().parents[1]
LINE = "largest cosine difference from the wide limit at layer 30: {}"


# --- what passes ------------------------------------------------------------------------

@pytest.mark.parametrize("stored, new", [
    ("0.296", "0.297"),          # the last digit, as on another CPU
    ("0.296", "0.298"),          # two units
    ("0.296", "0.294"),
    ("-0.000", "0.000"),         # a sign on zero is no difference
    ("0.000", "-0.000"),
    ("-0", "0"),
    ("1.23e-05", "1.25e-05"),    # two units of the mantissa's last digit
    ("1", "1.01"),               # %g drops trailing zeros: the finer printing counts
    ("nan", "nan"),
    ("NaN", "nan"),
    ("inf", "inf"),
    ("-inf", "-inf"),
    ("16", "16"),
])
def test_numbers_within_the_default_tolerance_agree(stored, new):
    assert numbers_agree(stored, new)[0], (stored, new)


def test_a_last_digit_change_passes_in_a_line_of_text():
    assert compare_texts(LINE.format("0.296"), LINE.format("0.297")) is None


def test_padding_next_to_a_number_may_change_width():
    assert compare_texts("gap  9.999 at n = 4", "gap 10.001 at n = 4") is None


def test_several_lines_and_numbers_compare_one_by_one():
    stored = "n = 4: 0.170 (1.00)\nn = 8: 0.250 (1.28)\n"
    new = "n = 4: 0.171 (1.00)\nn = 8: 0.249 (1.29)\n"
    assert compare_texts(stored, new) is None


# --- what fails -------------------------------------------------------------------------

@pytest.mark.parametrize("stored, new", [
    ("0.296", "0.299"),          # three units
    ("0.296", "0.311"),          # a 5% change
    ("0.500", "-0.500"),         # a sign change
    ("16", "15"),                # a count compares exactly
    ("30", "31"),                # so does a layer
    ("1e-12", "1e-11"),          # and a threshold printed without a decimal point
    ("nan", "0.000"),
    ("0.000", "nan"),
    ("inf", "-inf"),
    ("inf", "1e308"),
])
def test_numbers_beyond_the_default_tolerance_disagree(stored, new):
    ok, why = numbers_agree(stored, new)
    assert not ok and why, (stored, new)


def test_a_five_percent_change_fails_and_names_the_number():
    mismatch = compare_texts(LINE.format("0.296"), LINE.format("0.311"))
    assert mismatch is not None and mismatch.line == 0
    assert "stored 0.296, new 0.311" in mismatch.why
    assert "tolerance 0.002" in mismatch.why
    a, b = mismatch.span
    assert LINE.format("0.311")[a:b] == "0.311"


def test_a_changed_word_fails_even_with_equal_numbers():
    mismatch = compare_texts("most neurons fire on 1 or 15 samples: 0.475",
                             "half the neurons fire on 1 or 15 samples: 0.475")
    assert mismatch is not None and "text differs" in mismatch.why


def test_a_changed_word_fails_when_the_numbers_move_too():
    assert compare_texts("mean cos 0.296", "mean sin 0.297") is not None


def test_a_missing_or_an_extra_line_fails():
    stored = "a: 0.1\nb: 0.2\n"
    assert "3 lines, the new one 2" in compare_texts(stored, "a: 0.1\n").why
    assert "3 lines, the new one 4" in compare_texts(stored, stored + "c: 0.3\n").why


def test_an_extra_number_fails():
    assert compare_texts("ratio 2.9", "ratio 2.9 2.9") is not None


def test_a_sign_change_fails_in_a_line_of_text():
    assert compare_texts("outlier cos 0.500", "outlier cos -0.500") is not None


# --- a cell's own tolerance -------------------------------------------------------------

def test_the_pinned_syntax_parses():
    assert parse_tolerance("x = 1\nprint(x)") is DEFAULT
    assert parse_tolerance("# NBVAL_CHECK_OUTPUT\n# NBVAL_TOLERANCE rel=0.02\n") == \
        Tolerance(rel=Decimal("0.02"))
    assert parse_tolerance("#NBVAL_TOLERANCE abs=1e-3") == Tolerance(abs=Decimal("1e-3"))
    assert parse_tolerance("  # NBVAL_TOLERANCE rel=0.02 abs=1e-3") == \
        Tolerance(rel=Decimal("0.02"), abs=Decimal("1e-3"))


@pytest.mark.parametrize("source, message", [
    ("# NBVAL_TOLERANCE", "states no tolerance"),
    ("# NBVAL_TOLERANCE rel=", "is not a number >= 0"),
    ("# NBVAL_TOLERANCE rel=two", "is not a number >= 0"),
    ("# NBVAL_TOLERANCE rel=-0.1", "is not a number >= 0"),
    ("# NBVAL_TOLERANCE rel=nan", "is not a number >= 0"),
    ("# NBVAL_TOLERANCE relative=0.1", "cannot read 'relative=0.1'"),
    ("# NBVAL_TOLERANCE rel 0.1", "cannot read 'rel'"),
    ("# NBVAL_TOLERANCE rel=0.1 rel=0.2", "rel is given twice"),
    ("# NBVAL_TOLERANCE rel=0.1\n# NBVAL_TOLERANCE abs=1", "appears twice"),
])
def test_a_malformed_tolerance_comment_is_refused_with_the_syntax(source, message):
    with pytest.raises(ValueError, match=message) as err:
        parse_tolerance(source)
    assert "# NBVAL_TOLERANCE rel=<number> abs=<number>" in str(err.value)


def test_a_relative_tolerance_widens_decimals_and_integers():
    tol = parse_tolerance("# NBVAL_TOLERANCE rel=0.02")
    assert numbers_agree("0.296", "0.301", tol)[0]          # 1.7%
    assert not numbers_agree("0.296", "0.311", tol)[0]      # 5%
    assert numbers_agree("150", "153", tol)[0]              # an integer, 2%
    assert not numbers_agree("150", "154", tol)[0]


def test_an_absolute_tolerance_and_the_wider_of_the_bounds():
    tol = parse_tolerance("# NBVAL_TOLERANCE rel=0.01 abs=1e-3")
    assert numbers_agree("0.010", "0.011", tol)[0]          # abs wins near zero
    assert numbers_agree("10.00", "10.10", tol)[0]          # rel wins for large values
    assert not numbers_agree("10.00", "10.11", tol)[0]
    assert numbers_agree("0.1234", "0.1244", tol)[0]


def test_a_tolerance_never_lets_a_word_change():
    tol = Tolerance(rel=Decimal("1"))
    assert compare_texts("most: 0.5", "half: 0.5", tol) is not None


# --- splitting numbers from text --------------------------------------------------------

def test_numbers_are_found_where_a_reader_sees_them():
    texts, numbers = split_numbers("n = 16, cos -0.296 (x2, v3.11) below 1e-12; nan and inf")
    assert numbers == ["16", "-0.296", "1e-12", "nan", "inf"]
    assert "(x2, v3.11)" in "".join(texts)      # glued to a letter: part of a word


def test_words_that_contain_inf_or_nan_are_text():
    assert split_numbers("information, infinite, nanometre")[1] == []


def test_a_minus_between_words_and_numbers_is_text():
    assert split_numbers("n-1 = 15")[1] == ["1", "15"]


# --- the plugin in pytest ---------------------------------------------------------------

def _notebook(path, source, stored_text):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source)
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored_text)]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def _pytest(where, *args):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "nbval_tolerance",
         "--nbval-lax", "--nbval-current-env", "--color=no", *args],
        cwd=where, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT / "tests")})


@pytest.fixture
def scratch(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")      # not the repository's settings
    return tmp_path


def test_the_plugin_passes_a_last_digit_and_fails_a_five_percent_change(scratch):
    source = "# NBVAL_CHECK_OUTPUT\nprint(f'mean cos: {0.2965 + 0.0006:.3f}, layer 30')"
    _notebook(scratch / "last_digit.ipynb", source, "mean cos: 0.296, layer 30\n")
    _notebook(scratch / "five_percent.ipynb", source, "mean cos: 0.282, layer 30\n")
    _notebook(scratch / "word.ipynb", source, "mean sin: 0.297, layer 30\n")
    out = _pytest(scratch, "last_digit.ipynb")
    assert out.returncode == 0, out.stdout
    out = _pytest(scratch, "five_percent.ipynb")
    assert out.returncode == 1
    assert "stored 0.282, new 0.297" in out.stdout
    assert "mean cos: 0.297, layer 30\n" in out.stdout
    assert "           ^^^^^" in out.stdout                     # the number, marked
    out = _pytest(scratch, "word.ipynb")
    assert out.returncode == 1 and "the text differs" in out.stdout


def test_the_plugin_reads_a_cells_tolerance_and_refuses_a_bad_one(scratch):
    source = ("# NBVAL_CHECK_OUTPUT\n# NBVAL_TOLERANCE rel=0.1\n"
              "print(f'norm ratio {14.6:.1f} after 50 layers')")
    _notebook(scratch / "wide.ipynb", source, "norm ratio 15.2 after 50 layers\n")
    _notebook(scratch / "bad.ipynb", source.replace("rel=0.1", "rel=ten"),
              "norm ratio 14.6 after 50 layers\n")
    assert _pytest(scratch, "wide.ipynb").returncode == 0
    out = _pytest(scratch, "bad.ipynb")
    assert out.returncode == 1 and "bad NBVAL_TOLERANCE comment" in out.stdout


def test_the_repository_configuration_loads_the_plugin():
    from nbval.plugin import IPyNbCell      # this very session runs the lessons with it
    assert getattr(IPyNbCell.compare_outputs, "_nbval_tolerance", False)
