"""einsum: a sum of products over named indices, `einsum("ij,jk->ik", a, b)` = a @ b.

    z[out] = sum over the other indices of prod_k a_k[subscripts_k]

`explicit` turns what the user wrote into what the primitive runs, as torch.einsum reads
it: `...` becomes fresh letters (the operands' batch axes, right-aligned and broadcast), an
implicit output is the `...` axes then the indices used once (alphabetically), and an axis
of size 1 against a longer one of the same index is squeezed away (broadcast).

VJP: the gradient of operand k is again an einsum, of g with the other operands, written
to operand k's subscripts:  a_k_bar = einsum("out,others->subscripts_k", g, *others). An
index of operand k that appears nowhere else (summed away by the forward) is spread back by
a vector of ones of its length. An index repeated in operand k ("ii->i" reads a diagonal)
gets a fresh letter for each repeat and an identity matrix tying it to the first:
"ii->i" has a_bar = einsum("i,ij->ij", g, eye), which puts g on the diagonal. Every
gradient is an einsum, so every higher one is too.
"""

from __future__ import annotations

import string

import numpy as np

from minigrad.autograd.function import Function
from minigrad.registry import register
from minigrad.tensor import Tensor


def _fresh_letters(used: str, count: int, subscripts: str) -> str:
    free = [c for c in string.ascii_letters if c not in used]
    if len(free) < count:
        raise ValueError(f"einsum: {subscripts!r} needs more than the 52 letters a-z, A-Z")
    return "".join(free[:count])


def _expand_ellipses(subscripts: str, terms: list[str], output: str | None,
                     shapes: list[tuple[int, ...]]) -> tuple[list[str], str | None, str]:
    """Each `...` replaced by letters for the axes it covers; the letters of the broadcast
    batch axes (right-aligned, as torch) are returned last."""
    for term in [*terms, output or ""]:
        if term.replace("...", "").count(".") or term.count("...") > 1:
            raise ValueError(f"einsum: a '.' in {subscripts!r} is not part of one '...'")
    if output is not None and "..." in output and not any("..." in t for t in terms):
        raise ValueError(f"einsum: the output of {subscripts!r} has '...' but no operand does")
    spans = [len(shape) - len(term.replace("...", "")) if "..." in term else 0
             for term, shape in zip(terms, shapes)]
    if any(n < 0 for n in spans):
        k = min(range(len(spans)), key=spans.__getitem__)
        raise ValueError(f"einsum: subscripts {terms[k]!r} name more axes than the operand of "
                         f"shape {shapes[k]} has")
    batch = _fresh_letters("".join(terms) + (output or ""), max(spans, default=0), subscripts)
    terms = [t.replace("...", batch[len(batch) - n:] if n else "") for t, n in zip(terms, spans)]
    if output is not None:
        output = output.replace("...", batch)
    return terms, output, batch


SUBLIST_LETTERS = string.ascii_uppercase + string.ascii_lowercase  # sorted as the ints


def from_sublists(arguments: tuple) -> tuple[str, tuple]:
    """torch.einsum's sublist form, `einsum(a, [0, 1], b, [1, 2], [0, 2])`, as subscripts
    ("AB,BC->AC") and operands; an int in [0, 52) names an index, `...` the batch axes."""
    def term(sublist) -> str:
        letters = []
        for label in sublist:
            if label is Ellipsis:
                letters.append("...")
            elif isinstance(label, (int, np.integer)) and not isinstance(label, bool) and \
                    0 <= label < len(SUBLIST_LETTERS):
                letters.append(SUBLIST_LETTERS[label])
            else:
                raise ValueError(f"einsum: a sublist holds ints in [0, 52) and ..., got "
                                 f"{label!r}")
        return "".join(letters)
    operands, sublists = arguments[0:len(arguments) - len(arguments) % 2:2], \
        arguments[1::2]
    spec = ",".join(term(s) for s in sublists[:len(operands)])
    if len(arguments) % 2:
        spec += "->" + term(arguments[-1])
    return spec, operands


