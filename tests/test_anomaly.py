"""Anomaly detection: the first NaN or infinity raises, naming the op, the shapes and the
line of user code that created the op; off, nothing is checked or recorded."""

from __future__ import annotations

import inspect
import os
import threading

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd.anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from minigrad.autograd.function import _anomaly, _AnomalyMode

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's log(0) etc.

HERE = os.path.basename(__file__)


def _line() -> int:
    """The line number of the caller (where the op under test is written)."""
    return inspect.currentframe().f_back.f_lineno


def _leaf(values, dtype=np.float64) -> mg.Tensor:
    return mg.Tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def _assert_names_site(error: AnomalyError, line: int) -> None:
    message = str(error)
    assert f'{HERE}", line {line}' in message, message
    assert error.trace is not None and error.trace[-1].lineno == line
    assert all("minigrad" + os.sep not in frame.filename or "tests" in frame.filename
               for frame in error.trace), "minigrad's own frames must be trimmed"


def test_forward_log_of_zero_names_op_shapes_and_site():
    x = _leaf([[1.0, 0.0, 2.0], [3.0, 4.0, 5.0]])
    with detect_anomaly(), pytest.raises(AnomalyError) as caught:
        line = _line(); x.log()  # noqa: E702 - the op and its line number together
    error = caught.value
    assert isinstance(error, FloatingPointError)
    assert (error.op, error.phase) == ("log", "forward")
    assert "'log' produced -inf (1 of 6 elements)" in str(error)
    assert "shape (2, 3)" in str(error)
    _assert_names_site(error, line)


def test_forward_nan_from_sqrt_of_negative():
    x = _leaf([4.0, -1.0])
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"'sqrt' produced NaN \(1 of 2"):
        x.sqrt()


def test_forward_overflow_is_an_anomaly():
    x = _leaf([1.0, 1000.0])
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"'exp' produced inf"):
        x.exp()


def test_nan_from_infinite_input_is_new():
    """inf - inf is a NaN the subtraction made, although an input was already infinite."""
    x = _leaf([np.inf, 1.0])
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"'sub' produced NaN"):
        x - x


def test_non_finite_values_the_user_supplied_pass_through():
    x = _leaf([np.nan, np.inf, 1.0])
    with detect_anomaly():
        y = (x * 2 + 1).sum()  # NaN and inf came in with the data: not these ops' doing
    assert np.isnan(y.item())


def test_forward_checked_without_grad_too():
    x = mg.Tensor(np.array([0.0]))
    with detect_anomaly(), mg.no_grad(), pytest.raises(AnomalyError, match="'log'"):
        x.log()


def test_backward_names_op_and_forward_site():
    x = _leaf([0.0, 1.0, 4.0])
    with detect_anomaly():
        line = _line(); root = x.sqrt()  # noqa: E702 - forward is fine: sqrt(0) = 0
        loss = (root * 3).sum()
        with pytest.raises(AnomalyError) as caught:
            loss.backward()
    error = caught.value
    assert (error.op, error.phase) == ("sqrt", "backward")
    message = str(error)
    assert "backward of 'sqrt' returned inf (1 of 3 elements)" in message
    assert "gradient of its input 0 (shape (3,))" in message
    _assert_names_site(error, line)


def test_backward_through_a_deep_user_function_shows_the_user_frames():
    def layer(t):
        return (t * t).sqrt()  # d sqrt(u)/du at u = 0 is infinite

    def model(t):
        return layer(t + 0.0).sum()

    x = _leaf([0.0, 2.0])
    with detect_anomaly():
        loss = model(x)
        with pytest.raises(AnomalyError, match=r"backward of 'sqrt' returned inf") as caught:
            loss.backward()
    names = [frame.name for frame in caught.value.trace]
    assert names[-2:] == ["model", "layer"]


