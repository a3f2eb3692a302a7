"""Tests for bnteach.exercises: each checker accepts the reference, marks a stub as
pending, and rejects typical wrong answers with the hint that fixes them (M4)."""

from pathlib import Path

import numpy as np
import pytest

import bnteach as bn
from bnteach import exercises, layers, meanfield, metrics, theory, tree


@pytest.fixture(autouse=True)
def _fresh_status():
    exercises.reset_status()
    yield
    exercises.reset_status()


@pytest.fixture
def keep_global_rng():
    """Restore numpy's global random state after a test that (like a learner) draws from it."""
    state = np.random.get_state()
    yield
    np.random.set_state(state)


# -- the reference solutions: the files in lessons/solutions/, loaded as a lesson runs them ------

SOLUTIONS = Path(__file__).resolve().parents[1] / "lessons" / "solutions"


def _solution(name):
    """The learner-facing solution of exercise ``name``: its file without the check call.

    A solution file holds the function and, on its last line, the checker call; it runs
    in the lesson's namespace, where ``np`` and ``bn`` are imported.
    """
    lesson, k = exercises.EXERCISES[name].number.split(".")
    lines = (SOLUTIONS / f"{int(lesson):02d}_ex{k}.py").read_text(encoding="utf-8").splitlines()
    assert lines[-1].startswith(f"bn.exercises.check_{name}("), lines[-1]
    namespace = {"np": np, "bn": bn}
    exec(compile("\n".join(lines[:-1]), f"solutions/{lesson}_ex{k}.py", "exec"), namespace)
    return namespace[exercises.EXERCISES[name].function]


rescale = _solution("rescale")
orthogonality_gap = _solution("orthogonality_gap")
recenter = _solution("recenter")
commutation_gap = _solution("commutation_gap")
relu_cosine = _solution("relu_cosine")
kappa = _solution("kappa")
find_outlier = _solution("find_outlier")
measure_alpha = _solution("measure_alpha")
tree_gram = _solution("tree_gram")
wide_layer = _solution("wide_layer")
invariance_gap = _solution("invariance")
split_growth = _solution("split_growth")


def _wide_layer_einsum(G, relu_cosine=theory.relu_cosine):
    """Another correct wide layer: recentering by subtracting row and column means, einsum."""
    C = G - G.mean(axis=0) - G.mean(axis=1, keepdims=True) + G.mean()
    s = np.sqrt(np.einsum("ii->i", C))
    return np.einsum("i,j,ij->ij", s, s, relu_cosine(np.clip(C / np.outer(s, s), -1, 1)))


def _outlier_stats_pair(G):
    stats = metrics.outlier_stats(G)
    return stats.index, stats.norm_ratio


def _stub(name):
    def stub(*_):
        raise NotImplementedError(f"Exercise: implement {name}")
    return stub


CHECKS = {
    "rescale": (exercises.check_rescale, rescale, layers.rescale),
    "orthogonality_gap": (exercises.check_orthogonality_gap, orthogonality_gap,
                          metrics.orthogonality_gap),
    "recenter": (exercises.check_recenter, recenter, layers.recenter),
    "commutation_gap": (exercises.check_commutation_gap, commutation_gap,
                        lambda f, X: np.max(np.abs(layers.recenter(f(X))
                                                   - f(layers.recenter(X))))),
    "relu_cosine": (exercises.check_relu_cosine, relu_cosine, theory.relu_cosine),
    "kappa": (exercises.check_kappa, kappa, theory.kappa),
    "find_outlier": (exercises.check_find_outlier, find_outlier, _outlier_stats_pair),
    "measure_alpha": (exercises.check_measure_alpha, measure_alpha,
                      lambda n, rng: measure_alpha(n, rng, width=2048, draws=20)),
    "tree_gram": (exercises.check_tree_gram, tree_gram, tree.tree_gram),
    "wide_layer": (exercises.check_wide_layer, wide_layer,
                   lambda G, relu_cosine=theory.relu_cosine: _wide_layer_einsum(G, relu_cosine)),
    "invariance": (exercises.check_invariance, invariance_gap,
                   lambda X, layer: np.max(np.abs(metrics.cosines(layer(X).T @ layer(X))
                                                  - metrics.cosines(X.T @ X)))),
    "split_growth": (exercises.check_split_growth, split_growth,
                     lambda G0, m: metrics.cluster_spread(meanfield.step(G0), np.arange(len(G0) - m))
                     / metrics.cluster_spread(G0, np.arange(len(G0) - m))),
}
#: One valid call of each exercise's function, for the tests below.
EXAMPLE_ARGS = {"rescale": (np.eye(3),), "orthogonality_gap": (np.eye(3),),
                "recenter": (np.eye(3),), "commutation_gap": (lambda X: 2 * X, np.eye(3)),
                "relu_cosine": (np.linspace(-1, 1, 3),), "kappa": (4,),
                "find_outlier": (np.eye(3),), "measure_alpha": (8, np.random.default_rng(0)),
                "tree_gram": (np.array([0.9, 0.2]),), "wide_layer": (np.eye(3),),
                "invariance": (np.eye(3), lambda X: 2 * X),
                "split_growth": (tree.split_gram(8, 2, rng=0), 2)}


# -- every exercise -----------------------------------------------------------------------------

def test_every_exercise_has_a_checker():
    for name, exercise in exercises.EXERCISES.items():
        assert callable(getattr(exercises, f"check_{name}")), name
        assert f"check_{name}" in exercises.__all__
        lesson, k = exercise.number.split(".")
        assert exercise.lesson.startswith(f"{int(lesson):02d}_"), exercise
        assert exercise.lesson.endswith(".ipynb") and int(k) >= 1
    numbers = [ex.number for ex in exercises.EXERCISES.values()]
    assert len(set(numbers)) == len(numbers)
    # lesson 7's checker has its own file, tests/test_exercises_lesson7.py
    assert set(CHECKS) == set(exercises.EXERCISES) - {"bn_backward"}


@pytest.mark.parametrize("name", CHECKS)
def test_accepts_the_reference(name, capsys):
    check, solution, package_reference = CHECKS[name]
    assert check(solution) == True   # noqa: E712 (a Result: True for assert and graders)
    out = capsys.readouterr().out
    assert "passed" in out and exercises.EXERCISES[name].number in out
    assert exercises.status()[name] == "passed"
    assert check(package_reference)


@pytest.mark.parametrize("name", CHECKS)
def test_stub_is_pending_not_an_error(name, capsys):
    check = CHECKS[name][0]
    assert check(_stub(name)) == False   # noqa: E712
    out = capsys.readouterr().out
    assert "pending" in out and "NotImplementedError" in out
    assert exercises.status()[name] == "pending"


@pytest.mark.parametrize("name", CHECKS)
def test_rejects_a_non_callable(name):
    check, solution, _ = CHECKS[name]
    called = solution(*EXAMPLE_ARGS[name])        # check(f(x)) instead of check(f)
    function = exercises.EXERCISES[name].function
    with pytest.raises(TypeError, match=rf"check_{name} takes your function itself.*"
                                        rf"without parentheses after {function}; "
                                        rf"got {type(called).__name__}\."):
        check(called)
    assert name not in exercises.status()


