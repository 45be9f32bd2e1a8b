"""[let] variables in sensitivity, compare and inference (issue 14, item 7):
the variables are parameters named let.NAME (the keys that name them are
not), the tornado chart shows them, compare pairs them across two files,
and the Python results equal the CLI's JSON."""

import json
import subprocess

import numpy as np
import pytest

import shellsim

from conftest import cli_path

LET = """\
[scenario]
name = let-py
horizon_days = 120

[let]
pace = uniform(2, 5)
duds = pert(0.05, 0.2, 0.5)

[side r]
base_fire_per_day = 100

[pipeline a]
to = r
supplier_stock = range90(1e5, 1e6)
interval_days = gamma(2, pace)
containers = triangular(5, 10, 20)
shells_per_container = 300
transit_days = uniform(5, 15)
loss_rate = duds

[pipeline b]
to = r
supplier_stock = 1e5
interval_days = 7
containers = 3
shells_per_container = 300
transit_days = 3
loss_rate = duds
"""


@pytest.fixture()
def let_file(tmp_path):
    p = tmp_path / "let.ini"
    p.write_text(LET)
    return str(p)


def test_sensitivity_varies_the_variables_not_the_keys_that_name_them():
    sa = shellsim.sensitivity(LET, "r.extra_fired", samples=128, bootstrap=10,
                              seed=5)
    names = set(sa.parameters)
    assert {"let.pace", "let.duds"} <= names
    assert "a.loss_rate" not in names and "b.loss_rate" not in names
    # the pace drives the shells delivered; the tornado bar of let.pace
    # is not flat
    lo, hi = sa.parameters["let.pace"]["tornado"]
    assert lo != hi


def test_the_tornado_chart_shows_the_variables():
    pytest.importorskip("matplotlib")
    from shellsim.plot import tornado_chart
    sa = shellsim.sensitivity(LET, "r.extra_fired", samples=64, bootstrap=10)
    ax = tornado_chart(sa)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any(l.startswith("let.pace") for l in labels), labels
    assert any(l.startswith("let.duds") for l in labels), labels


def test_sensitivity_of_a_let_file_equals_the_cli_json(let_file):
    exe = cli_path()
    if exe is None:
        pytest.skip("no shellsim CLI")
    sa = shellsim.sensitivity(let_file, "r.extra_fired", samples=64,
                              bootstrap=10, seed=5)
    p = subprocess.run([exe, "sensitivity", let_file, "--metric",
                        "r.extra_fired", "--samples", "64", "--bootstrap",
                        "10", "--seed", "5", "--json"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert sa.to_dict() == json.loads(p.stdout)


def test_compare_pairs_the_variables_of_two_files():
    b = LET.replace("containers = 3\n", "containers = 4\n")
    c = shellsim.compare(LET, b, replications=2000, seed=5, threads=2)
    d = c.to_dict()["metrics"]
    # pipeline a is the same in both files, its variables included: the
    # paired difference is exactly 0 in every replication
    diff = d["a.delivered"]["diff"]
    assert diff["mean"] == 0 and diff["sd"] == 0
    assert diff["min"] == 0 and diff["max"] == 0
    assert d["b.delivered"]["diff"]["mean"] > 0


def test_inference_reports_the_variables_as_parameters():
    obs = [{"name": "d", "series": "a.delivered_cum", "day": 60,
            "value": 20000, "tolerance": 10000}]
    inf = shellsim.infer(LET, obs, accept=50, seed=3, series=False)
    assert "let.pace" in inf.parameter_names
    assert "a.loss_rate" not in inf.parameter_names
    pace = inf.samples["let.pace"]
    assert pace.shape == (50,) and np.all((pace >= 2) & (pace <= 5))
