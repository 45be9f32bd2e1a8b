"""The Python examples in examples/python run and write their PNGs."""

import os
import subprocess
import sys

import pytest

from conftest import REPO

pytest.importorskip("matplotlib")

EXAMPLES = os.path.join(REPO, "examples", "python")


@pytest.mark.skipif(not os.path.isdir(EXAMPLES), reason="no examples/python")
@pytest.mark.parametrize("script,scenario,expect", [
    ("najin_dunay_fan.py", "najin-dunay", "russia.extra_per_day: mean"),
    ("aid_gap_fire.py", "aid-gap", "mean fire ratio Russia/Ukraine"),
])
def test_example_runs_and_writes_a_png(scenario_files, tmp_path, script,
                                       scenario, expect):
    out = tmp_path / (scenario + ".png")
    env = dict(os.environ, MPLBACKEND="Agg")
    p = subprocess.run([sys.executable, os.path.join(EXAMPLES, script), str(out),
                        "--reps", "500", "--scenario", scenario_files[scenario]],
                       env=env, cwd=str(tmp_path), capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    assert expect in p.stdout
    with open(out, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