@pytest.mark.parametrize("name", CHECKS)
def test_checker_leaves_the_global_rng_alone(name):
    state = np.random.get_state()
    CHECKS[name][0](CHECKS[name][1])
    after = np.random.get_state()
    assert np.array_equal(state[1], after[1]) and state[2:] == after[2:]


@pytest.mark.parametrize("name", CHECKS)
def test_a_local_generator_is_fine(name):
    check, solution, _ = CHECKS[name]

    def with_local_rng(*args):
        np.random.default_rng(0).standard_normal(3)   # explicit randomness, not global
        return solution(*args)
    assert check(with_local_rng)


@pytest.mark.parametrize("name", CHECKS)
def test_failure_is_recorded_and_numbered(name):
    check = CHECKS[name][0]
    with pytest.raises(AssertionError, match=rf"^Exercise {exercises.EXERCISES[name].number}: "):
        check(lambda *args: None)
    assert exercises.status()[name] == "failed"


# -- rescale: wrong variants and their hints ---------------------------------------------------

def _rescale_in_place(Z):
    Z /= np.sqrt(np.mean(Z ** 2, axis=1, keepdims=True))
    return Z


def _rescale_with_global_rng(Z):
    np.random.rand()                              # harmless-looking, but global state
    return rescale(Z)


RESCALE_WRONG = {
    "axis 0": (lambda Z: Z / np.sqrt(np.mean(Z ** 2, axis=0, keepdims=True)),
               r"normalized each column \(sample\) with axis=0.*use axis=1"),
    "row norm": (lambda Z: Z / np.linalg.norm(Z, axis=1, keepdims=True),
                 r"divided each row by its norm.*root-MEAN-square"),
    "standard deviation": (lambda Z: Z / Z.std(axis=1, keepdims=True),
                           r"divided by the standard deviation"),
    "recentered too": (lambda Z: (Z - Z.mean(axis=1, keepdims=True)) / Z.std(axis=1, keepdims=True),
                       r"you also recentered"),
    "mean square": (lambda Z: Z / np.mean(Z ** 2, axis=1, keepdims=True),
                    r"divided by the mean square; take its square root"),
    "list": (lambda Z: rescale(Z).tolist(), r"returned a list; return a numpy array"),
    "None": (lambda Z: None, r"returned None. Did you forget `return`"),
    "transpose": (lambda Z: rescale(Z).T, r"You transposed it: keep samples as columns"),
    "in place": (_rescale_in_place, r"modified its input array in place"),
    "global rng": (_rescale_with_global_rng, r"used numpy's global random state"),
    "something else": (lambda Z: 2 * Z, r"every row of the output should have mean square 1"),
    "flattened": (lambda Z: rescale(Z).ravel(), r"should have shape \(5, 4\)"),
}


@pytest.mark.parametrize("variant", RESCALE_WRONG)
def test_rescale_rejects_with_hint(variant, keep_global_rng):
    wrong, hint = RESCALE_WRONG[variant]
    with pytest.raises(AssertionError, match=hint):
        exercises.check_rescale(wrong)
    assert exercises.status()["rescale"] == "failed"


def test_global_rng_caught_anywhere_in_the_mt_key(keep_global_rng):
    # One draw moves the position in the Mersenne Twister key, not the key itself (which is
    # regenerated only every 624 draws): the checker must compare the whole state.
    np.random.random()
    with pytest.raises(AssertionError, match="global random state"):
        exercises.check_rescale(_rescale_with_global_rng)
    np.random.random()
    with pytest.raises(AssertionError, match="global random state"):
        exercises.check_orthogonality_gap(lambda G: (np.random.standard_normal(),
                                                     orthogonality_gap(G))[1])


# -- orthogonality gap: wrong variants and their hints --------------------------------------------

def _eye(G):
    return np.eye(len(G))


def _gap_in_place(G):
    G /= np.trace(G)
    return np.linalg.norm(G - _eye(G) / len(G))


GAP_WRONG = {
    "no trace": (lambda G: np.linalg.norm(G - _eye(G) / len(G)),
                 r"divide G by its trace first"),
    "I not I/n": (lambda G: np.linalg.norm(G / np.trace(G) - _eye(G)),
                  r"compare with I/n, not I"),
    "squared Frobenius": (lambda G: np.sum((G / np.trace(G) - _eye(G) / len(G)) ** 2),
                          r"squared Frobenius norm; take the square root"),
    "spectral": (lambda G: np.linalg.norm(G / np.trace(G) - _eye(G) / len(G), 2),
                 r"spectral norm \(ord=2\); the gap uses the Frobenius norm"),
    "array": (lambda G: G / np.trace(G) - _eye(G) / len(G),
              r"return one number.*ndarray \(5, 5\)"),
    "list": (lambda G: [orthogonality_gap(G)], r"return one number.*list \(1,\)"),
    "in place": (_gap_in_place, r"modified its input array in place"),
    "None": (lambda G: None, r"returned None. Did you forget `return`"),
    "something else": (lambda G: 0.5, r"the gap should be 0.000000; yours is 0.500000"),
}


@pytest.mark.parametrize("variant", GAP_WRONG)
def test_orthogonality_gap_rejects_with_hint(variant):
    wrong, hint = GAP_WRONG[variant]
    with pytest.raises(AssertionError, match=hint):
        exercises.check_orthogonality_gap(wrong)
    assert exercises.status()["orthogonality_gap"] == "failed"


def test_orthogonality_gap_accepts_a_zero_d_array():
    assert exercises.check_orthogonality_gap(lambda G: np.asarray(orthogonality_gap(G)))


# -- recenter: wrong variants and their hints ----------------------------------------------

def _recenter_in_place(Z):
    Z -= Z.mean(axis=1, keepdims=True)
    return Z


RECENTER_WRONG = {
    "axis 0": (lambda Z: Z - Z.mean(axis=0, keepdims=True),
               r"subtracted each column's \(sample's\) mean with axis=0.*use axis=1"),
    "no keepdims": (lambda Z: Z - Z.mean(axis=1), r"without keepdims=True"),
    "whole mean": (lambda Z: Z - Z.mean(), r"subtracted the mean of the whole matrix"),
    "n - 1": (lambda Z: Z - Z.sum(axis=1, keepdims=True) / (Z.shape[1] - 1),
              r"divided the row sums by n − 1; a mean divides by n"),
    "rescaled too": (lambda Z: rescale(recenter(Z)), r"also divided by the standard deviation"),
    "transposed": (lambda Z: recenter(Z).T, r"you transposed the result"),
    "in place": (_recenter_in_place, r"modified its input array in place"),
    "list": (lambda Z: recenter(Z).tolist(), r"returned a list; return a numpy array"),
    "None": (lambda Z: None, r"returned None. Did you forget `return`"),
    "something else": (lambda Z: 2 * recenter(Z),
                       r"differs from Z - Z.mean\(axis=1, keepdims=True\)"),
}


