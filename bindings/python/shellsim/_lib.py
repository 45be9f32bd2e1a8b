"""_lib.py: find libshellsim, check its version, declare every C function.

This module is the one place that knows the C ABI of include/shellsim.h:
the structs, the enums and the prototype (argtypes/restype) of each
exported function. Everything else in the package calls through `lib`.

Where the library is looked for, in this order (the first that exists wins):
  1. the environment variable SHELLSIM_LIBRARY, a path to the shared library
     (when it is set, nothing else is tried);
  2. next to this package: shellsim/libshellsim.so* (how a wheel or a
     `pip install` with the library copied in ships it);
  3. the meson build tree of the source tree this package sits in:
     <repo>/build/libsim/libshellsim.so, for bindings/python/shellsim
     (convenient when running from a checkout);
  4. the system: ctypes.util.find_library("shellsim").
"""

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double,
                    c_int, c_long, c_size_t, c_uint64, c_void_p)

from ._version import LIBRARY_MAJOR, LIBRARY_MINOR

# ------------------------------------------------------------ C declarations

# shellsim_status (a C enum: int)
OK = 0
EINVAL = 1
ENOMEM = 2
EIO = 3
ESCENARIO = 4
ENOTFOUND = 5
ELIMIT = 6
EINTERRUPTED = 7
ENORUNS = 8

# shellsim_band (a C enum: int), in the order of the CLI's JSON
BANDS = ("mean", "p05", "p25", "p50", "p75", "p95")

ERROR_MESSAGE_SIZE = 1024
MAX_HORIZON_DAYS = 36500
MAX_REPLICATIONS = 1099511627776


class ShellsimError(Structure):
    """struct shellsim_error."""
    _fields_ = [("status", c_int),
                ("line", c_long),
                ("message", c_char * ERROR_MESSAGE_SIZE)]


class ShellsimStats(Structure):
    """struct shellsim_stats."""
    _fields_ = [("n", c_uint64), ("undefined", c_uint64),
                ("mean", c_double), ("sd", c_double), ("sem", c_double),
                ("ci95_lo", c_double), ("ci95_hi", c_double),
                ("min", c_double), ("p05", c_double), ("p25", c_double),
                ("p50", c_double), ("p75", c_double), ("p95", c_double),
                ("max", c_double)]


# int (*shellsim_progress_fn)(void *user, uint64_t done, uint64_t total)
PROGRESS_FN = CFUNCTYPE(c_int, c_void_p, c_uint64, c_uint64)


class ShellsimRunOptions(Structure):
    """struct shellsim_run_options."""
    _fields_ = [("replications", c_uint64),
                ("seed", c_uint64),
                ("threads", c_int),
                ("keep_runs", c_int),
                ("series", c_char_p),
                ("progress", PROGRESS_FN),
                ("progress_user", c_void_p)]


# Opaque handles get pointer types of their own, so that ctypes refuses a
# result where a scenario is expected.
class _ScenarioStruct(Structure):
    pass


class _ResultStruct(Structure):
    pass


ScenarioP = POINTER(_ScenarioStruct)
ResultP = POINTER(_ResultStruct)

# name: (restype, argtypes), one entry per SHELLSIM_API function of
# shellsim.h, in the header's order. tests/test_library.py checks this table
# against the header and against the library's exported symbols.
PROTOTYPES = {
    "shellsim_errstr": (c_char_p, [c_int]),
    "shellsim_version": (c_char_p, []),
    "shellsim_version_number": (c_int, []),
    "shellsim_scenario_load_file":
        (c_int, [c_char_p, POINTER(ScenarioP), POINTER(ShellsimError)]),
    "shellsim_scenario_load_buffer":
        (c_int, [c_char_p, c_size_t, c_char_p, POINTER(ScenarioP),
                 POINTER(ShellsimError)]),
    "shellsim_scenario_free": (None, [ScenarioP]),
    "shellsim_scenario_name": (c_char_p, [ScenarioP]),
    "shellsim_scenario_horizon_days": (c_int, [ScenarioP]),
    "shellsim_scenario_start_date": (c_char_p, [ScenarioP]),
    "shellsim_run_options_init": (None, [POINTER(ShellsimRunOptions)]),
    "shellsim_run":
        (c_int, [ScenarioP, POINTER(ShellsimRunOptions), POINTER(ResultP),
                 POINTER(ShellsimError)]),
    "shellsim_result_free": (None, [ResultP]),
    "shellsim_result_replications": (c_uint64, [ResultP]),
    "shellsim_result_seed": (c_uint64, [ResultP]),
    "shellsim_result_horizon_days": (c_int, [ResultP]),
    "shellsim_result_metric_count": (c_size_t, [ResultP]),
    "shellsim_result_metric_name": (c_char_p, [ResultP, c_size_t]),
    "shellsim_result_metric_stats":
        (c_int, [ResultP, c_char_p, POINTER(ShellsimStats)]),
    "shellsim_result_metric_runs":
        (c_int, [ResultP, c_char_p, POINTER(c_double), c_size_t]),
    "shellsim_result_series_count": (c_size_t, [ResultP]),
    "shellsim_result_series_name": (c_char_p, [ResultP, c_size_t]),
    "shellsim_result_series_band":
        (c_int, [ResultP, c_char_p, c_int, POINTER(c_double), c_size_t]),
}

