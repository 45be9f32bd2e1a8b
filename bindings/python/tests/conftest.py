"""Fixtures of the shellsim Python tests.

The package is imported from this source tree (bindings/python) unless
PYTHONPATH says otherwise; the library comes from SHELLSIM_LIBRARY (meson
sets it) or the package's own search. The CLI for the equality tests comes
from SHELLSIM_CLI (meson sets it), else <repo>/build/cli/shellsim; without
one, those tests are skipped.

Scenario texts are written to temporary files here, so that the tests do not
depend on the repository's scenarios/ directory.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)                         # bindings/python
REPO = os.path.dirname(os.path.dirname(PACKAGE_ROOT))
if PACKAGE_ROOT not in sys.path:
    sys.path.insert(0, PACKAGE_ROOT)

# The public headers: include/ of the source tree, and the build tree's
# include/ for the generated <shellsim_version.h> (meson sets
# SHELLSIM_BUILD_INCLUDE; by hand, <repo>/build/include).
BUILD_INCLUDE = os.environ.get("SHELLSIM_BUILD_INCLUDE",
                               os.path.join(REPO, "build", "include"))
INCLUDE_FLAGS = ["-I", os.path.join(REPO, "include"), "-I", BUILD_INCLUDE]

import shellsim  # noqa: E402,F401  (fails early if the package cannot load)

def install_copy(site, ignore=("__pycache__",)):
    """Install this package into the directory SITE the way pip does, as far
    as the package can tell: a copy of shellsim/ and a dist-info whose
    METADATA carries the version (outside a checkout, _version.py reads the
    version from there). Returns the package directory."""
    import shutil
    pkg = os.path.join(str(site), "shellsim")
    shutil.copytree(os.path.join(PACKAGE_ROOT, "shellsim"), pkg,
                    ignore=shutil.ignore_patterns(*ignore))
    info = os.path.join(str(site), "shellsim-%s.dist-info" % shellsim.__version__)
    os.makedirs(info)
    with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as f:
        f.write("Metadata-Version: 2.1\nName: shellsim\nVersion: %s\n"
                % shellsim.__version__)
    return pkg


# The reference scenarios of /work/shared/scenarios, as of this writing.
NAJIN_DUNAY = """\
[scenario]
name = najin-dunay
horizon_days = 365
start_date = 2023-08-01

[side russia]
base_fire_per_day = pert(5000, 8000, 12000)
policy = spread

[pipeline nk]
to = russia
supplier_stock = range90(3e6, 2e7)
production_per_day = pert(1000, 3000, 6000)
first_day = uniform(0, 14)
interval_days = gamma(2, 3.5)
containers = triangular(150, 230, 300)
shells_per_container = pert(250, 400, 500)
transit_days = triangular(7, 14, 28)
loss_rate = pert(0.05, 0.2, 0.5)
"""

AID_GAP = """\
[scenario]
name = aid-gap
horizon_days = 365
start_date = 2023-08-01
compare = russia/ukraine

[side russia]
base_fire_per_day = pert(5000, 8000, 12000)

[side ukraine]
base_fire_per_day = pert(1000, 1500, 2500)
stock = uniform(100000, 300000)
policy = target
target_per_day = pert(1500, 2500, 4000)

[pipeline nk]
to = russia
supplier_stock = range90(3e6, 2e7)
production_per_day = pert(1000, 3000, 6000)
first_day = uniform(0, 14)
interval_days = gamma(2, 3.5)
containers = triangular(150, 230, 300)
shells_per_container = pert(250, 400, 500)
transit_days = triangular(7, 14, 28)
loss_rate = pert(0.05, 0.2, 0.5)

[pipeline us]
to = ukraine
supplier_stock = uniform(200000, 600000)
production_per_day = uniform(700, 1000)
stop_day = 151
interval_days = triangular(10, 14, 21)
containers = triangular(20, 40, 80)
shells_per_container = 200
transit_days = triangular(14, 21, 35)
loss_rate = uniform(0, 0.02)
"""

SEED_1M = """\
[scenario]
name = seed-1m
horizon_days = 365

[side russia]
policy = spread

[pipeline nk]
to = russia
supplier_stock = 1000000
interval_days = 1000
containers = 1
shells_per_container = 1000000
transit_days = 0
"""

# Small, fast, and with undefined fire ratios: side b fires nothing in about
# half the runs (stock poisson(0.7) rounds to 0), and on most days of all
# runs, so the fire_ratio metric has undefined runs and its series has NaN
# days (JSON null).
TINY = """\
[scenario]
name = tiny
horizon_days = 30
compare = a/b

[side a]
base_fire_per_day = uniform(10, 20)

[side b]
stock = poisson(0.7)

[pipeline p]
to = a
supplier_stock = uniform(1000, 5000)
interval_days = uniform(1, 3)
containers = triangular(1, 2, 4)
shells_per_container = 100
transit_days = uniform(0, 5)
loss_rate = beta(2, 8)
"""

SCENARIOS = {"najin-dunay": NAJIN_DUNAY, "aid-gap": AID_GAP,
             "seed-1m": SEED_1M, "tiny": TINY}


@pytest.fixture(scope="session")
def scenario_files(tmp_path_factory):
    """name -> path of a temporary .ini file with that scenario."""
    d = tmp_path_factory.mktemp("scenarios")
    out = {}
    for name, text in SCENARIOS.items():
        p = d / (name + ".ini")
        p.write_text(text, encoding="utf-8")
        out[name] = str(p)
    return out


# Results of two scenarios above, shared by the tests of frames and xarray
# (module scope: each test file runs them once; a file may define its own).
@pytest.fixture(scope="module")
def dated(scenario_files):
    """aid-gap: a start_date (2023-08-01)."""
    with shellsim.Scenario.from_file(scenario_files["aid-gap"]) as s:
        with s.run(replications=300, seed=5) as r:
            yield r


@pytest.fixture(scope="module")
def tiny(scenario_files):
    """tiny: no start_date; a fire_ratio with undefined runs and NaN days."""
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s:
        with s.run(replications=400, seed=3) as r:
            yield r


def same_bits(a, b):
    """Equal bit for bit, NaN equal to NaN (as float64 arrays)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def cli_path():
    p = os.environ.get("SHELLSIM_CLI") or os.path.join(REPO, "build", "cli",
                                                       "shellsim")
    return p if os.path.exists(p) else None


@pytest.fixture(scope="session")
def cli():
    """run(path, reps, seed, *args) -> the CLI's JSON output, parsed."""
    exe = cli_path()
    if exe is None:
        pytest.skip("no shellsim CLI (set SHELLSIM_CLI or build the repo)")

    def run(path, reps, seed, *args):
        p = subprocess.run([exe, "run", path, "--reps", str(reps), "--seed",
                            str(seed), "--json", *args],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)
    return run


def statm_rss_bytes():
    """Resident set size of this process now, from /proc/self/statm."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")
