"""Tests for the checker of Exercise 7.1, ``check_bn_backward`` (lesson 7): it accepts the
reference and differently written correct answers, marks the stub as pending, and rejects
the classic mistakes of a backward pass through batch statistics with their hints; no
mistake escapes as a raw exception (M4)."""

from pathlib import Path

import numpy as np
import pytest

import bnteach as bn
from bnteach import backprop, exercises

SOLUTION = Path(__file__).resolve().parents[1] / "lessons" / "solutions" / "07_ex1.py"


@pytest.fixture(autouse=True)
def _fresh_status():
    exercises.reset_status()
    yield
    exercises.reset_status()


def _solution():
    lines = SOLUTION.read_text(encoding="utf-8").splitlines()
    assert lines[-1] == "bn.exercises.check_bn_backward(bn_backward)"
    namespace = {"np": np, "bn": bn}
    exec(compile("\n".join(lines[:-1]), "solutions/07_ex1.py", "exec"), namespace)
    return namespace["bn_backward"]


def _with_centering_matrix(Z, dY, components=("rc", "rs")):
    """Another correct answer: matrices and a loop over neurons, no keepdims."""
    d, n = Z.shape
    P = np.eye(n) - np.ones((n, n)) / n
    Zc = Z @ P if "rc" in components else Z
    dZ = np.empty_like(Z)
    for i in range(d):
        g = dY[i]
        if "rs" in components:
            r = np.sqrt(Zc[i] @ Zc[i] / n)
            y = Zc[i] / r
            g = (g - y * (g @ y) / n) / r
        dZ[i] = P @ g if "rc" in components else g
    return dZ


def _with_the_jacobian(Z, dY, components=("rc", "rs")):
    """Another correct answer: each row's Jacobian, built explicitly, then transposed."""
    d, n = Z.shape
    P = np.eye(n) - 1.0 / n
    out = np.zeros((d, n))
    for i in range(d):
        J = P if "rc" in components else np.eye(n)          # dZc/dZ
        zc = J @ Z[i]
        if "rs" in components:
            r = np.linalg.norm(zc) / np.sqrt(n)
            J = (np.eye(n) / r - np.outer(zc, zc) / (n * r ** 3)) @ J
        out[i] = J.T @ dY[i]
    return out


CORRECT = {"solution file": _solution(), "package reference": backprop.bn_backward,
           "centering matrix and a loop": _with_centering_matrix,
           "explicit Jacobian": _with_the_jacobian}


@pytest.mark.parametrize("name", CORRECT)
def test_correct_answers_pass(name, capsys):
    assert exercises.check_bn_backward(CORRECT[name]) == True  # noqa: E712 (a Result)
    assert "Exercise 7.1 passed" in capsys.readouterr().out
    assert exercises.status()["bn_backward"] == "passed"


def _stub(Z, dY, components=("rc", "rs")):
    raise NotImplementedError("Exercise 7.1: backpropagate through RC and RS")


def test_the_scaffold_left_as_is_is_pending(capsys):
    # returning dZ with its `...` unfilled: not a mistake yet, the exercise is not done
    assert exercises.check_bn_backward(_scaffold_left_as_is) == False  # noqa: E712
    assert "pending" in capsys.readouterr().out
    assert exercises.status()["bn_backward"] == "pending"


def test_the_stub_is_pending(capsys):
    assert exercises.check_bn_backward(_stub) == False  # noqa: E712 (a Result)
    assert "pending" in capsys.readouterr().out
    assert exercises.status()["bn_backward"] == "pending"


def _scaffold_left_as_is(Z, dY, components=("rc", "rs")):
    """The lesson's scaffold with its raise replaced by `return dZ`, the `...` not filled in."""
    Zc = Z - Z.mean(axis=1, keepdims=True) if "rc" in components else Z
    dZc = dY
    if "rs" in components:
        r = np.sqrt(np.mean(Zc ** 2, axis=1, keepdims=True))
        Y = Zc / r                                                       # noqa: F841
        dZc = ...
    dZ = dZc
    if "rc" in components:
        dZ = ...
    return dZ


def _m(A, axis=1):
    return A.mean(axis=axis, keepdims=True)


