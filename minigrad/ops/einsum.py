"""einsum: a sum of products over named indices, `einsum("ij,jk->ik", a, b)` = a @ b.

    z[out] = sum over the other indices of prod_k a_k[subscripts_k]

VJP: the gradient of operand k is again an einsum, of g with the other operands, written
to operand k's subscripts:  a_k_bar = einsum("out,others->subscripts_k", g, *others). An
index of operand k that appears nowhere else (summed away by the forward) is spread back by
a vector of ones of its length. An operand that repeats an index (a diagonal, "ii->i") has
no such form and is refused.
"""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.registry import register
from minigrad.tensor import Tensor


def parse(subscripts: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """The operands' subscripts and the output's, made explicit, after checking them
    against the operands' shapes."""
    text = subscripts.replace(" ", "")
    if "." in text:
        raise NotImplementedError("einsum: ellipsis ('...') subscripts are not supported")
    inputs, _, output = text.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: {subscripts!r} names {len(terms)} operand(s), got "
                         f"{len(shapes)}")
    sizes: dict[str, int] = {}
    for term, shape in zip(terms, shapes):
        if not term.isalpha() and term:
            raise ValueError(f"einsum: subscripts must be letters, got {term!r}")
        if len(term) != len(shape):
            raise ValueError(f"einsum: subscripts {term!r} name {len(term)} axes, but the "
                             f"operand has shape {shape}")
        for letter, n in zip(term, shape):
            if sizes.setdefault(letter, n) != n:
                raise ValueError(f"einsum: index {letter!r} has sizes {sizes[letter]} and {n} "
                                 f"in {subscripts!r} (shapes {shapes})")
    if "->" not in text:  # implicit output: the indices used once, in alphabetical order
        letters = "".join(terms)
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    if any(c not in sizes for c in output) or len(set(output)) != len(output):
        raise ValueError(f"einsum: output subscripts {output!r} must be distinct indices of "
                         f"the operands")
    return terms, output


@register
class Einsum(Function):
    """z = einsum(subscripts, *operands), subscripts explicit ("ij,jk->ik").

    VJP: a_k_bar = einsum("out,others[,missing]->subscripts_k", g, *others[, ones]).
    """

    name = "einsum"

    @staticmethod
    def forward(ctx, *operands, subscripts=""):
        return np.asarray(np.einsum(subscripts, *operands, optimize=True))

    @staticmethod
    def backward(ctx, g):
        inputs, output = ctx.params["subscripts"].split("->")
        terms = inputs.split(",")
        grads = []
        for k, (term, operand) in enumerate(zip(terms, ctx.inputs)):
            if not operand.requires_grad:
                grads.append(None)
                continue
            if len(set(term)) != len(term):
                raise NotImplementedError(
                    f"einsum: the gradient of an operand with a repeated index ({term!r}) "
                    "is not supported")
            others = [(t, x) for i, (t, x) in enumerate(zip(terms, ctx.inputs)) if i != k]
            seen = set(output).union(*(t for t, _ in others))
            missing = "".join(c for c in term if c not in seen)
            factors = [x for _, x in others]
            names = [output, *(t for t, _ in others)]
            if missing:
                size = [operand.shape[term.index(c)] for c in missing]
                factors.append(Tensor.wrap(np.ones(size, operand.dtype)))
                names.append(missing)
            grads.append(Einsum.apply(g, *factors, subscripts=f"{','.join(names)}->{term}"))
        return tuple(grads)
