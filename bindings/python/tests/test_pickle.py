"""Data-only Results: Result.from_dict() (the CLI's JSON) and pickling.

A pickled Result (live or data-only) unpickles as a data-only Result: no C
handle, the same answers bit for bit (NaN kept), to_dict() equal to the
original's; what only the handle knows and was not copied raises
NoRunsError. Comparison and Sensitivity are plain data: they pickle, and
from_dict(to_dict()) gives them back."""

import copy
import json
import pickle

import numpy as np
import pytest

import shellsim
from conftest import same_bits
from shellsim import analysis
from shellsim._core import _live_handles



def _stats_bits(s):
    return np.array([s.n, s.mean, s.sd, s.sem, s.ci95[0], s.ci95[1], s.min,
                     s.p05, s.p25, s.p50, s.p75, s.p95, s.max],
                    dtype=np.float64).tobytes()


def _assert_same_result(a, b):
    """Every number of b is a's, bit for bit."""
    assert b.metric_names == a.metric_names
    assert b.series_names == a.series_names
    for n in a.metric_names:
        assert _stats_bits(b.metric_stats(n)) == _stats_bits(a.metric_stats(n))
        assert b.metric_stats(n).undefined == a.metric_stats(n).undefined
    for n in a.series_names:
        for band in shellsim.BANDS:
            assert same_bits(b.series_band(n, band), a.series_band(n, band))
    assert (b.scenario_name, b.replications, b.seed, b.horizon_days,
            b.start_date, b.sides) == (a.scenario_name, a.replications,
                                       a.seed, a.horizon_days, a.start_date,
                                       a.sides)


@pytest.fixture(scope="module")
def tiny(scenario_files):
    """No start date; a fire_ratio with undefined runs and NaN days."""
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s:
        with s.run(replications=400, seed=3, keep_runs=True) as r:
            yield r


@pytest.fixture(scope="module")
def dated(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["aid-gap"]) as s:
        with s.run(replications=200, seed=7) as r:
            yield r


# ------------------------------------------------------------ pickling

def test_a_pickled_result_comes_back_data_only_with_every_bit(tiny, dated):
    for r in (tiny, dated):
        for protocol in (2, pickle.HIGHEST_PROTOCOL):
            back = pickle.loads(pickle.dumps(r, protocol=protocol))
            assert type(back) is shellsim.Result
            assert back.data_only and not r.data_only
            _assert_same_result(r, back)
            assert back.to_dict() == r.to_dict()


def test_unpickling_allocates_no_c_handle(tiny):
    data = pickle.dumps(tiny)
    before = _live_handles()
    back = pickle.loads(data)
    assert _live_handles() == before
    del back
    assert _live_handles() == before


def test_a_data_only_result_pickles_again_to_thesame_bits(tiny):
    once = pickle.loads(pickle.dumps(tiny))
    twice = pickle.loads(pickle.dumps(once))
    _assert_same_result(tiny, twice)
    assert twice.to_dict() == tiny.to_dict()


def test_runs_kept_by_the_run_travel_with_the_pickle(tiny, dated):
    back = pickle.loads(pickle.dumps(tiny))
    for n in tiny.metric_names:
        assert same_bits(back.runs(n), tiny.runs(n))
    # a run without keep_runs: the data-only copy has none either
    with pytest.raises(shellsim.NoRunsError, match="holds data only"):
        pickle.loads(pickle.dumps(dated)).runs("russia.fire_per_day")


def test_copies_are_data_only_and_independent_of_the_original(
        scenario_files):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s:
        r = s.run(replications=30, seed=2)
    want = r.to_dict()
    for c in (copy.copy(r), copy.deepcopy(r)):
        assert c.data_only
        r2 = c
    r.close()
    assert r2.to_dict() == want
    r2.close()
    with pytest.raises(shellsim.ClosedError):
        r2.metrics


