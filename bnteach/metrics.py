"""Every measurement of the course in one namespace, and each one along depth.

``bn.metrics`` gathers the geometry of one Gram matrix (:mod:`bnteach.geometry`:
:func:`gram`, :func:`cosines`, :func:`numerical_rank`, :func:`soft_rank`,
:func:`orthogonality_gap`, :func:`cosine_spread`) and the clusters and outliers
of lesson 4 (:mod:`bnteach.clusters`: :func:`outlier_stats`, :func:`centered_norms`,
:func:`cluster_spread`, :func:`active_counts`), and adds what reads a whole run:

* :func:`per_layer`: any of them at every layer of ``traj.grams``, from a run of
  :mod:`bnteach.simulate` or of the wide limit :mod:`bnteach.meanfield`;
* :func:`format_components`: the course's label for a layer, e.g. ``"RC+ReLU"``;
* :func:`describe`: a one-line text summary of a trajectory.
"""

from __future__ import annotations

import numpy as np

from bnteach import _validation
from bnteach.trajectory import Trajectory
from bnteach.clusters import (OutlierStats, active_counts, centered_norms, cluster_spread,
                              outlier_stats)
from bnteach.geometry import (cosine_spread, cosines, gram, numerical_rank, orthogonality_gap,
                              soft_rank)

__all__ = ["gram", "cosines", "numerical_rank", "soft_rank", "orthogonality_gap", "cosine_spread",
           "OutlierStats", "outlier_stats", "centered_norms", "cluster_spread", "active_counts",
           "per_layer", "format_components", "describe"]


def per_layer(metric, grams, *, errors="raise") -> np.ndarray:
    """Apply ``metric`` (e.g. :func:`soft_rank`) to each Gram matrix in ``grams``.

    Parameters
    ----------
    metric : callable
        A function of one Gram matrix returning a number or k numbers.
    grams : array_like of shape (depth + 1, n, n)
        E.g. ``traj.grams`` of a run of :func:`bnteach.simulate.run` or
        :func:`bnteach.meanfield.run`.
    errors : {"raise", "nan"}
        What a layer whose matrix the metric refuses (``ValueError``, e.g. a sample of
        zero norm has no angle) gives: ``"raise"`` names the layer and re-raises;
        ``"nan"`` records NaN for that layer and goes on (for plots); if the metric
        refuses every layer, there is nothing to plot and the first layer's error is
        raised even so.

    Returns
    -------
    ndarray of shape (depth + 1,) or (depth + 1, k)
        The metric at every layer, as floats (k for a metric returning k numbers,
        such as :func:`outlier_stats`).

    Examples
    --------
    >>> per_layer(soft_rank, [np.eye(3), np.ones((3, 3))])
    array([3., 1.])
    """
    if not callable(metric):
        raise TypeError(f"The 'metric' parameter must be a function of a Gram matrix, such as "
                        f"bnteach.metrics.soft_rank; got {_validation.describe_value(metric)}.")
    errors = _validation.check_choice(errors, "errors", ("raise", "nan"))
    grams = _validation.as_float_array(grams, "grams")
    if grams.ndim != 3 or grams.shape[1] != grams.shape[2]:
        raise ValueError(f"grams must have shape (depth + 1, n, n), a Gram matrix per layer; "
                         f"got shape {grams.shape}. For a single matrix call the metric directly.")
    values, failed = [], []
    for layer, G in enumerate(grams):
        try:
            if errors == "nan":       # a plot of a dying batch: no warnings, NaN where undefined
                with np.errstate(all="ignore"):
                    values.append(metric(G))
            else:
                values.append(metric(G))
        except ValueError as err:
            if errors == "raise":                # say which layer, in the caller's terms
                raise ValueError(f"grams[{layer}]: {err}") from None
            values.append(None)
            failed.append(layer)
        except TypeError as err:
            raise TypeError(f"grams[{layer}]: {err}") from None
    if failed and len(failed) == len(values):   # nothing to plot, and no shape to give NaN
        return per_layer(metric, grams[:1])      # raises the first layer's error, named
    if failed:
        k = next(np.shape(v) for v in values if v is not None)
        values = [np.full(k, np.nan) if v is None else v for v in values]
    return np.array(values, dtype=float)


