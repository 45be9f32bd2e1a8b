"""Handles are freed deterministically (close, with) and at garbage
collection; a closed handle raises shellsim.Error, never crashes; memory
does not grow over many runs."""

import gc

import pytest

import shellsim
from shellsim._core import _live_handles

from conftest import TINY, statm_rss_bytes


def test_with_blocks_free_the_scenario_and_the_result():
    before = _live_handles()
    with shellsim.Scenario.from_string(TINY) as s:
        with s.run(replications=10) as r:
            assert _live_handles()["result"] == before["result"] + 1
        assert r.closed
        assert _live_handles()["result"] == before["result"]
    assert s.closed
    assert _live_handles() == before


def test_close_is_idempotent_and_frees_at_once():
    before = _live_handles()
    s = shellsim.Scenario.from_string(TINY)
    r = s.run(replications=10)
    s.close()
    s.close()
    assert _live_handles()["scenario"] == before["scenario"]
    r.close()
    r.close()
    assert _live_handles() == before
    assert "closed" in repr(s) and "closed" in repr(r)


def test_garbage_collection_frees_handles():
    before = _live_handles()
    s = shellsim.Scenario.from_string(TINY)
    r = s.run(replications=10)
    del s, r
    gc.collect()
    assert _live_handles() == before


def test_a_result_outlives_its_scenario():
    with shellsim.Scenario.from_string(TINY) as s:
        r = s.run(replications=50, seed=2)
    with r:
        assert r.metrics["p.shipped"]["n"] == 50
        assert r.scenario_name == "tiny"


@pytest.mark.parametrize("use", [
    lambda r: r.metrics,
    lambda r: r.metric_stats("p.shipped"),
    lambda r: r.series("a.fire"),
    lambda r: r.series_band("a.fire", "p50"),
    lambda r: r.runs("p.shipped"),
    lambda r: r.to_dict(),
    lambda r: r.metric_names,
    lambda r: r.series_names,
    lambda r: r.replications,
    lambda r: r.horizon_days,
    lambda r: r.start_date,
    lambda r: r.__enter__(),
])
def test_using_a_closed_result_raises_error(use):
    with shellsim.Scenario.from_string(TINY) as s:
        r = s.run(replications=10, keep_runs=True)
    r.close()
    with pytest.raises(shellsim.Error, match="closed") as e:
        use(r)
    assert isinstance(e.value, shellsim.ClosedError)


@pytest.mark.parametrize("use", [
    lambda s: s.run(replications=10),
    lambda s: s.name,
    lambda s: s.horizon_days,
    lambda s: s.start_date,
])
def test_using_a_closed_scenario_raises_error(use):
    s = shellsim.Scenario.from_string(TINY)
    s.close()
    with pytest.raises(shellsim.ClosedError, match="closed"):
        use(s)


def test_scenario_properties(scenario_files):
    import datetime
    with shellsim.Scenario.from_file(scenario_files["aid-gap"]) as s:
        assert (s.name, s.horizon_days) == ("aid-gap", 365)
        assert s.start_date == datetime.date(2023, 8, 1)
        with s.run(replications=5, series="none") as r:
            assert r.start_date == s.start_date
            assert r.dates[0] == r.dates[0].astype("datetime64[D]")
            assert str(r.dates[-1]) == "2024-07-30"
            assert (r.days == range(365)).all()
    with shellsim.Scenario.from_string(TINY) as s:
        assert s.start_date is None
        with s.run(replications=5) as r:
            assert r.dates is None


def test_memory_does_not_grow_over_1000_runs():
    handles = _live_handles()
    with shellsim.Scenario.from_string(TINY) as s:
        def cycle():
            with s.run(replications=50, seed=1, keep_runs=True) as r:
                r.metrics
                r.series("a.fire")
                r.runs("p.shipped")
                r.to_dict()
        for _ in range(100):      # warm up the allocators
            cycle()
        gc.collect()
        before = statm_rss_bytes()
        for _ in range(1000):
            cycle()
        gc.collect()
        grown = statm_rss_bytes() - before
    # One leaked result of this scenario holds about 1.6 MB (a quantile
    # sketch per series and day), so even a single leak shows; 2 MB of slack
    # covers allocator noise.
    assert grown < 2 * 1024 * 1024, grown
    assert _live_handles() == handles


def test_a_scenario_cannot_be_copied_or_pickled():
    # (a Result can: its copy holds the data, without the C handle; see
    # test_pickle.py)
    import copy
    import pickle
    with shellsim.Scenario.from_string(TINY) as s:
        for f in (copy.copy, copy.deepcopy, pickle.dumps):
            with pytest.raises(TypeError, match="cannot be copied"):
                f(s)
