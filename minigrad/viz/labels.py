"""The label, look and tooltip of each kind of vertex (text only; no graph building)."""

from __future__ import annotations

from dataclasses import dataclass

from minigrad.autograd.function import Node
from minigrad.tensor import Tensor
from minigrad.viz import style
from minigrad.viz.collect import Ghost, Source

# How a folded scalar reads inside an arithmetic op's label: `· ** 2`, `1 - ·`.
_SYMBOLS = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "pow": "**"}


@dataclass(frozen=True)
class Options:
    """What labels show."""

    show_values: bool = False
    show_grads: bool = True
    show_shapes: bool = True


def _value_lines(tensor: Tensor | None, options: Options) -> list[str]:
    lines = []
    if tensor is None:
        return lines
    if options.show_values:
        lines.append(style.detail("= " + _value_summary(tensor)))
    grad = tensor.grad
    if options.show_grads and grad is not None:
        lines.append(style.coloured("grad " + style.array_summary(grad.data), style.GRAD, 11))
    return lines


def _value_summary(tensor: Tensor) -> str:
    # backward frees the values of intermediates nobody kept; say so rather than show zeros
    return "(freed by backward)" if tensor.values_freed else style.array_summary(tensor.data)


def _tooltip_lines(tensor: Tensor | None) -> list[str]:
    if tensor is None:
        return []
    lines = ["value: " + ("(freed by backward)" if tensor.values_freed
                          else style.array_details(tensor.data))]
    if tensor.grad is not None:
        lines.append("grad: " + style.array_details(tensor.grad.data))
    return lines


def leaf(tensor: Tensor, name: str | None, options: Options, *, output: bool = False,
         full_name: str | None = None) -> tuple[str, dict[str, str], str]:
    """(label, attributes, tooltip) of a leaf tensor; `name` is shown, `full_name` (the
    qualified name, when `name` is shortened inside its module's cluster) goes in the
    tooltip."""
    if tensor.requires_grad:
        kind, colours = ("parameter", style.PARAMETER) if name else ("leaf", style.LEAF)
    else:
        kind, colours = "input", style.INPUT
    detached = tensor.detached_from is not None
    if detached:
        kind = "detached copy"
    title = name or ("detached" if detached else kind)
    lines = [style.bold(title)]
    if options.show_shapes:
        lines.append(style.detail(style.shape_text(tensor.shape, tensor.dtype)))
    lines += _value_lines(tensor, options)
    attrs = style.box(style.OUTPUT if output else colours, dashed=detached, double=output)
    tip = [f"{full_name or title} ({kind}{', requires grad' if tensor.requires_grad else ''})",
           *_tooltip_lines(tensor)]
    return style.html_label(lines), attrs, style.tooltip(tip)


def output(tensor: Tensor, name: str | None, options: Options
           ) -> tuple[str, dict[str, str], str]:
    """(label, attributes, tooltip) of a root that an op produced."""
    title = name or "output"
    lines = [style.bold(title)]
    if options.show_shapes:
        lines.append(style.detail(style.shape_text(tensor.shape, tensor.dtype)))
    if options.show_values or tensor.size == 1:
        lines.append(style.detail("= " + _value_summary(tensor)))
    grad = tensor.grad
    if options.show_grads and grad is not None:
        lines.append(style.coloured("grad " + style.array_summary(grad.data), style.GRAD, 11))
    tip = [f"{title} (output of {tensor.grad_fn.op.name})", *_tooltip_lines(tensor)]
    return style.html_label(lines), style.box(style.OUTPUT, double=True), style.tooltip(tip)


def op(node: Node, sources: list[Source], result: Tensor | None, result_name: str | None,
       options: Options, *, fused: bool = False, composed_of: str | None = None,
       show_result: bool = True) -> tuple[str, dict[str, str], str]:
    """(label, attributes, tooltip) of an op; `result` is a tensor it made, if known, shown
    in the label when `show_result` (always in the tooltip)."""
    name = node.op.name
    params = style.params_text(node.params)
    all_params = style.params_text(node.params, brief=False)
    constants = _constants_text(name, sources)
    lines = [style.bold(name)]
    details = ", ".join(part for part in (constants, params) if part)
    if details:
        lines.append(style.detail(details))
    if show_result and options.show_shapes and result is not None:
        shape = style.shape_text(result.shape, result.dtype)
        lines.append(style.detail(f"{result_name}: {shape}" if result_name else shape))
    if show_result:
        lines += _value_lines(result, options)
    attrs = style.box(style.FUSED, rounded=True, double=True) if fused else {}
    tip = [f"op {name}" + (f" ({all_params})" if all_params else "")]
    if composed_of:
        tip.append(f"part of the composed form of {composed_of}, recomputed for drawing")
    tip.append("inputs: " + ", ".join(_input_text(s) for s in sources))
    tip += _tooltip_lines(result)
    return style.html_label(lines), attrs, style.tooltip(tip)


def ghost(vertex: Ghost) -> tuple[str, dict[str, str], str]:
    """(label, attributes, tooltip) of the op that made a freed detached temporary."""
    link = vertex.link
    lines = [style.bold(vertex.name), style.detail(style.shape_text(link.shape, link.dtype))]
    if not vertex.inputs and any(t is None for t in link.op_inputs):
        lines.append(style.detail("(its inputs were freed)"))
    attrs = style.box(style.GHOST, rounded=True, dashed=True)
    attrs["fontcolor"] = style.DETAIL
    tip = (f"{vertex.name}: made a value that was detached and has since been freed; "
           f"drawn from what detach() remembers (shape {link.shape}, dtype {link.dtype})")
    return style.html_label(lines), attrs, style.tooltip([tip])


def _constants_text(op_name: str, sources: list[Source]) -> str:
    parts = []
    for source in sources:
        if source.kind != "constant":
            continue
        value = style.array_summary(source.tensor.data)
        symbol = _SYMBOLS.get(op_name)
        if symbol and len(sources) == 2:
            parts.append(f"· {symbol} {value}" if source.slot == 1 else f"{value} {symbol} ·")
        else:
            parts.append(f"input {source.slot} = {value}")
    return ", ".join(parts)


def _input_text(source: Source) -> str:
    tensor = source.tensor
    text = style.shape_text(tensor.shape, tensor.dtype)
    if source.kind == "constant":
        return f"constant {style.array_summary(tensor.data)}"
    if source.kind == "detached":
        return f"detached {text}"
    return text

