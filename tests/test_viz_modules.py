"""Module clusters and fused ops in drawings: nn.Module calls, BatchNorm fused and composed."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from helpers.dot import parse_dot

import minigrad as mg
from minigrad import nn, viz
from minigrad.nn import functional as F  # noqa: N812 - the customary name
from minigrad.nn import hooks
from minigrad.viz import modules as recorder


def mlp():
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    x = mg.randn(16, 4)
    x.name = "x"
    with viz.record():
        loss = F.cross_entropy(model(x), mg.tensor(np.arange(16) % 3))
    return model, x, loss


def test_importing_installs_nothing_and_recording_installs_the_hook_only_inside_the_block():
    assert recorder.record_module_call not in hooks.global_forward_hooks.values()
    with viz.record():
        assert recorder.record_module_call in hooks.global_forward_hooks.values()
        with viz.record():  # nested: still one hook
            assert list(hooks.global_forward_hooks.values()).count(
                recorder.record_module_call) == 1
        assert viz.is_recording()
    assert not viz.is_recording()
    assert recorder.record_module_call not in hooks.global_forward_hooks.values()


def test_calls_outside_a_recording_block_are_not_recorded():
    layer = nn.Linear(3, 3)
    out = layer(mg.randn(2, 3)).sum()
    assert recorder.calls_for(out.grad_fn.inputs[0].grad_fn) == []
    assert parse_dot(viz.draw(out, params=layer).source).clusters == []


def test_one_cluster_per_module_call_nested_as_the_modules_are():
    model, _, loss = mlp()
    source = viz.draw(loss, params=model).source
    dot = parse_dot(source)
    assert len(dot.clusters) == 5  # Sequential and its four layers
    for kind in ("Sequential", "Linear  0", "BatchNorm1d  1", "ReLU  2", "Linear  3"):
        assert f"<B>{kind}</B>" in source
    (first_linear, second_linear) = dot.find("<B>linear</B>", "op")
    (batch_norm,) = dot.find("<B>batch_norm</B>", "op")
    (relu,) = dot.find("<B>relu</B>", "op")
    (cross_entropy,) = dot.find("<B>cross_entropy</B>", "op")
    outer = dot.placement[relu][0]
    for op in (first_linear, second_linear, batch_norm, relu):
        assert len(dot.placement[op]) == 2 and dot.placement[op][0] == outer
    assert len({dot.placement[op][1] for op in (first_linear, second_linear, batch_norm,
                                                relu)}) == 4
    assert dot.placement[cross_entropy] == ()  # F.cross_entropy is not a module call


def test_parameters_sit_in_their_layer_and_the_batch_outside():
    model, _, loss = mlp()
    dot = parse_dot(viz.draw(loss, params=model).source)
    (x_id,) = dot.find("<B>x</B>", "leaf")
    assert dot.placement[x_id] == ()
    weights = dot.find("<B>weight</B>", "leaf")
    assert len(weights) == 3  # two Linear layers and the BatchNorm scale, named in place
    assert all(len(dot.placement[w]) == 2 for w in weights)
    assert any('tooltip="0.weight (parameter' in dot.nodes[w] for w in weights)


def test_without_params_clusters_carry_the_class_name_only():
    _, _, loss = mlp()
    source = viz.draw(loss).source
    assert "<B>Linear</B>" in source and "Linear  0" not in source


def test_clusters_false_draws_no_cluster():
    _, _, loss = mlp()
    assert parse_dot(viz.draw(loss, clusters=False).source).clusters == []


def test_a_module_called_twice_makes_two_clusters():
    layer = nn.Linear(3, 3)
    x = mg.randn(2, 3)
    with viz.record():
        y = layer(layer(x).tanh()).sum()
    dot = parse_dot(viz.draw(y, params=layer).source)
    assert len(dot.clusters) == 2
    linears = dot.find("<B>linear</B>", "op")
    assert {dot.placement[op] for op in linears} == {(c,) for c in dot.clusters}
    # the shared weight is used by both calls, so it sits in neither
    assert all(dot.placement[leaf] == () for leaf in dot.ids("leaf"))


def test_a_module_that_returns_its_input_makes_no_cluster():
    x = mg.randn(2, 3, requires_grad=True)
    y = (nn.Identity()(x * 2.0)).sum()
    assert parse_dot(viz.draw(y).source).clusters == []


def test_calls_under_no_grad_are_not_recorded_and_records_die_with_the_graph():
    layer = nn.Linear(3, 3)
    before = len(recorder._calls)
    with viz.record():
        with mg.no_grad():
            layer(mg.randn(2, 3))
        assert len(recorder._calls) == before
        out = layer(mg.randn(2, 3))
    assert len(recorder._calls) == before + 1
    del out
    gc.collect()
    assert len(recorder._calls) == before


def test_records_do_not_keep_modules_alive():
    layer = nn.Linear(3, 3)
    alive = weakref.ref(layer)
    with viz.record():
        out = layer(mg.randn(2, 3)).sum()
    del layer
    gc.collect()
    assert alive() is None  # the graph keeps the parameters, not the module
    assert "<B>Linear</B>" in viz.draw(out).source


# --- BatchNorm: fused, composed, expanded ----------------------------------------------------
def batch_norm_layer(**options):
    mg.manual_seed(1)
    bn = nn.BatchNorm1d(3, dtype=np.float64, **options)
    x = mg.randn(6, 3, dtype=np.float64, requires_grad=True)
    with viz.record():
        return bn, x, (bn(x) ** 2).mean()


def op_names(dot) -> list[str]:
    return sorted(dot.label(n).split("</B>")[0].split("<B>")[1] for n in dot.ids("op"))


def test_fused_batch_norm_is_one_vertex_and_composed_shows_the_algorithm():
    _, _, loss = batch_norm_layer()
    fused = parse_dot(viz.draw(loss).source)
    assert op_names(fused) == ["batch_norm", "mean", "pow"]
    (node,) = fused.find("batch_norm", "op")
    assert "peripheries=2" in fused.nodes[node]  # fused ops are told apart
    _, _, composed_loss = batch_norm_layer(fused=False)
    composed = parse_dot(viz.draw(composed_loss).source)
    assert op_names(composed) == ["add", "add", "div", "mean", "mean", "mul", "pow", "sqrt",
                                  "sub", "var"]
    assert composed.detached_edges() == []


def test_expand_fused_draws_the_composed_graph_in_place_without_touching_the_real_one():
    bn, x, loss = batch_norm_layer()
    running = bn.running_mean.data.copy(), bn.running_var.data.copy()
    dot = parse_dot(viz.draw(loss, expand_fused=True).source)
    assert "batch_norm" not in op_names(dot)
    assert op_names(dot) == ["add", "add", "div", "mean", "mean", "mul", "pow", "sqrt",
                             "sub", "var"]
    # the expansion sits in a dashed cluster inside the BatchNorm1d call's cluster
    (sqrt,) = dot.find("<B>sqrt</B>", "op")
    assert len(dot.placement[sqrt]) == 2
    (pow_op,) = dot.find("<B>pow</B>", "op")
    (feeding,) = dot.edges_into(pow_op)
    assert "add" in dot.label(feeding.tail)  # the composed output feeds the fused op's consumer
    np.testing.assert_array_equal(bn.running_mean.data, running[0])
    np.testing.assert_array_equal(bn.running_var.data, running[1])
    (fused_grad,) = mg.grad(loss, x)
    _, x2, composed_loss = batch_norm_layer(fused=False)
    (composed_grad,) = mg.grad(composed_loss, x2)
    np.testing.assert_allclose(fused_grad.data, composed_grad.data, atol=1e-12)


def test_expand_fused_in_evaluation_mode_reads_the_running_statistics():
    bn, x, _ = batch_norm_layer()
    bn.eval()
    loss = bn(x).sum()
    dot = parse_dot(viz.draw(loss, expand_fused=True).source)
    assert "batch_norm" not in op_names(dot) and "var" not in op_names(dot)
    assert "sub" in op_names(dot)


def test_detached_statistics_in_the_composed_form_are_dashed_edges():
    _, _, loss = batch_norm_layer(fused=False, stats="detached")
    gc.collect()
    dot = parse_dot(viz.draw(loss).source)
    detached = dot.detached_edges()
    assert len(detached) == 2
    heads = {dot.label(e.head).split("</B>")[0] for e in detached}
    # the mean feeds the subtraction; the variance (or the std made from it) the scaling
    assert "<<B>sub" in heads and heads & {"<<B>div", "<<B>add"}
    _, _, fused_loss = batch_norm_layer(stats="detached")
    dot = parse_dot(viz.draw(fused_loss, expand_fused=True).source)
    assert len(dot.detached_edges()) == 2


@pytest.mark.parametrize("name,clusters,fused_ops", [
    ("batchnorm-composed", 0, 0), ("batchnorm-fused", 0, 1), ("batchnorm-expanded", 1, 0),
    ("batchnorm-detached", 0, 0), ("mlp", 6, 1),
])
def test_the_nn_examples_of_the_graph_command(name, clusters, fused_ops, tmp_path):
    from minigrad.cli import main

    target = tmp_path / f"{name}.dot"
    assert main(["graph", name, "-o", str(target)]) == 0
    dot = parse_dot(target.read_text())
    assert len(dot.clusters) == clusters
    assert len(dot.find("<B>batch_norm</B>", "op")) == fused_ops
    assert len(dot.detached_edges()) == (2 if name == "batchnorm-detached" else 0)


def test_a_model_run_before_recording_gets_a_hint_instead_of_clusters(monkeypatch):
    model, _, loss = mlp()
    monkeypatch.setattr(recorder, "_calls", weakref.WeakKeyDictionary())  # as if not recorded
    dot = parse_dot(viz.draw(loss, params=model).source)
    assert dot.clusters == []
    assert "No module calls were recorded" in dot.caption
    assert "with minigrad.viz.record():" in dot.caption
    assert "No module calls" not in viz.draw(loss).source  # no Module given: no hint