@pytest.mark.parametrize("variant", RECENTER_WRONG)
def test_recenter_rejects_with_hint(variant):
    wrong, hint = RECENTER_WRONG[variant]
    with pytest.raises(AssertionError, match=hint):
        exercises.check_recenter(wrong)
    assert exercises.status()["recenter"] == "failed"


# -- commutation_gap: wrong variants and their hints ---------------------------------------

def _commutation_in_place(f, X):
    X -= X.mean(axis=1, keepdims=True)            # recenters the caller's X
    return np.max(np.abs(recenter(f(X)) - f(X)))


COMMUTATION_WRONG = {
    "output only": (lambda f, X: np.max(np.abs(recenter(f(X)) - f(X))),
                    r"linear map.*you recentered only one side"),
    "input only": (lambda f, X: np.max(np.abs(f(X) - f(recenter(X)))),
                   r"linear map.*you recentered only one side"),
    "axis 0": (lambda f, X: np.max(np.abs((f(X) - f(X).mean(axis=0))
                                          - f(X - X.mean(axis=0)))),
               r"you recentered each column \(axis=0\)"),
    "no abs": (lambda f, X: np.max(recenter(f(X)) - f(recenter(X))),
               r"ReLU layer.*take the absolute value before the maximum"),
    "no abs, other order": (lambda f, X: np.max(f(recenter(X)) - recenter(f(X))),
                            r"affine map.*take the absolute value before the maximum"),
    "mean": (lambda f, X: np.mean(np.abs(recenter(f(X)) - f(recenter(X)))),
             r"the LARGEST absolute difference \(np.max\), not the mean"),
    "Frobenius": (lambda f, X: np.linalg.norm(recenter(f(X)) - f(recenter(X))),
                  r"not the Frobenius norm"),
    "bool": (lambda f, X: np.allclose(recenter(f(X)), f(recenter(X))),
             r"you returned True; return the number itself"),
    "matrix": (lambda f, X: recenter(f(X)) - f(recenter(X)),
               r"return one number.*ndarray \(6, 4\)"),
    "in place": (_commutation_in_place, r"modified its input array in place"),
    "None": (lambda f, X: None, r"returned None"),
    "always zero": (lambda f, X: 0.0,
                    r"affine map X -> W @ X \+ b the gap should be 2; yours is 0"),
    "large": (lambda f, X: 1.0, r"linear map X -> W @ X the gap should be below 1e-10; yours is 1"),
}


@pytest.mark.parametrize("variant", COMMUTATION_WRONG)
def test_commutation_gap_rejects_with_hint(variant):
    wrong, hint = COMMUTATION_WRONG[variant]
    with pytest.raises(AssertionError, match=hint):
        exercises.check_commutation_gap(wrong)
    assert exercises.status()["commutation_gap"] == "failed"


def test_commutation_gap_accepts_other_correct_forms():
    assert exercises.check_commutation_gap(
        lambda f, X: float(np.abs(recenter(f(X)) - f(recenter(X))).max()))
    P = layers.centering_matrix(4)                   # the checker's batches have n = 4
    assert exercises.check_commutation_gap(lambda f, X: np.max(np.abs(f(X) @ P - f(X @ P))))


# -- relu_cosine: wrong variants and their hints -------------------------------------------

def _unclipped(c):
    theta = np.arccos(c)
    return (np.sin(theta) + (np.pi - theta) * c) / np.pi


def _with_math(c):
    import math
    return (math.sin(math.acos(c)) + (math.pi - math.acos(c)) * c) / math.pi


def _theta(c):
    return np.arccos(np.clip(c, -1, 1))


def _scalar_if(c):                                    # written for one number
    if c > 1:
        c = 1.0
    return relu_cosine(c)


RELU_COSINE_WRONG = {
    "no sin": (lambda c: (np.pi - _theta(c)) * c / np.pi, r"you left out the sin θ term"),
    "theta not pi - theta": (lambda c: (np.sin(_theta(c)) + _theta(c) * c) / np.pi,
                             r"use π − θ, not θ"),
    "unnormalized": (lambda c: relu_cosine(c) / 2, r"divide by π instead of 2π"),
    "no division": (lambda c: relu_cosine(c) * np.pi, r"divide by π: a cosine of 1 must stay 1"),
    "degrees": (lambda c: (np.sin(np.degrees(_theta(c))) + (np.pi - np.degrees(_theta(c))) * c)
                / np.pi, r"do not convert to degrees"),
    "degrees throughout": (lambda c: (np.sin(_theta(c)) + (180 - np.degrees(_theta(c))) * c)
                           / 180, r"do not convert to degrees"),
    "no clipping": (_unclipped, r"returns nan .*Clip first"),
    "math module": (_with_math, r"calling _with_math\(c\) with c = an array of shape \(11,\) "
                                r"raised TypeError.*use np.arccos, np.sin, np.sqrt"),
    "scalar if": (_scalar_if, r"raised ValueError: The truth value.*works on one number at a "
                              r"time.*np.clip\(c, -1, 1\)"),
    "step function": (lambda c: 1 - _theta(c) / np.pi, r"the cosine after a step function"),
    "relu of c": (lambda c: np.maximum(c, 0), r"you applied the ReLU to the cosine itself"),
    "list": (lambda c: list(relu_cosine(c)), r"returned a list"),
    "None": (lambda c: None, r"returned None"),
    "something else": (lambda c: c, r"expected \[0.0, 0.038, 0.109.*got \[-1.0, -0.75"),
}


@pytest.mark.parametrize("variant", RELU_COSINE_WRONG)
def test_relu_cosine_rejects_with_hint(variant):
    wrong, hint = RELU_COSINE_WRONG[variant]
    with np.errstate(invalid="ignore"):
        with pytest.raises(AssertionError, match=hint):
            exercises.check_relu_cosine(wrong)
    assert exercises.status()["relu_cosine"] == "failed"


def test_relu_cosine_accepts_the_sqrt_form():
    def with_sqrt(c):                                 # sin(arccos c) = sqrt(1 - c²)
        c = np.clip(c, -1, 1)
        return (np.sqrt(1 - c ** 2) + (np.pi - np.arccos(c)) * c) / np.pi
    assert exercises.check_relu_cosine(with_sqrt)


def test_relu_cosine_reference_agrees_with_monte_carlo(rng):
    # the checker's reference is the Gaussian expectation it claims to be (tolerance 5 s.e.)
    u, z = rng.standard_normal((2, 400_000))
    for c in (-0.8, -0.2, 0.3, 0.9):
        v = c * u + np.sqrt(1 - c * c) * z            # corr(u, v) = c
        prod = np.maximum(u, 0) * np.maximum(v, 0)
        mc = prod.mean() / 0.5                        # E[relu(u)²] = 1/2
        se = prod.std() / np.sqrt(len(u)) / 0.5
        assert abs(mc - relu_cosine(c)) < 5 * se


# -- kappa: wrong variants and their hints -------------------------------------------------

