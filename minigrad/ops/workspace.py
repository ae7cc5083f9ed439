"""Scratch arrays that outlive one call but not the graph: a small pool, so that an op
called again and again on arrays of one shape reuses the same memory.

Why: glibc returns large freed buffers to the kernel, and a fresh multi-megabyte array
then costs one page fault per 4 KiB page on first write (about 0.3 ms for 2 MiB here,
twice a pass over the same memory). A fused op that saves an internal array for its
backward (BatchNorm's `x - mean`) borrows it here instead; the array comes back when the
object that holds it (what the graph saved) is freed, so it is never in use twice, and
it is never handed to the user (the holder, a `Statistics`, calls `give_back` from its
`__del__`). Idle arrays are kept up to `IDLE_BYTES` in all.
"""

from __future__ import annotations

import numpy as np

IDLE_BYTES = 64 << 20


class Pool:
    """Idle arrays by (shape, dtype): `take` one; its holder gives it back when freed."""

    def __init__(self, idle_bytes: int = IDLE_BYTES) -> None:
        self.idle: dict[tuple, list[np.ndarray]] = {}
        self.idle_bytes = 0
        self.limit = idle_bytes

    def take(self, shape: tuple[int, ...], dtype) -> np.ndarray:
        """An uninitialized array: an idle one of this shape and dtype, or a new one."""
        stack = self.idle.get((shape, np.dtype(dtype)))
        if not stack:
            return np.empty(shape, dtype)
        array = stack.pop()
        self.idle_bytes -= array.nbytes
        return array

    def give_back(self, array: np.ndarray) -> None:
        """Keep `array` for a later `take` (its last holder is being freed), within the
        limit on idle memory."""
        if self.idle_bytes + array.nbytes > self.limit:
            return  # freed as usual
        self.idle.setdefault((array.shape, array.dtype), []).append(array)
        self.idle_bytes += array.nbytes


pool = Pool()
