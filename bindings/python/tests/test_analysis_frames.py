"""pandas tables of the analyses: Comparison.to_frame() (a row per metric
and arm, the pairing on the diff row) and
ExtendedResult.exceedances_frame() (a row per threshold); float64 columns,
the values of the objects bit for bit, NaN where a value does not exist."""

import numpy as np
import pytest

import shellsim
from shellsim import analysis

pd = pytest.importorskip("pandas")

STATS = ["n", "mean", "sd", "sem", "ci95_lo", "ci95_hi", "min", "p05",
         "p25", "p50", "p75", "p95", "max", "undefined"]
PAIRING = ["diff_variance", "independent_variance", "variance_ratio",
           "correlation"]


def _row(s):
    return np.array([s.n, s.mean, s.sd, s.sem, s.ci95[0], s.ci95[1], s.min,
                     s.p05, s.p25, s.p50, s.p75, s.p95, s.max,
                     np.nan if s.undefined is None else s.undefined],
                    dtype=np.float64)


@pytest.fixture(scope="module")
def comparison(scenario_files):
    """aid-gap against itself with more loss on the way: some metrics
    differ run by run (a finite variance ratio), some by nothing (the
    US's, whose difference is 0 in every run: +inf), some do not vary."""
    with shellsim.Scenario.from_file(scenario_files["aid-gap"]) as a, \
            a.with_values({"nk.loss_rate": "pert(0.2, 0.4, 0.6)"}) as b:
        yield shellsim.compare(a, b, replications=300, seed=2)


def test_comparison_frame_has_a_row_per_metric_and_arm(comparison):
    f = comparison.to_frame()
    assert f.index.names == ["metric", "arm"]
    assert list(f.index) == [(m, a) for m in comparison.metric_names
                             for a in ("a", "b", "diff")]
    assert list(f.columns) == STATS + PAIRING
    assert all(t == np.float64 for t in f.dtypes)


def test_comparison_frame_has_the_stats_bit_for_bit(comparison):
    f = comparison.to_frame()
    for m in comparison.metric_names:
        for arm in ("a", "b", "diff"):
            got = f.loc[(m, arm), STATS].to_numpy(dtype=np.float64)
            assert got.tobytes() == _row(comparison.metrics[m][arm]).tobytes()


def test_the_pairing_is_on_the_diff_row_only(comparison):
    f = comparison.to_frame()
    assert f.xs("a", level="arm")[PAIRING].isna().all().all()
    assert f.xs("b", level="arm")[PAIRING].isna().all().all()
    diff = f.xs("diff", level="arm")
    for m in comparison.metric_names:
        p = comparison.metrics[m]["pairing"]
        got = diff.loc[m, PAIRING].to_numpy(dtype=float)
        for k, x in zip(PAIRING, got):
            if p[k] is not None:      # JSON null: NaN or +inf
                assert x == p[k], (m, k)
            else:
                assert np.isnan(x) or x == np.inf, (m, k)
    ratio = diff["variance_ratio"]
    assert np.isfinite(ratio).any()
    # the difference of the US's shipments is 0 in every run: +inf, as
    # the library gives it (JSON null)
    assert ratio["us.shipments"] == np.inf
    assert comparison.metrics["us.shipments"]["pairing"]["variance_ratio"] \
        is None


def test_a_comparison_from_its_json_gives_the_same_frame(comparison):
    back = analysis.Comparison.from_dict(comparison.to_dict())
    assert back.to_frame().equals(comparison.to_frame())


def test_exceedances_frame_has_a_row_per_threshold_in_order(scenario_files):
    r = analysis.run_extended(scenario_files["tiny"], replications=500,
                              seed=4, exceed=["a.fire_per_day=15",
                                              ("p.delivered", 1e9),
                                              ("a.fire_per_day", 12.5)])
    f = r.exceedances_frame()
    assert f.index.names == ["metric", "value"]
    assert list(f.index) == [("a.fire_per_day", 15.0), ("p.delivered", 1e9),
                             ("a.fire_per_day", 12.5)]
    assert list(f.columns) == ["count", "n", "p", "ci95_lo", "ci95_hi"]
    assert all(t == np.float64 for t in f.dtypes)
    for (m, v), e in zip(f.index, r.exceedances):
        assert (m, v) == (e["metric"], e["value"])
        assert list(f.loc[(m, v)]) == [e["count"], e["n"], e["p"],
                                       *e["ci95"]]
    assert f.loc[("p.delivered", 1e9), "count"] == 0
