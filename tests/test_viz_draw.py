"""minigrad.viz.draw: the structure of the DOT it writes (vertices, edges, labels, cuts)."""

from __future__ import annotations

import gc
from collections import Counter

import graphviz
import numpy as np
import pytest
from helpers.counting import count_walks
from helpers.dot import parse_dot
from helpers.graphs import section2

import minigrad as mg
from minigrad import viz
from minigrad.viz import collect


def test_draw_returns_a_digraph_of_the_section2_layer():
    _, _, loss = section2()
    graph = viz.draw(loss)
    assert isinstance(graph, graphviz.Digraph)
    dot = parse_dot(graph.source)
    ops = [dot.label(n) for n in dot.ids("op")]
    assert len(ops) == 6  # add, mean, sub, sub, pow, mean
    assert sorted(label.split("</B>")[0].split("<B>")[1] for label in ops) == [
        "add", "mean", "mean", "pow", "sub", "sub"]
    assert {dot.label(n).split("<B>")[1].split("</B>")[0] for n in dot.ids("leaf")} == {
        "u", "b", "target"}
    assert len(dot.ids("out")) == 1
    # u, b -> add; add -> mean, sub; mean -> sub; sub, target -> sub; -> pow -> mean -> out
    assert len(dot.edges) == 10
    assert dot.detached_edges() == []
    assert not any(e.dashed for e in dot.edges)


def test_every_vertex_has_a_tooltip():
    _, _, loss = section2()
    dot = parse_dot(viz.draw(loss).source)
    assert all("tooltip=" in attrs for attrs in dot.nodes.values())


def test_a_detached_temporary_is_one_dashed_edge_from_a_ghost_of_its_op():
    # x - x.mean(0).detach(): the mean tensor is freed, so it is drawn from the DetachLink.
    _, _, loss = section2(detach=True)
    gc.collect()
    dot = parse_dot(viz.draw(loss).source)
    (edge,) = dot.detached_edges()
    assert edge.tail.startswith("ghost") and "mean" in dot.label(edge.tail)
    assert "dashed" in dot.nodes[edge.tail]
    assert "sub" in dot.label(edge.head)
    # the ghost is fed by x, made by add: x -> mean -(detached)-> sub
    (feeding,) = dot.edges_into(edge.tail)
    assert "add" in dot.label(feeding.tail)
    assert sum(e.dashed for e in dot.edges) == 1


def test_a_live_detached_source_is_drawn_from_its_own_op():
    x = mg.randn(5, 2, requires_grad=True)
    mean = x.mean(0)
    y = (x - mean.detach()).sum()
    dot = parse_dot(viz.draw(y).source)
    (edge,) = dot.detached_edges()
    assert edge.tail.startswith("op") and "mean" in dot.label(edge.tail)
    assert "sub" in dot.label(edge.head)
    assert dot.ids("ghost") == []
    del mean


def test_a_detached_leaf_is_drawn_from_the_leaf():
    w = mg.randn(3, requires_grad=True)
    w.name = "w"
    x = mg.randn(3, requires_grad=True)
    y = (x * w.detach()).sum()
    dot = parse_dot(viz.draw(y).source)
    (edge,) = dot.detached_edges()
    assert "w" in dot.label(edge.tail) and edge.tail.startswith("leaf")
    assert "mul" in dot.label(edge.head)


def test_detaching_twice_draws_two_dashed_edges():
    x = mg.randn(4, 3, requires_grad=True)
    y = ((x - x.mean(0).detach()) / x.std(0).detach()).sum()
    dot = parse_dot(viz.draw(y).source)
    assert len(dot.detached_edges()) == 2
    heads = {dot.label(e.head).split("</B>")[0] for e in dot.detached_edges()}
    assert heads == {"<<B>sub", "<<B>div"}


def test_a_ghost_whose_inputs_are_freed_stands_alone():
    x = mg.randn(4, 3, requires_grad=True)
    cut = (x * 2).detach()
    del x  # now the mul node, its output and its inputs are all freed
    gc.collect()
    y = mg.randn(4, 3, requires_grad=True)
    out = (y + cut).sum()
    dot = parse_dot(viz.draw(out).source)
    (edge,) = dot.detached_edges()
    assert edge.tail.startswith("ghost") and "mul" in dot.label(edge.tail)
    assert dot.edges_into(edge.tail) == []


def test_scalar_constants_are_folded_into_the_op_label():
    x = mg.randn(3, requires_grad=True)
    y = (x * 2.5).sum()
    dot = parse_dot(viz.draw(y).source)
    assert len(dot.ids("leaf")) == 1  # x only
    (mul,) = dot.find("mul", "op")
    assert "· × 2.5" in dot.label(mul)
    z = (1.0 - x).sum()
    dot = parse_dot(viz.draw(z).source)
    (sub,) = dot.find("sub", "op")
    assert "1 − ·" in dot.label(sub)


