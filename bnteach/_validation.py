"""Input checks shared by the public functions of the compute layer.

Every public function validates its arguments here, once, at the boundary, and
raises ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, bad
value). Messages follow one template: which parameter, what is allowed, what
was given, and how to fix it. Internal helpers trust their inputs.
"""

from __future__ import annotations

import numbers

import numpy as np

#: The batch-norm components a layer may use, in the order they are applied.
NORMALIZERS = ("rc", "rs")
NONLINEARITIES = ("relu", "tanh", "linear")
COMPONENTS = NORMALIZERS + NONLINEARITIES


def describe_value(value) -> str:
    """A short repr for error messages (arrays by shape and dtype, not contents)."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_float_array(value, name: str) -> np.ndarray:
    """Convert ``value`` to a float64 array; reject complex, bool and object data."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of real numbers; got {describe_value(value)}.")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise TypeError(f"{name} must be an array of real numbers; it could not be converted "
                        f"to one ({err}).") from None
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers (int or float); got dtype {arr.dtype}. "
                        f"Convert it first, e.g. {name}.astype(float), or take the real part.")
    return arr.astype(np.float64, copy=False)


def check_finite(arr: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{name} must be finite; entry {tuple(int(i) for i in bad)} is "
                         f"{arr[tuple(bad)]}. Remove or replace NaN and inf values.")


def check_batch(X, name: str = "X") -> np.ndarray:
    """A representation: 2-D, shape ``(d, n)`` with ``n >= 2`` samples as columns, finite."""
    arr = as_float_array(X, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (d, n) = (width, batch), samples "
                         f"as columns; got {arr.ndim}-D shape {arr.shape}. "
                         + ("Reshape a single sample with x[:, None]; a batch needs n >= 2 columns."
                            if arr.ndim == 1 else "Pass one layer's representation at a time."))
    if arr.shape[1] < 2:
        raise ValueError(f"{name} must hold a batch of n >= 2 samples as columns; got shape "
                         f"{arr.shape}. Batch statistics need at least two samples"
                         + (" (pass X.T if your samples are rows)." if arr.shape[0] >= 2 else "."))
    if arr.shape[0] < 1:
        raise ValueError(f"{name} must have width d >= 1; got shape {arr.shape}.")
    check_finite(arr, name)
    return arr


def check_gram(G, name: str = "G", rtol: float = 1e-8) -> np.ndarray:
    """A Gram matrix: square ``(n, n)`` with ``n >= 2``, finite, symmetric, non-negative diagonal."""
    arr = as_float_array(G, name)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square Gram matrix of shape (n, n); got shape "
                         f"{arr.shape}. Build one from a representation X of shape (d, n) "
                         f"with bnteach.metrics.gram(X).")
    if arr.shape[0] < 2:
        raise ValueError(f"{name} must describe a batch of n >= 2 samples; got shape {arr.shape}.")
    check_finite(arr, name)
    scale = np.max(np.abs(arr))
    asym = np.max(np.abs(arr - arr.T))
    if asym > rtol * scale:
        raise ValueError(f"{name} must be symmetric; max |{name} - {name}.T| is {asym:.3g} "
                         f"(max |{name}| is {scale:.3g}). Symmetrize with ({name} + {name}.T) / 2 "
                         f"if this is rounding error.")
    if np.any(np.diag(arr) < 0):
        raise ValueError(f"{name} must have a non-negative diagonal (squared norms); got "
                         f"min diagonal {np.diag(arr).min():.3g}. Is it a Gram matrix X.T @ X?")
    return (arr + arr.T) / 2


def check_nonzero_columns(G: np.ndarray, name: str = "G") -> None:
    """Every sample needs a direction: no zero column (zero diagonal entry of the Gram)."""
    zero = np.flatnonzero(np.diag(G) <= 0)
    if zero.size:
        raise ValueError(f"sample(s) {zero.tolist()} of {name} have zero norm, so their angles "
                         f"are undefined. Drop those columns, or add a little noise.")


def check_int(value, name: str, *, low: int = 0, high: int | None = None) -> int:
    """An integer (not bool) in ``[low, high]``."""
    interval = f"[{low}, inf)" if high is None else f"[{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"The '{name}' parameter must be an int in the range {interval}; got "
                        f"{describe_value(value)}.")
    value = int(value)
    if value < low or (high is not None and value > high):
        raise ValueError(f"The '{name}' parameter must be an int in the range {interval}; got "
                         f"{value}.")
    return value


def check_real(value, name: str, *, low: float = 0.0, strict: bool = False) -> float:
    """A finite real number ``>= low`` (``> low`` if ``strict``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"The '{name}' parameter must be a real number; got {describe_value(value)}.")
    value = float(value)
    ok = np.isfinite(value) and (value > low if strict else value >= low)
    if not ok:
        relation = ">" if strict else ">="
        raise ValueError(f"The '{name}' parameter must be a finite number {relation} {low:g}; "
                         f"got {value!r}.")
    return value


def check_choice(value, name: str, options) -> str:
    """One of a fixed set of strings."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"The '{name}' parameter must be one of {sorted(options)}; got "
                         f"{describe_value(value)}.")
    return value


def check_components(components) -> tuple[str, ...]:
    """Normalize ``components`` to the canonical tuple ``(*normalizers, nonlinearity)``.

    Accepts any iterable of names (order ignored) or a single name: any subset of
    ``{"rc", "rs"}`` plus at most one of ``{"relu", "tanh", "linear"}``; no
    non-linearity means ``"linear"``. Returns e.g. ``("rc", "relu")`` or
    ``("rc", "rs", "linear")``.
    """
    allowed = ("any subset of {'rc', 'rs'} plus at most one non-linearity from "
               "{'relu', 'tanh', 'linear'}, e.g. ('rc', 'relu')")
    names = (components,) if isinstance(components, str) else components
    try:
        names = list(names)
    except TypeError:
        raise TypeError(f"The 'components' parameter must be {allowed}; got "
                        f"{describe_value(components)}.") from None
    if not all(isinstance(c, str) for c in names):
        raise TypeError(f"The 'components' parameter must contain strings: {allowed}; got "
                        f"{describe_value(components)}.")
    unknown = [c for c in names if c not in COMPONENTS]
    if unknown:
        raise ValueError(f"Unknown component(s) {unknown} in 'components'. Allowed: {allowed}; "
                         f"got {describe_value(components)}.")
    if len(set(names)) != len(names):
        raise ValueError(f"The 'components' parameter lists a component twice; allowed: "
                         f"{allowed}; got {describe_value(components)}.")
    nonlin = [c for c in names if c in NONLINEARITIES]
    if len(nonlin) > 1:
        raise ValueError(f"The 'components' parameter names two non-linearities {nonlin}; "
                         f"allowed: {allowed}.")
    return tuple(c for c in NORMALIZERS if c in names) + (nonlin[0] if nonlin else "linear",)


def as_generator(rng) -> np.random.Generator:
    """``None`` (fresh entropy), an int seed, or a ``Generator`` (passed through)."""
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"The 'rng' parameter must be None, a non-negative int seed or a "
                             f"numpy.random.Generator; got {rng}.")
        return np.random.default_rng(int(rng))
    raise TypeError(f"The 'rng' parameter must be None, an int seed or a numpy.random.Generator "
                    f"(e.g. np.random.default_rng(0)); got {describe_value(rng)}. The legacy "
                    f"np.random.RandomState and global seeding are not used in this course.")