def test_a_closed_result_cannot_be_pickled(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s:
        r = s.run(replications=10, seed=2)
    r.close()
    with pytest.raises(shellsim.ClosedError):
        pickle.dumps(r)


# --------------------------------------------------------- from_dict

def test_from_dict_of_the_json_gives_a_result_whose_to_dict_equals_it(
        tiny, dated):
    for r in (tiny, dated):
        d = json.loads(json.dumps(r.to_dict()))   # as the CLI writes it
        back = shellsim.Result.from_dict(d)
        assert back.data_only
        assert back.to_dict() == d


def test_from_dict_of_the_cli_output(scenario_files, cli):
    d = cli(scenario_files["aid-gap"], 300, 4)
    r = shellsim.Result.from_dict(d)
    assert r.to_dict() == d
    assert r.scenario_name == "aid-gap" and r.replications == 300
    assert r.sides == d["sides"]


def test_from_dict_keeps_nan_and_the_numbers_bit_for_bit(tiny):
    back = shellsim.Result.from_dict(json.loads(json.dumps(tiny.to_dict())))
    _assert_same_result(tiny, back)    # null is NaN again, floats exact
    assert np.isnan(back.series_band("a/b.fire_ratio", "mean")).any()


def test_from_dict_reads_the_start_date_of_the_json(dated):
    d = dated.to_dict()
    assert d["start_date"] == "2023-08-01"
    r = shellsim.Result.from_dict(d)
    assert r.start_date == dated.start_date and str(r.dates[0]) == "2023-08-01"
    assert r.series_frame("ukraine.stock").index.name == "date"
    assert r.metrics_frame().equals(dated.metrics_frame())
    assert r.to_dict() == d


def test_from_dict_takes_a_start_date_the_json_does_not_have(dated):
    d = dated.to_dict()
    del d["start_date"]  # e.g. the JSON of shellsim 0.4 before it had one
    assert shellsim.Result.from_dict(d).start_date is None
    r = shellsim.Result.from_dict(d, start_date="2023-08-01")
    assert str(r.dates[0]) == "2023-08-01"
    assert r.series_frame("ukraine.stock").index.name == "date"
    assert r.metrics_frame().equals(dated.metrics_frame())
    # and a start_date given overrides the JSON's
    r2 = shellsim.Result.from_dict(dated.to_dict(), start_date="2024-01-01")
    assert str(r2.dates[0]) == "2024-01-01"


def test_from_dict_without_series_has_none(dated):
    r = shellsim.Result.from_dict(dated.to_dict(series=False))
    assert r.series_names == [] and r.to_dict() == dated.to_dict(series=False)
    with pytest.raises(shellsim.NotFoundError, match="no series"):
        r.series("ukraine.stock")


def test_from_dict_says_what_is_wrong(dated):
    d = dated.to_dict()
    for bad, match in [({k: v for k, v in d.items() if k != "metrics"},
                        "no 'metrics'"),
                       (dict(d, horizon_days=0), "horizon_days"),
                       ([1, 2], "a dict")]:
        with pytest.raises(ValueError, match=match):
            shellsim.Result.from_dict(bad)
    short = copy.deepcopy(d)
    short["series"]["ukraine.stock"]["p50"].pop()
    with pytest.raises(ValueError, match="'ukraine.stock' band 'p50'"):
        shellsim.Result.from_dict(short)


def test_a_data_only_result_answers_like_a_live_one(tiny):
    r = shellsim.Result.from_dict(tiny.to_dict())
    assert r.metrics == tiny.metrics
    with pytest.raises(shellsim.NotFoundError, match="no-such"):
        r.metric_stats("no-such")
    with pytest.raises(shellsim.NoRunsError, match="holds data only"):
        r.runs("a.fire_per_day")
    assert "data only" not in repr(tiny)
    assert r.series_frame("a.stock").equals(tiny.series_frame("a.stock"))


# ------------------------------------------- comparisons and sensitivity

def test_a_comparison_pickles_and_comes_back_from_its_dict(scenario_files):
    c = shellsim.compare(scenario_files["tiny"], scenario_files["tiny"],
                         replications=200, seed=3, keep_runs=True)
    back = pickle.loads(pickle.dumps(c))
    assert back.to_dict() == c.to_dict()
    assert same_bits(back.runs("a.fire_per_day", "diff"),
                 c.runs("a.fire_per_day", "diff"))
    d = json.loads(json.dumps(c.to_dict()))
    again = analysis.Comparison.from_dict(d)
    assert again.to_dict() == d
    for n in c.metric_names:
        for arm in ("a", "b", "diff"):
            assert (_stats_bits(again.metrics[n][arm])
                    == _stats_bits(c.metrics[n][arm]))
    with pytest.raises(shellsim.NoRunsError):
        again.runs("a.fire_per_day")
    with pytest.raises(ValueError, match="compare --json"):
        analysis.Comparison.from_dict({"metrics": {}})


def test_a_sensitivity_pickles_and_comes_back_from_its_dict(scenario_files):
    sa = shellsim.sensitivity(scenario_files["tiny"], "a.fire_per_day",
                              samples=64, seed=2, bootstrap=50)
    assert pickle.loads(pickle.dumps(sa)).to_dict() == sa.to_dict()
    d = json.loads(json.dumps(sa.to_dict()))
    assert analysis.Sensitivity.from_dict(d).to_dict() == d
    with pytest.raises(ValueError, match="'parameters'"):
        analysis.Sensitivity.from_dict({k: v for k, v in d.items()
                                        if k != "parameters"})


def test_an_extended_result_keeps_its_thresholds(scenario_files):
    r = analysis.run_extended(scenario_files["tiny"], replications=300,
                              seed=1, exceed=["a.fire_per_day=14",
                                              ("a.fire_per_day", 16.5)])
    back = pickle.loads(pickle.dumps(r))
    assert type(back) is analysis.ExtendedResult and back.data_only
    assert back.exceedances == r.exceedances
    assert back.to_dict() == r.to_dict()
    d = json.loads(json.dumps(r.to_dict()))
    again = analysis.ExtendedResult.from_dict(d)
    assert again.to_dict() == d
    assert again.exceedances == r.exceedances   # one metric: same order


def test_stats_from_dict_inverts_to_dict(tiny):
    for n in tiny.metric_names:
        s = tiny.metric_stats(n)
        back = shellsim.Stats.from_dict(json.loads(json.dumps(s.to_dict())))
        assert back == s and back.to_dict() == s.to_dict()
        assert _stats_bits(back) == _stats_bits(s)
        assert back.undefined == s.undefined
