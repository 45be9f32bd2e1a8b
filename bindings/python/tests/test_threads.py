"""Runs from several Python threads: the GIL is released, and the numbers
are those of runs one after another."""

import threading
import time

import shellsim


def _in_threads(fn, args_list):
    out = [None] * len(args_list)
    errors = []

    def work(i, args):
        try:
            out[i] = fn(*args)
        except BaseException as e:  # pragma: no cover
            errors.append(e)
    threads = [threading.Thread(target=work, args=(i, a)) for i, a in enumerate(args_list)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return out


def test_four_threads_give_the_numbers_of_sequential_runs(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["aid-gap"]) as s:
        def one(seed, threads):
            with s.run(replications=600, seed=seed, threads=threads, keep_runs=True) as r:
                return r.to_dict(), r.runs("nk.delivered").tolist()
        args = [(1, 1), (2, 2), (1, 0), (3, 1)]
        sequential = [one(*a) for a in args]
        concurrent = _in_threads(one, args)
    assert concurrent == sequential
    assert concurrent[0] == concurrent[2]  # same seed, other thread count


def test_several_threads_can_read_one_result(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["aid-gap"]) as s, \
            s.run(replications=300, seed=5) as r:
        expected = r.to_dict()
        got = _in_threads(lambda: r.to_dict(), [()] * 4)
    assert all(g == expected for g in got)


def test_the_gil_is_released_during_a_run(scenario_files):
    # The main thread keeps counting while a worker thread is inside
    # shellsim_run (from a worker, no progress callback is installed: the C
    # call alone). If ctypes held the GIL during the call, the counter could
    # not move until the run returned.
    with shellsim.Scenario.from_file(scenario_files["seed-1m"]) as s:
        state = {"inside": False, "done": False}

        def run():
            state["inside"] = True
            state["result"] = s.run(replications=20000, threads=1, series="none")
            state["done"] = True
        t = threading.Thread(target=run)
        t.start()
        while not state["inside"]:
            time.sleep(0.001)
        n = 0
        while not state["done"]:
            n += 1
        t.join()
        state["result"].close()
    assert n > 1000


def test_closing_a_scenario_during_a_run_waits_for_the_run(scenario_files):
    s = shellsim.Scenario.from_file(scenario_files["seed-1m"])
    started = threading.Event()
    results = []

    def run():
        started.set()
        results.append(s.run(replications=20000, threads=1, series="none"))
    t = threading.Thread(target=run)
    t.start()
    started.wait()
    time.sleep(0.05)
    s.close()                     # the C scenario stays alive for the run
    assert s.closed
    t.join()
    with results[0] as r:
        assert r.metrics["russia.extra_fired"]["mean"] == 1e6
    assert shellsim._core._live_handles()["scenario"] >= 0
