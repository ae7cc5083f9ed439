"""Module: registration on assignment, traversal with dotted names, modes, state dicts and
their errors, the repr tree, forward hooks (per module and global), containers."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(3, 4)
        self.norm = nn.BatchNorm1d(4)
        self.scale = nn.Parameter(mg.ones(4))
        self.register_buffer("steps", mg.tensor(np.zeros((), np.int64)))
        self.register_buffer("scratch", mg.zeros(2), persistent=False)
        self.note = "plain attribute"

    def forward(self, x):
        return self.norm(self.linear(x)) * self.scale


def _model() -> nn.Sequential:
    return nn.Sequential(Block(), nn.ReLU(), nn.Linear(4, 2))


def test_registration_and_dotted_names() -> None:
    model = _model()
    assert [n for n, _ in model.named_parameters()] == [
        "0.scale", "0.linear.weight", "0.linear.bias", "0.norm.weight", "0.norm.bias",
        "2.weight", "2.bias"]
    assert [n for n, _ in model.named_buffers()] == [
        "0.steps", "0.scratch", "0.norm.running_mean", "0.norm.running_var",
        "0.norm.num_batches_tracked"]
    assert [n for n, _ in model.named_modules()] == ["", "0", "0.linear", "0.norm", "1", "2"]
    assert [n for n, _ in model.named_children()] == ["0", "1", "2"]
    assert len(list(model.modules())) == 6 and len(list(model.children())) == 3
    block = model[0]
    assert [n for n, _ in block.named_parameters(recurse=False)] == ["scale"]
    assert block.note == "plain attribute" and "note" not in dict(block.named_parameters())
    assert all(isinstance(p, nn.Parameter) for p in model.parameters())


def test_reassignment_and_deletion_update_the_registries() -> None:
    block = Block()
    block.scale = None
    assert "scale" not in dict(block.named_parameters())
    block.scale = nn.Parameter(np.zeros(4))
    assert "scale" in dict(block.named_parameters())
    del block.linear
    assert "linear.weight" not in dict(block.named_parameters())
    with pytest.raises(TypeError, match=r"parameter 'scale'.*use a Parameter"):
        block.scale = mg.zeros(4)
    with pytest.raises(TypeError, match="buffer 'steps'"):
        block.steps = np.zeros(())


def test_shared_parameters_are_listed_once() -> None:
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert len(list(model.parameters())) == 2
    assert [n for n, _ in model.named_modules()] == ["", "0", "1"]


def test_assignment_before_init_is_a_clear_error() -> None:
    class Broken(nn.Module):
        def __init__(self) -> None:
            self.layer = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\) first"):
        Broken()


def test_registration_errors() -> None:
    module = nn.Module()
    with pytest.raises(TypeError, match="must be a Tensor"):
        module.register_buffer("b", [1, 2])
    with pytest.raises(ValueError, match=r"without '\.'"):
        module.register_buffer("a.b", mg.zeros(1))
    module.x = 3
    with pytest.raises(KeyError, match="already in use"):
        module.register_parameter("x", nn.Parameter(np.zeros(1)))
    with pytest.raises(TypeError, match="must be a Parameter"):
        module.register_parameter("w", mg.zeros(1))
    with pytest.raises(NotImplementedError, match="does not define forward"):
        module(1)


def test_train_eval_and_zero_grad() -> None:
    model = _model()
    assert all(m.training for m in model.modules())
    assert model.eval() is model and not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    model(mg.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_parameter_copies_its_data() -> None:
    source = np.array([1.0, 2.0])
    param = nn.Parameter(source)
    param.data += 1
    assert source.tolist() == [1.0, 2.0]
    assert nn.Parameter([1.0, 2.0]).dtype == mg.get_default_dtype()
    assert nn.Parameter(np.zeros(2, np.float64)).dtype == np.float64
    assert nn.Parameter(mg.ones(2)).requires_grad and nn.Parameter(mg.ones(2)).is_leaf
    with pytest.raises(TypeError, match="floating"):
        nn.Parameter(np.arange(3))
    assert repr(nn.Parameter([1.0])).startswith("Parameter containing:\ntensor(")
    clone = copy.deepcopy(param)
    assert isinstance(clone, nn.Parameter) and clone.data is not param.data


# --- state dicts ----------------------------------------------------------------------

def test_state_dict_holds_parameters_and_persistent_buffers() -> None:
    model = _model()
    state = model.state_dict()
    assert "0.scratch" not in state
    assert list(state) == [
        "0.scale", "0.steps", "0.linear.weight", "0.linear.bias", "0.norm.weight",
        "0.norm.bias", "0.norm.running_mean", "0.norm.running_var",
        "0.norm.num_batches_tracked", "2.weight", "2.bias"]
    assert all(isinstance(v, mg.Tensor) and not v.requires_grad for v in state.values())
    assert state["2.weight"].data is model[2].weight.data  # shares data, as PyTorch


def test_load_state_dict_round_trip_in_place() -> None:
    source, target = _model(), _model()
    source(mg.randn(8, 3))  # moves the running statistics
    weight = target[2].weight
    result = target.load_state_dict(source.state_dict())
    assert result == (([], []))
    assert target[2].weight is weight  # updated in place: optimizers keep working
    for (name, a), (_, b) in zip(source.state_dict().items(), target.state_dict().items()):
        assert np.array_equal(a.data, b.data), name
    x = mg.randn(4, 3)
    source.eval(), target.eval()
    assert np.array_equal(source(x).data, target(x).data)


def test_load_state_dict_names_missing_unexpected_and_mis_shaped_keys() -> None:
    model = _model()
    state = {k: v.data.copy() for k, v in model.state_dict().items()}  # arrays work too
    del state["0.norm.running_var"]
    state["0.extra"] = np.zeros(1)
    state["2.weight"] = np.zeros((3, 4))
    with pytest.raises(RuntimeError) as error:
        model.load_state_dict(state)
    message = str(error.value)
    assert "missing keys: ['0.norm.running_var']" in message
    assert "unexpected keys: ['0.extra']" in message
    assert "size mismatch for '2.weight'" in message and "(3, 4)" in message
    assert "(2, 4)" in message
    before = model[2].bias.data.copy()
    state["2.bias"] = np.ones(2)
    with pytest.raises(RuntimeError, match="size mismatch"):
        model.load_state_dict(state, strict=False)  # shapes matter even when not strict
    assert np.array_equal(model[2].bias.data, before)  # nothing was half-loaded
    state["2.weight"] = np.zeros((2, 4))
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert missing == ["0.norm.running_var"] and unexpected == ["0.extra"]
    assert model[2].bias.data.tolist() == [1.0, 1.0]


def test_deepcopy_makes_an_independent_model() -> None:
    model = _model()
    clone = copy.deepcopy(model)
    clone[2].weight.data += 1
    clone(mg.randn(4, 3))
    assert not np.array_equal(clone[2].weight.data, model[2].weight.data)
    assert int(model[0].norm.num_batches_tracked.item()) == 0
    assert [n for n, _ in clone.named_parameters()] == [n for n, _ in model.named_parameters()]


def test_repr_is_a_tree() -> None:
    assert repr(_model()) == (
        "Sequential(\n"
        "  (0): Block(\n"
        "    (linear): Linear(in_features=3, out_features=4, bias=True)\n"
        "    (norm): BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, "
        "track_running_stats=True)\n"
        "  )\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=4, out_features=2, bias=True)\n"
        ")"
    )


# --- hooks -----------------------------------------------------------------------------

def test_forward_hooks_can_replace_inputs_and_outputs_and_be_removed() -> None:
    layer = nn.Identity()
    seen = []
    pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    post = layer.register_forward_hook(lambda m, args, out: seen.append((m, args, out)))
    replace = layer.register_forward_hook(lambda m, args, out: out + 1)
    x = mg.tensor([1.0])
    assert layer(x).item() == 3.0
    module, args, out = seen[0]
    assert module is layer and isinstance(args, tuple) and args[0].item() == 2.0
    assert out.item() == 2.0
    for handle in (pre, post, replace):
        handle.remove()
        handle.remove()  # twice is harmless
    assert layer(x).item() == 1.0 and len(seen) == 1
    with pytest.raises(TypeError, match="callable"):
        layer.register_forward_hook("not a function")


def test_global_hooks_see_every_call_nested_in_order() -> None:
    inner = nn.Sequential(nn.ReLU(), nn.Linear(4, 2))
    model = nn.Sequential(nn.Linear(3, 4), inner)
    starts, ends = [], []
    pre = nn.register_module_forward_pre_hook(lambda m, args: starts.append(m))
    with nn.register_module_forward_hook(lambda m, args, out: ends.append((m, args, out))):
        y = model(mg.randn(2, 3))
    pre.remove()
    linear1, (relu, linear2) = model[0], inner
    assert starts == [model, linear1, inner, relu, linear2]
    assert [m for m, _, _ in ends] == [linear1, relu, linear2, inner, model]
    assert ends[-1][2] is y
    assert ends[1][1][0] is ends[0][2]  # the ReLU received the first Linear's output
    model(mg.randn(2, 3))
    assert len(ends) == 5 and len(starts) == 5  # removed: nothing more recorded


# --- containers --------------------------------------------------------------------------

def test_sequential_indexing_and_module_list() -> None:
    model = _model()
    assert isinstance(model[-1], nn.Linear) and len(model) == 3
    head = model[1:]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[1] is model[2]
    with pytest.raises(IndexError, match="index 3 is out of range for 3 modules"):
        model[3]
    with pytest.raises(TypeError, match="expected a Module, got int at position 1"):
        nn.Sequential(nn.ReLU(), 3)
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    holder = nn.Module()
    holder.layers = layers
    assert len(list(holder.parameters())) == 6
    assert [n for n, _ in holder.named_parameters()][:2] == ["layers.0.weight",
                                                              "layers.0.bias"]
    layers[1] = nn.Identity()
    assert len(list(holder.parameters())) == 4 and list(layers)[1].__class__ is nn.Identity
