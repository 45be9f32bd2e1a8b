"""shellsim.analysis (include/shellsim_analysis.h): paired comparison,
sensitivity, runs to a precision and exceedances -- the Python results equal
the CLI's JSON value for value, and the structs match the C compiler's."""

import ctypes
import json
import os
import shutil
import subprocess

import numpy as np
import pytest

import shellsim
from shellsim import _lib, analysis

from conftest import AID_GAP, INCLUDE_FLAGS, REPO, cli_path

HEADER_DIR = os.path.join(REPO, "include")

# aid-gap without its North Korean pipeline: every other section the same
AID_GAP_NO_NK = AID_GAP[:AID_GAP.index("[pipeline nk]")] + \
    AID_GAP[AID_GAP.index("[pipeline us]"):]


@pytest.fixture(scope="module")
def files(scenario_files, tmp_path_factory):
    d = tmp_path_factory.mktemp("analysis")
    p = d / "aid-gap-no-nk.ini"
    p.write_text(AID_GAP_NO_NK.replace("name = aid-gap", "name = aid-gap-no-nk"),
                 encoding="utf-8")
    return dict(scenario_files, **{"aid-gap-no-nk": str(p)})


@pytest.fixture(scope="module")
def shellsim_cli():
    exe = cli_path()
    if exe is None:
        pytest.skip("no shellsim CLI (set SHELLSIM_CLI or build the repo)")

    def run(*args):
        p = subprocess.run([exe, *args], capture_output=True, text=True,
                           timeout=300)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)
    return run


# ------------------------------------------------------------- CLI equality

def test_compare_equals_the_cli_json(files, shellsim_cli):
    a, b = files["aid-gap"], files["aid-gap-no-nk"]
    c = shellsim.compare(a, b, replications=3000, seed=5, threads=2)
    cli = shellsim_cli("compare", a, b, "--reps", "3000", "--seed", "5",
                       "--json")
    assert c.to_dict() == cli
    assert set(cli["metrics"]["russia.fire_per_day"]) == {"a", "b", "diff",
                                                         "pairing"}
    assert "nk.delivered" not in cli["metrics"]
    p = cli["metrics"]["russia.fire_per_day"]["pairing"]
    assert p["variance_ratio"] > 1
    assert p["independent_variance"] > p["diff_variance"]


def test_sensitivity_equals_the_cli_json(files, shellsim_cli):
    path = files["najin-dunay"]
    sa = shellsim.sensitivity(path, "russia.extra_per_day", samples=512,
                              seed=3, bootstrap=50, threads=1)
    cli = shellsim_cli("sensitivity", path, "--metric", "russia.extra_per_day",
                       "--samples", "512", "--seed", "3", "--bootstrap", "50",
                       "--json")
    assert sa.to_dict() == cli
    assert cli["metric"] == "russia.extra_per_day"
    assert cli["evaluations"] == 512 * (3 * len(cli["parameters"]) + 4)
    for p in cli["parameters"].values():
        assert set(p) >= {"first_order", "first_order_ci95", "total",
                          "total_ci95", "tornado"}
    # the base fire is not in the extra rounds: no influence at all
    assert cli["parameters"]["russia.base_fire_per_day"]["total"] == 0
    assert sa.ranking()[0] in cli["parameters"]


def test_run_until_ci_and_exceed_equal_the_cli_json(files, shellsim_cli):
    path = files["najin-dunay"]
    r = analysis.run_extended(path, replications=40000, seed=2,
                              until_ci=("russia.extra_per_day", 50),
                              exceed=["russia.extra_per_day=2700",
                                      ("russia.extra_per_day", 9000.5),
                                      ("nk.delivered", 3e6)],
                              series="russia.extra")
    cli = shellsim_cli("run", path, "--reps", "40000", "--seed", "2",
                       "--until-ci", "russia.extra_per_day=50",
                       "--exceed", "russia.extra_per_day=2700",
                       "--exceed", "russia.extra_per_day=9000.5",
                       "--exceed", "nk.delivered=3e6",
                       "--series", "russia.extra", "--json")
    assert r.to_dict() == cli
    assert cli["replications"] == r.replications < 40000
    ex = cli["metrics"]["russia.extra_per_day"]["exceed"]
    assert set(ex) == {"2700", "9000.5"}
    assert set(cli["metrics"]["nk.delivered"]["exceed"]) == {"3000000"}
    lo, hi = ex["9000.5"]["ci95"]
    assert lo < ex["9000.5"]["p"] < hi
    # the same as a fixed run of that many replications
    fixed = shellsim_cli("run", path, "--reps", str(cli["replications"]),
                         "--seed", "2", "--series", "russia.extra", "--json")
    for m in fixed["metrics"].values():
        m.pop("exceed", None)
    for m in cli["metrics"].values():
        m.pop("exceed", None)
    assert fixed == cli