KAPPA_WRONG = {
    "no recentering": (lambda n: relu_cosine(0.0), r"for n = 2: .*skipped recentering"),
    "-1/n": (lambda n: relu_cosine(-1 / n), r"−1/\(n−1\), not −1/n"),
    "no relu": (lambda n: -1 / (n - 1), r"that is the cosine after recentering"),
    "sign": (lambda n: relu_cosine(1 / (n - 1)), r"mind the sign"),
    "unnormalized": (lambda n: relu_cosine(-1 / (n - 1)) / 2,
                     r"for n = 3: use the normalized cosine map"),
    "array": (lambda n: np.array([kappa(n)]), r"return one number; for n = 2 .*ndarray \(1,\)"),
    "None": (lambda n: None, r"returned None"),
    "something else": (lambda n: 0.25, r"for n = 2 κ\(n\) should be 0.000000; yours is 0.250000"),
}


@pytest.mark.parametrize("variant", KAPPA_WRONG)
def test_kappa_rejects_with_hint(variant):
    wrong, hint = KAPPA_WRONG[variant]
    with pytest.raises(AssertionError, match=hint):
        exercises.check_kappa(wrong)
    assert exercises.status()["kappa"] == "failed"


def test_kappa_receives_a_python_int():
    seen = []
    exercises.check_kappa(lambda n: (seen.append(type(n)), kappa(n))[1])
    assert set(seen) == {int}


# -- find_outlier: wrong variants and their hints -------------------------------------------

def _norms(G):
    return np.sqrt(np.diag(G))


OUTLIER_WRONG = {
    "squared norms": (lambda G: (int(np.argmax(np.diag(G))),
                                 np.max(np.diag(G)) / np.delete(np.diag(G), np.argmax(np.diag(G))).mean()),
                      r"you compared squared norms"),
    "argmin": (lambda G: (int(np.argmin(_norms(G))), 1.0), r"You took the smallest norm"),
    "mean of all": (lambda G: (int(np.argmax(_norms(G))), _norms(G).max() / _norms(G).mean()),
                    r"divide by the mean norm of the OTHER samples"),
    "rms of others": (lambda G: (int(np.argmax(_norms(G))), _norms(G).max() / np.sqrt(
        np.mean(np.delete(_norms(G), np.argmax(_norms(G))) ** 2))), r"not their rms"),
    "inverted": (lambda G: (int(np.argmax(_norms(G))), np.delete(_norms(G), np.argmax(
        _norms(G))).mean() / _norms(G).max()), r"you divided the others' mean norm by the outlier's"),
    "median": (lambda G: (int(np.argmax(_norms(G))), _norms(G).max() / np.median(np.delete(
        _norms(G), np.argmax(_norms(G))))), r"not their median"),
    "float index": (lambda G: (2.5, 1.0), r"the first entry should be the outlier's index"),
    "one number": (lambda G: 3.0, r"return a pair \(index, norm_ratio\)"),
    "None": (lambda G: None, r"returned None"),
}


@pytest.mark.parametrize("variant", OUTLIER_WRONG)
def test_find_outlier_rejects_with_hint(variant):
    wrong, hint = OUTLIER_WRONG[variant]
    with pytest.raises(AssertionError, match=hint):
        exercises.check_find_outlier(wrong)


# -- measure_alpha: wrong variants and their hints ------------------------------------------

def _alpha_without_noise(n, rng):
    ratios = []
    for _ in range(10):
        X = bn.batches.cluster_outlier(n=n, d=40, rng=rng)          # no noise: no spread
        before, after = bn.run(X, 1, width=256, components=("rc", "relu"), rng=rng).grams
        ratios.append(bn.metrics.cluster_spread(after) / bn.metrics.cluster_spread(before))
    return ratios


def _alpha_ratios(n, rng):
    return np.asarray(measure_alpha(n, rng))


def _alpha_sim(n, rng, components=("rc", "relu"), members=None, draw_rng=None):
    """measure_alpha with a mistake: other components, other members, another generator."""
    draw_rng = rng if draw_rng is None else draw_rng
    ratios = []
    for _ in range(10):
        X = bn.batches.cluster_outlier(n=n, d=40, noise=1e-3, rng=draw_rng)
        before, after = bn.run(X, 1, width=4096, components=components, rng=draw_rng).grams
        ratios.append(bn.metrics.cluster_spread(after, members)
                      / bn.metrics.cluster_spread(before, members))
    return ratios


def _alpha_return_in_loop(n, rng):
    for _ in range(10):
        return [_alpha_sim(n, rng)[0]]


def _alpha_no_layer(n, rng):
    X = bn.batches.cluster_outlier(n=n, d=40, noise=1e-3, rng=rng)
    G = X.T @ X
    return [bn.metrics.cluster_spread(G) / bn.metrics.cluster_spread(G)] * 10


ALPHA_WRONG = {
    "no layer": (_alpha_no_layer, r"the spread did not change"),
    "with RS": (lambda n, rng: _alpha_sim(n, rng, ("rc", "rs", "relu")),
                r"RS is not part of this layer. Use bn.run\(X, 1, width=4096, rng=rng\) with "
                r"the default components \('rc', 'relu'\)"),
    "no recentering": (lambda n, rng: _alpha_sim(n, rng, ("relu",)),
                       r"about what a ReLU layer without recentering gives. Recentering is "
                       r"missing"),
    "outlier in the cluster": (lambda n, rng: _alpha_sim(n, rng, members=np.arange(n)),
                               r"with almost no spread: you measured the spread of the whole "
                               r"batch, outlier included"),
    "rng not used": (lambda n, rng: _alpha_sim(n, rng, draw_rng=np.random.default_rng()),
                     r"your ratios change from one call to the next.*use the rng you are given"),
    "a generator of its own": (lambda n, rng: _alpha_sim(n, rng, draw_rng=np.random.default_rng(0)),
                               r"the same whatever generator your function is given"),
    "global random state": (lambda n, rng: _alpha_sim(n, rng, draw_rng=np.random.randint(10**6)),
                            r"used numpy's global random state"),
    "return inside the loop": (_alpha_return_in_loop, r"you returned 1 ratio: is your `return` "
                                                      r"inside the loop\?"),
    "empty list": (lambda n, rng: [], r"your list of ratios is empty"),
    "a generator": (lambda n, rng: (r for r in _alpha_sim(n, rng)),
                    r"returned a generator.*return a list or an array of the 10 ratios"),
    "inverted": (lambda n, rng: 1 / _alpha_ratios(n, rng), r"you divided before by after"),
    "angle": (lambda n, rng: np.sqrt(_alpha_ratios(n, rng)), r"that is the growth of the angle"),
    "squared": (lambda n, rng: _alpha_ratios(n, rng) ** 2, r"you squared the ratio"),
    "far off": (lambda n, rng: _alpha_ratios(n, rng) + 1.0, r"but α\(8\) = 1.2800"),
    "the mean": (lambda n, rng: np.mean(measure_alpha(n, rng)),
                 r"return the growth factors of your draws, one per draw.*not their mean"),
    "closed form": (lambda n, rng: [n ** 2 / (n ** 2 - 2 * n + 2)] * 10,
                    r"ratios are all 1.2800 = α\(n\): a simulation's draws differ"),
    "too few": (lambda n, rng: _alpha_ratios(n, rng)[:3], r"you returned 3 ratios"),
    "no noise": (_alpha_without_noise, r"ZeroDivisionError.*Did you pass noise=1e-3"),
    "too noisy": (lambda n, rng: theory.alpha(n) + np.linspace(-1, 1, 10),
                  r"spread too much to tell"),
    "matrix": (lambda n, rng: np.ones((3, 3)), r"not an array of shape \(3, 3\)"),
}


