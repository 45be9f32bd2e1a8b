"""shellsim.infer(): rejection ABC from Python (include/shellsim_infer.h).

It returns the dict that `shellsim infer ... --json` prints, value for
value; its errors are the package's exceptions carrying the C message."""

import ctypes
import json
import math
import os
import shutil
import subprocess

import pytest

import shellsim
from shellsim import _lib

from conftest import INCLUDE_FLAGS, NAJIN_DUNAY, REPO, cli_path

# One shipment a day, each seen with probability detect_prob ~ Beta(2, 3):
# by day 9 the count seen is Binomial(10, p), and seeing 3 gives the
# Beta(5, 10) posterior (mean 1/3).
BB = """\
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
"""

BB_OBS = """\
[observe seen]
series = p.seen_shipments_cum
day = 9
value = 3
tolerance = 0
"""

NAJIN_OBS = """\
[observe nis-deliveries]
series = nk.shipments_cum
date = 2023-11-01
value = 12
tolerance = 2

[observe containers]
series = nk.containers_cum
date = 2023-10-01
value = 1250
tolerance = 250
"""


@pytest.fixture()
def files(tmp_path):
    out = {}
    for name, text in (("bb.ini", BB), ("bb.obs", BB_OBS),
                       ("najin.ini", NAJIN_DUNAY), ("najin.obs", NAJIN_OBS)):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        out[name] = str(p)
    return out