# ------------------------------------------------------------ known answers

def test_compare_of_a_scenario_with_itself_is_zero_in_every_run(files):
    c = shellsim.compare(files["aid-gap"], files["aid-gap"], replications=500,
                         keep_runs=True)
    for name in c.metric_names:
        d = c.runs(name, "diff")
        assert d.shape == (500,)
        assert np.all(d[~np.isnan(d)] == 0), name
        assert np.array_equal(c.runs(name, "a"), c.runs(name, "b"),
                              equal_nan=True)


def test_compare_arms_equal_plain_runs(files):
    with shellsim.Scenario.from_file(files["aid-gap"]) as s:
        r = s.run(replications=700, seed=4, series="none")
        c = shellsim.compare(s, files["aid-gap-no-nk"], replications=700, seed=4)
        for name in c.metric_names:
            assert c.metrics[name]["a"] == r.metric_stats(name)


def test_exceedance_at_the_median_is_one_half(files):
    path = files["najin-dunay"]
    with shellsim.Scenario.from_file(path) as s:
        med = s.run(replications=20000, seed=8, series="none").metric_stats(
            "nk.delivered")["p50"]
    r = analysis.run_extended(path, replications=20000, seed=8, series="none",
                              exceed=[("nk.delivered", med)])
    (e,) = r.exceedances
    assert e["n"] == 20000
    assert abs(e["p"] - 0.5) <= 5 * (0.25 / e["n"]) ** 0.5


def test_checkpoints_and_wilson():
    n, seen = 0, []
    for _ in range(9):
        n = analysis.checkpoint_after(n)
        seen.append(n)
    assert seen == [1024, 2048, 3072, 4096, 5120, 6144, 7168, 8192, 10240]
    lo, hi = analysis.wilson_interval(5, 10)
    assert abs(lo - 0.236593) < 1e-6 and abs(hi - 0.763407) < 1e-6
    assert analysis.wilson_interval(0, 0) == [None, None]


def test_exceed_keys_are_the_shortest_decimal():
    assert analysis.exceed_key(2700) == "2700"
    assert analysis.exceed_key(9000.5) == "9000.5"
    assert analysis.exceed_key(0.1) == "0.1"
    assert analysis.exceed_key(3e6) == "3000000"
    assert analysis.exceed_key(1e20) == "1e+20"


# ------------------------------------------------------------------ errors

def test_errors_carry_the_c_message(files):
    with pytest.raises(shellsim.NotFoundError, match="russia.nope"):
        shellsim.sensitivity(files["najin-dunay"], "russia.nope", samples=8)
    with pytest.raises(shellsim.InvalidArgumentError, match="samples"):
        shellsim.sensitivity(files["najin-dunay"], "russia.extra_per_day",
                             samples=1)
    with pytest.raises(shellsim.InvalidArgumentError, match="until.*nope"):
        analysis.run_extended(files["najin-dunay"], replications=10,
                              until_ci=("nope", 1))
    with pytest.raises(shellsim.InvalidArgumentError, match="NAME=VALUE"):
        analysis.run_extended(files["najin-dunay"], replications=10,
                              exceed=["nk.delivered"])
    c = shellsim.compare(files["tiny"], files["tiny"], replications=10)
    with pytest.raises(shellsim.NoRunsError):
        c.runs("p.delivered")
    with pytest.raises(shellsim.NotFoundError):
        shellsim.compare(files["tiny"], files["tiny"], replications=10,
                         keep_runs=True).runs("nope")


