"""Shape and indexing: the Tensor methods over `minigrad.ops.shape` (reshape, transpose,
broadcasting, indexing). A method that would not change anything returns the tensor itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minigrad import shapes
from minigrad.registry import primitives as prim

if TYPE_CHECKING:
    from minigrad.tensor.core import Tensor
    from minigrad.tensor.reductions import Axis


class Shaping:
    """Mixin of `Tensor`: shapes, axes and indexing."""

    __slots__ = ()

    # --- shape ----------------------------------------------------------------------
    def reshape(self, *shape) -> Tensor:
        """The same elements in a new shape; one entry may be -1 (inferred)."""
        new_shape = shapes.resolve_shape(shapes.shape_argument(shape, "reshape"), self.shape)
        return self if new_shape == self.shape else prim.reshape.apply(self, shape=new_shape)

    view = reshape

    def transpose(self, *axes) -> Tensor:
        """Permute axes (NumPy semantics); no arguments reverses them."""
        axes = shapes.permutation(axes, self.ndim)
        return self if axes == tuple(range(self.ndim)) else prim.transpose.apply(self, axes=axes)

    permute = transpose

    @property
    def T(self) -> Tensor:  # noqa: N802 - NumPy's name
        """Axes reversed (the matrix transpose for 2-D tensors)."""
        return self.transpose()

    @property
    def mT(self) -> Tensor:  # noqa: N802 - NumPy's name
        """The last two axes swapped (a batch of transposed matrices)."""
        return self.swapaxes(-1, -2)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """The two axes exchanged (a view of the same elements)."""
        axes = list(range(self.ndim))
        (a,), (b,) = (shapes.normalize_axis(x, self.ndim, "swapaxes") for x in (axis1, axis2))
        axes[a], axes[b] = axes[b], axes[a]
        return self.transpose(*axes)

    def squeeze(self, axis: Axis = None) -> Tensor:
        """Remove axes of length 1 (all of them, or those in `axis`)."""
        return self.reshape(shapes.squeezed(self.shape, axis))

    def unsqueeze(self, axis: int) -> Tensor:
        """Insert an axis of length 1 at position `axis` (of the result)."""
        (axis,) = shapes.normalize_axis(axis, self.ndim + 1, "unsqueeze")
        return self.reshape((*self.shape[:axis], 1, *self.shape[axis:]))

    def flatten(self, start_axis: int = 0, end_axis: int = -1) -> Tensor:
        """Merge axes `start_axis..end_axis` (inclusive) into one."""
        return self.reshape(shapes.flattened(self.shape, start_axis, end_axis))

    def broadcast_to(self, *shape) -> Tensor:
        """Repeat along new leading axes and axes of length 1 (NumPy broadcasting)."""
        shape = shapes.broadcast_target(self.shape, shapes.shape_argument(shape, "broadcast_to"))
        return self if shape == self.shape else prim.broadcast_to.apply(self, shape=shape)

    expand = broadcast_to

    def __getitem__(self, index) -> Tensor:
        parts = index if isinstance(index, tuple) else (index,)
        if any(isinstance(part, Shaping) for part in parts):  # tensor indices: their arrays
            parts = tuple(part.data if isinstance(part, Shaping) else part for part in parts)
            index = parts if isinstance(index, tuple) else parts[0]
        index = shapes.normalize_index(index, self.shape)
        try:
            return prim.getitem.apply(self, index=index)
        except IndexError as error:
            raise IndexError(f"getitem: {error} (tensor of shape {self.shape})") from None
