"""shellsim.plot: fan charts into PNG files, from a Result and from the
CLI's JSON, and the `python3 -m shellsim.plot` program."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import shellsim

pytest.importorskip("matplotlib")
from shellsim import plot  # noqa: E402

from conftest import PACKAGE_ROOT  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(path):
    with open(path, "rb") as f:
        head = f.read(8)
    assert head == PNG_SIGNATURE
    assert os.path.getsize(path) > 5000


@pytest.fixture(scope="module")
def result(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["aid-gap"]) as s:
        r = s.run(replications=500, seed=1)
    yield r
    r.close()


def test_fan_chart_of_a_result_writes_a_png_over_dates(result, tmp_path):
    import matplotlib.dates as mdates
    ax = plot.fan_chart(result, "russia.extra")
    out = tmp_path / "fan.png"
    ax.figure.savefig(out)
    assert_png(out)
    # the median line and two bands; dates on the x axis
    assert len(ax.lines) == 1 and len(ax.collections) == 2
    x = ax.lines[0].get_xdata()
    assert str(x[0]) == "2023-08-01" and len(x) == 365
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    assert (ax.lines[0].get_ydata() == result.series("russia.extra")["p50"]).all()


def test_fan_chart_of_the_cli_json_dict_writes_a_png_over_its_dates(result, tmp_path):
    data = json.loads(json.dumps(result.to_dict()))  # as json.load gives it
    ax = plot.fan_chart(data, "russia/ukraine.fire_ratio")
    out = tmp_path / "fan-json.png"
    ax.figure.savefig(out)
    assert_png(out)
    assert str(ax.lines[0].get_xdata()[0]) == "2023-08-01"  # the JSON's start_date


def test_fan_chart_of_a_json_dict_without_a_start_date_is_over_days(result, tmp_path):
    data = json.loads(json.dumps(result.to_dict()))
    del data["start_date"]
    ax = plot.fan_chart(data, "russia/ukraine.fire_ratio")
    ax.figure.savefig(tmp_path / "fan-days.png")
    assert list(ax.lines[0].get_xdata()[:3]) == [0, 1, 2]
    assert ax.get_xlabel() == "day"


def test_fan_chart_draws_on_a_given_axes_with_a_start_date(result, tmp_path):
    from matplotlib.figure import Figure
    fig = Figure()
    ax = fig.subplots()
    data = result.to_dict()
    assert plot.fan_chart(data, "ukraine.fire", ax=ax, start_date="2024-01-01",
                          show_mean=True) is ax
    plot.fan_chart(data, "russia.fire", ax=ax)
    assert len(ax.lines) == 3
    assert str(ax.lines[0].get_xdata()[0]) == "2024-01-01"
    fig.savefig(tmp_path / "two.png")
    assert_png(tmp_path / "two.png")


def test_fan_chart_with_nan_days_still_draws(scenario_files, tmp_path):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s, \
            s.run(replications=100) as r:
        ax = plot.fan_chart(r, "a/b.fire_ratio")
        ax.figure.savefig(tmp_path / "nan.png")
    assert_png(tmp_path / "nan.png")


def test_an_unknown_series_is_an_error(result):
    with pytest.raises(KeyError, match="no series"):
        plot.fan_chart(result.to_dict(), "russia.nope")
    with pytest.raises(shellsim.NotFoundError):
        plot.fan_chart(result, "russia.nope")


def test_headline_series_are_fire_and_extra_per_side():
    names = ["russia.fire", "russia.extra", "russia.stock", "ukraine.fire",
             "ukraine.extra", "nk.delivered_cum", "a/b.fire_ratio"]
    assert plot.headline_series(names) == [
        ("russia", ["russia.fire", "russia.extra"]),
        ("ukraine", ["ukraine.fire", "ukraine.extra"])]


def _module(args, **kw):
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "shellsim.plot", *args],
                          env=env, capture_output=True, text=True, timeout=120, **kw)


def test_the_plot_program_draws_the_cli_json(result, tmp_path):
    src = tmp_path / "result.json"
    src.write_text(json.dumps(result.to_dict()))
    out = tmp_path / "out.png"
    p = _module([str(src), str(out), "--start-date", "2023-08-01"])
    assert p.returncode == 0, p.stderr
    assert p.stdout == ""
    # the fans of v1 (this engine writes no fired_cum yet), or the charts by
    # source: each names the side's fire and extra first
    assert "russia.fire, russia.extra" in p.stderr
    assert "ukraine.fire, ukraine.extra" in p.stderr
    assert_png(out)


def test_the_plot_program_reads_stdin_and_named_series(result, tmp_path):
    out = tmp_path / "stdin.png"
    p = _module(["-", str(out), "--series", "nk.delivered_cum", "us.delivered_cum",
                 "-q"], input=json.dumps(result.to_dict()))
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    assert_png(out)


def test_the_plot_program_fails_cleanly(result, tmp_path):
    src = tmp_path / "result.json"
    src.write_text(json.dumps(result.to_dict()))
    p = _module([str(src), str(tmp_path / "x.png"), "--series", "nope"])
    assert p.returncode == 1 and "no series 'nope'" in p.stderr
    p = _module([str(tmp_path / "missing.json"), str(tmp_path / "x.png")])
    assert p.returncode == 1 and "missing.json" in p.stderr
    p = _module([str(src)])
    assert p.returncode == 2
    p = _module([str(src), str(tmp_path / "x.png"), "--start-date", "August"])
    assert p.returncode == 2
    assert not os.path.exists(tmp_path / "x.png")


def test_the_plot_program_draws_the_real_cli_output(scenario_files, cli, tmp_path):
    src = tmp_path / "cli.json"
    src.write_text(json.dumps(cli(scenario_files["najin-dunay"], 300, 1)))
    p = _module([str(src), str(tmp_path / "cli.png")])
    assert p.returncode == 0, p.stderr
    assert_png(tmp_path / "cli.png")


def test_plot_py_runs_as_a_script_without_the_library(result, tmp_path):
    # A fallback for callers that have the JSON but not libshellsim: the
    # file itself needs only numpy and matplotlib.
    src = tmp_path / "result.json"
    src.write_text(json.dumps(result.to_dict()))
    out = tmp_path / "script.png"
    env = dict(os.environ, SHELLSIM_LIBRARY="/nonexistent/libshellsim.so",
               MPLBACKEND="Agg")
    env.pop("PYTHONPATH", None)
    p = subprocess.run([sys.executable, os.path.join(PACKAGE_ROOT, "shellsim", "plot.py"),
                        str(src), str(out), "-q"], env=env, cwd=str(tmp_path),
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert_png(out)


# ------------------------------------------------------ fire by source (v2)
# A synthetic JSON of model v2's outputs (docs/model.md, "v2"): two sides,
# west under window fed by two pipelines and east under target fed by one,
# each side's mean fire made of known layers, so that fire_by_source must
# give them back.

H = 120


def _bands(mean, spread):
    mean = np.asarray(mean, dtype=np.float64)
    scale = {"p05": 1 - spread, "p25": 1 - spread / 3, "p50": 1.0,
             "p75": 1 + spread / 3, "p95": 1 + spread}
    return dict({"mean": mean.tolist()},
                **{b: (mean * f).tolist() for b, f in scale.items()})


def synthetic_v2():
    """(the JSON dict, the layers it was made of: side -> name -> array)."""
    rng = np.random.default_rng(7)
    d = np.arange(H)
    sides = {"west": {"policy": "window", "pipelines": ["nk", "iran"]},
             "east": {"policy": "target", "pipelines": ["us"]}}
    piped = {"nk": 2500 * (1 - np.exp(-d / 20)) + rng.uniform(0, 100, H),
             "iran": np.where(d > 60, 600.0, 0.0) + rng.integers(0, 20, H),
             "us": np.maximum(2000.0 - 12 * d, 0) + rng.uniform(0, 30, H)}
    layers = {"west": {"base": np.full(H, 5500.0),
                       "nk": piped["nk"], "iran": piped["iran"],
                       "own": 400 + rng.uniform(0, 50, H)},
              "east": {"base": np.full(H, 1500.0), "us": piped["us"],
                       "own": np.maximum(1500.0 - 30 * d, 0)}}
    series = {}
    for side, parts in layers.items():
        extra = sum(v for k, v in parts.items() if k != "base")
        series[side + ".fire"] = _bands(parts["base"] + extra, 0.25)
        series[side + ".extra"] = _bands(extra, 0.4)
        series[side + ".stock"] = _bands(10 * extra, 0.3)
    short = np.maximum(2600 - (layers["east"]["us"] + layers["east"]["own"]), 0)
    series["east.shortfall"] = _bands(short, 0.6)
    for p, daily in piped.items():
        series[p + ".fired_cum"] = _bands(np.cumsum(daily), 0.3)
    data = {"scenario": "synthetic", "replications": 1000, "seed": 1,
            "horizon_days": H, "sides": sides, "metrics": {}, "series": series}
    return json.loads(json.dumps(data)), layers  # as json.load gives it


def v1_of(data):
    """The same JSON as model v1 wrote it: no sides, no v2 series."""
    v1 = {k: v for k, v in data.items() if k != "sides"}
    v1["series"] = {n: b for n, b in data["series"].items()
                    if not n.endswith((".fired_cum", ".shortfall"))}
    return v1


@pytest.mark.parametrize("side", ["west", "east"])
def test_the_layers_by_source_add_up_to_the_mean_fire(side):
    data, _ = synthetic_v2()
    layers = plot.fire_by_source(data, side)
    assert list(layers) == ["base"] + data["sides"][side]["pipelines"] + ["own"]
    fire = np.array(data["series"][side + ".fire"]["mean"])
    total = sum(layers.values())
    assert all(a.shape == (H,) and a.dtype == np.float64 for a in layers.values())
    np.testing.assert_allclose(total, fire, rtol=1e-9, atol=0)


@pytest.mark.parametrize("side", ["west", "east"])
def test_each_layer_is_the_one_the_fire_was_made_of(side):
    data, made = synthetic_v2()
    layers = plot.fire_by_source(data, side)
    for name, want in made[side].items():
        # a pipeline's layer comes back from the differences of its cumulative
        # sum: exact up to that sum's rounding
        np.testing.assert_allclose(layers[name], want, rtol=1e-9,
                                   atol=1e-9 * np.abs(want).max(), err_msg=name)
    assert (layers["own"] >= 0).all()


def test_day_0_of_a_pipeline_is_its_fired_cum_and_own_is_clipped_at_0():
    data, _ = synthetic_v2()
    # a pipeline that fired more than the side's extra (rounding of whole
    # shells) leaves own at 0, never below
    data["series"]["us.fired_cum"]["mean"] = (
        np.array(data["series"]["us.fired_cum"]["mean"]) + 1e5).tolist()
    layers = plot.fire_by_source(data, "east")
    assert layers["us"][0] == data["series"]["us.fired_cum"]["mean"][0]
    assert layers["own"][0] == 0.0 and (layers["own"] >= 0).all()


def test_a_pipeline_named_like_a_layer_keeps_its_own_key():
    data, _ = synthetic_v2()
    data["sides"]["east"]["pipelines"] = ["own"]
    data["series"]["own.fired_cum"] = data["series"].pop("us.fired_cum")
    layers = plot.fire_by_source(data, "east")
    assert list(layers) == ["base", "own (pipeline)", "own"]
    np.testing.assert_allclose(sum(layers.values()),
                               data["series"]["east.fire"]["mean"], rtol=1e-9)


def test_without_the_attribution_there_is_no_fire_by_source():
    data, _ = synthetic_v2()
    assert plot.attribution_series(data, "west") == [
        "west.fire", "west.extra", "nk.fired_cum", "iran.fired_cum"]
    assert plot.attribution_series(v1_of(data), "west") is None
    assert plot.attribution_series(data, "nowhere") is None
    del data["series"]["iran.fired_cum"]
    assert plot.attribution_series(data, "west") is None
    with pytest.raises(KeyError, match="attribution"):
        plot.fire_by_source(data, "west")


def test_the_headline_panels_of_v2_stack_sources_and_show_the_shortfall():
    data, _ = synthetic_v2()
    assert plot.headline_panels(data) == [
        ("sources", "west", ["west.fire", "west.extra", "nk.fired_cum",
                             "iran.fired_cum"]),
        ("sources", "east", ["east.fire", "east.extra", "us.fired_cum"]),
        ("shortfall", "east", ["east.shortfall"])]


def test_the_headline_panels_fall_back_to_the_fans_of_v1():
    data, _ = synthetic_v2()
    fans = [("fan", "west", ["west.fire", "west.extra"]),
            ("fan", "east", ["east.fire", "east.extra"])]
    assert plot.headline_panels(v1_of(data)) == fans
    # sides known but no fired_cum (an engine before v2's attribution)
    no_cum = v1_of(data)
    no_cum["sides"] = data["sides"]
    assert plot.headline_panels(no_cum) == fans


def test_a_v2_json_draws_stacked_sources_with_the_fan_and_the_shortfall(tmp_path):
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    data, _ = synthetic_v2()
    out = tmp_path / "v2.png"
    panels = plot.draw(data, out)
    assert_png(out)
    assert [p for p, _ in panels] == ["west", "east", "east shortfall"]
    fig = Figure()
    ax = plot.source_chart(data, "west", ax=fig.subplots())
    polys = [c for c in ax.collections if isinstance(c, PolyCollection)]
    # 4 stacked layers, then the 90% and 50% bands of the total fire
    assert len(polys) == 6
    assert [line.get_label() for line in ax.lines] == ["total fire: median"]
    assert (ax.lines[0].get_ydata() == data["series"]["west.fire"]["p50"]).all()
    labels = ax.get_legend_handles_labels()[1]
    assert labels[:4] == ["base fire", "from nk", "from iran",
                          "own stock & production"]
    ax = plot.shortfall_chart(data, "east", ax=Figure().subplots())
    assert (ax.lines[0].get_ydata() == data["series"]["east.shortfall"]["mean"]).all()
    assert "shortfall: 90% (p05-p95)" in ax.get_legend_handles_labels()[1]


def test_the_plot_program_draws_v2_and_v1_json_without_the_library(tmp_path):
    data, _ = synthetic_v2()
    for name, d, want in [
            ("v2", data, "west.fire, west.extra, nk.fired_cum, iran.fired_cum; "
                         "east.fire, east.extra, us.fired_cum; east.shortfall"),
            ("v1", v1_of(data), "west.fire, west.extra; east.fire, east.extra")]:
        src = tmp_path / (name + ".json")
        src.write_text(json.dumps(d))
        out = tmp_path / (name + ".png")
        env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT, MPLBACKEND="Agg",
                   SHELLSIM_LIBRARY="/nonexistent/libshellsim.so")
        p = subprocess.run([sys.executable, "-m", "shellsim.plot", str(src),
                            str(out)], env=env, cwd=str(tmp_path),
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        assert "(%s)" % want in p.stderr, name
        assert_png(out)


def test_fire_by_source_of_a_result_uses_its_sides(result):
    # this engine writes no fired_cum yet: a Result knows its sides, and the
    # attribution waits for the series
    assert plot.sides_of(result) == result.to_dict()["sides"]
    if "nk.fired_cum" not in result.series_names:
        assert plot.attribution_series(result, "russia") is None
    else:
        layers = plot.fire_by_source(result, "russia")
        np.testing.assert_allclose(sum(layers.values()),
                                   result.series("russia.fire")["mean"],
                                   rtol=1e-9)
