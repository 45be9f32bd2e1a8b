"""Result.metrics_frame() and Result.series_frame(): pandas DataFrames with
the values of metric_stats() and series() bit for bit; pandas imported only
when a frame is asked for."""

import math
import os
import subprocess
import sys

import numpy as np
import pytest

import shellsim
from conftest import same_bits

pd = pytest.importorskip("pandas")

COLUMNS = ["n", "mean", "sd", "sem", "ci95_lo", "ci95_hi", "min", "p05",
           "p25", "p50", "p75", "p95", "max", "undefined"]
BANDS = ["mean", "p05", "p25", "p50", "p75", "p95"]




@pytest.fixture(scope="module")
def one_run(scenario_files):
    """A single replication: sd, sem and ci95 do not exist (NaN)."""
    with shellsim.Scenario.from_file(scenario_files["najin-dunay"]) as s:
        with s.run(replications=1, seed=9, series="none") as r:
            yield r


# ---------------------------------------------------------- metrics_frame

def test_metrics_frame_is_float64_in_metric_order(dated, tiny):
    for r in (dated, tiny):
        f = r.metrics_frame()
        assert list(f.columns) == COLUMNS
        assert list(f.index) == r.metric_names and f.index.name == "metric"
        assert all(t == np.float64 for t in f.dtypes)


def test_metrics_frame_values_are_metric_stats_bit_for_bit(dated, tiny,
                                                           one_run):
    for r in (dated, tiny, one_run):
        f = r.metrics_frame()
        for name in r.metric_names:
            s = r.metric_stats(name)
            want = [s.n, s.mean, s.sd, s.sem, s.ci95[0], s.ci95[1], s.min,
                    s.p05, s.p25, s.p50, s.p75, s.p95, s.max,
                    math.nan if s.undefined is None else s.undefined]
            assert same_bits(f.loc[name].to_numpy(), want), name


def test_metrics_frame_has_nan_where_a_statistic_does_not_exist(one_run,
                                                                tiny):
    f = one_run.metrics_frame()
    assert f["sd"].isna().all() and f["ci95_lo"].isna().all()
    assert (f["n"] == 1).all()
    assert f["undefined"].isna().sum() == sum(
        not shellsim._stats.is_ratio(n) for n in one_run.metric_names)
    t = tiny.metrics_frame()
    assert t.loc["a/b.fire_ratio", "undefined"] == \
        tiny.metric_stats("a/b.fire_ratio").undefined > 0
    assert math.isnan(t.loc["p.delivered", "undefined"])


# ----------------------------------------------------------- series_frame

def test_wide_series_frame_has_a_daily_datetimeindex_from_start_date(dated):
    f = dated.series_frame()
    H = dated.horizon_days
    assert isinstance(f.index, pd.DatetimeIndex) and f.index.name == "date"
    assert f.index[0] == pd.Timestamp(dated.start_date) == \
        pd.Timestamp("2023-08-01")
    assert len(f) == H and f.index.freq == "D"
    assert (f.index.values == dated.dates.astype("datetime64[ns]")).all()
    assert isinstance(f.columns, pd.MultiIndex)
    assert list(f.columns.names) == ["series", "band"]
    assert list(f.columns) == [(n, b) for n in dated.series_names
                               for b in BANDS]
    assert all(t == np.float64 for t in f.dtypes)


def test_wide_series_frame_without_start_date_has_a_day_rangeindex(tiny):
    f = tiny.series_frame()
    assert isinstance(f.index, pd.RangeIndex) and f.index.name == "day"
    assert list(f.index) == list(range(tiny.horizon_days))


def test_series_frame_values_are_series_bit_for_bit(dated, tiny):
    for r in (dated, tiny):
        f = r.series_frame()
        for name in r.series_names:
            s = r.series(name)
            for b in BANDS:
                assert same_bits(f[(name, b)].to_numpy(), s[b]), (name, b)
    # tiny's fire_ratio series has NaN days: kept
    assert tiny.series_frame("a/b.fire_ratio", bands="mean").isna().any().any()


def test_series_frame_names_and_bands_select_in_the_given_order(dated):
    f = dated.series_frame(["ukraine.stock", "russia.fire"],
                           bands=("p95", "p05"))
    assert list(f.columns) == [("ukraine.stock", "p95"),
                               ("ukraine.stock", "p05"),
                               ("russia.fire", "p95"), ("russia.fire", "p05")]
    assert same_bits(f[("russia.fire", "p05")].to_numpy(),
                 dated.series_band("russia.fire", "p05"))
    g = dated.series_frame("ukraine.stock", bands="p50")
    assert list(g.columns) == [("ukraine.stock", "p50")]
    with pytest.raises(shellsim.InvalidArgumentError, match="no band 'p99'"):
        dated.series_frame(bands=("p99",))
    with pytest.raises(shellsim.NotFoundError, match="no series 'nope'"):
        dated.series_frame(["nope"])


def test_long_series_frame(dated, tiny):
    H = dated.horizon_days
    f = dated.series_frame(long=True)
    n = len(dated.series_names)
    assert len(f) == n * H * len(BANDS)
    assert list(f.columns) == ["series", "day", "date", "band", "value"]
    assert f["value"].dtype == np.float64 and f["day"].dtype == np.int64
    assert f["date"].dtype == "datetime64[ns]"
    assert f["date"].iloc[0] == pd.Timestamp("2023-08-01")
    assert (f["date"] - f["day"] * pd.Timedelta(days=1)
            == pd.Timestamp("2023-08-01")).all()
    sub = f[(f["series"] == "ukraine.stock") & (f["band"] == "p25")]
    assert list(sub["day"]) == list(range(H))
    assert same_bits(sub["value"].to_numpy(),
                 dated.series("ukraine.stock")["p25"])
    g = dated.series_frame(["russia.fire", "ukraine.fire"],
                           bands=("mean", "p95"), long=True)
    assert len(g) == 2 * H * 2
    wide = dated.series_frame(["russia.fire", "ukraine.fire"],
                              bands=("mean", "p95"))
    back = g.pivot(index="date", columns=["series", "band"], values="value")
    assert same_bits(back[wide.columns].to_numpy(), wide.to_numpy())
    t = tiny.series_frame(long=True)
    assert list(t.columns) == ["series", "day", "band", "value"]
    assert len(t) == len(tiny.series_names) * tiny.horizon_days * len(BANDS)


def test_frames_of_a_closed_result_raise_closed_error(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s:
        r = s.run(replications=10)
    r.close()
    with pytest.raises(shellsim.ClosedError):
        r.metrics_frame()
    with pytest.raises(shellsim.ClosedError):
        r.series_frame()


# ------------------------------------------------------------ lazy pandas

def test_import_shellsim_does_not_import_pandas():
    code = ("import sys, shellsim\n"
            "assert 'pandas' not in sys.modules, 'pandas imported'\n"
            "assert 'xarray' not in sys.modules, 'xarray imported'\n"
            "print('ok')\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True,
                       text=True, env=dict(os.environ), timeout=60)
    assert p.returncode == 0 and p.stdout.strip() == "ok", p.stderr


def test_without_pandas_a_frame_raises_import_error_saying_what_to_install(
        tiny, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)   # import pandas fails
    with pytest.raises(ImportError, match="install python3-pandas"):
        tiny.metrics_frame()
    with pytest.raises(ImportError, match=r"series_frame\(\) needs pandas"):
        tiny.series_frame()