@pytest.mark.parametrize("variant", ALPHA_WRONG)
def test_measure_alpha_rejects_with_hint(variant, keep_global_rng):
    wrong, hint = ALPHA_WRONG[variant]
    with pytest.raises(AssertionError, match=hint):
        exercises.check_measure_alpha(wrong)


def test_measure_alpha_passes_for_other_correct_simulations():
    """Correct simulations of the asked size (or larger) and other random streams pass: the
    tolerance is not tuned to one stream."""
    for seed in range(10):
        for width, draws in ((4096, 10), (2048, 20)):
            exercises.reset_status()
            assert exercises.check_measure_alpha(lambda n, rng: measure_alpha(   # another
                n, np.random.default_rng([seed, n, rng.integers(2**32)]),          # stream
                width=width, draws=draws))
    assert exercises.check_measure_alpha(lambda n, rng: tuple(measure_alpha(n, rng)))
    # a linear layer with recentering (no ReLU) has the same α to first order: it passes
    assert exercises.check_measure_alpha(lambda n, rng: _alpha_sim(n, rng, ("rc",)))


# -- tree_gram: wrong variants and their hints ----------------------------------------------

def _tree_gram_reversed(cosines):
    return tree_gram(list(cosines)[::-1])


def _tree_gram_zero_diagonal(cosines):
    G = tree_gram(cosines)
    np.fill_diagonal(G, 0.0)
    return G


def _tree_gram_by_difference(cosines):
    n = 2 ** len(cosines)
    return np.array([[1.0 if i == j else cosines[abs(i - j).bit_length() - 1] for j in range(n)]
                     for i in range(n)])


TREE_WRONG = {
    "reversed levels": (_tree_gram_reversed, r"your levels are in reverse order"),
    "cosines[lca]": (lambda c: _tree_gram_level_index(c), r"raised IndexError"),
    "cosines[lca % k]": (lambda c: _tree_gram_level_mod(c), r"wrapped around with % k"),
    "level from |i - j|": (_tree_gram_by_difference, r"neighbours in numbering are not always"),
    "zero diagonal": (_tree_gram_zero_diagonal, r"the diagonal should be 1"),
    "wrong size": (lambda c: np.eye(len(c) + 2), r"should have shape \(2, 2\)"),
    "list": (lambda c: tree_gram(c).tolist(), r"return a numpy array"),
    "off level": (lambda c: tree_gram(list(c[1:]) + [c[-1]]) if len(c) > 1 else tree_gram(c),
                  r"should be 0.9 \(leaves 0 and 1 meet at level 1\)"),
}


@pytest.mark.parametrize("variant", TREE_WRONG)
def test_tree_gram_rejects_with_hint(variant):
    wrong, hint = TREE_WRONG[variant]
    with pytest.raises(AssertionError, match=hint):
        exercises.check_tree_gram(wrong)


# -- summary -------------------------------------------------------------------------------------

def _summary(capsys, **kwargs):
    capsys.readouterr()
    assert exercises.summary(**kwargs) is None
    return capsys.readouterr().out.splitlines()


def test_summary_before_any_check(capsys):
    assert _summary(capsys) == ["No exercises checked yet in this session."]
    assert _summary(capsys, lesson="99") == ["No exercises checked yet in this session."]


def test_summary_lists_states(capsys):
    exercises.check_orthogonality_gap(_stub("orthogonality_gap"))
    exercises.check_rescale(rescale)
    lines = _summary(capsys)
    assert lines[0] == "Exercises: 1 of 2 passed"
    assert lines[1].split()[0] == "1.1" and lines[1].endswith("passed")
    assert lines[2].split()[0] == "1.2" and lines[2].endswith("pending")
    with pytest.raises(AssertionError):
        exercises.check_rescale(lambda Z: None)
    lines = _summary(capsys)
    assert lines[0] == "Exercises: 0 of 2 passed"
    assert lines[1].endswith("failed")


def test_summary_is_a_table_whose_states_share_one_column(capsys):
    """A long title (3.3's) does not push its state out of the column."""
    exercises.check_rescale(rescale)
    exercises.check_wide_layer(_stub("wide_layer"))
    exercises.check_split_growth(split_growth)
    lines = _summary(capsys)[1:]
    titles = [exercises.EXERCISES[n].title for n in ("rescale", "wide_layer", "split_growth")]
    starts = {line.index(state) for line, state in zip(lines, ("passed", "pending", "passed"))}
    assert len(starts) == 1, lines
    assert all(t in line for t, line in zip(titles, lines))


def test_summary_only_lists_checked_exercises_without_a_lesson(capsys):
    exercises.check_rescale(rescale)
    lines = _summary(capsys)
    assert lines == [lines[0], lines[1]]
    assert lines[0] == "Exercises: 1 of 1 passed" and "rescale" in lines[1]


@pytest.mark.parametrize("lesson", ["01", "01_linear_networks.ipynb", 1])
def test_summary_of_a_lesson_lists_unchecked_exercises(lesson, capsys):
    exercises.check_rescale(rescale)
    lines = _summary(capsys, lesson=lesson)
    lesson_01 = [ex for ex in exercises.EXERCISES.values() if ex.lesson.startswith("01")]
    assert lines[0] == f"Exercises: 1 of {len(lesson_01)} passed"
    states = {line.split()[0]: line for line in lines[1:]}
    assert set(states) == {ex.number for ex in lesson_01}
    assert states["1.1"].endswith("passed")
    assert states["1.2"].endswith("not checked yet")


# -- the known crashes of the first review: each is now a hint -----------------------------------

def _tree_gram_level_index(cosines):                     # cosines[lca] instead of [lca - 1]
    n = 2 ** len(cosines)
    return np.array([[1.0 if i == j else cosines[tree.lca_level(i, j)] for j in range(n)]
                     for i in range(n)])


def _tree_gram_level_mod(cosines):                       # cosines[lca % k]
    n, k = 2 ** len(cosines), len(cosines)
    return np.array([[1.0 if i == j else cosines[tree.lca_level(i, j) % k] for j in range(n)]
                     for i in range(n)])


