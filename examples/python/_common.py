"""Shared by the Python examples: import shellsim from the source tree when
it is not installed, and find a scenario file of the repository."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

try:
    import shellsim  # noqa: F401  (installed with pip)
except ImportError as e:
    if "No module named" not in str(e):
        raise
    sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))


def scenario_path(name):
    """scenarios/NAME.ini of the repository, else the shared reference copy
    (../shared/scenarios/NAME.ini next to the repository)."""
    for d in (os.path.join(ROOT, "scenarios"),
              os.path.join(os.path.dirname(ROOT), "shared", "scenarios")):
        p = os.path.join(d, name + ".ini")
        if os.path.exists(p):
            return p
    raise SystemExit("cannot find %s.ini in %s/scenarios or ../shared/scenarios"
                     % (name, ROOT))