def explicit(subscripts: str, operands: list[Tensor]) -> tuple[str, list[Tensor]]:
    """The explicit subscripts ("ij,jk->ik", letters only) and the operands that the
    `einsum` primitive runs, after checking them against the operands' shapes."""
    text = subscripts.replace(" ", "")
    inputs, arrow, output_text = text.partition("->")
    output: str | None = output_text if arrow else None
    terms = inputs.split(",")
    shapes = [t.shape for t in operands]
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: {subscripts!r} names {len(terms)} operand(s), got "
                         f"{len(shapes)}")
    terms, output, batch = _expand_ellipses(subscripts, terms, output, shapes)
    for term in [*terms, output or ""]:
        if term and not term.isalpha():
            raise ValueError(f"einsum: subscripts must be letters or '...', got {term!r}")
    sizes: dict[str, int] = {}
    for term, shape in zip(terms, shapes):
        if len(term) != len(shape):
            raise ValueError(f"einsum: subscripts {term!r} name {len(term)} axes, but the "
                             f"operand has shape {shape}")
        for letter, n in zip(term, shape):
            seen = sizes.setdefault(letter, n)
            if seen != n and 1 not in (seen, n):
                what = "an axis under '...'" if letter in batch else f"index {letter!r}"
                raise ValueError(f"einsum: {what} has sizes {seen} and {n}, which do not "
                                 f"broadcast, in {subscripts!r} (shapes {shapes})")
            sizes[letter] = max(seen, n)
    if output is None:  # implicit: the batch axes, then the indices used once, sorted
        letters = "".join(terms)
        output = batch + "".join(sorted(c for c in set(letters) - set(batch)
                                        if letters.count(c) == 1))
    if any(c not in sizes for c in output) or len(set(output)) != len(output):
        raise ValueError(f"einsum: output subscripts {output!r} must be distinct indices of "
                         f"the operands")
    # A size-1 axis against a longer one broadcasts: squeeze it out of its operand
    squeezed = []
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        keep = [a for a, (c, n) in enumerate(zip(term, shape)) if n == sizes[c]]
        if len(keep) < len(term):
            operands[k] = operands[k].reshape(*(shape[a] for a in keep))
            term = "".join(term[a] for a in keep)
        squeezed.append(term)
    return f"{','.join(squeezed)}->{output}", operands


def _repeats_tied(term: str, used: str) -> tuple[str, list[str]]:
    """term with each repeat of an index renamed to a fresh letter, and the pairs
    (first, fresh) that an identity matrix ties together: "iij" -> "ikj", ["ik"]."""
    fresh = iter(_fresh_letters(used, len(term), term))
    renamed, ties = "", []
    for c in term:
        if c in renamed:
            new = next(fresh)
            ties.append(c + new)
            renamed += new
        else:
            renamed += c
    return renamed, ties


@register
class Einsum(Function):
    """z = einsum(subscripts, *operands), subscripts explicit ("ij,jk->ik").

    VJP: a_k_bar = einsum("out,others[,ties][,missing]->subscripts_k", g, *others
    [, eye...][, ones]), with a repeated index of a_k renamed and tied by identity matrices.
    """

    name = "einsum"

    @staticmethod
    def forward(ctx, *operands, subscripts=""):
        return np.asarray(np.einsum(subscripts, *operands, optimize=True))

    @staticmethod
    def backward(ctx, g):
        subscripts = ctx.params["subscripts"]
        inputs, output = subscripts.split("->")
        terms = inputs.split(",")
        grads = []
        for k, (term, operand) in enumerate(zip(terms, ctx.inputs)):
            if not operand.requires_grad:
                grads.append(None)
                continue
            target, ties = _repeats_tied(term, subscripts)
            others = [(t, x) for i, (t, x) in enumerate(zip(terms, ctx.inputs)) if i != k]
            names = [output, *(t for t, _ in others), *ties]
            factors = [x for _, x in others]
            factors += [Tensor.wrap(np.eye(operand.shape[term.index(pair[0])],
                                           dtype=operand.dtype)) for pair in ties]
            missing = "".join(c for c in target if c not in "".join(names))
            if missing:
                size = [operand.shape[target.index(c)] for c in missing]
                factors.append(Tensor.wrap(np.ones(size, operand.dtype)))
                names.append(missing)
            grads.append(Einsum.apply(g, *factors, subscripts=f"{','.join(names)}->{target}"))
        return tuple(grads)
