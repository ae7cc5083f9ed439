"""Whether the compiled BatchNorm loops may run on several cores: only on numba's TBB
threading layer.

numba runs `prange` loops on one of three thread pools. OpenMP's threads keep spinning
after each loop, on the cores that NumPy's BLAS threads need for the matrix product that
follows, and a training step that mixes the two slows down several times (an MLP step
with BatchNorm: 7.6 -> 36.5 ms on two cores); numba's own "workqueue" pool is slower than
one thread here. TBB's workers give their core up, so a threaded BatchNorm costs the
products around it nothing (7.3 ms) while it runs on every core itself.

So the loops use threads when numba can load TBB (the `tbb` package, which
`pip install minigrad[fast]` installs on Linux) and no other layer has been chosen, and
run on one thread otherwise. pip's `tbb` puts its library in `<prefix>/lib`, outside the
dynamic loader's search path; `load_tbb` loads it by its path first, so that numba's
layer finds it loaded.
"""

from __future__ import annotations

import ctypes
import importlib.metadata
import sys


def load_tbb() -> None:
    """Load pip's TBB library (Linux), if installed, so that numba's TBB layer can link it."""
    if not sys.platform.startswith("linux"):
        return
    try:
        files = importlib.metadata.files("tbb") or ()
    except importlib.metadata.PackageNotFoundError:
        return
    for file in files:
        if file.name.startswith("libtbb.so."):
            try:
                ctypes.CDLL(str(file.locate()), mode=ctypes.RTLD_GLOBAL)
            except OSError:
                return  # a broken installation: numba then finds no TBB and we use one thread
            return


def threads_allowed(numba) -> bool:
    """True when numba's `prange` loops will run on its TBB layer: TBB loads, and the
    layer is TBB already or still to be chosen by numba's default order (TBB first)."""
    layer, priority = numba.config.THREADING_LAYER, numba.config.THREADING_LAYER_PRIORITY
    if layer not in ("default", "tbb", "safe") or (layer == "default" and priority[0] != "tbb"):
        return False  # the user asked for another layer
    try:
        return numba.threading_layer() == "tbb"  # a layer is already running
    except ValueError:
        pass  # none yet: numba's default order tries TBB first
    load_tbb()
    try:
        from numba.np.ufunc import tbbpool  # noqa: F401 - only whether it loads
    except ImportError:
        return False
    return True