NEVER_CRASH = {
    "1.1 mean without keepdims": (
        exercises.check_rescale, lambda Z: Z / np.sqrt(np.mean(Z ** 2, axis=1)),
        r"raised ValueError: operands could not be broadcast.*without keepdims=True is a vector "
        r"of shape \(d,\).*keepdims=True\) has shape \(d, 1\)"),
    "1.1 std over axis 0": (
        exercises.check_rescale, lambda Z: Z / Z.std(axis=0, keepdims=True),
        r"divided each column \(sample\) by its standard deviation \(axis=0\)"),
    "1.1 with the BN epsilon": (
        exercises.check_rescale, lambda Z: Z / np.sqrt(np.mean(Z ** 2, axis=1, keepdims=True) + 1e-5),
        r"scaled right up to a relative .*e-0\d: did you add an ε inside the square root"),
    "1.1 whole-matrix rms": (exercises.check_rescale, lambda Z: Z / np.sqrt(np.mean(Z ** 2)),
                             r"one root-mean-square of the whole matrix"),
    "3.1 scalar-only if": (exercises.check_relu_cosine, _scalar_if,
                           r"works on one number at a time"),
    "5.1 cos[lca]": (exercises.check_tree_gram, _tree_gram_level_index,
                     r"raised IndexError.*The cosine of level l is cosines\[l - 1\]"),
    "5.1 cos[lca % k]": (exercises.check_tree_gram, _tree_gram_level_mod,
                         r"you used cosines\[level\] \(wrapped around with % k\)"),
    "4.3 without noise": (exercises.check_measure_alpha, _alpha_without_noise,
                          r"ZeroDivisionError.*Did you pass noise=1e-3"),
    "a NameError": (exercises.check_kappa, lambda n: relu_cos(-1 / (n - 1)),  # noqa: F821
                    r"raised NameError: name 'relu_cos' is not defined.*Likely cause: a name"),
    "an exception of the learner's own": (
        exercises.check_orthogonality_gap, lambda G: (_ for _ in ()).throw(RuntimeError("boom")),
        r"raised RuntimeError: boom\. Run your function on its own"),
    "a string where a pair is due": (exercises.check_find_outlier, lambda G: "3, 5.0",
                                     r"return a pair \(index, norm_ratio\).*'3, 5.0'"),
    "a pair of strings": (exercises.check_find_outlier, lambda G: ("x", "y"),
                          r"the first entry should be the outlier's index|could not use"),
    "an object": (exercises.check_orthogonality_gap, lambda G: object(),
                  r"return one number|could not use"),
}


@pytest.mark.parametrize("case", NEVER_CRASH)
def test_a_learner_mistake_is_a_hint_never_a_raw_exception(case):
    check, wrong, hint = NEVER_CRASH[case]
    with pytest.raises(AssertionError, match=hint) as info:
        check(wrong)
    assert isinstance(info.value, exercises.CheckFailed)
    assert info.value.__cause__ is None and info.value.__suppress_context__


# -- the display protocol (course standards M4) ----------------------------------------------------

def test_a_pass_shows_one_line_and_displays_nothing(capsys):
    result = exercises.check_rescale(rescale)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("Exercise 1.1 passed: ")
    assert result and result == True and repr(result) == "True"   # noqa: E712
    assert result._ipython_display_() is None                     # IPython shows nothing more
    assert capsys.readouterr().out == ""


def test_a_pending_check_is_false_and_displays_nothing(capsys):
    result = exercises.check_kappa(_stub("kappa"))
    assert capsys.readouterr().out.count("\n") == 1
    assert not result and result == False and repr(result) == "False"   # noqa: E712
    passed = result
    with pytest.raises(AssertionError):
        assert passed                                             # graders' hidden `assert passed`


def test_a_failure_shows_the_hint_alone():
    with pytest.raises(exercises.CheckFailed) as info:
        exercises.check_rescale(lambda Z: Z / np.sqrt(np.mean(Z ** 2, axis=0, keepdims=True)))
    lines = info.value._render_traceback_()
    assert "Exercise 1.1" in lines[0] and "not passed yet" in lines[0]
    text = " ".join(lines[1:])
    assert "use axis=1" in text and "Traceback" not in text and ".py" not in text
    assert all(len(line) <= 92 for line in lines[1:])


def test_ipython_displays_nothing_for_a_result():
    IPython = pytest.importorskip("IPython")
    from IPython.core.formatters import DisplayFormatter
    data, _ = DisplayFormatter().format(exercises.check_rescale(rescale))
    assert data == {}
    assert IPython


def test_a_non_callable_is_refused_with_a_hint_alone():
    with pytest.raises(TypeError) as info:
        exercises.check_rescale(np.eye(2))
    assert "without parentheses" in " ".join(info.value._render_traceback_())


# -- differently written correct answers -----------------------------------------------------------

def _rescale_loop(Z):
    out = np.empty_like(Z)
    for i, row in enumerate(Z):
        out[i] = row / np.sqrt(sum(z * z for z in row) / len(row))
    return out


def _gap_einsum(G):
    A = G / np.einsum("ii", G) - np.eye(len(G)) / len(G)
    return np.sqrt(np.einsum("ij,ij", A, A))


def _relu_cosine_arcsin(c):
    c = np.clip(c, -1, 1)
    return (np.sqrt(1 - c ** 2) + (np.pi / 2 + np.arcsin(c)) * c) / np.pi


def _recenter_matrix(Z):
    return Z @ layers.centering_matrix(Z.shape[1])


def _kappa_direct(n):
    c = -1.0 / (n - 1)
    return float((np.sqrt(1 - c * c) + (np.pi - np.arccos(c)) * c) / np.pi)


def _outlier_array(G):
    norms = np.sqrt(np.diag(G))
    i = np.argmax(norms)
    return np.array([i, norms[i] * (len(G) - 1) / (norms.sum() - norms[i])])


def _tree_gram_where(cosines):
    levels = tree.lca_levels(2 ** len(cosines))
    return np.where(levels == 0, 1.0, np.asarray(cosines)[levels - 1])


def _wide_layer_loops(G, relu_cosine=theory.relu_cosine):
    n = len(G)
    P = np.eye(n) - 1 / n
    C = P @ G @ P
    K = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            s = np.sqrt(C[i, i] * C[j, j])
            K[i, j] = 2 * s * relu_cosine(np.clip(C[i, j] / s, -1, 1))   # another positive factor
    return K


def _invariance_loops(X, layer):
    def cos(A):
        return [[A[:, i] @ A[:, j] / np.linalg.norm(A[:, i]) / np.linalg.norm(A[:, j])
                 for j in range(A.shape[1])] for i in range(A.shape[1])]
    Y = layer(X)
    return max(abs(a - b) for ra, rb in zip(cos(Y), cos(X)) for a, b in zip(ra, rb))


def _split_growth_by_hand(G0, m):
    def spread(G):
        k = len(G0) - m
        C = G[:k, :k] / np.sqrt(np.outer(np.diag(G)[:k], np.diag(G)[:k]))
        return (k * k - C.sum()) / (k * (k - 1))            # mean of 1 - cos over the pairs
    return spread(meanfield.step(G0)) / spread(G0)


