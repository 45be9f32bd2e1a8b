"""examples/python/tutorial.py, the script of docs/tutorial.md, runs from a
scenario to its four pictures (small replications: the tutorial's own
figures are made with the defaults, see its header)."""

import os
import subprocess
import sys

import pytest

from conftest import REPO

pytest.importorskip("pandas")
pytest.importorskip("matplotlib")

SCRIPT = os.path.join(REPO, "examples", "python", "tutorial.py")
PICTURES = ("tutorial-fan.png", "tutorial-whatif.png", "tutorial-sweep.png",
            "tutorial-tornado.png")


def test_tutorial_runs_every_step_and_writes_its_pictures(tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    p = subprocess.run([sys.executable, SCRIPT, str(tmp_path), "--reps", "300",
                        "--samples", "32"],  # scenarios/najin-dunay.ini
                       env=env, cwd=str(tmp_path), capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    for step in ("1. the scenario", "2. a run as DataFrames", "3. a fan chart",
                 "4. a what-if with with_values", "5. a sweep",
                 "6. sensitivity and a tornado"):
        assert "== " + step in p.stdout
    for name in PICTURES:
        with open(tmp_path / name, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n", name


def test_tutorial_pictures_are_committed():
    # docs/tutorial.md shows them; they come from a run of the script.
    for name in PICTURES:
        path = os.path.join(REPO, "docs", "img", name)
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n", path
