"""Optimizers against the published algorithms (written out below as plain NumPy, one line
per line of the pseudo-code), state dicts that resume bit-exactly, schedules, bad arguments."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
from minigrad import optim

STEPS = 6


def _grads(seed: int, shape=(3, 2)):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in range(STEPS)]


def _run(optimizer_class, start: np.ndarray, grads, **options) -> np.ndarray:
    param = nn.Parameter(start)
    optimizer = optimizer_class([param], **options)
    for g in grads:
        param.grad = mg.Tensor(g)
        optimizer.step()
    return param.data


# --- references from the published algorithms (PyTorch's documentation) ------------------

def sgd_reference(theta, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0,
                  nesterov=False, maximize=False):
    theta, b = theta.copy(), None
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if weight_decay:
            g = g + weight_decay * theta
        if momentum:
            b = g if t == 1 else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        theta = theta - lr * g
    return theta


def adam_reference(theta, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                   amsgrad=False, decoupled=False, maximize=False):
    (beta1, beta2), theta = betas, theta.copy()
    m = v = v_max = np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if decoupled:
            theta = theta - lr * weight_decay * theta
        elif weight_decay:
            g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        if amsgrad:
            v_max = np.maximum(v_max, v)
            v_hat = v_max / (1 - beta2**t)
        else:
            v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta


SGD_OPTIONS = [
    {"lr": 0.1},
    {"lr": 0.1, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
    {"lr": 0.1, "momentum": 0.5, "maximize": True},
]
ADAM_OPTIONS = [
    {"lr": 0.01},
    {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05},
    {"lr": 0.01, "amsgrad": True},
    {"lr": 0.01, "maximize": True},
]


@pytest.mark.parametrize("options", SGD_OPTIONS, ids=str)
def test_sgd_matches_the_algorithm(options) -> None:
    start, grads = np.random.default_rng(0).standard_normal((3, 2)), _grads(1)
    np.testing.assert_allclose(_run(optim.SGD, start, grads, **options),
                               sgd_reference(start, grads, **options), rtol=0, atol=1e-12)


@pytest.mark.parametrize("options", ADAM_OPTIONS, ids=str)
def test_adam_matches_the_algorithm(options) -> None:
    start, grads = np.random.default_rng(2).standard_normal((3, 2)), _grads(3)
    np.testing.assert_allclose(_run(optim.Adam, start, grads, **options),
                               adam_reference(start, grads, **options), rtol=0, atol=1e-12)


@pytest.mark.parametrize("options", [{"lr": 0.01}, {"lr": 0.1, "weight_decay": 0.3},
                                     {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}], ids=str)
def test_adamw_decays_the_weights_not_the_gradient(options) -> None:
    start, grads = np.random.default_rng(4).standard_normal((3, 2)), _grads(5)
    options = {"weight_decay": 0.01, **options}  # AdamW's default decay
    np.testing.assert_allclose(_run(optim.AdamW, start, grads, **options),
                               adam_reference(start, grads, decoupled=True, **options),
                               rtol=0, atol=1e-12)
    adam = _run(optim.Adam, start, grads, **options)
    assert np.abs(adam - _run(optim.AdamW, start, grads, **options)).max() > 1e-6


@pytest.mark.parametrize("layout", ["large", "fortran"])
def test_adam_in_chunks_and_on_non_contiguous_parameters(layout: str) -> None:
    """Large parameters are updated chunk by chunk, others in whole-array passes."""
    rng = np.random.default_rng(8)
    shape = (300, 301) if layout == "large" else (5, 4)  # 90,300 elements: two chunks
    start = rng.standard_normal(shape)
    if layout == "fortran":
        start = np.asfortranarray(start)
    grads = [np.asfortranarray(g) for g in _grads(9, shape)]
    options = {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}
    for cls, decoupled in ((optim.Adam, False), (optim.AdamW, True)):
        np.testing.assert_allclose(_run(cls, start, grads, **options),
                                   adam_reference(start, grads, decoupled=decoupled, **options),
                                   rtol=0, atol=1e-12)


def test_first_adam_step_is_lr_times_the_sign() -> None:
    """With m and v at zero, bias correction makes the first step lr * g / (|g| + eps)."""
    param = nn.Parameter(np.array([1.0, -2.0, 3.0]))
    param.grad = mg.tensor(np.array([0.5, -4.0, 1e-3]))
    optim.Adam([param], lr=0.1, eps=0.0).step()
    np.testing.assert_allclose(param.data, [0.9, -1.9, 2.9], rtol=0, atol=1e-15)


# --- mechanics ----------------------------------------------------------------------------

def test_updates_are_in_place_in_float32_without_touching_the_caller() -> None:
    source = np.ones((4, 3), np.float32)
    param = nn.Parameter(source)
    data = param.data
    for optimizer in (optim.SGD([param], lr=0.1, momentum=0.9), optim.Adam([param], lr=0.1),
                      optim.AdamW([param], lr=0.1, amsgrad=True)):
        for _ in range(2):
            param.grad = mg.ones(4, 3)
            optimizer.step()
        assert param.data is data and param.dtype == np.float32
        assert all(v.dtype == np.float32 for v in optimizer.state[param].values()
                   if isinstance(v, np.ndarray))
    assert np.all(source == 1.0)
    assert param.grad_fn is None and param.is_leaf


def test_zero_grad_parameters_without_gradients_and_closure() -> None:
    used, unused = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2))
    optimizer = optim.Adam([used, unused], lr=0.1)

    def closure():
        optimizer.zero_grad()
        loss = (used * used).sum()
        loss.backward()
        return loss

    assert optimizer.step(closure).item() == 2.0
    assert unused not in optimizer.state and np.all(unused.data == 1.0)
    assert used.grad is not None
    optimizer.zero_grad()
    assert used.grad is None and unused.grad is None


def test_param_groups_override_the_defaults() -> None:
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2))
    optimizer = optim.SGD([{"params": [a]}, {"params": b, "lr": 1.0}], lr=0.1, momentum=0.5)
    assert [g["lr"] for g in optimizer.param_groups] == [0.1, 1.0]
    a.grad, b.grad = mg.ones(2, dtype=np.float64), mg.ones(2, dtype=np.float64)
    optimizer.step()
    np.testing.assert_allclose(a.data, 0.9)
    np.testing.assert_allclose(b.data, 0.0)
    assert "Parameter Group 1" in repr(optimizer)


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True),
    lambda ps: optim.AdamW(ps, lr=0.05),
], ids=["sgd", "adam", "adamw"])
def test_state_dict_resumes_bit_exactly_through_a_checkpoint(make, tmp_path) -> None:
    grads = _grads(6, (2, 2))
    start = np.random.default_rng(7).standard_normal((2, 2))
    params = [nn.Parameter(start), nn.Parameter(start[0])]
    optimizer = make(params)

    def steps(optimizer, params, gs):
        for g in gs:
            params[0].grad, params[1].grad = mg.Tensor(g), mg.Tensor(g[0])
            optimizer.step()

    steps(optimizer, params, grads[:3])
    mg.save(optimizer.state_dict(), tmp_path / "opt.npz")
    copies = [nn.Parameter(p.data) for p in params]
    resumed = make(copies)
    resumed.load_state_dict(mg.load(tmp_path / "opt.npz"))
    steps(optimizer, params, grads[3:])
    steps(resumed, copies, grads[3:])
    for p, q in zip(params, copies):
        assert np.array_equal(p.data, q.data)


def test_load_state_dict_errors() -> None:
    optimizer = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="expected a dict with 'state' and 'param_groups'"):
        optimizer.load_state_dict({})
    other = optim.SGD([nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2))], lr=0.1)
    with pytest.raises(ValueError, match="param group 0 has 2 parameters in the state, 1 here"):
        optimizer.load_state_dict(other.state_dict())
    state = optimizer.state_dict()
    state["state"][5] = {"momentum_buffer": np.zeros(2)}
    with pytest.raises(ValueError, match="names parameter 5, which no param group lists"):
        optimizer.load_state_dict(state)


@pytest.mark.parametrize("call, error, message", [
    (lambda p: optim.SGD(p, lr=-0.1), ValueError, "lr must be a number >= 0, got -0.1"),
    (lambda p: optim.SGD([], lr=0.1), ValueError, "empty parameter list"),
    (lambda p: optim.SGD([np.zeros(2)], lr=0.1), TypeError, "must be tensors, got ndarray"),
    (lambda p: optim.SGD(p[0], lr=0.1), TypeError, "got a single Tensor; wrap it in a list"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-1), ValueError, "momentum must be >= 0"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), ValueError, "Nesterov momentum needs"),
    (lambda p: optim.SGD(p, lr=0.1, weight_decay=-1), ValueError, "weight_decay must be >= 0"),
    (lambda p: optim.SGD([{"params": p}, {"params": p}], lr=0.1), ValueError,
     "more than one parameter group"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.9)), ValueError, r"betas must be two numbers"),
    (lambda p: optim.Adam(p, eps=-1), ValueError, "eps must be >= 0"),
    (lambda p: optim.Adam([p[0] * 2]), ValueError, "is not a leaf tensor"),
    (lambda p: optim.StepLR(optim.SGD(p, lr=0.1), step_size=0), ValueError,
     "step_size must be a positive int"),
    (lambda p: optim.CosineAnnealingLR(p, T_max=3), TypeError, "expected an Optimizer"),
])
def test_bad_arguments_are_clear_errors(call, error, message) -> None:
    params = [nn.Parameter(np.ones(2))]
    with pytest.raises(error, match=message):
        call(params)


def test_a_parameter_listed_twice_in_a_group_warns_and_is_updated_once() -> None:
    """PyTorch warns; updating the parameter twice per step would silently double the lr."""
    p = nn.Parameter(np.ones(2))
    with pytest.warns(UserWarning, match="same parameter more than once"):
        opt = optim.SGD([p, p], lr=0.1)
    assert opt.param_groups[0]["params"] == [p]
    p.grad = mg.tensor(np.ones(2))
    opt.step()
    np.testing.assert_array_equal(p.data, [0.9, 0.9])


# --- schedules ---------------------------------------------------------------------------

def test_step_lr() -> None:
    optimizer = optim.SGD([nn.Parameter(np.ones(1))], lr=1.0)
    scheduler = optim.StepLR(optimizer, step_size=3, gamma=0.5)
    rates = [optimizer.param_groups[0]["lr"]]
    for _ in range(7):
        optimizer.step()
        scheduler.step()
        rates.append(optimizer.param_groups[0]["lr"])
    assert rates == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    assert scheduler.get_last_lr() == [0.25]


def test_cosine_annealing_lr_and_its_state() -> None:
    params = [nn.Parameter(np.ones(1)), nn.Parameter(np.ones(1))]
    optimizer = optim.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.5}], lr=1.0)
    scheduler = optim.CosineAnnealingLR(optimizer, T_max=4, eta_min=0.1)
    seen = []
    for _ in range(5):
        seen.append([g["lr"] for g in optimizer.param_groups])
        scheduler.step()
    for epoch, (lr0, lr1) in enumerate(seen):
        cosine = (1 + math.cos(math.pi * epoch / 4)) / 2
        assert lr0 == pytest.approx(0.1 + 0.9 * cosine, abs=1e-15)
        assert lr1 == pytest.approx(0.1 + 0.4 * cosine, abs=1e-15)
    assert seen[-1] == [pytest.approx(0.1), pytest.approx(0.1)]
    state = scheduler.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 5
    fresh = optim.CosineAnnealingLR(optimizer, T_max=4, eta_min=0.1)
    fresh.load_state_dict(state)
    assert fresh.last_epoch == 5 and fresh.base_lrs == [1.0, 0.5]