OTHER_CORRECT = {
    "rescale": [_rescale_loop, lambda Z: Z * (np.mean(Z * Z, axis=1) ** -0.5)[:, None]],
    "orthogonality_gap": [_gap_einsum, lambda G: float(np.sqrt(np.sum(
        (G / np.trace(G) - np.eye(len(G)) / len(G)) ** 2)))],
    "recenter": [_recenter_matrix, lambda Z: (Z.T - Z.mean(axis=1)).T],
    "relu_cosine": [_relu_cosine_arcsin, lambda c: theory.relu_cosine(c)],
    "kappa": [_kappa_direct, lambda n: relu_cosine(theory.simplex_cosine(n))],
    "find_outlier": [_outlier_array, lambda G: list(_outlier_stats_pair(G))],
    "commutation_gap": [lambda f, X: np.abs(recenter(f(X)) - f(recenter(X))).max(),
                        lambda f, X: max(np.max(recenter(f(X)) - f(recenter(X))),
                                         np.max(f(recenter(X)) - recenter(f(X))))],
    "measure_alpha": [lambda n, rng: tuple(measure_alpha(n, rng)),
                      lambda n, rng: np.array(measure_alpha(n, rng, width=8192, draws=6))],
    "tree_gram": [_tree_gram_where, lambda c: tree.tree_gram(list(c))],
    "wide_layer": [_wide_layer_loops, _wide_layer_einsum],
    "invariance": [_invariance_loops, lambda X, layer: np.abs(
        metrics.cosines(layer(X).T @ layer(X)) - metrics.cosines(X.T @ X)).max()],
    "split_growth": [_split_growth_by_hand, lambda G0, m: metrics.cluster_spread(
        meanfield.step(G0), list(range(len(G0) - m))) / metrics.cluster_spread(
        G0, list(range(len(G0) - m)))],
}


@pytest.mark.parametrize("name", CHECKS)
def test_other_correct_forms_pass(name, capsys):
    assert set(OTHER_CORRECT) == set(CHECKS)
    for fn in OTHER_CORRECT[name]:
        assert CHECKS[name][0](fn), name


# -- wide_layer, invariance, split_growth: wrong variants and their hints --------------------------

def _P(n):
    return np.eye(n) - 1 / n


def _kernel(C, cos_map=theory.relu_cosine):
    s = np.sqrt(np.diag(C))
    return np.outer(s, s) * cos_map(np.clip(C / np.outer(s, s), -1, 1))


WIDE_WRONG = {
    "no recentering": (lambda G, rc=None: _kernel(G), r"you skipped recentering"),
    "identity in P": (lambda G, relu_cosine=theory.relu_cosine: _kernel(
        (np.eye(len(G)) - np.eye(len(G)) / len(G)) @ G @ (np.eye(len(G)) - np.eye(len(G)) / len(G)),
        relu_cosine), r"your P does not recenter: the rows of P @ G @ P should sum to 0. P = I − "
                      r"11ᵀ/n uses the all-ones matrix \(np.ones\(\(n, n\)\) / n\), not the identity"),
    "one side": (lambda G, rc=None: _kernel(G - G.mean(axis=1, keepdims=True)),
                 r"recenter both sides: P @ G @ P"),
    "cosines only": (lambda G, rc=None: metrics.cosines(_kernel(_P(len(G)) @ G @ _P(len(G)))),
                     r"you returned the cosines after the layer"),
    "relu of entries": (lambda G, rc=None: np.maximum(_P(len(G)) @ G @ _P(len(G)), 0),
                        r"a ReLU of the Gram entries"),
    "entries as cosines": (lambda G, rc=None: theory.relu_cosine(
        np.clip(_P(len(G)) @ G @ _P(len(G)), -1, 1)),
        r"relu_cosine takes cosines|a ReLU of the Gram entries"),
    "negative": (lambda G, rc=None: -wide_layer(G), r"negative trace"),
    "ignores its argument": (lambda G, relu_cosine=None: wide_layer(G),
                             r"ignores its relu_cosine argument"),
    "wrong shape": (lambda G, rc=None: np.diag(wide_layer(G)), r"should have shape \(4, 4\)"),
    "nan": (lambda G, rc=None: _kernel(_P(len(G)) @ G @ _P(len(G)), lambda c: c * np.nan),
            r"nan or inf"),
    "matmul": (lambda G, rc=None: np.ones((len(G), 2)) @ G, r"matrix product.*inner sizes"),
}


@pytest.mark.parametrize("variant", WIDE_WRONG)
def test_wide_layer_rejects_with_hint(variant):
    wrong, hint = WIDE_WRONG[variant]
    with pytest.raises(AssertionError, match=hint):
        exercises.check_wide_layer(wrong)


def _cos(X):
    return metrics.cosines(X.T @ X)


INVARIANCE_WRONG = {
    "always 0": (lambda X, layer: 0.0, r"A function that always returns 0 cannot tell"),
    "Gram matrices": (lambda X, layer: np.max(np.abs(layer(X).T @ layer(X) - X.T @ X)),
                      r"you compared the Gram matrices; compare the cosines"),
    "mean": (lambda X, layer: np.mean(np.abs(_cos(layer(X)) - _cos(X))),
             r"the LARGEST change \(np.max\), not the mean"),
    "Frobenius": (lambda X, layer: np.linalg.norm(_cos(layer(X)) - _cos(X)),
                  r"not the Frobenius norm"),
    "no abs": (lambda X, layer: np.max(_cos(X) - _cos(layer(X))),
               r"take the absolute value before the maximum"),
    "rows": (lambda X, layer: np.max(np.abs(metrics.cosines(layer(X) @ layer(X).T)
                                            - metrics.cosines(X @ X.T))),
             r"did you take the cosines of the rows \(X @ X.T, the neurons"),
    "bool": (lambda X, layer: np.allclose(_cos(layer(X)), _cos(X)), r"you returned (True|False)"),
    "cosines of the batch": (lambda X, layer: np.max(np.abs(metrics.cosines(layer(X)) - _cos(X))),
                             r"got shape \(8, 6\).*you passed a batch, not its Gram matrix, to "
                             r"bn.metrics.cosines"),
    "layer of X.T": (lambda X, layer: np.max(np.abs(_cos(layer(X.T).T) - _cos(X))),
                     r"call layer\(X\), not layer\(X.T\)"),
    "matrix": (lambda X, layer: _cos(layer(X)) - _cos(X), r"return one number"),
}


@pytest.mark.parametrize("variant", INVARIANCE_WRONG)
def test_invariance_rejects_with_hint(variant):
    wrong, hint = INVARIANCE_WRONG[variant]
    with pytest.raises(AssertionError, match=hint):
        exercises.check_invariance(wrong)


def _growth(G0, m, members=None, f=metrics.cluster_spread):
    members = np.arange(len(G0) - m) if members is None else members
    return f(meanfield.step(G0), members) / f(G0, members)


