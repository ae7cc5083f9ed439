"""Gradient paths drawn onto the graph: `draw(..., wrt=tensor)`.

Each path of `grad_paths` gets a colour. An edge used by one path is drawn in that path's
colour; an edge shared by several paths is dark. Every path edge is labelled with what it
carries (the sum of the contributions of the paths through it, a value shaped like `wrt`)
and is drawn thicker the more it carries. The legend (the graph's caption) lists the
paths, their contributions and their sum, and says so when the paths cancel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from minigrad.tensor import Tensor
from minigrad.viz import style
from minigrad.viz.paths import GradPath, TooManyPathsError, grad_paths

_LEGEND_ROWS = 12


def root_key(tensor: Tensor) -> tuple[str, int]:
    """Edge key of the edge from a root's op to the root's vertex."""
    return ("root", id(tensor))


@dataclass(eq=False)
class PathOverlay:
    """Edge styles and a legend for the gradient paths from `wrt` to one root."""

    paths: list[GradPath]
    root_name: str
    wrt_name: str
    dtype: np.dtype
    problem: str | None = None
    edge_paths: dict = field(default_factory=dict)  # edge key -> indices of paths on it

    @classmethod
    def build(cls, roots: list[Tensor], wrt: Tensor, max_paths: int,
              names: dict | None = None) -> PathOverlay:
        if len(roots) != 1:
            raise ValueError(f"draw: wrt= needs exactly one root, got {len(roots)}")
        names = names or {}
        (root,) = roots
        root_name = names.get(root) or root.name or "output"
        wrt_name = names.get(wrt) or wrt.name or "wrt"
        try:
            paths = grad_paths(root, wrt, max_paths=max_paths)
        except TooManyPathsError as error:
            return cls([], root_name, wrt_name, wrt.dtype, problem=str(error))
        overlay = cls(paths, root_name, wrt_name, wrt.dtype)
        for index, path in enumerate(paths):
            for node, slot in zip(path.nodes, path.slots):
                overlay.edge_paths.setdefault((node, slot), []).append(index)
            overlay.edge_paths.setdefault(root_key(root), []).append(index)
        return overlay

    def _flow(self, indices: list[int]) -> np.ndarray:
        return np.sum([self.paths[i].contribution for i in indices], axis=0)

    def _largest_flow(self) -> float:
        norms = [np.linalg.norm(self._flow(ix)) for ix in self.edge_paths.values()]
        return max(norms, default=0.0) or 1.0

    def colour(self, index: int) -> str:
        return style.PATH_COLOURS[index % len(style.PATH_COLOURS)]

    def edge_style(self, key) -> dict[str, str]:
        """Graphviz attributes of the edge `key` ((consumer node, input slot) or a root key)."""
        indices = self.edge_paths.get(key)
        if not indices:
            return {}
        flow = self._flow(indices)
        colour = self.colour(indices[0]) if len(indices) == 1 else style.SHARED_PATH
        weight = float(np.linalg.norm(flow)) / self._largest_flow()
        which = "+".join(str(i + 1) for i in indices)
        if len(indices) == 1:
            label = f"path {which}: {self._text(flow)}"
        elif self._negligible(flow):
            label = f"paths {which} cancel: 0"
        else:
            label = f"paths {which}: {self._text(flow)}"
        return {"color": colour, "fontcolor": colour,
                "penwidth": f"{1.5 + 3.5 * weight:.2f}", "label": label}

    def _text(self, values: np.ndarray) -> str:
        return "0" if self._negligible(values) else style.array_summary(values)

    def _negligible(self, values: np.ndarray) -> bool:
        scale = max((np.abs(p.contribution).max(initial=0.0) for p in self.paths), default=0.0)
        eps = np.finfo(self.dtype).eps if self.dtype.kind == "f" else 0.0
        return bool(np.abs(values).max(initial=0.0) <= 64 * eps * scale)

    def legend(self) -> list[str]:
        """Lines of the caption: one per path, then their sum."""
        heading = f"Gradient of {self.root_name} with respect to {self.wrt_name}"
        if self.problem:
            return [style.bold(heading), style.detail(self.problem)]
        if not self.paths:
            return [style.bold(heading), style.detail(f"{self.root_name} does not depend on "
                                                      f"{self.wrt_name}: no paths")]
        lines = [style.bold(f"{heading}: {len(self.paths)} path"
                            f"{'s' if len(self.paths) > 1 else ''}")]
        for index, path in enumerate(self.paths[:_LEGEND_ROWS]):
            route = " → ".join((self.wrt_name, *path.ops))
            lines.append(style.coloured(
                f"━━ path {index + 1}: {route}   carries {self._text(path.contribution)}",
                self.colour(index)))
        if len(self.paths) > _LEGEND_ROWS:
            lines.append(style.detail(f"… and {len(self.paths) - _LEGEND_ROWS} more paths"))
        total = self._flow(list(range(len(self.paths))))
        if len(self.paths) > 1 and self._negligible(total):
            lines.append(style.bold(f"The paths sum to 0: they cancel, so the gradient "
                                    f"with respect to {self.wrt_name} is 0"))
        else:
            lines.append(style.bold(f"Sum of the paths (the gradient): {self._text(total)}"))
        return lines