def _general(Z, dY, comps, mean=_m, var=True, center=True, axis=1):
    Zc = Z - mean(Z, axis) if "rc" in comps else Z
    g = dY
    if "rs" in comps:
        r = np.sqrt(mean(Zc ** 2, axis))
        Y = Zc / r
        g = (dY - Y * mean(dY * Y, axis)) / r if var else dY / r
    return g - mean(g, axis) if "rc" in comps and center else g


def _no_keepdims_mean(A, axis=1):
    return A.mean(axis=axis)


def _unbiased(Z, dY, components=("rc", "rs")):
    Zc = Z - Z.mean(axis=1, keepdims=True)
    r = Zc.std(axis=1, ddof=1, keepdims=True)
    Y = Zc / r
    dZc = (dY - Y * np.mean(dY * Y, axis=1, keepdims=True)) / r
    return dZc - dZc.mean(axis=1, keepdims=True)


def _in_place(Z, dY, components=("rc", "rs")):
    dY -= 0.0 * dY.mean()                        # harmless-looking, but in place
    Z -= Z.mean(axis=1, keepdims=True)
    return backprop.bn_backward(Z, dY, components)


def _dY_in_place(Z, dY, components=("rc", "rs")):
    dY /= 2                                      # only dY changes (in place)
    return backprop.bn_backward(Z, dY, components)


def _always_both(Z, dY, components=("rc", "rs")):
    return backprop.bn_backward(Z, dY, ("rc", "rs"))     # components ignored


def _dZ_left_unfilled(Z, dY, components=("rc", "rs")):
    Zc = Z - Z.mean(axis=1, keepdims=True) if "rc" in components else Z
    dZc = dY
    if "rs" in components:
        r = np.sqrt(np.mean(Zc ** 2, axis=1, keepdims=True))
        Y = Zc / r
        dZc = (dY - Y * np.mean(dY * Y, axis=1, keepdims=True)) / r
    dZ = dZc
    if "rc" in components:
        dZ = ...
    return dZ


def _global_rng(Z, dY, components=("rc", "rs")):
    np.random.rand()
    return backprop.bn_backward(Z, dY, components)


WRONG = {
    "mean term forgotten": (lambda Z, dY, c=("rc", "rs"): _general(Z, dY, c, center=False),
                            r"forgot that the batch mean depends on every sample"),
    "variance's gradient dropped": (lambda Z, dY, c=("rc", "rs"): _general(Z, dY, c, var=False),
                                    r"dropped the variance's gradient"),
    "both statistics constant": (
        lambda Z, dY, c=("rc", "rs"): _general(Z, dY, c, var=False, center=False),
        r"treated the batch statistics \(the mean and r\) as constants"),
    "wrong axis": (lambda Z, dY, c=("rc", "rs"): _general(Z, dY, c, axis=0),
                   r"statistics over axis=0.*use axis=1, keepdims=True"),
    "no keepdims (raises on a non-square Z)": (
        lambda Z, dY, c=("rc", "rs"): _general(Z, dY, c, mean=_no_keepdims_mean),
        r"raised ValueError: operands could not be broadcast.*keepdims=True"),
    "wrong shape: flattened": (lambda Z, dY, c=("rc", "rs"): backprop.bn_backward(Z, dY, c).ravel(),
                               r"the output has shape \(15,\) but should have shape \(3, 5\)"),
    "wrong shape: transposed": (lambda Z, dY, c=("rc", "rs"): backprop.bn_backward(Z, dY, c).T,
                                r"You transposed it: keep samples as columns"),
    "unbiased variance": (_unbiased, r"used the unbiased variance \(n − 1\)"),
    "plus instead of minus": (
        lambda Z, dY, c=("rc", "rs"): _general(Z, dY, c) + 2 * _plus_term(Z, dY, c),
        r"the variance's term has the wrong sign"),
    "dY returned": (lambda Z, dY, c=("rc", "rs"): dY, r"you returned dY unchanged"),
    "None": (lambda Z, dY, c=("rc", "rs"): None, r"returned None. Did you forget `return`"),
    "a list": (lambda Z, dY, c=("rc", "rs"): backprop.bn_backward(Z, dY, c).tolist(),
               r"returned a list; return a numpy array"),
    "modified input": (_in_place, r"modified its input array in place: Z \(e.g. Z -= "),
    "modified dY": (_dY_in_place, r"modified its input array in place: dY \(e.g. dY -= "),
    "components ignored": (_always_both, r"with components \('rc',\): there is no RS \(rescaling\) "
                                         r"step here, but you went back through both: apply only "
                                         r"the steps named in components \(if \"rs\" in"),
    "global rng": (_global_rng, r"used numpy's global random state"),
    "a typo": (lambda Z, dY, c=("rc", "rs"): Z.meen(axis=1),
               r"raised AttributeError: 'numpy.ndarray' object has no attribute 'meen'"),
    "an index error": (lambda Z, dY, c=("rc", "rs"): dY[:, Z.shape[1]],
                       r"raised IndexError"),
    "something else": (lambda Z, dY, c=("rc", "rs"): 2 * backprop.bn_backward(Z, dY, c),
                       r"differs from central finite differences of sum\(dY \* Y\) by up to"),
}


