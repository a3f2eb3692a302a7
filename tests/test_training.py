"""Tests for bnteach.backprop, bnteach.training and bnteach.datasets (lesson 7): exact
gradients through the batch statistics (checked by finite differences, and a wrong
backward pass caught), validation messages, the history train() records, determinism."""

import numpy as np
import pytest

from bnteach import backprop, datasets, training

SUBSETS = [("relu",), ("rc", "relu"), ("rs", "relu"), ("rc", "rs", "relu")]


def _net(seed, d_in=4, width=6, k=3, n=8, depth=2):
    """A small network in float64 whose gradients sit well above finite-difference rounding."""
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal((width, d_in)) * np.sqrt(2 / d_in)]
    params += [rng.standard_normal((width, width)) * np.sqrt(2 / width) for _ in range(depth - 1)]
    params.append(rng.standard_normal((k, width)))
    return params, rng.standard_normal((d_in, n)), rng.integers(0, k, n)


@pytest.mark.parametrize("components", SUBSETS, ids="+".join)
@pytest.mark.parametrize("seed", [0, 1, 4])
def test_grad_check_passes_for_every_subset(components, seed):
    params, X, y = _net(seed)
    assert backprop.grad_check(params, X, y, components, rng=seed) < 1e-6


@pytest.mark.parametrize("components", SUBSETS, ids="+".join)
def test_grad_check_of_a_deeper_wider_network_checking_every_entry(components):
    # Every entry, tiny gradients included: there the finite difference's rounding
    # (about 1e-10 absolute) is what limits the relative error, which reaches 1e-6 for
    # some draws; this one stays below it for every subset.
    params, X, y = _net(2, d_in=5, width=7, k=4, n=10, depth=3)
    assert backprop.grad_check(params, X, y, components, rng=0, n_entries=10**6) < 1e-6


def _bn_backward_without_the_mean_term(Y, r, dY, comps):
    """The classic mistake: treat the batch mean (and RS's variance) as constants."""
    return dY / r if "rs" in comps else dY


@pytest.mark.parametrize("components", [("rc", "relu"), ("rs", "relu"), ("rc", "rs", "relu")],
                         ids="+".join)
def test_grad_check_catches_a_backward_pass_that_drops_the_statistics(components, monkeypatch):
    params, X, y = _net(0)
    monkeypatch.setattr(backprop, "_bn_backward", _bn_backward_without_the_mean_term)
    assert backprop.grad_check(params, X, y, components, rng=0) > 1e-2


def test_grad_check_catches_a_wrong_read_out_gradient(monkeypatch):
    params, X, y = _net(1)
    right = backprop.cross_entropy
    monkeypatch.setattr(backprop, "cross_entropy",
                        lambda logits, y: (right(logits, y)[0], 2 * right(logits, y)[1]))
    # both the loss (used by the differences) and its gradient go through the patch; the
    # gradient is doubled, so the analytic result is twice the finite difference
    assert backprop.grad_check(params, X, y, ("rc", "relu"), rng=0) > 0.3


def test_bn_backward_matches_finite_differences_and_the_layer():
    rng = np.random.default_rng(3)
    Z, dY = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    for comps in [("rc",), ("rs",), ("rc", "rs")]:
        dZ = backprop.bn_backward(Z, dY, comps)
        fd = np.zeros_like(Z)
        for idx in np.ndindex(Z.shape):
            E = np.zeros_like(Z)
            E[idx] = 1e-6
            f = [np.sum(dY * backprop.forward_pass([np.eye(3), np.eye(2, 3)], Z + s * E,
                                                   comps + ("relu",))[0][0][1])
                 for s in (1, -1)]
            fd[idx] = (f[0] - f[1]) / 2e-6
        np.testing.assert_allclose(dZ, fd, rtol=1e-6, atol=1e-8)


def test_bn_backward_closed_forms():
    rng = np.random.default_rng(0)
    Z, dY = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
    P = np.eye(6) - 1 / 6
    np.testing.assert_allclose(backprop.bn_backward(Z, dY, ("rc",)), dY @ P, atol=1e-14)
    dZ = backprop.bn_backward(Z, dY, ("rc", "rs"))
    np.testing.assert_allclose(dZ.sum(axis=1), 0, atol=1e-12)          # RC: rows sum to 0
    np.testing.assert_allclose((dZ * Z).sum(axis=1), 0, atol=1e-12)    # RS: scale invariance


def test_loss_and_grads_values():
    params, X, y = _net(2)
    loss, grads = backprop.loss_and_grads(params, X, y)
    assert [g.shape for g in grads] == [W.shape for W in params]
    zero = [np.zeros_like(W) for W in params]
    assert np.isclose(backprop.loss_and_grads(zero, X, y, ("relu",))[0], np.log(3))
    assert loss > 0


VALIDATION = [
    (dict(params=np.eye(3)), TypeError, r"'params' parameter must be a non-empty list"),
    (dict(params=[]), TypeError, r"'params' parameter must be a non-empty list"),
    (dict(params=[np.ones((6, 5)), np.ones((3, 6))]), ValueError,
     r"params\[0\] must have shape \(d_out, 4\).*got shape \(6, 5\).*W\.T"),
    (dict(params=[np.ones((6, 4)), np.ones((3, 5))]), ValueError,
     r"params\[1\] must have shape \(d_out, 6\).*output of params\[0\]"),
    (dict(y=np.arange(8) * 1.0), TypeError, r"'y' parameter must hold integer class labels"),
    (dict(y=np.arange(7)), ValueError, r"'y' parameter must have shape \(n,\) = \(8,\)"),
    (dict(y=np.arange(8)), ValueError, r"labels in 0 \.\. 2.*got labels from 0 to 7"),
    (dict(components=("rc", "tanh")), ValueError,
     r"'components' parameter of a trainable layer must be any subset of \{'rc', 'rs'\} "
     r"followed by 'relu'"),
    (dict(components=("rc", "bn")), ValueError, r"Unknown component"),
    (dict(X=np.ones(4)), ValueError, r"X must be a 2-D array"),
]