def test_backward_of_a_graph_built_before_detection_says_so():
    x = _leaf([0.0])
    loss = x.sqrt().sum()
    with detect_anomaly(), pytest.raises(AnomalyError, match="created outside detect_anomaly"):
        loss.backward()


def test_ops_inside_backward_are_judged_by_the_gradient_they_return():
    """A hook that computes a -inf on the way but returns a finite gradient is no anomaly."""
    x = _leaf([1.0, 2.0])
    h = x * 3

    def hook(g):
        _ = (g * 0).log()  # -inf intermediate, thrown away
        return g

    h.register_hook(hook)
    with detect_anomaly():
        h.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


def test_grad_of_grad_checked_too():
    x = _leaf([0.0, 1.0])
    with detect_anomaly():
        y = (x**3).sum()
        (g,) = mg.grad(y, x, create_graph=True)  # 3 x^2: finite
        line = _line(); s = g.sqrt()  # noqa: E702 - d sqrt(3x^2)/dx at 0 is 0/0
        with pytest.raises(AnomalyError, match="backward of 'sqrt'") as caught:
            s.sum().backward()
    _assert_names_site(caught.value, line)


def test_off_by_default_and_records_nothing():
    assert not is_anomaly_enabled()
    x = _leaf([0.0])
    y = x.log()  # -inf, no error
    assert y.grad_fn._trace is None
    assert np.isneginf(y.data).all()


def test_off_means_the_checks_are_not_called(monkeypatch):
    def fail(*args):
        raise AssertionError("anomaly check called while detection is off")

    monkeypatch.setattr(_AnomalyMode, "check_forward", staticmethod(fail))
    monkeypatch.setattr(_AnomalyMode, "check_backward", staticmethod(fail))
    x = _leaf([1.0, 2.0])
    (x.exp() * x).sum().backward()


def test_state_restored_after_exit_and_after_errors():
    with detect_anomaly():
        assert is_anomaly_enabled()
        x = _leaf([2.0])
        assert (x * 2).grad_fn._trace is not None
    assert not is_anomaly_enabled()
    assert "check_forward" not in vars(_anomaly) and "check_backward" not in vars(_anomaly)
    assert _anomaly.check_forward is _AnomalyMode.check_forward
    with pytest.raises(ValueError), detect_anomaly():
        raise ValueError("boom")
    assert not is_anomaly_enabled()


def test_nested_and_decorator():
    @detect_anomaly()
    def f(t):
        assert is_anomaly_enabled()
        return t.log()

    with detect_anomaly():
        with detect_anomaly():
            assert is_anomaly_enabled()
        assert is_anomaly_enabled()  # the outer block is still open
        with pytest.raises(AnomalyError, match="'log'"):
            f(_leaf([0.0]))
        assert is_anomaly_enabled()
    assert not is_anomaly_enabled()
    assert f(_leaf([1.0])).item() == 0.0


def test_concurrent_threads_leave_detection_off():
    start = threading.Barrier(4)
    errors = []

    def worker():
        try:
            start.wait(timeout=10)  # all threads enter and leave at the same time
            for _ in range(50):
                with detect_anomaly():
                    (_leaf([1.0, 2.0]).log() * 2).sum().backward()
        except Exception as error:  # surfaced in the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert not is_anomaly_enabled()
    assert "check_forward" not in vars(_anomaly)


def test_detection_is_process_wide():
    """Documented: a block in one thread checks ops run by other threads."""
    entered, release = threading.Event(), threading.Event()

    def hold():
        with detect_anomaly():
            entered.set()
            release.wait(timeout=10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        entered.wait(timeout=10)
        with pytest.raises(AnomalyError, match="'log'"):
            _leaf([0.0]).log()
    finally:
        release.set()
        holder.join()
    assert not is_anomaly_enabled()


def test_float32_overflow_found():
    x = _leaf([80.0, 100.0], dtype=np.float32)  # exp(100) overflows float32, not float64
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"'exp' produced inf \(1 of 2"):
        x.exp()