def _plus_term(Z, dY, comps):
    """Y · mean(dY · Y) / r, recentered where RC is on: what the sign mistake adds twice."""
    Zc = Z - _m(Z) if "rc" in comps else Z
    if "rs" not in comps:
        return np.zeros_like(Z)
    r = np.sqrt(_m(Zc ** 2))
    Y = Zc / r
    t = Y * _m(dY * Y) / r
    return t - _m(t) if "rc" in comps else t


@pytest.mark.parametrize("variant", WRONG)
def test_mistakes_are_rejected_with_their_hint(variant, keep_global_rng):
    wrong, hint = WRONG[variant]
    with pytest.raises(AssertionError, match=r"^Exercise 7\.1: ") as info:
        exercises.check_bn_backward(wrong)
    assert info.type is exercises.CheckFailed        # an AssertionError shown as its hint
    assert __import__("re").search(hint, str(info.value)), str(info.value)
    assert exercises.status()["bn_backward"] == "failed"


@pytest.fixture
def keep_global_rng():
    state = np.random.get_state()
    yield
    np.random.set_state(state)


def test_a_mean_without_keepdims_on_a_square_input_is_named():
    """On a non-square Z a mean without keepdims raises (caught above); on a square one it
    broadcasts along the wrong axis, and the checker names that too."""
    from bnteach.exercises import lesson7

    rng = np.random.default_rng(0)
    Z, dY = rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    wrong = lesson7._backward(Z, dY, ("rc",), keepdims=False)
    hints = [h for out, h in lesson7._mistakes(Z, dY, ("rc",)) if out is not None
             and np.allclose(out, wrong)]
    assert hints and "without keepdims=True" in hints[0]


def test_every_classic_mistake_differs_from_the_answer_on_the_checkers_inputs():
    """A mistake that coincided with the right answer would be a hint that can never fire
    (or, worse, fire on a right answer)."""
    from bnteach.exercises import lesson7

    rng = np.random.default_rng(71)
    for shape, comps in lesson7.CASES:
        Z, dY = rng.standard_normal(shape) + 1.0, rng.standard_normal(shape)
        right = backprop.bn_backward(Z, dY, comps)
        for out, hint in lesson7._mistakes(Z, dY, comps):
            if out is not None and out.shape == right.shape:
                assert not np.allclose(out, right), (comps, hint)


def test_a_half_filled_scaffold_is_pending_and_names_the_gap(capsys):
    assert exercises.check_bn_backward(_dZ_left_unfilled) == False      # noqa: E712
    assert "is pending: `dZ` is still `...`: fill it in" in capsys.readouterr().out
    assert exercises.status()["bn_backward"] == "pending"


def test_the_checker_passes_a_non_callable_back_as_a_type_error():
    with pytest.raises(TypeError, match=r"check_bn_backward takes your function itself"):
        exercises.check_bn_backward(np.zeros((3, 3)))


def test_the_exercise_is_registered_for_lesson_7():
    entry = exercises.EXERCISES["bn_backward"]
    assert entry.number == "7.1" and entry.lesson == "07_training.ipynb"
    assert "check_bn_backward" in exercises.__all__