def test_parameter_names_come_from_params_then_from_tensor_names():
    w = mg.randn(3, requires_grad=True)
    b = mg.randn(3, requires_grad=True)
    b.name = "bias"
    y = (w * b).sum()
    for params in ({"weight": w}, [("weight", w)]):
        dot = parse_dot(viz.draw(y, params=params).source)
        labels = " ".join(dot.label(n) for n in dot.ids("leaf"))
        assert "<B>weight</B>" in labels and "<B>bias</B>" in labels
    with pytest.raises(TypeError, match="params must be"):
        viz.draw(y, params=[w])


def test_kinds_of_vertices_look_different():
    w = mg.randn(3, requires_grad=True)
    free = mg.randn(3, requires_grad=True)
    data = mg.randn(3)
    y = (w * free + data).sum()
    dot = parse_dot(viz.draw(y, params={"w": w}).source)
    fills = {dot.label(n).split("<B>")[1].split("</B>")[0]: dot.nodes[n].split("fillcolor=")[1][:9]
             for n in dot.ids("leaf")}
    assert len(set(fills.values())) == 3  # parameter, leaf that requires grad, input
    assert "peripheries=2" in dot.nodes[dot.ids("out")[0]]


def test_values_and_gradients_small_in_full_large_as_norm_and_range():
    w = mg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    big = mg.randn(10, 10, requires_grad=True)
    y = (w * 2.0).sum() + big.sum()
    y.backward()
    dot = parse_dot(viz.draw(y, show_values=True, params={"w": w, "big": big}).source)
    (w_id,) = dot.find("<B>w</B>", "leaf")
    assert "= [1 -2 3]" in dot.label(w_id) and "grad [2 2 2]" in dot.label(w_id)
    (big_id,) = dot.find("<B>big</B>", "leaf")
    assert "= norm " in dot.label(big_id)
    assert "grad norm 10, [1, 1]" in dot.label(big_id)
    quiet = parse_dot(viz.draw(y, show_grads=False, show_shapes=False).source)
    assert not any("grad" in quiet.label(n) or "float32" in quiet.label(n)
                   for n in quiet.ids("leaf"))


def test_named_intermediate_tensors_label_their_op():
    x = mg.randn(4, 3, requires_grad=True)
    x_hat = x - x.mean(0)
    x_hat.name = "x_hat"
    dot = parse_dot(viz.draw(x_hat.sum()).source)
    (sub,) = dot.find("sub", "op")
    assert "x_hat: 4×3 float32" in dot.label(sub)


def test_labels_are_escaped():
    x = mg.randn(2, requires_grad=True)
    x.name = '<b> & "x"'
    dot = parse_dot(viz.draw((x * x).sum()).source)
    (leaf,) = dot.ids("leaf")
    assert "&lt;b&gt; &amp; &quot;x&quot;" in dot.label(leaf)


def test_several_roots_and_roots_sharing_one_node():
    x = mg.randn(3, requires_grad=True)
    y = x.exp()
    z = (y * 2).sum()
    dot = parse_dot(viz.draw([z, y, y]).source)
    assert len(dot.ids("out")) == 2
    assert len(dot.ids("op")) == 3
    leaf_root = parse_dot(viz.draw(x).source)
    assert len(leaf_root.nodes) == 1 and "peripheries=2" in leaf_root.nodes["leaf0"]


@pytest.mark.parametrize("bad", [None, [], "x", [1.0]])
def test_bad_roots_are_a_clear_error(bad):
    with pytest.raises(TypeError, match="roots must be a Tensor"):
        viz.draw(bad)


def test_bad_rankdir_is_a_clear_error():
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw(mg.randn(2, requires_grad=True), rankdir="up")


def test_rankdir_is_passed_to_graphviz():
    assert "rankdir=LR" in viz.draw(mg.randn(2, requires_grad=True), rankdir="LR").source