def format_components(components) -> str:
    """The course's label for a layer's components, e.g. ``("rc", "relu")`` -> ``"RC+ReLU"``.

    Parameters
    ----------
    components : iterable of str
        As in :func:`bnteach.simulate.run`: any of ``"rc"``, ``"rs"``, then one of
        ``"relu"``, ``"tanh"``, ``"linear"``.

    Returns
    -------
    str

    Examples
    --------
    >>> format_components(("rc", "rs", "relu"))
    'RC+RS+ReLU'
    """
    components = _validation.check_components(components)
    names = {"rc": "RC", "rs": "RS", "relu": "ReLU", "tanh": "tanh", "linear": "linear"}
    return "+".join(names[c] for c in components)


def describe(traj, layer: int = -1) -> str:
    """A one-line text summary of a trajectory at one layer (default: the last).

    The line states the network and the batch's geometry: soft rank, numerical
    rank, mean pairwise cosine and the largest-norm sample. It is printed under
    figures for screen-reader users and as a checked output.

    Parameters
    ----------
    traj : Trajectory
        What :func:`bnteach.simulate.run` or :func:`bnteach.meanfield.run` returned
        (the wide limit, ``config.width is None``, is labelled "wide limit"). A bare
        array of Gram matrices is refused: the label comes from ``traj.config``.
    layer : int, default -1
        The layer to describe, ``-depth - 1 <= layer <= depth``; negative counts from
        the end.

    Returns
    -------
    str
        One sentence, ending with a full stop.

    Raises
    ------
    TypeError
        If ``traj`` is not a :class:`~bnteach.trajectory.Trajectory`.

    Examples
    --------
    >>> from bnteach import meanfield, theory
    >>> print(describe(meanfield.run(theory.invariant_gram(8), depth=3)))
    wide limit, batch 8, layer 3 of 3: soft rank 1.28; rank 2; mean cosine +0.750; largest
    sample #7 at 7.00x the others' mean norm, max |cos| to them 0.000.
    """
    if not isinstance(traj, Trajectory):
        what = _validation.describe_value(traj)
        hint = (" Pass the Trajectory itself (describe(traj), not describe(traj.grams))."
                if isinstance(traj, np.ndarray) else "")
        raise TypeError(f"describe needs a Trajectory, what bnteach.simulate.run or "
                        f"bnteach.meanfield.run returns, as traj; got {what}.{hint}")
    grams = traj.grams
    depth = len(grams) - 1
    layer = _validation.check_int(layer, "layer", low=-depth - 1, high=depth) % (depth + 1)
    G = _validation.check_gram(grams[layer], f"traj.grams[{layer}]")
    if not np.any(G):
        raise ValueError(f"traj.grams[{layer}] is all zeros: the batch spans nothing to describe.")
    n = len(G)
    config = traj.config
    if config.width is None:
        head = f"wide limit, batch {n}"
    else:
        head = f"{format_components(config.components)}, width {config.width}, batch {n}"
    try:
        parts = [f"{head}, layer {layer} of {depth}: soft rank {soft_rank(G):.2f}",
                 f"rank {numerical_rank(G)}"]
        if np.all(np.diag(G) > 0):
            C = cosines(G)
            parts.append(f"mean cosine {C[np.triu_indices(n, 1)].mean():+.3f}")
            s = outlier_stats(G)
            parts.append(f"largest sample #{s.index} at {s.norm_ratio:.2f}x the others' mean "
                         f"norm, max |cos| to them {s.outlier_cos:.3f}")
        else:
            parts.append(f"{int(np.sum(np.diag(G) <= 0))} zero sample(s)")
    except ValueError as err:                     # say which matrix, in the caller's terms
        raise ValueError(f"traj.grams[{layer}]: {err}") from None
    return "; ".join(parts) + "."
