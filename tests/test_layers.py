"""Closed forms of the per-component maps in ``bnteach.layers``."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import TOL
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bnteach import layers

SHAPES = [(1, 2), (5, 2), (3, 7), (16, 4), (64, 16)]  # (d, n)
NONLINEARITIES = ("relu", "tanh", "linear")
# Every valid `components`: any subset of {rc, rs} plus at most one non-linearity.
ALL_COMPONENTS = [norm + nl for norm in [(), ("rc",), ("rs",), ("rc", "rs")]
                  for nl in [(), ("relu",), ("tanh",), ("linear",)]]


def _layer_by_hand(X, W, components):
    """The oracle: W @ X, then rc, rs, non-linearity in this fixed order, written out."""
    Z = W @ X
    if "rc" in components:
        Z = Z - Z.mean(axis=1, keepdims=True)
    if "rs" in components:
        Z = Z / np.sqrt(np.mean(Z ** 2, axis=1, keepdims=True))
    if "relu" in components:
        Z = np.maximum(Z, 0.0)
    if "tanh" in components:
        Z = np.tanh(Z)
    return Z


# -- centering matrix ---------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 8, 33])
def test_centering_matrix_is_a_symmetric_projection_killing_ones(n):
    P = layers.centering_matrix(n)
    assert P.shape == (n, n)
    np.testing.assert_allclose(P @ P, P, atol=TOL["exact"])
    np.testing.assert_array_equal(P, P.T)
    np.testing.assert_allclose(P @ np.ones(n), 0.0, atol=TOL["exact"])
    np.testing.assert_allclose(np.trace(P), n - 1, atol=TOL["exact"])  # rank n - 1


@pytest.mark.parametrize("d, n", SHAPES)
def test_recenter_is_right_multiplication_by_P(rng, d, n):
    Z = rng.standard_normal((d, n))
    np.testing.assert_allclose(layers.recenter(Z), Z @ layers.centering_matrix(n),
                               atol=TOL["exact"])


# -- recenter, rescale, relu ----------------------------------------------------------------

@pytest.mark.parametrize("d, n", SHAPES)
def test_centered_gram_is_the_gram_of_the_recentered_batch(rng, d, n):
    """P G P, written once: the Gram matrix of recenter(X), and P @ G @ P by the oracle."""
    X = rng.standard_normal((d, n)) + rng.standard_normal((d, 1))
    G = X.T @ X
    P = layers.centering_matrix(n)
    Xc = layers.recenter(X)
    np.testing.assert_allclose(layers.centered_gram(G), Xc.T @ Xc, atol=TOL["exact"] * n * d)
    np.testing.assert_allclose(layers.centered_gram(G), P @ G @ P, atol=TOL["exact"] * n * d)
    assert layers.centered_gram(G) is not G
    np.testing.assert_array_equal(G, X.T @ X)                   # the input is untouched


@pytest.mark.parametrize("G, message", [
    (np.ones((2, 3)), r"G must be a square matrix of shape \(n, n\), e\.g\. a Gram matrix "
                      r"X\.T @ X; got shape \(2, 3\)\."),
    (np.ones(3), r"G must be a square matrix .*got shape \(3,\)\."),
    (np.array([[1.0, np.nan], [np.nan, 1.0]]), r"G must be finite; entry \(0, 1\) is nan"),
    (np.full((2, 2), 1.7e308) * np.array([[1, 1], [1, 0]]),
     r"centering G overflows float64.*Divide G by a constant first"),
])
def test_centered_gram_refuses_with_the_fix(G, message):
    with pytest.raises(ValueError, match=message):
        layers.centered_gram(G)


@pytest.mark.parametrize("d, n", SHAPES)
def test_recenter_gives_zero_row_means(rng, d, n):
    Z = rng.standard_normal((d, n)) + 3.0
    np.testing.assert_allclose(layers.recenter(Z).mean(axis=1), 0.0, atol=TOL["exact"])


@pytest.mark.parametrize("d, n", SHAPES)
def test_rescale_gives_unit_row_mean_square(rng, d, n):
    Z = rng.standard_normal((d, n)) * rng.uniform(0.1, 10.0, size=(d, 1)) + 1.0
    np.testing.assert_allclose(np.mean(layers.rescale(Z) ** 2, axis=1), 1.0, atol=TOL["exact"])


@pytest.mark.parametrize("d, n", SHAPES)
def test_recenter_then_rescale_gives_zero_mean_unit_variance(rng, d, n):
    Z = rng.standard_normal((d, n)) * 4.0 - 2.0
    out = layers.rescale(layers.recenter(Z))
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=TOL["exact"])
    np.testing.assert_allclose(out.var(axis=1), 1.0, atol=TOL["exact"])


@pytest.mark.parametrize("eps", [0.0, 1e-5, 0.5, 3.0])
def test_rescale_with_eps_matches_the_formula_row_by_row(rng, eps):
    Z = rng.standard_normal((6, 5)) * 0.3
    expected = np.empty_like(Z)
    for k, row in enumerate(Z):  # naive loop: divide each row by sqrt(mean(z**2) + eps)
        expected[k] = row / np.sqrt(sum(z * z for z in row) / len(row) + eps)
    np.testing.assert_allclose(layers.rescale(Z, eps), expected, atol=TOL["exact"])


def test_rescale_eps_changes_the_result(rng):
    """The eps argument is used: a small row's scale is visibly damped by it."""
    Z = 1e-2 * rng.standard_normal((3, 4))
    assert not np.allclose(layers.rescale(Z, 1e-3), layers.rescale(Z))