@pytest.mark.parametrize("bad, error, message", VALIDATION)
def test_loss_and_grads_validates_its_arguments(bad, error, message):
    params, X, y = _net(0)
    args = dict(params=params, X=X, y=y, components=("rc", "relu")) | bad
    with pytest.raises(error, match=message):
        backprop.loss_and_grads(**args)


def test_grad_check_validates_eps_and_rng():
    params, X, y = _net(0)
    with pytest.raises(ValueError, match=r"'eps' parameter must be a finite number > 0"):
        backprop.grad_check(params, X, y, eps=0.0)
    with pytest.raises(TypeError, match=r"'rng' parameter must be None, an int seed"):
        backprop.grad_check(params, X, y, rng="seed")
    with pytest.raises(ValueError, match=r"dY must have the shape of Z"):
        backprop.bn_backward(np.ones((2, 3)), np.ones((3, 2)))


def _data(seed=0, n=60):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((4, n)), np.arange(n) % 3


def test_train_records_the_history_it_promises():
    X, y = _data()
    params = training.init_params(4, 8, 3, 3, rng=0)
    h = training.train(params, X, y, steps=25, batch_size=10, X_test=X[:, :30], y_test=y[:30],
                       eval_every=10, probe=X[:, :6], probe_steps=[25, 0, 10], rng=1)
    assert h.train_loss.shape == h.train_acc.shape == (25,)
    assert h.eval_steps.tolist() == [0, 10, 20, 25]
    assert h.test_loss.shape == h.test_acc.shape == (4,)
    assert h.probe_steps.tolist() == [0, 10, 25] and h.probe_grams.shape == (3, 6, 6)
    reps = training.backprop.forward(params, X[:, :6])[0]
    np.testing.assert_allclose(h.probe_grams[0], reps[-1].T @ reps[-1])
    assert [W.shape for W in h.params] == [W.shape for W in params]
    assert not any(np.array_equal(a, b) for a, b in zip(h.params, params))   # input untouched
    assert np.all((h.train_acc >= 0) & (h.train_acc <= 1))


def test_train_is_deterministic_with_rng_and_learns():
    X, y = _data(1, n=90)
    X = X + 2.0 * np.eye(4, 3)[:, y]                         # separable classes
    run = lambda: training.train(training.init_params(4, 16, 2, 3, rng=5), X, y,
                                 components=("rc", "rs", "relu"), steps=60, lr=0.2,
                                 momentum=0.5, batch_size=15, rng=7)
    a, b = run(), run()
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    assert a.train_loss[-10:].mean() < 0.5 * a.train_loss[:5].mean()


def test_evaluate_uses_batches_with_their_own_statistics():
    X, y = _data(2)
    params = training.init_params(4, 8, 2, 3, rng=0)
    loss, acc = training.evaluate(params, X, y, ("rc", "rs", "relu"), batch_size=20)
    parts = [backprop.loss_and_grads(params, X[:, s:s + 20], y[s:s + 20], ("rc", "rs", "relu"))[0]
             for s in (0, 20, 40)]
    assert np.isclose(loss, np.mean(parts)) and 0 <= acc <= 1


@pytest.mark.parametrize("bad, error, message", [
    (dict(steps=0), ValueError, r"'steps' parameter must be an int in the range \[1, inf\)"),
    (dict(lr=-0.1), ValueError, r"'lr' parameter must be a finite number > 0"),
    (dict(momentum=1.0), ValueError, r"'momentum' parameter must be in \[0, 1\)"),
    (dict(batch_size=100), ValueError, r"'batch_size' parameter must be an int in the range "
                                       r"\[2, 60\]"),
    (dict(X_test=np.ones((4, 5))), ValueError, r"Pass both X_test and y_test"),
    (dict(probe_steps=[3]), ValueError, r"probe_steps needs a probe batch"),
    (dict(probe=np.ones((5, 4))), ValueError, r"probe must have d_in = 4 rows"),
    (dict(rng=1.5), TypeError, r"'rng' parameter"),
])
def test_train_validates_its_arguments(bad, error, message):
    X, y = _data()
    with pytest.raises(error, match=message):
        training.train(training.init_params(4, 8, 2, 3, rng=0), X, y, **bad)


def test_init_params_variance_and_validation():
    params = training.init_params(64, 256, 2, 10, weight_var=3.0, rng=0)
    assert np.isclose(params[0].var(), 3.0 / 64, rtol=0.05)
    assert np.isclose(params[1].var(), 3.0 / 256, rtol=0.05)
    assert np.isclose(params[2].var(), 1.0 / 256, rtol=0.1)
    with pytest.raises(ValueError, match=r"'n_classes' parameter must be an int in the range"):
        training.init_params(4, 8, 2, 1)
    with pytest.raises(TypeError, match=r"'depth' parameter must be an int"):
        training.init_params(4, 8, 2.0, 3)


def test_the_digits_load_offline_from_the_package():
    X, y = datasets.load_digits()
    assert X.shape == (64, 1797) and y.shape == (1797,)
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert X[:, 0].reshape(8, 8)[0].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]   # the first "0"
