"""Real data shipped with the package: the 8×8 handwritten digits, read offline.

``bnteach/data/digits.csv.gz`` is the "Optical Recognition of Handwritten Digits"
data set of the UCI Machine Learning Repository (E. Alpaydin and C. Kaynak,
1998; CC BY 4.0, doi:10.24432/C50P49), in the copy that scikit-learn ships: its
1,797 test images, 8×8 pixels with values 0 … 16, one row per image with the
label in the last column. It is read with :mod:`importlib.resources`, so it works
from an installed wheel and never touches the network. Lesson 7 uses it.
"""

from __future__ import annotations

import gzip
from importlib import resources

import numpy as np

__all__ = ["load_digits"]

#: Images and pixels per image in the shipped file.
N_DIGITS, N_PIXELS = 1797, 64


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 8×8 handwritten digits, samples as columns.

    Returns
    -------
    X : ndarray of shape (64, 1797), float64
        Pixel values 0 … 16; column ``j`` is image ``j`` flattened row by row
        (``X[:, j].reshape(8, 8)`` shows it). Divide by 16 for values in [0, 1].
    y : ndarray of shape (1797,), int
        The digit each image shows, 0 … 9.

    Notes
    -----
    UCI "Optical Recognition of Handwritten Digits" (Alpaydin and Kaynak, 1998),
    CC BY 4.0; the copy scikit-learn ships (its test set of 1,797 images). Read
    from the package's data, offline.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, y.shape, int(X.max()), sorted(set(y.tolist())) == list(range(10))
    ((64, 1797), (1797,), 16, True)
    """
    raw = resources.files("bnteach").joinpath("data", "digits.csv.gz").read_bytes()
    values = np.array(gzip.decompress(raw).decode("ascii").replace("\n", ",").split(","))
    values = values[values != ""].astype(float)
    if values.size != N_DIGITS * (N_PIXELS + 1):
        raise ValueError(f"bnteach/data/digits.csv.gz should hold {N_DIGITS} rows of "
                         f"{N_PIXELS + 1} values; it holds {values.size} values. Reinstall bnteach.")
    table = values.reshape(N_DIGITS, N_PIXELS + 1)
    return np.ascontiguousarray(table[:, :N_PIXELS].T), table[:, N_PIXELS].astype(int)
