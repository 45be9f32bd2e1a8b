"""Result.to_xarray(): one xarray.Dataset with every series over (band, day),
the metrics table over (metric, stat), dates when the scenario has a start
date, and the run's identity in attrs; the values are those of
series_band() and metrics_frame(), bit for bit."""

import numpy as np
import pytest

import shellsim
from conftest import same_bits

xr = pytest.importorskip("xarray")

BANDS = ["mean", "p05", "p25", "p50", "p75", "p95"]
STATS = ["n", "mean", "sd", "sem", "ci95_lo", "ci95_hi", "min", "p05",
         "p25", "p50", "p75", "p95", "max", "undefined"]




def test_every_series_is_a_variable_over_band_and_date_or_day(dated, tiny):
    for r, dims in ((dated, ("band", "date")), (tiny, ("band", "day"))):
        ds = r.to_xarray()
        assert isinstance(ds, xr.Dataset)
        assert set(ds.data_vars) == set(r.series_names) | {"metrics"}
        for name in r.series_names:
            v = ds[name]
            assert v.dims == dims and v.dtype == np.float64
            for b in BANDS:
                assert same_bits(v.sel(band=b).values, r.series_band(name, b)), \
                    (name, b)


def test_the_coordinates_name_the_bands_and_number_the_days(dated):
    ds = dated.to_xarray()
    assert list(ds["band"].values) == BANDS
    assert (ds["day"].values == np.arange(dated.horizon_days)).all()
    assert ds["day"].dtype == np.int64


def test_a_start_date_makes_date_the_dimension_with_day_beside_it(dated, tiny):
    ds = dated.to_xarray()
    assert ds["date"].dims == ("date",) and ds["day"].dims == ("date",)
    assert "date" in ds.indexes and "day" not in ds.indexes
    assert (ds["date"].values == dated.dates.astype("datetime64[ns]")).all()
    assert str(ds["date"].values[0])[:10] == "2023-08-01"
    # selected by date directly; by day after swap_dims, as the docstring says
    assert same_bits(ds["ukraine.stock"].sel(band="p50", date="2023-12-29"),
                     dated.series_band("ukraine.stock", "p50")[150])
    by_day = ds.swap_dims(date="day")
    assert same_bits(by_day["ukraine.stock"].sel(band="p50", day=150),
                     dated.series_band("ukraine.stock", "p50")[150])
    assert "date" not in tiny.to_xarray().coords
    assert "day" in tiny.to_xarray().indexes


def test_the_metrics_are_the_metrics_frame_over_metric_and_stat(dated, tiny):
    for r in (dated, tiny):
        ds = r.to_xarray()
        m = ds["metrics"]
        assert m.dims == ("metric", "stat")
        assert list(m["metric"].values) == r.metric_names
        assert list(m["stat"].values) == STATS
        assert same_bits(m.values, r.metrics_frame().values)


def test_nan_is_kept_where_a_value_does_not_exist(tiny):
    ds = tiny.to_xarray()
    assert np.isnan(ds["a/b.fire_ratio"].sel(band="mean").values).any()
    assert ds["metrics"].sel(metric="a/b.fire_ratio", stat="undefined") > 0
    assert np.isnan(ds["metrics"].sel(metric="a.fire_per_day",
                                      stat="undefined"))


def test_attrs_carry_the_scenario_seed_and_replications(dated, tiny):
    assert dated.to_xarray().attrs == {
        "scenario": "aid-gap", "replications": 300, "seed": 5,
        "horizon_days": dated.horizon_days, "start_date": "2023-08-01",
        "shellsim_version": shellsim.__version__}
    a = tiny.to_xarray().attrs
    assert a["scenario"] == "tiny" and "start_date" not in a


def test_a_run_without_series_still_has_its_metrics(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s:
        with s.run(replications=50, seed=1, series="none") as r:
            ds = r.to_xarray()
    assert list(ds.data_vars) == ["metrics"]


def test_a_data_only_result_gives_the_same_dataset(dated):
    back = shellsim.Result.from_dict(dated.to_dict())  # the JSON's start_date
    assert back.to_xarray().identical(dated.to_xarray())