def test_rescale_with_eps_keeps_a_zero_row_zero(rng):
    Z = rng.standard_normal((3, 4))
    Z[1] = 0.0
    out = layers.rescale(Z, eps=1e-5)
    np.testing.assert_array_equal(out[1], 0.0)
    assert np.all(np.isfinite(out))


@pytest.mark.parametrize("d, n", SHAPES)
def test_relu_is_the_elementwise_maximum_with_zero(rng, d, n):
    Z = rng.standard_normal((d, n))
    expected = np.array([[z if z > 0 else 0.0 for z in row] for row in Z])
    np.testing.assert_array_equal(layers.relu(Z), expected)


def test_relu_keeps_integers_as_floats():
    out = layers.relu([[1, -2], [-3, 4]])
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1.0, 0.0], [0.0, 4.0]])


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=2, max_side=9),
                  elements=st.floats(-1e3, 1e3)))
def test_recenter_rescale_properties_on_arbitrary_batches(Z):
    centered = layers.recenter(Z)
    scale = np.abs(Z).max() + 1.0
    np.testing.assert_allclose(centered.mean(axis=1), 0.0, atol=TOL["exact"] * scale)
    # RS is defined where no row is constant (after RC); check those batches
    spread = centered.std(axis=1)
    if np.all(spread > 1e-6 * scale):
        out = layers.rescale(centered)
        np.testing.assert_allclose(np.mean(out ** 2, axis=1), 1.0, atol=TOL["exact"])


# -- bn_layer -------------------------------------------------------------------------------

@pytest.mark.parametrize("components", ALL_COMPONENTS, ids=lambda c: "+".join(c) or "none")
@pytest.mark.parametrize("d_in, d, n", [(5, 7, 3), (16, 16, 8), (3, 32, 2)])
def test_bn_layer_is_the_composition_in_fixed_order(rng, components, d_in, d, n):
    X = rng.standard_normal((d_in, n))
    W = rng.standard_normal((d, d_in)) / np.sqrt(d_in)
    expected = _layer_by_hand(X, W, components)
    for order in itertools.permutations(components):
        np.testing.assert_allclose(layers.bn_layer(X, W, order), expected, atol=TOL["exact"])


def test_bn_layer_default_is_rc_relu(rng):
    X, W = rng.standard_normal((4, 5)), rng.standard_normal((6, 4))
    np.testing.assert_array_equal(layers.bn_layer(X, W), layers.bn_layer(X, W, ("relu", "rc")))


def test_bn_layer_takes_a_single_component_name(rng):
    X, W = rng.standard_normal((4, 5)), rng.standard_normal((6, 4))
    np.testing.assert_array_equal(layers.bn_layer(X, W, "relu"), np.maximum(W @ X, 0.0))
    np.testing.assert_allclose(layers.bn_layer(X, W, "rc"), layers.recenter(W @ X),
                               atol=TOL["exact"])


def test_bn_layer_rc_rs_relu_matches_the_public_maps(rng):
    X, W = rng.standard_normal((8, 6)), rng.standard_normal((10, 8))
    expected = layers.relu(layers.rescale(layers.recenter(W @ X)))
    np.testing.assert_allclose(layers.bn_layer(X, W, ("rs", "relu", "rc")), expected,
                               atol=TOL["exact"])


