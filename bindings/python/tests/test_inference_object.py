"""shellsim.infer() returns an Inference (0.4): its to_dict() is the CLI's
JSON value for value (SMC and --check included), its samples and weights
are the --samples CSV, observations may be a list of dicts, and it keeps
the old dict's reading (a Mapping)."""

import csv
import json
import subprocess

import numpy as np
import pytest

import shellsim
from shellsim import _lib

from conftest import cli_path

SCEN = """\
[scenario]
name = bb
horizon_days = 12

[side a]

[pipeline p]
to = a
supplier_stock = 1000
interval_days = 1
containers = 1
shells_per_container = 1
transit_days = 0
detect_prob = beta(2, 3)
loss_rate = uniform(0, 0.5)
"""

OBS = [{"name": "seen", "series": "p.seen_shipments_cum", "day": 9,
        "value": 3, "tolerance": 1},
       {"name": "lo", "series": "p.delivered_cum", "day": 9, "value": 6,
        "kind": "at_least"}]
HELD = [{"name": "later", "series": "p.seen_shipments_cum", "day": 11,
         "value": 4, "tolerance": 1}]


@pytest.fixture()
def files(tmp_path):
    from shellsim.infer import observations_text
    out = {}
    for name, text in (("s.ini", SCEN), ("o.obs", observations_text(OBS)),
                       ("h.obs", observations_text(HELD))):
        p = tmp_path / name
        p.write_text(text)
        out[name] = str(p)
    return out


def cli(*args):
    exe = cli_path()
    if exe is None:
        pytest.skip("no shellsim CLI")
    return subprocess.run([exe, "infer", *map(str, args)], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("method", ["rejection", "smc"])
def test_to_dict_and_samples_equal_the_cli_json_and_csv(files, tmp_path, method):
    csv_path = tmp_path / "samples.csv"
    p = cli(files["s.ini"], files["o.obs"], "--accept", 60, "--seed", 3,
            "--method", method, "--check", files["h.obs"], "--samples", csv_path,
            "--json")
    assert p.returncode == 0, p.stderr
    inf = shellsim.infer(SCEN, OBS, accept=60, seed=3, method=method,
                         check=HELD)
    assert inf.to_dict() == json.loads(p.stdout)
    assert inf == json.loads(p.stdout)          # the Mapping reading
    assert inf["method"] == inf.method == method
    with open(csv_path) as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["sample", "weight"] + inf.parameter_names
    w = np.array([float(r[1]) for r in rows[1:]])
    assert np.array_equal(w, inf.weights)
    for k, name in enumerate(inf.parameter_names):
        assert np.array_equal(np.array([float(r[2 + k]) for r in rows[1:]]),
                              inf.samples[name])
    assert abs(inf.weights.sum() - 60) < 1e-9
    if method == "rejection":
        assert (inf.weights == 1).all() and inf.ess == 60
    frame = inf.to_frame()
    assert list(frame.columns) == ["weight"] + inf.parameter_names
    assert frame.index.name == "sample"
    assert inf.posterior.replications == 60
    assert inf.posterior.runs("p.delivered").shape == (60,)
    assert set(inf.check["later"]) >= {"prior", "posterior", "kind"}
    inf.close()
    with pytest.raises(shellsim.ClosedError):
        inf.posterior.runs("p.delivered")


def test_a_list_of_dicts_is_the_ini_text(files):
    a = shellsim.infer(SCEN, OBS, accept=30, seed=5, method="smc")
    b = shellsim.infer(SCEN, files["o.obs"], accept=30, seed=5, method="smc")
    assert a.to_dict() == b.to_dict()
    assert a["observations"]["lo"]["kind"] == "at_least"


def test_bad_method_and_bad_observation_dicts_raise(files):
    with pytest.raises(shellsim.InvalidArgumentError, match="method"):
        shellsim.infer(SCEN, OBS, method="mcmc")
    with pytest.raises(shellsim.InvalidArgumentError, match="unknown key"):
        shellsim.infer(SCEN, [dict(OBS[0], colour="red")])
    with pytest.raises(shellsim.ScenarioError,
                       match=r"\[observe lo\] tolerance: a bound"):
        shellsim.infer(SCEN, [dict(OBS[1], tolerance=1)])


def test_the_method_and_check_constants_match_the_library():
    assert [_lib.decode(_lib.lib.shellsim_infer_method_name(i))
            for i in range(len(_lib.INFER_METHODS))] == list(_lib.INFER_METHODS)
    assert _lib.lib.shellsim_infer_method_name(len(_lib.INFER_METHODS)) is None
    assert len(_lib.CHECK_FIELDS) == _lib.CHECK_NFIELDS


def test_max_runs_stops_smc_after_a_generation_as_the_cli_does(files):
    full = shellsim.infer(SCEN, OBS, accept=40, seed=3, method="smc")
    assert full.stop == "done" and full["stop"] == "done"
    g = full.generations
    assert len(g) >= 3
    limit = g[0]["runs"] + 1          # reached in generation 1
    inf = shellsim.infer(SCEN, OBS, accept=40, seed=3, method="smc",
                         max_runs=limit)
    assert inf.stop == "max_runs"
    assert len(inf.generations) == 2
    assert inf.generations == g[:2]   # the generations before the stop
    assert inf.generations[-1]["epsilon"] > 0
    assert inf["tried"] == g[0]["runs"] + g[1]["runs"]
    for t in (1, 2, 3):               # the same bits for any threads
        other = shellsim.infer(SCEN, OBS, accept=40, seed=3, method="smc",
                               max_runs=limit, threads=t)
        assert other.to_dict() == inf.to_dict()
        for name in inf.parameter_names:
            assert np.array_equal(other.samples[name], inf.samples[name])
    p = cli(files["s.ini"], files["o.obs"], "--accept", 40, "--seed", 3,
            "--method", "smc", "--max-runs", limit, "--json")
    assert p.returncode == 0, p.stderr
    assert inf.to_dict() == json.loads(p.stdout)


def test_time_limit_stops_smc_and_both_stops_need_smc():
    inf = shellsim.infer(SCEN, OBS, accept=40, seed=3, method="smc",
                         time_limit=1e-9)
    assert inf.stop == "time_limit" and len(inf.generations) == 1
    with pytest.raises(shellsim.InvalidArgumentError, match="max_runs"):
        shellsim.infer(SCEN, OBS, max_runs=100)
    with pytest.raises(shellsim.InvalidArgumentError, match="time_limit"):
        shellsim.infer(SCEN, OBS, time_limit=1.0)
    with pytest.raises(shellsim.InvalidArgumentError, match="time_limit"):
        shellsim.infer(SCEN, OBS, method="smc", time_limit=0)
    with pytest.raises(shellsim.InvalidArgumentError, match="max_runs"):
        shellsim.infer(SCEN, OBS, method="smc", max_runs=0)