# ------------------------------------------------------------------ loading

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# bindings/python/shellsim -> the repository root
_SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(_PACKAGE_DIR)))
# Only when this package sits in a shellsim checkout (not when installed).
_IN_SOURCE_TREE = os.path.exists(os.path.join(_SOURCE_ROOT, "include",
                                              "shellsim.h"))
BUILD_TREE_LIBRARY = os.path.join(_SOURCE_ROOT, "build", "libsim",
                                  "libshellsim.so")


def _next_to_package():
    """Shared libraries shipped inside the package directory, best first:
    the unversioned name, then the soname, then the full version."""
    try:
        names = os.listdir(_PACKAGE_DIR)
    except OSError:
        return []
    found = [n for n in names
             if n.startswith("libshellsim.so") or n in ("libshellsim.dylib",
                                                        "shellsim.dll")]
    return [os.path.join(_PACKAGE_DIR, n) for n in sorted(found, key=len)]


def candidates():
    """The (origin, path) pairs tried, in order (see the module docstring).
    With SHELLSIM_LIBRARY set, only that path."""
    env = os.environ.get("SHELLSIM_LIBRARY")
    if env:
        return [("SHELLSIM_LIBRARY", env)]
    out = [("next to the package", p) for p in _next_to_package()]
    if _IN_SOURCE_TREE and os.path.exists(BUILD_TREE_LIBRARY):
        out.append(("the meson build tree", BUILD_TREE_LIBRARY))
    system = ctypes.util.find_library("shellsim")
    if system:
        out.append(("the system (ctypes.util.find_library)", system))
    return out


def check_version(number, path="libshellsim"):
    """Raise ImportError unless the library's version number (major * 1000000
    + minor * 1000 + patch) suits this package: the same major, and the same
    minor while the major is 0 (0.x minors may break the ABI), or at least
    the package's minor from 1.0 on (later minors only add)."""
    major, minor = number // 1000000, number // 1000 % 1000
    ok = major == LIBRARY_MAJOR and (
        minor == LIBRARY_MINOR if major == 0 else minor >= LIBRARY_MINOR)
    if not ok:
        raise ImportError(
            "shellsim: %s is version %d.%d.%d, but this Python package "
            "(shellsim %s) needs libshellsim %d.%d%s; install a matching "
            "library or point SHELLSIM_LIBRARY at one"
            % (path, major, minor, number % 1000, _package_version(),
               LIBRARY_MAJOR, LIBRARY_MINOR, ".x" if major == 0 else "+"))


def _package_version():
    from ._version import __version__
    return __version__


def declare(cdll, path="libshellsim", prototypes=None):
    """Set restype and argtypes on every function of `prototypes` (default:
    PROTOTYPES; the inference and analysis modules pass theirs, which then
    join PROTOTYPES); a missing symbol is an ImportError naming it."""
    for name, (restype, argtypes) in (PROTOTYPES if prototypes is None else prototypes).items():
        try:
            fn = getattr(cdll, name)
        except AttributeError:
            raise ImportError("shellsim: %s has no function %s(): it is not "
                              "the library this package was written for"
                              % (path, name)) from None
        fn.restype = restype
        fn.argtypes = argtypes
    if prototypes is not None:
        PROTOTYPES.update(prototypes)


def load():
    """Find, load, declare and version-check the library; return
    (ctypes.CDLL, path). Raises ImportError saying where it looked."""
    tried = []
    for origin, path in candidates():
        try:
            # A CDLL (not a PyDLL): ctypes releases the GIL around each call.
            cdll = ctypes.CDLL(path)
        except OSError as e:
            if origin == "SHELLSIM_LIBRARY":
                raise ImportError("shellsim: cannot load SHELLSIM_LIBRARY=%s: %s"
                                  % (path, e)) from None
            tried.append("%s (%s): %s" % (path, origin, e))
            continue
        declare(cdll, path)
        check_version(cdll.shellsim_version_number(), path)
        return cdll, path
    raise ImportError(
        "shellsim: cannot find libshellsim. Set SHELLSIM_LIBRARY to the path "
        "of libshellsim.so, copy it next to the package (%s), %sor install "
        "it where the system linker finds it%s"
        % (_PACKAGE_DIR,
           "build it with meson in %s, " % os.path.join(_SOURCE_ROOT, "build")
           if _IN_SOURCE_TREE else "",
           "; tried: " + "; ".join(tried) if tried else ""))


lib, path = load()


def errstr(status):
    """The library's static message for a status code."""
    return lib.shellsim_errstr(status).decode("utf-8", "replace")


def decode(b):
    """A C string (bytes or None) as str (or None)."""
    return None if b is None else b.decode("utf-8", "replace")

