"""shellsim.plot: fan charts into PNG files, from a Result and from the
CLI's JSON, and the `python3 -m shellsim.plot` program."""

import json
import os
import subprocess
import sys

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


def test_fan_chart_of_the_cli_json_dict_writes_a_png_over_days(result, tmp_path):
    data = json.loads(json.dumps(result.to_dict()))  # as json.load gives it
    ax = plot.fan_chart(data, "russia/ukraine.fire_ratio")
    out = tmp_path / "fan-json.png"
    ax.figure.savefig(out)
    assert_png(out)
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
    assert "russia.fire, russia.extra; ukraine.fire, ukraine.extra" in p.stderr
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