def cli_infer(*args):
    exe = cli_path()
    if exe is None:
        pytest.skip("no shellsim CLI (set SHELLSIM_CLI or build the repo)")
    return subprocess.run([exe, "infer", *map(str, args)], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("scen,obs,accept,seed", [
    ("bb.ini", "bb.obs", 300, 1),
    ("bb.ini", "bb.obs", 1, 77),
    ("najin.ini", "najin.obs", 50, 3),
])
def test_infer_equals_the_cli_json(files, scen, obs, accept, seed):
    p = cli_infer(files[scen], files[obs], "--accept", accept, "--seed", seed,
                  "--json")
    assert p.returncode == 0, p.stderr
    expected = json.loads(p.stdout)
    got = shellsim.infer(files[scen], files[obs], accept=accept, seed=seed)
    assert list(got) == list(expected)
    for key in ("observations", "parameters", "metrics"):
        assert got[key] == expected[key], key
        assert list(got[key]) == list(expected[key]), key
    assert list(got["series"]) == list(expected["series"])
    assert got == expected


def test_text_paths_and_scenario_objects_give_the_same_dict(files):
    a = shellsim.infer(files["bb.ini"], files["bb.obs"], accept=200, seed=4)
    with shellsim.Scenario.from_string(BB) as s:
        b = shellsim.infer(s, BB_OBS, accept=200, seed=4)
        assert not s.closed, "a Scenario passed in is not closed"
    c = shellsim.infer(BB, BB_OBS.encode(), accept=200, seed=4,
                       threads=3)
    assert a == b == c
    assert a["accepted"] == 200
    assert a["rate"] == 200 / a["tried"]
    assert a["parameters"]["p.detect_prob"]["prior"]["n"] == a["tried"]


def test_the_posterior_is_the_beta_binomial_one(files):
    d = shellsim.infer(files["bb.ini"], files["bb.obs"], accept=4000, seed=2,
                       series=False)
    post = d["parameters"]["p.detect_prob"]["posterior"]
    sd = math.sqrt(5 * 10 / (15 ** 2 * 16))      # Beta(5, 10)
    assert abs(post["mean"] - 1 / 3) < 5 * sd / math.sqrt(4000)
    assert d["series"] == {}


def test_threads_change_no_number(files):
    one = shellsim.infer(files["najin.ini"], files["najin.obs"], accept=40,
                         threads=1)
    three = shellsim.infer(files["najin.ini"], files["najin.obs"], accept=40,
                           threads=3)
    assert one == three


def test_a_bad_observation_is_a_scenario_error_naming_file_line_and_key(files, tmp_path):
    bad = tmp_path / "bad.obs"
    bad.write_text(BB_OBS.replace("tolerance = 0", "tolerance = -1"))
    with pytest.raises(shellsim.ScenarioError) as e:
        shellsim.infer(files["bb.ini"], bad)
    assert str(e.value).startswith(
        "%s:5: [observe seen] tolerance: -1 is negative" % bad), str(e.value)
    assert e.value.line == 5
    assert e.value.status == _lib.ESCENARIO
    with pytest.raises(shellsim.ScenarioError, match=r"^obs.txt:2: \[observe seen\] "
                       r"series: no series named 'p.nothing'"):
        shellsim.infer(BB, BB_OBS.replace("p.seen_shipments_cum", "p.nothing"),
                       observations_name="obs.txt")
    # the CLI says the same, with exit status 3
    p = cli_infer(files["bb.ini"], bad)
    assert p.returncode == 3
    assert "%s:5: [observe seen] tolerance:" % bad in p.stderr


def test_other_errors_map_to_their_exceptions(files):
    with pytest.raises(shellsim.FileError):
        shellsim.infer(files["bb.ini"], "/nonexistent/shellsim.obs")
    with pytest.raises(shellsim.LimitError, match="^max_tries: 2000 tries accepted"):
        shellsim.infer(files["bb.ini"], files["bb.obs"], accept=1000,
                       max_tries=2000, pilot=0)
    with pytest.raises(shellsim.LimitError, match="^pilot: the first 500 tries"):
        shellsim.infer(files["bb.ini"], files["bb.obs"], accept=1000,
                       max_tries=5000, pilot=500)
    with pytest.raises(shellsim.InvalidArgumentError, match="accept"):
        shellsim.infer(files["bb.ini"], files["bb.obs"], accept=0)
    with pytest.raises(shellsim.InvalidArgumentError, match="seed"):
        shellsim.infer(files["bb.ini"], files["bb.obs"], seed=-1)
    with pytest.raises(shellsim.RunInterrupted):
        shellsim.infer(files["bb.ini"], files["bb.obs"], accept=100000,
                       pilot=0, progress=lambda done, total: True)
    with pytest.raises(TypeError):
        shellsim.infer(files["bb.ini"], 42)
    s = shellsim.Scenario.from_string(BB)
    s.close()
    with pytest.raises(shellsim.ClosedError):
        shellsim.infer(s, BB_OBS)


def test_too_few_acceptances_exit_1_from_the_cli(files):
    p = cli_infer(files["bb.ini"], files["bb.obs"], "--accept", 1000,
                  "--max-tries", 2000, "--pilot", 0)
    assert p.returncode == 1
    assert "max_tries: 2000 tries accepted" in p.stderr
    assert p.stdout == ""


def test_an_exception_in_progress_is_re_raised(files):
    def boom(done, total):
        raise ZeroDivisionError("from progress")
    with pytest.raises(ZeroDivisionError, match="from progress"):
        shellsim.infer(files["bb.ini"], files["bb.obs"], accept=100000,
                       pilot=0, progress=boom)


def test_every_function_of_shellsim_infer_h_is_declared():
    from importlib import import_module
    mod = import_module("shellsim.infer")
    for name, (restype, argtypes) in mod.PROTOTYPES.items():
        fn = getattr(_lib.lib, name)
        assert fn.restype is restype, name
        assert list(fn.argtypes) == argtypes, name
        assert _lib.PROTOTYPES[name] == (restype, argtypes)


C_LAYOUT = r"""
#include <stddef.h>
#include <stdio.h>
#include "shellsim.h"
#define P(f) printf(#f " %zu\n", offsetof(shellsim_infer_options, f))
int main(void) {
    printf("size %zu\n", sizeof(shellsim_infer_options));
    P(accept); P(max_tries); P(pilot); P(seed); P(threads); P(progress);
    P(progress_user);
    return 0;
}
"""


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_the_options_struct_matches_the_c_compiler(tmp_path):
    from importlib import import_module
    mod = import_module("shellsim.infer")
    inc = os.path.join(REPO, "include")
    if not os.path.exists(os.path.join(inc, "shellsim_infer.h")):
        pytest.skip("no shellsim_infer.h")
    src = tmp_path / "layout.c"
    src.write_text(C_LAYOUT)
    exe = tmp_path / "layout"
    subprocess.run(["cc", "-std=c11", *INCLUDE_FLAGS, str(src), "-o", str(exe)],
                   check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True,
                         check=True).stdout
    c = {k: int(v) for k, v in (line.split() for line in out.splitlines())}
    assert ctypes.sizeof(mod.ShellsimInferOptions) == c.pop("size")
    for field, offset in c.items():
        assert getattr(mod.ShellsimInferOptions, field).offset == offset, field
