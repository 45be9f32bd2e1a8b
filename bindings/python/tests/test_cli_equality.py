"""Result.to_dict() and Result.metrics equal the CLI's --json output, value
for value (the CLI prints each double in its shortest round-trip form and
NaN as null)."""

import math

import pytest

import shellsim

STAT_KEYS = ["n", "mean", "sd", "sem", "ci95", "min", "p05", "p25", "p50",
             "p75", "p95", "max"]


@pytest.mark.parametrize("name,reps,seed", [
    ("najin-dunay", 500, 1),
    ("najin-dunay", 1234, 987654321),
    ("aid-gap", 800, 7),
    ("seed-1m", 50, 2),
    ("tiny", 3000, 11),
    ("tiny", 1, 5),
])
def test_to_dict_equals_the_cli_json(scenario_files, cli, name, reps, seed):
    path = scenario_files[name]
    expected = cli(path, reps, seed)
    with shellsim.Scenario.from_file(path) as s, \
            s.run(replications=reps, seed=seed) as r:
        got = r.to_dict()
    assert list(got) == list(expected)
    assert got["metrics"] == expected["metrics"]
    assert list(got["metrics"]) == list(expected["metrics"])
    assert list(got["series"]) == list(expected["series"])
    assert got == expected


def test_the_json_carries_the_start_date_only_when_there_is_one(scenario_files, cli):
    dated = cli(scenario_files["aid-gap"], 20, 1, "--series", "none")
    assert list(dated)[:5] == ["scenario", "replications", "seed", "horizon_days",
                               "start_date"]
    assert dated["start_date"] == "2023-08-01"
    assert "start_date" not in cli(scenario_files["tiny"], 20, 1, "--series", "none")
    # and from_dict reads it back
    assert str(shellsim.Result.from_dict(dated).dates[0]) == "2023-08-01"


def test_metrics_have_exactly_the_cli_keys(scenario_files, cli):
    path = scenario_files["tiny"]
    expected = cli(path, 2000, 3)
    with shellsim.Scenario.from_file(path) as s, s.run(replications=2000, seed=3) as r:
        metrics = r.metrics
    assert metrics == expected["metrics"]
    for name, stats in metrics.items():
        keys = STAT_KEYS + (["undefined"] if name.endswith((".fire_ratio", ".fire_share", ".extra_share")) else [])
        assert list(stats) == keys, name
        assert list(stats) == list(expected["metrics"][name]), name
        assert isinstance(stats["n"], int) and isinstance(stats["ci95"], list)


def test_nan_is_none_as_the_cli_prints_null(scenario_files, cli):
    path = scenario_files["tiny"]
    expected = cli(path, 200, 1)
    with shellsim.Scenario.from_file(path) as s, s.run(replications=200, seed=1) as r:
        d = r.to_dict()
        ratio = r.series("a/b.fire_ratio")
    assert d["metrics"]["a/b.fire_ratio"]["undefined"] > 0
    nan_days = [i for i, x in enumerate(ratio["mean"]) if math.isnan(x)]
    assert nan_days, "the tiny scenario should have days without a ratio"
    for i in nan_days:
        assert d["series"]["a/b.fire_ratio"]["mean"][i] is None
        assert expected["series"]["a/b.fire_ratio"]["mean"][i] is None
    assert d == expected


def test_a_single_replication_has_no_sd_as_in_the_cli(scenario_files, cli):
    path = scenario_files["najin-dunay"]
    expected = cli(path, 1, 9)
    with shellsim.Scenario.from_file(path) as s, s.run(replications=1, seed=9) as r:
        m = r.metrics["nk.delivered"]
    assert m["sd"] is None and m["sem"] is None and m["ci95"] == [None, None]
    assert m == expected["metrics"]["nk.delivered"]


@pytest.mark.parametrize("spec,cli_spec", [
    (["russia.extra"], "russia.extra"),
    ("russia.extra,nk.delivered_cum", "russia.extra,nk.delivered_cum"),
    ("none", "none"),
])
def test_series_selection_matches_the_cli(scenario_files, cli, spec, cli_spec):
    path = scenario_files["najin-dunay"]
    expected = cli(path, 300, 4, "--series", cli_spec)
    with shellsim.Scenario.from_file(path) as s, \
            s.run(replications=300, seed=4, series=spec) as r:
        assert r.series_names == list(expected["series"])
        assert r.to_dict() == expected


def test_the_thread_count_changes_no_bit(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["aid-gap"]) as s:
        with s.run(replications=700, seed=5, threads=1) as a, \
                s.run(replications=700, seed=5, threads=2) as b, \
                s.run(replications=700, seed=5, threads=7) as c:
            assert a.to_dict() == b.to_dict() == c.to_dict()


def test_series_bands_are_the_json_arrays(scenario_files, cli):
    path = scenario_files["aid-gap"]
    expected = cli(path, 400, 8)
    with shellsim.Scenario.from_file(path) as s, s.run(replications=400, seed=8) as r:
        for name in r.series_names:
            bands = r.series(name)
            assert list(bands) == ["mean", "p05", "p25", "p50", "p75", "p95"]
            for band, arr in bands.items():
                assert arr.dtype.name == "float64" and arr.shape == (365,)
                assert arr.tolist() == expected["series"][name][band]
                assert (r.series_band(name, band) == arr).all()
