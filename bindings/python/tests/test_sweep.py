"""shellsim.sweep (shellsim_sweep_run): every point is, value for value,
the run of Scenario.with_values at that point; every step is the
difference arm of shellsim.compare of its two points; delivered shells do
not fall when a pipeline stops later, in any replication; to_dict() is the
CLI's `sweep --json`; the numpy arrays, the DataFrame and the chart hold
the same numbers; bad grids and keys raise with the C message."""

import json
import math
import subprocess

import numpy as np
import pytest

import shellsim
from shellsim.sweep import Sweep, grid

from conftest import cli_path

BASE = """[scenario]
name = sw
horizon_days = 120
start_date = 2024-01-01

[side s]
base_fire_per_day = pert(50, 80, 120)

[pipeline p]
to = s
supplier_stock = 1e6
production_per_day = pert(100, 300, 600)
interval_days = gamma(2, 3.5)
containers = triangular(1, 2, 4)
shells_per_container = pert(250, 400, 500)
transit_days = triangular(7, 14, 28)
loss_rate = pert(0.05, 0.2, 0.5)
"""

REPS, SEED = 600, 3
METRICS = ["p.delivered", "s.fire_per_day", "p.fire_share"]


@pytest.fixture(scope="module")
def scenario():
    with shellsim.Scenario.from_string(BASE) as s:
        yield s


@pytest.fixture(scope="module")
def sw(scenario):
    return shellsim.sweep(scenario, "p.stop_day=0:120:30", metrics=METRICS,
                          replications=REPS, seed=SEED, threads=2)


def test_every_point_equals_the_run_of_with_values(scenario, sw):
    assert isinstance(sw, Sweep)
    assert sw.keys == ["p.stop_day"] and sw.shape == (5,)
    assert list(sw.grid["p.stop_day"]) == [0, 30, 60, 90, 120]
    for k, v in enumerate(sw.grid["p.stop_day"]):
        with scenario.with_values({"p.stop_day": int(v)}) as sk, \
                sk.run(replications=REPS, seed=SEED, threads=1) as r:
            for m, name in enumerate(METRICS):
                assert sw.point_stats[k][name] == r.metrics[name], (k, name)
                assert sw.mean[k, m] == r.metrics[name].mean
                assert sw.ci95_hi[k, m] == r.metrics[name].ci95[1]


def test_every_step_is_compares_difference_of_its_two_points(scenario, sw):
    for k in range(1, 5):
        a = scenario.with_values({"p.stop_day": int(sw.grid["p.stop_day"][k - 1])})
        b = scenario.with_values({"p.stop_day": int(sw.grid["p.stop_day"][k])})
        c = shellsim.compare(a, b, replications=REPS, seed=SEED)
        a.close()
        b.close()
        for m, name in enumerate(METRICS):
            assert sw.step_stats[k]["p.stop_day"][name] == c.metrics[name]["diff"]
            assert sw.step_mean[0, k, m] == c.metrics[name]["diff"].mean
    assert sw.step_stats[0] == {} and np.isnan(sw.step_mean[0, 0]).all()


def test_delivered_shells_do_not_fall_when_the_pipeline_stops_later(sw):
    m = METRICS.index("p.delivered")
    assert sw.max[0, m] == 0  # nothing departs when it stops on day 0
    assert (sw.step_min[0, 1:, m] >= 0).all()
    assert (np.diff(sw.mean[:, m]) >= 0).all()


def test_to_dict_equals_the_cli_json(scenario, sw, tmp_path):
    exe = cli_path()
    if exe is None:
        pytest.skip("no shellsim CLI")
    path = tmp_path / "sw.ini"
    path.write_text(BASE)
    args = [exe, "sweep", str(path), "--param", "p.stop_day=0:120:30",
            "--reps", str(REPS), "--seed", str(SEED), "--json"]
    for m in METRICS:
        args += ["--metric", m]
    p = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert sw.to_dict() == json.loads(p.stdout)