SPLIT_WRONG = {
    "closed form": (lambda G0, m: theory.two_cluster_factor(len(G0), m),
                    r"that is the closed form n²/\(m² \+ \(n − m\)²\)"),
    "inverted": (lambda G0, m: 1 / _growth(G0, m), r"you divided before by after"),
    "small group": (lambda G0, m: _growth(G0, m, np.arange(len(G0) - m, len(G0))) if m > 1
                    else _growth(G0, m), r"you measured the small group"),
    "default members": (lambda G0, m: metrics.cluster_spread(meanfield.step(G0))
                        / metrics.cluster_spread(G0), r"without members takes every sample"),
    "last samples": (lambda G0, m: _growth(G0, m, np.arange(m, len(G0))),
                     r"for n = 16, m = 1 .*you measured the last n − m samples \(np.arange\(m, "
                     r"n\)\); the big group is the first n − m samples"),
    "first m samples": (lambda G0, m: _growth(G0, m, np.arange(m)) if m == 1 else _growth(G0, m),
                        r"m = 1 raised ValueError: The 'members' parameter.* Likely "
                        r"cause: the big group has n − m samples, the first n − m"),
    "first m samples, m >= 2": (lambda G0, m: _growth(G0, m, np.arange(max(m, 2))),
                                r"for n = 16, m = 4 .*you measured the first m samples"),
    "mixed groups": (lambda G0, m: _growth(G0, m, np.r_[0:len(G0) - m - 1, len(G0) - 1]),
                     r"a spread that mixes the two groups.*the small group, the last m, is not"),
    "whole batch": (lambda G0, m: _growth(G0, m, np.arange(len(G0))),
                    r"the spread of the whole batch"),
    "Gram entries": (lambda G0, m: _growth(G0, m, f=lambda G, ms: np.mean(
        1 - G[np.ix_(ms, ms)][np.triu_indices(len(ms), 1)])), r"over the Gram entries"),
    "angle": (lambda G0, m: np.sqrt(_growth(G0, m)), r"that is the growth of the angle"),
    "off by one": (lambda G0, m: _growth(G0, m, np.arange(len(G0) - m - 1)), r"off by one"),
    "array": (lambda G0, m: np.array([_growth(G0, m)] * 2), r"return one number"),
}


@pytest.mark.parametrize("variant", SPLIT_WRONG)
def test_split_growth_rejects_with_hint(variant):
    wrong, hint = SPLIT_WRONG[variant]
    with pytest.raises(AssertionError, match=hint):
        exercises.check_split_growth(wrong)


@pytest.mark.parametrize("name", CHECKS)
def test_at_least_four_pinned_hints_per_checker(name):
    tables = {"rescale": RESCALE_WRONG, "orthogonality_gap": GAP_WRONG,
              "recenter": RECENTER_WRONG, "commutation_gap": COMMUTATION_WRONG,
              "relu_cosine": RELU_COSINE_WRONG, "kappa": KAPPA_WRONG,
              "find_outlier": OUTLIER_WRONG, "measure_alpha": ALPHA_WRONG,
              "tree_gram": TREE_WRONG, "wide_layer": WIDE_WRONG,
              "invariance": INVARIANCE_WRONG, "split_growth": SPLIT_WRONG}
    generic = ("returned None", "return a numpy array", "return one number", "something else")
    specific = [k for k, (_, hint) in tables[name].items() if not any(g in hint or g in k
                                                                      for g in generic)]
    assert len(specific) >= 4, (name, specific)


# -- progress: kept in a learner's workspace, never elsewhere -------------------------------------

def test_progress_survives_a_restart_in_a_workspace(tmp_path, monkeypatch, capsys):
    from bnteach import workspace
    from bnteach.exercises import progress
    assert progress.WORKSPACE_MANIFEST == workspace.MANIFEST
    (tmp_path / workspace.MANIFEST).write_text("{}", encoding="utf-8")
    (tmp_path / "solutions").mkdir()
    monkeypatch.chdir(tmp_path / "solutions")           # a kernel in a sub-folder finds it too
    exercises.check_rescale(rescale)
    exercises.check_kappa(_stub("kappa"))
    assert (tmp_path / progress.PROGRESS_FILE).is_file()
    exercises.reset_status()                             # a fresh kernel
    lines = _summary(capsys)
    assert lines[0] == "Exercises: 1 of 2 passed"
    assert any(line.split()[0] == "1.1" and line.endswith("passed (earlier session)")
               for line in lines)
    assert any(line.split()[0] == "3.2" and line.endswith("pending (earlier session)")
               for line in lines)
    exercises.check_kappa(kappa)                          # this session's result replaces it
    lines = _summary(capsys)
    assert lines[0] == "Exercises: 2 of 2 passed"
    assert any(line.split()[0] == "3.2" and line.endswith("passed") for line in lines)


def test_progress_is_never_written_outside_a_workspace(tmp_path, monkeypatch, capsys):
    from bnteach.exercises import progress
    monkeypatch.chdir(tmp_path)
    exercises.check_rescale(rescale)
    assert list(tmp_path.iterdir()) == []
    assert progress.workspace_root() is None and progress.load() == {}
    repo = Path(__file__).resolve().parents[1]
    assert progress.workspace_root(repo / "lessons") is None
    assert not (repo / "lessons" / progress.PROGRESS_FILE).exists()
    assert not (repo / progress.PROGRESS_FILE).exists()


def test_a_broken_progress_file_is_ignored(tmp_path, monkeypatch, capsys):
    from bnteach import workspace
    from bnteach.exercises import progress
    (tmp_path / workspace.MANIFEST).write_text("{}", encoding="utf-8")
    (tmp_path / progress.PROGRESS_FILE).write_text("not json", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _summary(capsys) == ["No exercises checked yet in this session."]
    assert exercises.check_rescale(rescale)
    assert progress.load()["rescale"]["state"] == "passed"


# -- half-filled scaffolds: pending, naming what is still `...` ---------------------------------

def _wide_layer_half(G, relu_cosine=theory.relu_cosine):
    n = len(G)
    P = np.eye(n) - np.ones((n, n)) / n           # noqa: F841 (filled, C not yet)
    C = ...
    norms = np.sqrt(np.diag(C))
    cos = np.clip(C / np.outer(norms, norms), -1.0, 1.0)
    return np.outer(norms, norms) * relu_cosine(cos)


def _split_growth_half(G0, m):
    big = ...
    G1 = meanfield.step(G0)
    return metrics.cluster_spread(G1, big) / metrics.cluster_spread(G0, big)


def _find_outlier_returns_unfilled(G):
    index = int(np.argmax(np.diag(G)))
    ratio = ...
    return index, ratio


@pytest.mark.parametrize("check, fn, names", [
    (exercises.check_wide_layer, _wide_layer_half, "`C` is still `...`: fill it in"),
    (exercises.check_split_growth, _split_growth_half, "`big` is still `...`: fill it in"),
    (exercises.check_find_outlier, _find_outlier_returns_unfilled, "`ratio` is still `...`"),
])
def test_a_half_filled_scaffold_is_pending_and_names_the_gaps(check, fn, names, capsys):
    assert check(fn) == False                                        # noqa: E712
    out = capsys.readouterr().out
    assert "is pending" in out and names in out and "ValueError" not in out
    assert list(exercises.status().values()) == ["pending"]


def test_several_gaps_are_named_together():
    from bnteach.exercises.scaffold import Unfilled
    assert str(Unfilled(["P", "C", "norms"])) == (
        "`P`, `C` and `norms` are still `...`: fill them in")
