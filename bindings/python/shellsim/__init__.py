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
build directory, then on the system; its version is checked when it loads.

`import shellsim` does not load the library: the names backed by it
(Scenario, Result, Stats, the errors, compare, ...) are imported when one
of them is first used (PEP 562), and a library that cannot be loaded is
then an ImportError saying where it was looked for. So __version__,
shellsim.plot (which draws the CLI's JSON) and `python3 -m shellsim` (which
runs the CLI) work without it. pandas and xarray are imported only by the
methods that return their objects.
"""

import sys as _sys
import types as _types
from typing import TYPE_CHECKING, Any, Dict, List

from ._version import __version__

# Name -> the module that defines it, imported when the name is first used.
_LAZY: Dict[str, str] = {
    "Error": "._errors", "ScenarioError": "._errors",
    "FileError": "._errors", "InvalidArgumentError": "._errors",
    "NotFoundError": "._errors", "LimitError": "._errors",
    "RunInterrupted": "._errors", "NoRunsError": "._errors",
    "OutOfMemoryError": "._errors", "ClosedError": "._errors",
    "Scenario": "._core", "Result": "._core",
    "library_path": "._core", "library_version": "._core",
    "BANDS": "._lib", "MAX_HORIZON_DAYS": "._lib",
    "MAX_REPLICATIONS": "._lib",
    "Stats": "._stats",
    "infer": ".infer", "Inference": ".infer",                  # calibration (shellsim_infer.h)
    "compare": ".analysis", "run_extended": ".analysis",
    "sensitivity": ".analysis",         # shellsim_analysis.h
    "sweep": ".sweep", "Sweep": ".sweep",  # response curves over a grid
}

# Submodules reachable as shellsim.NAME without importing them first.
_SUBMODULES = ("analysis", "plot")

# Shown as shellsim.X in reprs and tracebacks.
_PUBLIC_CLASSES = ("Scenario", "Result", "Stats", "Sweep", "Error", "ScenarioError",
                   "FileError", "InvalidArgumentError", "NotFoundError",
                   "LimitError", "RunInterrupted", "NoRunsError",
                   "OutOfMemoryError", "ClosedError")

if TYPE_CHECKING:  # what type checkers see: the names, imported eagerly
    from ._errors import (ClosedError, Error, FileError,  # noqa: F401
                          InvalidArgumentError, LimitError, NoRunsError,
                          NotFoundError, OutOfMemoryError, RunInterrupted,
                          ScenarioError)
    from ._core import (Result, Scenario, library_path,  # noqa: F401
                        library_version)
    from ._lib import BANDS, MAX_HORIZON_DAYS, MAX_REPLICATIONS  # noqa: F401
    from ._stats import Stats  # noqa: F401
    from .infer import Inference, infer  # noqa: F401
    from .analysis import compare, run_extended, sensitivity  # noqa: F401
    from .sweep import Sweep, sweep  # noqa: F401


def _load() -> None:
    """Import every C-backed name into the package at once (the first use
    of any of them loads the library; a failure is the ImportError of
    shellsim._lib, saying where it looked, and is raised again at the next
    use)."""
    import importlib
    g = globals()
    values = {name: getattr(importlib.import_module(mod, __name__), name)
              for name, mod in _LAZY.items()}
    for name in _PUBLIC_CLASSES:
        values[name].__module__ = "shellsim"
    g.update(values)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        _load()
        return globals()[name]
    if name in _SUBMODULES:
        import importlib
        return importlib.import_module("." + name, __name__)
    raise AttributeError("module 'shellsim' has no attribute %r" % (name,))


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))


class _Package(_types.ModuleType):
    """The package's module type: importing the submodule shellsim.infer
    (or any whose name is also a function of the package) must not make
    shellsim.infer that module, as the import system would (it sets the
    parent's attribute): the attribute stays the function, imported with
    the other C-backed names at first use."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, _types.ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


__all__ = [
    "__version__", "library_version", "library_path", "Scenario", "Result",
    "Stats",
    "Error", "ScenarioError", "FileError", "InvalidArgumentError",
    "NotFoundError", "LimitError", "RunInterrupted", "NoRunsError",
    "OutOfMemoryError", "ClosedError", "BANDS", "MAX_HORIZON_DAYS",
    "MAX_REPLICATIONS", "compare", "sensitivity", "run_extended", "infer",
    "sweep", "Sweep", "Inference",
]
