"""shellsim: Monte Carlo estimates of what an arms pipeline means on the
battlefield -- Python bindings (ctypes) of libshellsim.

    >>> import shellsim
    >>> with shellsim.Scenario.from_file("scenarios/najin-dunay.ini") as s:
    ...     r = s.run(replications=10000, seed=1)
    >>> r.metrics["russia.extra_per_day"].mean      # a shellsim.Stats
    >>> r.series("russia.extra")["p50"]          # numpy array, one per day
    >>> from shellsim.plot import fan_chart
    >>> fan_chart(r, "russia.extra").figure.savefig("fan.png")

The API mirrors include/shellsim.h one to one: Scenario (shellsim_scenario),
Scenario.run (shellsim_run), Result (shellsim_result), Stats
(shellsim_stats: NaN kept, to_dict() for the CLI's JSON). Errors raise
shellsim.Error subclasses carrying the C message. The library is found
through SHELLSIM_LIBRARY, next to this package, in the source tree's meson
build directory, then on the system; its version is checked at import.
Only `python3 -m shellsim.plot`, which draws JSON, runs without it.
"""

import sys as _sys

from ._version import __version__


def _plot_program_without_library() -> bool:
    """Whether this import is `python3 -m shellsim.plot` looking for its
    module: that program draws JSON and needs no library, so it runs even
    where libshellsim cannot be loaded (while Python locates the module of
    -m, sys.argv[0] is "-m")."""
    argv = list(getattr(_sys, "orig_argv", None) or ())
    if _sys.argv[:1] != ["-m"] or "-m" not in argv:
        return False
    i = argv.index("-m")
    return argv[i + 1:i + 2] == ["shellsim.plot"]


try:
    from ._errors import (ClosedError, Error, FileError, InvalidArgumentError,
                          LimitError, NoRunsError, NotFoundError,
                          OutOfMemoryError, RunInterrupted, ScenarioError)
    from ._core import Result, Scenario, library_path, library_version
    from ._lib import BANDS, MAX_HORIZON_DAYS, MAX_REPLICATIONS
    from ._stats import Stats
    from .infer import Inference, infer  # calibration to observations (shellsim_infer.h)
    from .analysis import compare, run_extended, sensitivity  # shellsim_analysis.h
except ImportError as _e:
    # Without a loadable library `import shellsim` fails, saying where it
    # looked; only the plot program goes on, with the names of the C API
    # left undefined (using one raises that ImportError).
    if not _plot_program_without_library():
        raise
    _library_error = str(_e)

    def __getattr__(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise ImportError(_library_error)
else:
    # Show the public names as shellsim.X in reprs and tracebacks.
    for _cls in (Scenario, Result, Stats, Error, ScenarioError, FileError,
                 InvalidArgumentError, NotFoundError, LimitError,
                 RunInterrupted, NoRunsError, OutOfMemoryError, ClosedError):
        _cls.__module__ = "shellsim"
    del _cls

__all__ = [
    "__version__", "library_version", "library_path", "Scenario", "Result",
    "Stats",
    "Error", "ScenarioError", "FileError", "InvalidArgumentError",
    "NotFoundError", "LimitError", "RunInterrupted", "NoRunsError",
    "OutOfMemoryError", "ClosedError", "BANDS", "MAX_HORIZON_DAYS",
    "MAX_REPLICATIONS",
]
