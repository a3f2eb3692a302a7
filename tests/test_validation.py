"""Every kind of bad input gets the right exception and a pinned, helpful message."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import TOL

from bnteach import _validation, batches, layers, meanfield, metrics, simulate, theory

X_OK = np.arange(12.0).reshape(4, 3) ** 1.5          # (d, n) = (4, 3), distinct columns
G_OK = X_OK.T @ X_OK
MANY_ALLOWED = re.escape("any subset of {'rc', 'rs'} plus at most one non-linearity from "
                         "{'relu', 'tanh', 'linear'}, e.g. ('rc', 'relu')")


def _with(value, *index):
    X = X_OK.copy()
    X[index] = value
    return X


# (id, call, exception type, message pattern)
CASES = [
    # -- shapes ---------------------------------------------------------------------------
    ("1-D batch", lambda: layers.recenter(np.ones(5)), ValueError,
     r"Z must be a 2-D array of shape \(d, n\) = \(width, batch\), samples as columns; got "
     r"1-D shape \(5,\)\. Reshape a single sample with x\[:, None\]"),
    ("3-D batch", lambda: simulate.run(np.ones((2, 3, 4)), 1), ValueError,
     r"X0 must be a 2-D array .* got 3-D shape \(2, 3, 4\)\. Pass one layer's representation "
     r"at a time\."),
    ("one sample", lambda: metrics.gram(np.ones((5, 1))), ValueError,
     r"X must hold a batch of n >= 2 samples as columns; got shape \(5, 1\)\. Batch statistics "
     r"need at least two samples \(pass X\.T if your samples are rows\)\."),
    ("one sample, width 1", lambda: layers.relu(np.ones((1, 1))), ValueError,
     r"Z must hold a batch of n >= 2 samples as columns; got shape \(1, 1\)\. Batch statistics "
     r"need at least two samples\.$"),
    ("zero width", lambda: layers.rescale(np.ones((0, 3))), ValueError,
     r"Z must have width d >= 1; got shape \(0, 3\)\."),
    ("1-D gram", lambda: metrics.cosines(np.ones(4)), ValueError,
     r"G must be a square Gram matrix of shape \(n, n\); got shape \(4,\)\. Build one from a "
     r"representation X of shape \(d, n\) with bnteach\.metrics\.gram\(X\)\."),
    ("non-square gram", lambda: metrics.soft_rank(np.ones((3, 4))), ValueError,
     r"G must be a square Gram matrix of shape \(n, n\); got shape \(3, 4\)"),
    ("1x1 gram", lambda: meanfield.step(np.ones((1, 1))), ValueError,
     r"G must describe a batch of n >= 2 samples; got shape \(1, 1\)\."),
    ("non-symmetric gram", lambda: metrics.numerical_rank(np.array([[1.0, 0.5], [0.2, 1.0]])),
     ValueError, r"G must be symmetric; max \|G - G\.T\| is 0\.3 \(max \|G\| is 1\)\. "
                 r"Symmetrize with \(G \+ G\.T\) / 2 if this is rounding error\."),
    ("negative diagonal", lambda: metrics.orthogonality_gap(np.diag([1.0, -2.0])), ValueError,
     r"G must have a non-negative diagonal \(squared norms\); got min diagonal -2\. "
     r"Is it a Gram matrix X\.T @ X\?"),
    ("grams not 3-D", lambda: metrics.per_layer(metrics.soft_rank, G_OK), ValueError,
     r"grams must have shape \(depth \+ 1, n, n\), a Gram matrix per layer; got shape \(3, 3\)\."),
    ("describe an array", lambda: metrics.describe(G_OK), TypeError,
     r"describe needs a Trajectory, what bnteach\.simulate\.run or bnteach\.meanfield\.run "
     r"returns, as traj; got an array of shape \(3, 3\) and dtype float64\. Pass the "
     r"Trajectory itself \(describe\(traj\), not describe\(traj\.grams\)\)\."),
    # -- entries and dtypes ---------------------------------------------------------------
    ("NaN entry", lambda: layers.recenter(_with(np.nan, 2, 1)), ValueError,
     r"Z must be finite; entry \(2, 1\) is nan\. Remove or replace NaN and inf values\."),
    ("inf entry", lambda: simulate.run(_with(np.inf, 0, 2), 1), ValueError,
     r"X0 must be finite; entry \(0, 2\) is inf\."),
    ("-inf in a gram", lambda: metrics.cosines(np.array([[1.0, -np.inf], [-np.inf, 1.0]])),
     ValueError, r"G must be finite; entry \(0, 1\) is -inf\."),
    ("complex dtype", lambda: layers.relu(X_OK + 1j), TypeError,
     r"Z must hold real numbers \(int or float\); got dtype complex128\. Convert it first, e\.g\. "
     r"Z\.astype\(float\), or take the real part\."),
    ("bool dtype", lambda: metrics.gram(X_OK > 3), TypeError,
     r"X must hold real numbers \(int or float\); got dtype bool\."),
    ("object dtype", lambda: metrics.active_counts(np.array([[1, None], [2, 3]], dtype=object)),
     TypeError, r"Z must hold real numbers \(int or float\); got dtype object\."),
    ("string batch", lambda: layers.recenter("abc"), TypeError,
     r"Z must be an array of real numbers; got 'abc'\."),
    ("None batch", lambda: simulate.run(None, 1), TypeError,
     r"X0 must be an array of real numbers; got None\."),
    ("ragged batch", lambda: metrics.gram([[1.0, 2.0], [3.0]]), TypeError,
     r"X must be an array of real numbers; it could not be converted to one"),
    ("complex relu_cosine", lambda: theory.relu_cosine(0.5j), TypeError,
     r"c must hold real numbers"),
    # -- a zero column where a direction is needed ---------------------------------------
    ("zero column: cosines", lambda: metrics.cosines(metrics.gram(_with(0.0, slice(None), 1))),
     ValueError, r"sample\(s\) \[1\] of G have zero norm, so their angles are undefined\. Drop "
                 r"those columns, or add a little noise\."),
    ("zero columns: outlier_stats", lambda: metrics.outlier_stats(np.diag([0.0, 1.0, 0.0])),
     ValueError, r"sample\(s\) \[0, 2\] of G have zero norm"),
    ("zero batch: run", lambda: simulate.run(np.zeros((3, 4)), 1), ValueError,
     r"X0 is all zeros: the batch has no direction to follow\."),
    ("zero gram: meanfield", lambda: meanfield.run(np.zeros((3, 3)), 1), ValueError,
     r"G0 is all zeros: the batch has no direction to follow\."),
    ("zero gram: soft_rank", lambda: metrics.soft_rank(np.zeros((2, 2))), ValueError,
     r"soft_rank: G is all zeros, so the batch spans nothing; its rank is 0\."),
    ("zero gram: orthogonality_gap", lambda: metrics.orthogonality_gap(np.zeros((2, 2))),
     ValueError, r"orthogonality_gap: G is all zeros \(trace 0\), so G/tr\(G\) is undefined\."),
    # -- integers -------------------------------------------------------------------------
    ("depth < 0", lambda: simulate.run(X_OK, -1), ValueError,
     r"The 'depth' parameter must be an int in the range \[0, inf\); got -1\."),
    ("depth float", lambda: simulate.run(X_OK, 2.0), TypeError,
     r"The 'depth' parameter must be an int in the range \[0, inf\); got 2\.0\."),
    ("depth bool", lambda: meanfield.run(G_OK, True), TypeError,
     r"The 'depth' parameter must be an int in the range \[0, inf\); got True\."),
    ("depth string", lambda: simulate.run(X_OK, "3"), TypeError,
     r"The 'depth' parameter must be an int in the range \[0, inf\); got '3'\."),
    ("width 0", lambda: simulate.run(X_OK, 1, width=0), ValueError,
     r"The 'width' parameter must be an int in the range \[1, inf\); got 0\."),
    ("rank too large", lambda: batches.gaussian(d=4, n=3, rank=4), ValueError,
     r"The 'rank' parameter must be an int in the range \[1, 3\]; got 4\."),
    ("batch size 1", lambda: batches.gaussian(d=4, n=1), ValueError,
     r"The 'n' parameter must be an int in the range \[2, inf\); got 1\."),
    ("theory n float", lambda: theory.kappa(8.0), TypeError,
     r"The 'n' parameter must be an int >= 2 \(a batch size\) or an array of them; got 8\.0\."),
    ("theory n too small", lambda: theory.alpha(1), ValueError,
     r"The 'n' parameter must be an int in the range \[2, inf\); got 1\."),
    ("theory array too small", lambda: theory.kappa(np.array([1, 4])), ValueError,
     r"The 'n' parameter must be >= 2; got min 1\."),
    ("theory float array", lambda: theory.alpha(np.array([2.0, 3.0])), TypeError,
     r"The 'n' parameter must be an int >= 2 \(a batch size\) or an array of them"),
    ("two clusters m", lambda: theory.two_cluster_factor(8, 8), ValueError,
     r"The 'm' parameter must be an int in the range \[1, 7\]; got 8\."),
    ("outlier index", lambda: theory.invariant_gram(4, outlier=4), ValueError,
     r"The 'outlier' parameter must be an int in the range \[0, 3\]; got 4\."),
    # -- components -----------------------------------------------------------------------
    ("unknown component", lambda: simulate.run(X_OK, 1, components=("rc", "bn")), ValueError,
     r"Unknown component\(s\) \['bn'\] in 'components'\. Allowed: " + MANY_ALLOWED +
     r"; got \('rc', 'bn'\)\."),
    ("unknown single component", lambda: layers.bn_layer(X_OK, np.eye(4), "ReLU"), ValueError,
     r"Unknown component\(s\) \['ReLU'\] in 'components'"),
    ("duplicate component", lambda: meanfield.step(G_OK, ("rc", "relu", "rc")), ValueError,
     r"The 'components' parameter lists a component twice; allowed: " + MANY_ALLOWED +
     r"; got \('rc', 'relu', 'rc'\)\."),
    ("two non-linearities", lambda: layers.bn_layer(X_OK, np.eye(4), ("relu", "tanh")),
     ValueError, r"The 'components' parameter names two non-linearities \['relu', 'tanh'\]; "
                 r"allowed: " + MANY_ALLOWED + r"\."),
    ("components not iterable", lambda: simulate.run(X_OK, 1, components=3), TypeError,
     r"The 'components' parameter must be " + MANY_ALLOWED + r"; got 3\."),
    ("components not strings", lambda: simulate.run(X_OK, 1, components=("rc", 1)), TypeError,
     r"The 'components' parameter must contain strings: " + MANY_ALLOWED),
    ("meanfield rs", lambda: meanfield.step(G_OK, ("rc", "rs", "relu")), ValueError,
     r"meanfield has no closed form for rescaling \(RS\): it divides each neuron by a random "
     r"batch statistic\. Got components=\('rc', 'rs', 'relu'\)\. Simulate a finite width "
     r"instead with bnteach\.simulate\.run\(X0, depth, components=\('rc', 'rs', 'relu'\)\)\."),
    # -- choices and reals ----------------------------------------------------------------
    ("unknown weight law", lambda: simulate.run(X_OK, 1, weights="normal"), ValueError,
     r"The 'weights' parameter must be one of \['gaussian', 'uniform'\]; got 'normal'\."),
    ("bad keep", lambda: simulate.run(X_OK, 1, keep="all"), ValueError,
     r"The 'keep' parameter must be one of \['gram', 'reps'\]; got 'all'\."),
    ("keep not a string", lambda: simulate.run(X_OK, 1, keep=None), ValueError,
     r"The 'keep' parameter must be one of \['gram', 'reps'\]; got None\."),
    ("weight_var 0", lambda: simulate.run(X_OK, 1, weight_var=0), ValueError,
     r"The 'weight_var' parameter must be a finite number > 0; got 0\.0\."),
    ("weight_var < 0", lambda: meanfield.step(G_OK, weight_var=-2.0), ValueError,
     r"The 'weight_var' parameter must be a finite number > 0; got -2\.0\."),
    ("weight_var inf", lambda: simulate.run(X_OK, 1, weight_var=np.inf), ValueError,
     r"The 'weight_var' parameter must be a finite number > 0; got inf\."),
    ("weight_var nan", lambda: meanfield.run(G_OK, 1, weight_var=float("nan")), ValueError,
     r"The 'weight_var' parameter must be a finite number > 0; got nan\."),
    ("weight_var string", lambda: simulate.run(X_OK, 1, weight_var="2"), TypeError,
     r"The 'weight_var' parameter must be a real number; got '2'\."),
    ("eps < 0", lambda: layers.rescale(X_OK, eps=-1e-5), ValueError,
     r"The 'eps' parameter must be a finite number >= 0; got -1e-05\."),
    ("rtol bool", lambda: metrics.numerical_rank(G_OK, rtol=True), TypeError,
     r"The 'rtol' parameter must be a real number; got True\."),
    ("metric not callable", lambda: metrics.per_layer("soft_rank", G_OK[None]), TypeError,
     r"The 'metric' parameter must be a function of a Gram matrix, such as "
     r"bnteach\.metrics\.soft_rank; got 'soft_rank'\."),
    # -- rng ------------------------------------------------------------------------------
    ("rng string", lambda: simulate.run(X_OK, 1, rng="0"), TypeError,
     r"The 'rng' parameter must be None, an int seed or a numpy\.random\.Generator \(e\.g\. "
     r"np\.random\.default_rng\(0\)\); got '0'\. The legacy np\.random\.RandomState and global "
     r"seeding are not used in this course\."),
    ("rng RandomState", lambda: batches.gaussian(d=3, n=2, rng=np.random.RandomState(0)),
     TypeError, r"The 'rng' parameter must be None, an int seed or a numpy\.random\.Generator "
                r".*; got RandomState\(MT19937\)"),
    ("rng float", lambda: simulate.run(X_OK, 1, rng=1.5), TypeError,
     r"The 'rng' parameter must be None, an int seed or a numpy\.random\.Generator"),
    ("rng bool", lambda: simulate.run(X_OK, 1, rng=True), TypeError,
     r"The 'rng' parameter must be None, an int seed or a numpy\.random\.Generator"),
    ("rng negative", lambda: simulate.run(X_OK, 1, rng=-1), ValueError,
     r"The 'rng' parameter must be None, a non-negative int seed or a "
     r"numpy\.random\.Generator; got -1\."),
    # -- work limits ----------------------------------------------------------------------
    ("work too large", lambda: simulate.run(X_OK, 10 ** 6, width=400), ValueError,
     r"run: depth × width × n = 1000000 × 400 × 3 is too much work to finish in a lesson "
     r"\(limit 1e\+09\)\. Use fewer layers, a smaller width, or the wide limit "
     r"bnteach\.meanfield\.run\."),
    ("uniform matrices too large", lambda: simulate.run(X_OK, 1, width=200_000,
                                                        weights="uniform"), ValueError,
     r"run: depth × width × n = 1 × 200000 × 3 is too much work"),
    ("reps too large", lambda: simulate.run(X_OK, 2000, width=8192, keep="reps"), ValueError,
     r"run: keep='reps' would store 375 MB \(depth × width × n = 2000 × 8192 × 3 floats; "
     r"limit 256 MB\)\. Use keep='gram', or fewer layers\."),
    # -- degenerate batches ---------------------------------------------------------------
    ("rescale zero row", lambda: layers.rescale(_with(0.0, 1, slice(None))), ValueError,
     r"rescale: row\(s\) \[1\] of Z are all zero, so their batch root-mean-square is 0 and "
     r"dividing by it is undefined\. Pass eps > 0 \(e\.g\. eps=1e-5, as in "
     r"torch\.nn\.BatchNorm1d\)\."),
    ("rescale many zero rows", lambda: layers.rescale(np.zeros((7, 2))), ValueError,
     r"rescale: row\(s\) \[0, 1, 2, 3, 4, '\.\.\.'\] of Z are all zero"),
    ("bn_layer W shape", lambda: layers.bn_layer(X_OK, np.ones((4, 3))), ValueError,
     r"W must have shape \(d, d_in\) with d_in = X\.shape\[0\] = 4 so that W @ X is defined; "
     r"got W of shape \(4, 3\)\. Did you mean W\.T\?"),
    ("bn_layer W 1-D", lambda: layers.bn_layer(X_OK, np.ones(4)), ValueError,
     r"W must have shape \(d, d_in\) with d_in = X\.shape\[0\] = 4 .* got W of shape \(4,\)"),
    ("bn_layer W NaN", lambda: layers.bn_layer(X_OK, np.full((2, 4), np.nan)), ValueError,
     r"W must be finite; entry \(0, 0\) is nan\."),
    ("bn_layer W complex", lambda: layers.bn_layer(X_OK, np.ones((2, 4)) * 1j), TypeError,
     r"W must hold real numbers"),
    ("bn_layer constant neuron", lambda: layers.bn_layer(X_OK, np.zeros((2, 4)),
                                                         ("rc", "rs", "relu")), ValueError,
     r"bn_layer: a neuron's pre-activations are constant over the batch, so rescaling divides "
     r"by zero\. This happens when W has a zero row or the batch's samples are identical; use "
     r"rescale\(Z, eps=\.\.\.\) by hand if you need an epsilon\."),
    ("identical columns with rc", lambda: simulate.run(np.ones((5, 4)) * [[1], [2], [3], [4],
                                                                         [5]], 2), ValueError,
     r"X0's columns are all identical, so recentering maps the batch to zero\. Give the samples "
     r"different directions or norms\."),
    ("identical samples in meanfield", lambda: meanfield.run(np.ones((3, 3)), 2), ValueError,
     r"G0 describes a batch of identical samples: recentering maps it to zero\."),
    ("from_gram d", lambda: batches.from_gram(G_OK, d=1), ValueError,
     r"The 'd' parameter \(the width\) must be at least the rank of G \(3\) to hold the "
     r"batch; got 1\. Pass d >= 3, or leave it out for d = n = 3\."),
    ("swapped sizes", lambda: batches.gaussian(8, 5), TypeError,
     r"takes 0 positional arguments but 2 were given"),
    ("cluster_outlier positional", lambda: batches.cluster_outlier(16, 40), TypeError,
     r"takes 0 positional arguments but 2 were given"),
]


@pytest.mark.parametrize("call, exc, pattern", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_a_pinned_message(call, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        call()
    assert type(info.value) is exc                      # not a subclass or a stray numpy error


def test_identical_columns_are_fine_without_rc():
    X0 = np.ones((5, 4))
    traj = simulate.run(X0, 2, components=("relu",), rng=0)
    np.testing.assert_allclose(metrics.cosines(traj.grams[-1]), 1.0, atol=TOL["exact"])


def test_a_layer_that_kills_the_batch_is_reported():
    # vanilla ReLU, one neuron: with probability 1/2 it is negative on a one-direction batch
    X0 = np.ones((3, 2)) * [1.0, 2.0]
    messages = set()
    for seed in range(20):
        try:
            simulate.run(X0, 1, width=1, components="relu", rng=seed)
        except ValueError as err:
            messages.add(str(err))
    assert messages == {"run: layer 1 mapped the whole batch to zero (every neuron was inactive "
                        "on every sample), so there is nothing to follow. Use a wider network "
                        "(width) or another seed (rng)."}


# -- the helpers themselves -----------------------------------------------------------------

def test_check_components_canonical_order():
    assert _validation.check_components(["relu", "rs", "rc"]) == ("rc", "rs", "relu")
    assert _validation.check_components("tanh") == ("tanh",)
    assert _validation.check_components(("rs",)) == ("rs", "linear")
    assert _validation.check_components(()) == ("linear",)
    assert _validation.check_components(iter(["rc"])) == ("rc", "linear")


def test_check_int_and_real_accept_numpy_scalars():
    assert _validation.check_int(np.int64(3), "k") == 3
    assert type(_validation.check_int(np.uint8(3), "k")) is int
    assert _validation.check_real(np.float32(0.5), "x") == 0.5
    assert _validation.check_real(0, "x") == 0.0
    with pytest.raises(ValueError, match=r"The 'x' parameter must be a finite number > 0; got 0"):
        _validation.check_real(0, "x", strict=True)


def test_as_float_array_converts_without_copying_floats():
    X = np.ones((2, 3))
    assert _validation.as_float_array(X, "X") is X
    out = _validation.as_float_array(np.ones((2, 3), dtype=np.int32), "X")
    assert out.dtype == np.float64


def test_as_generator_kinds():
    g = np.random.default_rng(0)
    assert _validation.as_generator(g) is g
    assert isinstance(_validation.as_generator(None), np.random.Generator)
    assert _validation.as_generator(5).random() == np.random.default_rng(5).random()


def test_long_values_are_shortened_in_messages():
    with pytest.raises(TypeError) as info:
        simulate.run(X_OK, 1, rng="x" * 200)
    assert "..." in str(info.value) and "x" * 100 not in str(info.value)


def test_arrays_are_described_by_shape_not_contents():
    with pytest.raises(TypeError, match=r"got an array of shape \(2, 2\) and dtype float64\.$"):
        _validation.check_int(np.ones((2, 2)), "depth")


def test_check_gram_symmetrizes_rounding():
    G = np.array([[2.0, 1.0], [1.0 + 1e-12, 2.0]])
    out = _validation.check_gram(G)
    np.testing.assert_array_equal(out, out.T)