def test_two_parameters_as_a_dict_the_last_fastest(scenario):
    sw2 = shellsim.sweep(BASE, {"p.loss_rate": [0.1, 0.3],
                                "p.stop_day": "40,80,120"},
                         metrics=["p.delivered"], replications=300, seed=1)
    assert sw2.shape == (2, 3) and sw2.values.shape == (6, 2)
    assert list(sw2.values[4]) == [0.3, 80]
    assert sw2.step_from(4, "p.loss_rate") == 1
    assert sw2.step_from(4, "p.stop_day") == 3
    assert sw2.step_from(3, "p.stop_day") is None
    # more losses deliver less in every replication
    assert (sw2.step_max[0, 3:, 0] <= 0).all()
    with scenario.with_values({"p.loss_rate": 0.3, "p.stop_day": 80}) as s4, \
            s4.run(replications=300, seed=1) as r:
        assert sw2.point_stats[4]["p.delivered"] == r.metrics["p.delivered"]


def test_to_frame_has_a_row_per_point_and_metric(sw):
    pd = pytest.importorskip("pandas")
    df = sw.to_frame()
    assert isinstance(df, pd.DataFrame)
    assert len(df) == 5 * len(METRICS)
    assert list(df.columns[:2]) == ["p.stop_day", "metric"]
    assert df["mean"].dtype == np.float64
    assert math.isnan(df["step_mean(p.stop_day)"].iloc[0])
    row = df[(df["metric"] == "s.fire_per_day") & (df["p.stop_day"] == 60)].iloc[0]
    assert row["mean"] == sw.mean[2, 1]
    assert row["step_ci95_lo(p.stop_day)"] == sw.step_ci95_lo[0, 2, 1]


def test_plot_draws_a_line_per_value_of_the_second_parameter(sw):
    pytest.importorskip("matplotlib")
    ax = sw.plot("s.fire_per_day")
    assert len(ax.lines) == 1
    assert list(ax.lines[0].get_xdata()) == [0, 30, 60, 90, 120]
    assert list(ax.lines[0].get_ydata()) == list(sw.mean[:, 1])
    sw2 = shellsim.sweep(BASE, ["p.stop_day=60,120", ("p.loss_rate", [0.1, 0.2, 0.3])],
                         metrics=["p.delivered"], replications=100)
    assert len(sw2.plot().lines) == 3


def test_grids_as_the_cli_reads_them():
    assert list(grid("100:300:20")) == list(range(100, 301, 20))
    assert list(grid("100:290:20"))[-1] == 280
    assert grid("0:1:0.1")[3] == 0.3
    assert list(grid("3,1,2")) == [3, 1, 2]
    with pytest.raises(shellsim.InvalidArgumentError, match="STEP must be > 0"):
        grid("1:2:0")
    with pytest.raises(shellsim.InvalidArgumentError, match="more than 1000"):
        grid("0:5000:1")


def test_bad_sweeps_raise_with_the_c_message(scenario):
    with pytest.raises(shellsim.ScenarioError, match="override p.stop_day=-5"):
        shellsim.sweep(scenario, {"p.stop_day": [10, -5]}, replications=10)
    with pytest.raises(shellsim.ScenarioError, match="zz.stop_day"):
        shellsim.sweep(scenario, "zz.stop_day=1,2", replications=10)
    with pytest.raises(shellsim.NotFoundError, match="no metric 'p.nothing'"):
        shellsim.sweep(scenario, "p.stop_day=1,2", metrics=["p.nothing"],
                       replications=10)
    with pytest.raises(shellsim.InvalidArgumentError, match="one or two"):
        shellsim.sweep(scenario, ["p.stop_day=1", "p.first_day=1",
                                  "p.loss_rate=0.1"], replications=10)
    with pytest.raises(shellsim.InvalidArgumentError, match="KEY=GRID"):
        shellsim.sweep(scenario, "1:2:1", replications=10)
    with pytest.raises(TypeError):
        shellsim.sweep(scenario, 42, replications=10)


def test_progress_counts_every_point_and_can_stop(scenario):
    seen = []
    shellsim.sweep(scenario, "p.stop_day=10,20", metrics=["p.delivered"],
                   replications=300, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (600, 600)
    with pytest.raises(shellsim.RunInterrupted):
        shellsim.sweep(scenario, "p.stop_day=10,20", replications=300,
                       progress=lambda d, t: True)
