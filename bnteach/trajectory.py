"""What a run records: the Gram matrix at every layer, and the network it came from.

One record for both ways the course runs a network, so that ``metrics.describe``,
the plots and the widgets take one type:

* :func:`bnteach.simulate.run` (finite width ``d``) fills every field;
* :func:`bnteach.meanfield.run` (the infinitely wide network, a map on Gram
  matrices) has no width: its ``config.width`` and ``config.d_in`` are ``None``,
  and it records no raw scale (``log_scale`` is ``None``).

Both record ``grams`` of shape ``(depth + 1, n, n)``, layer 0 the input, every
matrix scaled to trace n. The arrays are read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["NetConfig", "Trajectory"]


@dataclass(frozen=True)
class NetConfig:
    """The network a :class:`Trajectory` came from (a frozen record; the ``run`` functions fill it).

    Attributes
    ----------
    width : int or None
        Neurons per layer, ``d``; ``None`` for the wide limit (``meanfield.run``).
    d_in : int or None
        Width of the input batch ``X0``; ``None`` for the wide limit, which starts
        from a Gram matrix.
    n : int
        Batch size.
    depth : int
        Number of layers.
    components : tuple of str
        Canonical, e.g. ``("rc", "relu")`` or ``("rc", "rs", "linear")``: any of
        ``"rc"``, ``"rs"`` in that order, then the non-linearity.
    weights : str
        ``"gaussian"`` or ``"uniform"`` (the wide limit is the same for both; it
        records ``"gaussian"``).
    weight_var : float
        Weight variance times fan-in (2.0 = He initialization).

    Examples
    --------
    >>> from bnteach import meanfield
    >>> meanfield.run(np.eye(4), depth=2).config
    NetConfig(width=None, d_in=None, n=4, depth=2, components=('rc', 'relu'),
              weights='gaussian', weight_var=2.0)
    """

    width: int | None             #: neurons per layer, d; None for the wide limit
    d_in: int | None              #: width of the input batch X0; None for the wide limit
    n: int                        #: batch size
    depth: int                    #: number of layers
    components: tuple[str, ...]   #: canonical, e.g. ("rc", "relu") or ("rc", "rs", "linear")
    weights: str                  #: "gaussian" or "uniform"
    weight_var: float             #: weight variance times fan-in (2.0 = He initialization)


@dataclass(frozen=True)
class Trajectory:
    """What a run of :func:`bnteach.simulate.run` or :func:`bnteach.meanfield.run` recorded.

    Attributes
    ----------
    grams : ndarray of shape (depth + 1, n, n)
        ``grams[0]`` is the input's Gram matrix ``X0.T @ X0`` (or ``G0``) and
        ``grams[l]`` the Gram matrix after ``l`` layers, each scaled to trace n.
    log_scale : ndarray of shape (depth + 1,) or None
        Natural log of the factor removed from each layer's representation by that
        scaling: the raw network's Gram matrix at layer ``l`` is
        ``exp(2 * log_scale[l]) * grams[l]``. See :meth:`raw_norms`. ``None`` for
        the wide limit, which records angles and norm ratios only.
    config : NetConfig
        The network: width (``None`` in the wide limit), input width, batch, depth,
        components, weights.
    seed : int or None
        The integer seed passed as ``rng``, if one was.
    reps : ndarray of shape (depth, width, n) or None
        With ``simulate.run(..., keep="reps")``: the representations after layers
        1..depth, scaled like ``grams`` (for tanh, unscaled: tanh is bounded and
        scale-sensitive).

    Examples
    --------
    >>> from bnteach import meanfield
    >>> traj = meanfield.run(np.eye(4), depth=2)
    >>> print(traj.grams.shape, traj.config.width, traj.log_scale)
    (3, 4, 4) None None
    """

    grams: np.ndarray
    log_scale: np.ndarray | None
    config: NetConfig
    seed: int | None = None
    reps: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self):
        for arr in (self.grams, self.log_scale, self.reps):
            if arr is not None:
                arr.setflags(write=False)  # frozen blocks rebinding; this blocks writes

    def raw_norms(self) -> np.ndarray:
        """Norms of every sample at every layer of the raw (never renormalized) network.

        Lesson 4 uses them to show that weights of variance ``2α/d`` keep the
        cluster+outlier norms fixed in expectation. Finite-width runs only.

        Returns
        -------
        ndarray of shape (depth + 1, n)
            ``exp(log_scale[l]) * sqrt(diag(grams[l]))``: row ``l`` holds the sample norms
            after ``l`` layers.

        Raises
        ------
        ValueError
            For a wide-limit trajectory (``log_scale is None``).
        """
        if self.log_scale is None:
            raise ValueError("raw_norms: this Trajectory is the wide limit (meanfield.run), "
                             "which records no raw scale, only angles and norm ratios. "
                             "Run a finite width with bnteach.simulate.run for raw norms.")
        diag = np.sqrt(np.einsum("lii->li", self.grams))
        return np.exp(self.log_scale)[:, None] * diag

    def __repr__(self) -> str:
        c = self.config
        return (f"Trajectory(components={c.components}, width={c.width}, n={c.n}, "
                f"depth={c.depth}, weights={c.weights!r}, weight_var={c.weight_var}, "
                f"seed={self.seed})")
