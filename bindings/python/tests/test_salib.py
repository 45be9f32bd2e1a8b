"""Sensitivity for analysts: summary() and ranking() are both methods (the
old property form of summary fails with a TypeError saying to call it),
to_frame() is a float table of the parameters, and to_salib() has the
shape of SALib's sobol.analyze() result, with the 95% intervals' half
widths as S1_conf and ST_conf."""

import json

import numpy as np
import pytest

import shellsim
from shellsim import analysis

pd = pytest.importorskip("pandas")

COLUMNS = ["first_order", "first_order_ci95_lo", "first_order_ci95_hi",
           "total", "total_ci95_lo", "total_ci95_hi", "tornado_low",
           "tornado_high", "p10", "p50", "p90"]


def _nan(x):
    return np.nan if x is None else x


@pytest.fixture(scope="module")
def sa(scenario_files):
    return shellsim.sensitivity(scenario_files["najin-dunay"],
                                "russia.extra_per_day", samples=128, seed=3,
                                bootstrap=100)


@pytest.fixture(scope="module")
def no_bootstrap(scenario_files):
    return shellsim.sensitivity(scenario_files["tiny"], "a.fire_per_day",
                                samples=32, seed=1, bootstrap=0)


# ------------------------------------------------------ summary, ranking

def test_summary_and_ranking_are_both_methods(sa):
    s = sa.summary()
    assert s == {k: v for k, v in sa.to_dict().items() if k != "parameters"}
    assert s["metric"] == "russia.extra_per_day" and "parameters" not in s
    r = sa.ranking()
    assert sorted(r) == sorted(sa.parameters)
    totals = [sa.parameters[n]["total"] for n in r]
    assert totals == sorted(totals, reverse=True)
    assert sa.ranking("first_order")[0] == max(
        sa.parameters, key=lambda n: sa.parameters[n]["first_order"])


def test_the_summary_is_a_copy(sa):
    s = sa.summary()
    s["noise_share_ci95"].append(1)
    s["mean"] = None
    assert sa.summary() == {k: v for k, v in sa.to_dict().items()
                            if k != "parameters"}


def test_the_old_property_form_of_summary_says_to_call_it(sa):
    for use in (lambda: sa.summary["mean"], lambda: dict(sa.summary),
                lambda: list(sa.summary), lambda: "mean" in sa.summary,
                lambda: sa.summary.get("mean"), lambda: sa.summary.items(),
                lambda: len(sa.summary), lambda: sa.summary == {}):
        with pytest.raises(TypeError, match=r"a method since shellsim 0\.4.*"
                                            r"sa\.summary\(\)"):
            use()


def test_ranking_by_an_unknown_index_is_an_error(sa):
    with pytest.raises(shellsim.InvalidArgumentError, match="first_order"):
        sa.ranking("S1")


# ---------------------------------------------------------- to_frame

def test_to_frame_is_float64_one_row_per_parameter_in_order(sa):
    f = sa.to_frame()
    assert list(f.columns) == COLUMNS
    assert list(f.index) == list(sa.parameters)
    assert f.index.name == "parameter"
    assert all(t == np.float64 for t in f.dtypes)


def test_to_frame_has_the_json_values_with_nan_for_null(sa, no_bootstrap):
    for s in (sa, no_bootstrap):
        f = s.to_frame()
        for name, p in s.parameters.items():
            want = [p["first_order"], *p["first_order_ci95"], p["total"],
                    *p["total_ci95"], *p["tornado"], p["p10"], p["p50"],
                    p["p90"]]
            got = f.loc[name].to_numpy()
            assert np.array_equal(got, np.array([_nan(x) for x in want],
                                                dtype=np.float64),
                                  equal_nan=True), name
    assert f["first_order_ci95_lo"].isna().all()   # no bootstrap


def test_to_frame_sorted_by_ranking(sa):
    f = sa.to_frame().loc[sa.ranking()]
    assert f["total"].is_monotonic_decreasing


# ---------------------------------------------------------- to_salib

def test_to_salib_has_the_keys_and_types_of_sobol_analyze(sa):
    d = sa.to_salib()
    assert list(d) == ["names", "S1", "S1_conf", "ST", "ST_conf"]
    assert d["names"] == list(sa.parameters)
    for k in ("S1", "S1_conf", "ST", "ST_conf"):
        assert isinstance(d[k], np.ndarray) and d[k].dtype == np.float64
        assert d[k].shape == (len(d["names"]),)


def test_to_salib_indices_are_first_order_and_total(sa):
    d = sa.to_salib()
    for i, n in enumerate(d["names"]):
        assert d["S1"][i] == sa.parameters[n]["first_order"]
        assert d["ST"][i] == sa.parameters[n]["total"]


def test_to_salib_conf_is_half_the_width_of_the_95_interval(sa):
    d = sa.to_salib()
    for i, n in enumerate(d["names"]):
        lo, hi = sa.parameters[n]["first_order_ci95"]
        assert d["S1_conf"][i] == (hi - lo) / 2
        lo, hi = sa.parameters[n]["total_ci95"]
        assert d["ST_conf"][i] == (hi - lo) / 2
    # a half-width: the estimate -+ conf is an interval of the same width
    assert (d["S1_conf"] >= 0).all() and (d["ST_conf"] >= 0).all()
    assert (d["ST_conf"] > 0).any()


def test_to_salib_without_bootstrap_has_nan_conf(no_bootstrap):
    d = no_bootstrap.to_salib()
    assert np.isnan(d["S1_conf"]).all() and np.isnan(d["ST_conf"]).all()
    assert not np.isnan(d["ST"]).all()


def test_to_salib_frames_as_salib_users_build_them(sa):
    d = sa.to_salib()
    f = pd.DataFrame({k: d[k] for k in ("ST", "ST_conf")}, index=d["names"])
    assert f.loc[sa.ranking()[0], "ST"] == max(d["ST"])


def test_a_sensitivity_from_the_cli_json_gives_the_same_tables(sa):
    back = analysis.Sensitivity.from_dict(json.loads(json.dumps(sa.to_dict())))
    assert back.to_frame().equals(sa.to_frame())
    want, got = sa.to_salib(), back.to_salib()
    assert got["names"] == want["names"]
    for k in ("S1", "S1_conf", "ST", "ST_conf"):
        assert got[k].tobytes() == want[k].tobytes(), k
