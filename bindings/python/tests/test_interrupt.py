"""The progress callback, and Ctrl-C (SIGINT -> KeyboardInterrupt) during a
long run: the run stops promptly and the library stays usable."""

import os
import signal
import threading
import time

import pytest

import shellsim
from shellsim._core import _live_handles

from conftest import NAJIN_DUNAY

LONG = 5_000_000   # replications of seed-1m: about ten seconds on two cores


@pytest.fixture
def seed_1m(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["seed-1m"]) as s:
        yield s


@pytest.fixture
def default_sigint():
    """Python's default SIGINT handler, restored afterwards."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _sigint_after(seconds):
    pid = os.getpid()
    t = threading.Timer(seconds, lambda: os.kill(pid, signal.SIGINT))
    t.start()
    return t


def _still_usable(s):
    with s.run(replications=100, seed=1) as r:
        assert r.metrics["russia.extra_fired"]["mean"] == 1e6


def test_progress_reports_done_and_total(seed_1m):
    calls = []
    with seed_1m.run(replications=5000, threads=1,
                     progress=lambda done, total: calls.append((done, total))):
        pass
    assert calls and all(t == 5000 for _, t in calls)
    dones = [d for d, _ in calls]
    assert dones == sorted(dones) and dones[-1] == 5000


def test_a_true_return_value_stops_the_run(seed_1m):
    before = _live_handles()
    with pytest.raises(shellsim.RunInterrupted) as e:
        seed_1m.run(replications=LONG, progress=lambda d, t: d >= 1000)
    assert e.value.status == 7
    assert _live_handles() == before
    _still_usable(seed_1m)


def test_an_exception_in_progress_stops_the_run_and_is_reraised(seed_1m):
    def boom(done, total):
        raise ValueError("stop at %d" % done)
    t = time.monotonic()
    with pytest.raises(ValueError, match="stop at"):
        seed_1m.run(replications=LONG, progress=boom)
    assert time.monotonic() - t < 5
    _still_usable(seed_1m)


def test_keyboard_interrupt_raised_in_progress_stops_the_run(seed_1m):
    def ctrl_c(done, total):
        if done > 2000:
            raise KeyboardInterrupt
    t = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        seed_1m.run(replications=LONG, progress=ctrl_c)
    assert time.monotonic() - t < 5
    _still_usable(seed_1m)


def test_sigint_during_a_long_run_stops_it_promptly(seed_1m, default_sigint):
    before = _live_handles()
    timer = _sigint_after(0.5)
    t = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        seed_1m.run(replications=LONG)
    elapsed = time.monotonic() - t
    timer.join()
    assert 0.4 < elapsed < 5, elapsed
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert _live_handles() == before
    _still_usable(seed_1m)


def test_sigint_with_a_progress_callback_too(seed_1m, default_sigint):
    calls = []
    timer = _sigint_after(0.5)
    t = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        seed_1m.run(replications=LONG, threads=1,
                    progress=lambda d, total: calls.append(d))
    timer.join()
    assert time.monotonic() - t < 5
    assert calls and calls[-1] < LONG
    _still_usable(seed_1m)


class Custom(Exception):
    pass


def test_a_custom_sigint_handler_is_honoured(seed_1m):
    def handler(signum, frame):
        raise Custom("handled SIGINT")
    previous = signal.signal(signal.SIGINT, handler)
    try:
        timer = _sigint_after(0.5)
        t = time.monotonic()
        with pytest.raises(Custom):
            seed_1m.run(replications=LONG)
        timer.join()
        assert time.monotonic() - t < 5
        assert signal.getsignal(signal.SIGINT) is handler
    finally:
        signal.signal(signal.SIGINT, previous)
    _still_usable(seed_1m)


def test_a_handler_that_returns_lets_the_run_finish(seed_1m):
    seen = []
    previous = signal.signal(signal.SIGINT, lambda s, f: seen.append(s))
    try:
        timer = _sigint_after(0.2)
        with seed_1m.run(replications=200_000, series="none") as r:
            assert r.replications == 200_000
        timer.join()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert seen == [signal.SIGINT]


# ------------------------------------- one helper for every long call

OBS = ("[observe never]\nseries = nk.delivered_cum\nday = 364\n"
       "value = -5\ntolerance = 1\n")   # never matched: infer runs on


def _long_calls(path):
    """name -> call(progress) of every long call of the package."""
    from shellsim import analysis

    def run(p):
        with shellsim.Scenario.from_file(path) as s:
            return s.run(replications=LONG, progress=p)
    return {
        "run": run,
        "run_extended": lambda p: analysis.run_extended(
            path, replications=LONG, exceed=["nk.delivered=1"], progress=p),
        "compare": lambda p: shellsim.compare(path, path, replications=LONG,
                                              progress=p),
        "sensitivity": lambda p: shellsim.sensitivity(
            NAJIN_DUNAY, "russia.extra_per_day", samples=1 << 16,
            bootstrap=0, progress=p),
        "infer": lambda p: shellsim.infer(path, OBS, accept=10,
                                          max_tries=1 << 40, pilot=0,
                                          progress=p),
    }


CALLS = ["run", "run_extended", "compare", "sensitivity", "infer"]


@pytest.mark.parametrize("call", CALLS)
def test_every_long_call_stops_on_keyboard_interrupt_in_progress(
        scenario_files, call):
    fn = _long_calls(scenario_files["seed-1m"])[call]
    calls = []

    def ctrl_c(done, total):
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt
    before = _live_handles()
    t = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        fn(ctrl_c)
    assert time.monotonic() - t < 5
    assert len(calls) == 2
    assert _live_handles() == before


@pytest.mark.parametrize("call", CALLS)
def test_every_long_call_stops_with_run_interrupted_on_a_true_return(
        scenario_files, call):
    fn = _long_calls(scenario_files["seed-1m"])[call]
    with pytest.raises(shellsim.RunInterrupted) as e:
        fn(lambda done, total: True)
    assert e.value.status == 7


@pytest.mark.parametrize("call", ["compare", "infer"])
def test_sigint_stops_the_analysis_and_inference_calls_too(
        scenario_files, default_sigint, call):
    fn = _long_calls(scenario_files["seed-1m"])[call]
    timer = _sigint_after(0.5)
    t = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        fn(None)
    timer.join()
    assert 0.4 < time.monotonic() - t < 5
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