@pytest.mark.parametrize("width", [20, 64, 1000])
def test_bn_layer_rc_relu_makes_two_samples_exactly_orthogonal(rng, width):
    """n = 2: the centered points are antipodal, so ReLU gives disjoint supports (R3)."""
    for _ in range(20):
        X = rng.standard_normal((7, 2)) * rng.uniform(0.1, 10, size=2)
        W = rng.standard_normal((width, 7))
        out = layers.bn_layer(X, W, ("rc", "relu"))
        norms = np.linalg.norm(out, axis=0)
        assert np.all(norms > 0)
        assert abs(out[:, 0] @ out[:, 1]) / (norms[0] * norms[1]) <= TOL["machine"]


# -- purity ---------------------------------------------------------------------------------

@pytest.mark.parametrize("func", [layers.recenter, layers.rescale, layers.relu,
                                  lambda Z: layers.rescale(Z, eps=0.1)],
                         ids=["recenter", "rescale", "relu", "rescale_eps"])
def test_component_maps_do_not_modify_their_input(rng, func):
    Z = rng.standard_normal((6, 5))
    before = Z.copy()
    out = func(Z)
    np.testing.assert_array_equal(Z, before)
    assert not np.shares_memory(out, Z)


@pytest.mark.parametrize("components", ALL_COMPONENTS, ids=lambda c: "+".join(c) or "none")
def test_bn_layer_does_not_modify_X_or_W(rng, components):
    X, W = rng.standard_normal((5, 4)), rng.standard_normal((6, 5))
    X_before, W_before = X.copy(), W.copy()
    out = layers.bn_layer(X, W, components)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(W, W_before)
    assert not np.shares_memory(out, X) and not np.shares_memory(out, W)


def test_maps_accept_lists_and_leave_them_alone():
    Z = [[1.0, 2.0, 3.0], [0.0, -1.0, 4.0]]
    before = [row[:] for row in Z]
    np.testing.assert_allclose(layers.recenter(Z), [[-1, 0, 1], [-1, -2, 3]], atol=TOL["exact"])
    assert Z == before


# --- the package's inner kernels: short rows summed column by column ---------------------------

def _wide_range(shape, seed):
    """Entries of both signs over about twelve orders of magnitude: sums whose rounding
    depends on the order of the terms."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape) * np.exp(6 * rng.standard_normal(shape))


@pytest.mark.parametrize("n", range(1, 10))
@pytest.mark.parametrize("lead", [(3,), (700,), (20, 64)])    # below and above the column path
def test_row_sum_is_numpys_reduction_bit_for_bit(n, lead):
    from bnteach import _kernels
    A = _wide_range(lead + (n,), seed=n)
    A[0] = -0.0                                          # a row of negative zeros sums to +0.0
    for a in (A, A[..., ::-1], A[..., np.r_[0:n, 0]]):   # C order, reversed, fancy-indexed copies
        got, want = _kernels.row_sum(a), np.add.reduce(a, axis=-1, keepdims=True)
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))
        np.testing.assert_array_equal(_kernels.row_sum(a, square=True),
                                      np.add.reduce(a * a, axis=-1, keepdims=True))


@pytest.mark.parametrize("n", [2, 3, 4, 7, 8, 16])
def test_kernels_recenter_and_rescale_match_the_broadcast_formulas_and_keep_the_layout(n):
    """The column-by-column path gives the numbers, and the memory layout, of the one-line
    formulas: the layout decides the order of later sums, so it must not change either."""
    from bnteach import _kernels
    A = _wide_range((20, 64, n), seed=n)
    for a in (A, A[:, :, np.r_[0:n, 0]]):                 # fancy indexing: not C-contiguous
        mean = np.add.reduce(a, axis=-1, keepdims=True) / a.shape[-1]
        rms = np.sqrt(np.add.reduce(a * a, axis=-1, keepdims=True) / a.shape[-1])
        for got, want in ((_kernels.recenter(a), a - mean), (_kernels.rescale(a), a / rms)):
            np.testing.assert_array_equal(got, want)
            assert got.strides == want.strides


@pytest.mark.parametrize("components", [c for c in ALL_COMPONENTS if c])
def test_kernels_on_samples_as_rows_agree_with_the_columns_path(components):
    """simulate's loop keeps Zᵀ (runs, n, d) and overwrites it: the same map, to rounding."""
    from bnteach import _kernels, _validation
    components = _validation.check_components(components)
    Z = np.random.default_rng(7).standard_normal((3, 40, 5))
    Z[1, 3] = 0.0                                    # a dead neuron in run 1
    want = _kernels.apply_components(Z, components)
    Y = np.ascontiguousarray(np.swapaxes(Z, 1, 2))
    got = np.swapaxes(_kernels.apply_components_rows(Y, components), 1, 2)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)
    assert np.isfinite(got).all()