def chain(ops: int):
    x = mg.randn(8, dtype=np.float64, requires_grad=True)
    w = mg.randn(8, dtype=np.float64, requires_grad=True)
    h = x
    for _ in range(ops // 2):
        h = (h * w).tanh()
    return h.sum()


def test_above_max_nodes_the_nearest_ops_are_drawn_with_a_visible_note():
    loss = chain(400)
    dot = parse_dot(viz.draw(loss, max_nodes=50).source)
    drawn = len(dot.ids("op")) + len(dot.ids("leaf")) + len(dot.ids("ghost"))
    assert drawn <= 50
    assert "cut" in dot.nodes and "more ops not drawn" in dot.label("cut")
    # 49 ops and the weight w, shared by every mul, fill the 50 vertices
    assert len(dot.ids("op")) == 49 and len(dot.ids("leaf")) == 1
    assert "352 of 401 ops not drawn" in dot.caption
    # the op that makes the output is drawn; the cut feeds the deepest drawn op
    assert "sum" in " ".join(dot.label(n) for n in dot.ids("op"))
    assert any(e.tail == "cut" for e in dot.edges)
    everything = parse_dot(viz.draw(loss, max_nodes=None).source)
    assert len(everything.ids("op")) == 401 and "cut" not in everything.nodes
    with pytest.raises(ValueError, match="max_nodes"):
        viz.draw(loss, max_nodes=0)


def _counted(write, counter: Counter, kind: str):
    def counted_write(self, *args, **kwargs):
        counter[kind] += 1
        return write(self, *args, **kwargs)

    return counted_write


def test_drawing_ten_thousand_ops_is_one_walk_and_one_statement_per_vertex(monkeypatch):
    """Linear work, counted rather than timed: however long the chain, the drawing walks the
    graph once and writes each vertex and each edge once."""
    walks = count_walks(monkeypatch, collect)
    statements = Counter()
    for kind in ("node", "edge"):
        monkeypatch.setattr(graphviz.Digraph, kind, _counted(getattr(graphviz.Digraph, kind),
                                                             statements, kind))
    loss = chain(10_000)
    dot = parse_dot(viz.draw(loss, max_nodes=None).source)
    assert walks == [10_001]
    assert len(dot.ids("op")) == 10_001 and len(dot.edges) >= 10_000
    assert statements == {"node": len(dot.nodes), "edge": len(dot.edges) + len(dot.hints)}
    walks.clear()
    statements.clear()
    cut = parse_dot(viz.draw(loss).source)  # the default max_nodes: a cut drawing
    assert walks == [10_001] and "cut" in cut.nodes
    assert statements == {"node": len(cut.nodes), "edge": len(cut.edges) + len(cut.hints)}
    assert len(cut.nodes) < 1_000


def test_a_very_deep_graph_does_not_recurse():
    x = mg.randn(2, requires_grad=True)
    h = x
    for _ in range(5_000):  # five times Python's recursion limit
        h = h + 1.0
    dot = parse_dot(viz.draw(h, max_nodes=20).source)
    assert len(dot.ids("op")) <= 20 and "cut" in dot.nodes


def test_drawing_does_not_change_the_graph_or_gradients():
    b, _x, loss = section2()
    viz.draw(loss, wrt=b)
    loss.backward()
    expected = np.zeros(3)
    np.testing.assert_allclose(b.grad.data, expected, atol=1e-12)


def test_a_graph_freed_by_backward_can_still_be_drawn_with_values_and_retained_grads():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    h.retain_grad()
    h.name = "h"
    y = (h * 3.0).sum()
    y.backward()
    dot = parse_dot(viz.draw(y, show_values=True).source)
    (exp,) = dot.find("<B>exp</B>", "op")
    assert "h: 2 float32" in dot.label(exp)
    assert "= [2.718 7.389]" in dot.label(exp) and "grad [3 3]" in dot.label(exp)
    with pytest.raises(RuntimeError, match="freed by a backward pass"):
        viz.draw(y, wrt=x)


def test_large_boolean_masks_are_counted():
    x = mg.tensor(np.arange(-4.0, 6.0), requires_grad=True)
    y = mg.where(x > 0, x, x * 0.1).sum()
    dot = parse_dot(viz.draw(y, show_values=True).source)
    (mask,) = dot.find("bool", "leaf")
    assert "= 5 of 10 true" in dot.label(mask)


def test_inputs_enter_at_the_top_in_call_order_above_their_layers_parameters():
    import re

    from minigrad.viz import examples

    figure = examples.build("mlp")
    source = viz.draw(figure.roots, **figure.options).source
    del figure
    gc.collect()  # the model's module-call records go with its graph, now
    block = re.search(r"\{\n\s*rank=source\n(.*?)\}", source, re.S).group(1)
    names = dict(re.findall(r"^\s*(leaf\d+) \[label=<<B>([^<]+)</B>", source, re.M))
    in_block = re.findall(r"^\s*(leaf\d+) \[label=", block, re.M)  # declared there, once
    assert sorted(names[v] for v in in_block) == ["labels", "x"]
    ordered = re.findall(r"^\s*(leaf\d+) -> (leaf\d+) \[style=invis\]", block, re.M)
    assert [(names[a], names[b]) for a, b in ordered] == [("x", "labels")]  # x used first
    x = ordered[0][0]
    below = re.findall(rf"^\s*{x} -> (leaf\d+) \[style=invis weight=0\]", source, re.M)
    # under x: the parameters of the op that takes x (the first Linear's), no others
    assert sorted(names[v] for v in below) == ["bias", "weight"]