def test_progress_is_called_and_can_stop(files):
    calls = []
    shellsim.sensitivity(files["najin-dunay"], "russia.extra_per_day",
                         samples=600, bootstrap=0, threads=1,
                         progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]
    with pytest.raises(shellsim.RunInterrupted):
        shellsim.compare(files["aid-gap"], files["aid-gap"],
                         replications=5000, threads=1,
                         progress=lambda d, t: True)


# ------------------------------------------------------------------ plots

def test_tornado_chart_from_the_object_and_from_the_cli(files, tmp_path):
    pytest.importorskip("matplotlib")
    from shellsim.plot import tornado_chart
    sa = shellsim.sensitivity(files["najin-dunay"], "russia.extra_per_day",
                              samples=256, bootstrap=20)
    ax = tornado_chart(sa)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(sa.parameters)
    assert labels[-1].startswith(max(
        sa.parameters, key=lambda n: abs(sa.parameters[n]["tornado"][1]
                                         - sa.parameters[n]["tornado"][0])))
    exe = cli_path()
    if exe is None:
        pytest.skip("no CLI")
    out = tmp_path / "tornado.png"
    p = subprocess.run([exe, "sensitivity", files["najin-dunay"], "--metric",
                        "russia.extra_per_day", "--samples", "128",
                        "--plot", str(out)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------ layout

C_LAYOUT = r"""
#include <stddef.h>
#include <stdio.h>
#include "shellsim.h"
#define P(t, f) printf(#t "." #f " %zu\n", offsetof(t, f))
#define S(t) printf(#t " %zu\n", sizeof(t))
int main(void) {
    S(shellsim_pairing); P(shellsim_pairing, correlation);
    S(shellsim_sensitivity_options); P(shellsim_sensitivity_options, threads);
    P(shellsim_sensitivity_options, bootstrap);
    P(shellsim_sensitivity_options, progress);
    P(shellsim_sensitivity_options, progress_user);
    S(shellsim_sobol_indices); P(shellsim_sobol_indices, tornado_high);
    S(shellsim_sensitivity_summary); P(shellsim_sensitivity_summary, sobol);
    P(shellsim_sensitivity_summary, mean);
    P(shellsim_sensitivity_summary, tornado_base);
    S(shellsim_threshold); P(shellsim_threshold, value);
    S(shellsim_run_extras); P(shellsim_run_extras, until_halfwidth);
    P(shellsim_run_extras, exceed); P(shellsim_run_extras, nexceed);
    S(shellsim_exceedance); P(shellsim_exceedance, count);
    P(shellsim_exceedance, ci95_hi);
    return 0;
}
"""

PY = {"shellsim_pairing": analysis.ShellsimPairing,
      "shellsim_sensitivity_options": analysis.ShellsimSensitivityOptions,
      "shellsim_sobol_indices": analysis.ShellsimSobolIndices,
      "shellsim_sensitivity_summary": analysis.ShellsimSensitivitySummary,
      "shellsim_threshold": analysis.ShellsimThreshold,
      "shellsim_run_extras": analysis.ShellsimRunExtras,
      "shellsim_exceedance": analysis.ShellsimExceedance}


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_struct_layouts_match_the_c_compiler(tmp_path):
    src = tmp_path / "layout.c"
    src.write_text(C_LAYOUT)
    exe = tmp_path / "layout"
    subprocess.run(["cc", "-std=c11", *INCLUDE_FLAGS, str(src), "-o",
                    str(exe)], check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        key, value = line.rsplit(" ", 1)
        if "." in key:
            struct, field = key.split(".")
            assert getattr(PY[struct], field).offset == int(value), key
        else:
            assert ctypes.sizeof(PY[key]) == int(value), key


def test_every_function_of_the_analysis_header_is_declared():
    import re
    with open(os.path.join(HEADER_DIR, "shellsim_analysis.h"),
              encoding="utf-8") as f:
        names = set(re.findall(r"SHELLSIM_API\b[^;(]*?\b(shellsim_\w+)\s*\(",
                               f.read()))
    assert names == set(analysis.PROTOTYPES)
    assert names <= set(_lib.PROTOTYPES)
