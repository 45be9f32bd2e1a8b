"""Per-run values (keep_runs) agree with the metric statistics."""

import numpy as np
import pytest

import shellsim

# Quantiles come from a histogram: within this relative error of numpy's
# default ("linear") rule on the exact values (shellsim.h).
QUANTILE_RELATIVE_ERROR = 2.0 ** -11


@pytest.mark.parametrize("scenario,reps,seed", [("aid-gap", 3000, 1),
                                                ("tiny", 5000, 2)])
def test_per_run_values_give_the_metric_statistics(scenario_files, scenario, reps, seed):
    with shellsim.Scenario.from_file(scenario_files[scenario]) as s, \
            s.run(replications=reps, seed=seed, keep_runs=True) as r:
        for name, st in r.metrics.items():
            v = r.runs(name)
            assert v.dtype == np.float64 and v.shape == (reps,)
            ok = v[~np.isnan(v)]
            assert st["n"] == ok.size, name
            assert st.get("undefined", 0) == reps - ok.size, name
            assert st["min"] == ok.min() and st["max"] == ok.max(), name
            # the mean and sd come from exact sums; numpy's pairwise sum is
            # within a few ulps of them
            assert st["mean"] == pytest.approx(ok.mean(), rel=1e-12, abs=1e-9), name
            assert st["sd"] == pytest.approx(ok.std(ddof=1), rel=1e-9, abs=1e-9), name
            assert st["sem"] == pytest.approx(st["sd"] / np.sqrt(ok.size), rel=1e-12)
            for q in ("p05", "p25", "p50", "p75", "p95"):
                exact = np.percentile(ok, int(q[1:]))
                assert abs(st[q] - exact) <= QUANTILE_RELATIVE_ERROR * abs(exact) + 1e-12, (name, q)


def test_per_run_values_are_in_replication_order(scenario_files):
    # replication r draws from its own stream: the first runs of a longer
    # run are the runs of a shorter one
    with shellsim.Scenario.from_file(scenario_files["najin-dunay"]) as s, \
            s.run(replications=100, seed=3, keep_runs=True, series="none") as a, \
            s.run(replications=250, seed=3, keep_runs=True, series="none") as b:
        for name in a.metric_names:
            assert (a.runs(name) == b.runs(name)[:100]).all()
            assert (a.metric_runs(name) == a.runs(name)).all()


def test_fire_ratio_runs_where_b_fires_nothing_are_nan(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s, \
            s.run(replications=1000, seed=4, keep_runs=True) as r:
        v = r.runs("a/b.fire_ratio")
        fired = r.runs("b.fire_per_day")
        assert (np.isnan(v) == (fired == 0)).all()
        assert np.isnan(v).sum() == r.metrics["a/b.fire_ratio"]["undefined"] > 0


def test_one_million_shells_make_about_2700_rounds_a_day(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["seed-1m"]) as s, \
            s.run(replications=3, keep_runs=True) as r:
        assert (r.runs("russia.extra_fired") == 1e6).all()
        extra = r.series("russia.extra")
        assert set(np.unique(extra["p50"])) <= {2739.0, 2740.0}
        assert extra["mean"].sum() == 1e6
        assert r.metrics["russia.extra_per_day"]["mean"] == pytest.approx(1e6 / 365)
