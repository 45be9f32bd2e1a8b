"""_core.py: Scenario and Result, the two handles of the C API.

Ownership: each object owns one C handle and frees it exactly once, at the
first of close(), the end of a `with` block, or garbage collection. A close()
while another Python thread is still inside a call on the same handle (say, a
long run) does not free it under that call: the handle is marked closed at
once (new calls raise ClosedError) and freed when the last call returns.

Threads: a Scenario may be run from several Python threads at once (the C
scenario is immutable); a Result may be read from several threads at once.
ctypes releases the GIL for the duration of every C call (the library is a
ctypes.CDLL, not a PyDLL), so runs in different threads proceed in parallel
and other Python threads keep running during a run.
"""

from __future__ import annotations

import ctypes
import datetime
import math
import operator
import os
import threading
from typing import (Any, Dict, Iterable, List, Optional, Tuple, TypeVar,
                    Union)

import numpy as np

from . import _errors, _frames, _interrupt, _lib, _stats
from ._errors import ClosedError
from ._interrupt import Progress
from ._lib import lib
from ._stats import Stats

_H = TypeVar("_H", bound="_Handle")
# A path to a file, as the library's functions take one.
PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
# series= of a run: "all", "none", "a.b,c.d", or names.
SeriesSpec = Union[None, str, bytes, Iterable[str]]

# Live C handles, by kind: for tests of deterministic freeing.
_live_lock = threading.Lock()
_live = {"scenario": 0, "result": 0}


def _live_handles() -> Dict[str, int]:
    """{"scenario": n, "result": n}: C handles allocated and not yet freed."""
    with _live_lock:
        return dict(_live)


class _Handle:
    """An owned C handle with deterministic, thread-safe freeing."""

    _kind = None       # "scenario" or "result"
    _cfree = None      # the C _free function

    def __init__(self, ptr: Any) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._closing = False
        self._ptr = ptr
        with _live_lock:
            _live[self._kind] += 1

    @property
    def closed(self) -> bool:
        """True once close() was called (or the with block ended)."""
        return self._closing or self._ptr is None

    def _acquire(self):
        with self._lock:
            if self._closing or self._ptr is None:
                raise ClosedError("this shellsim.%s is closed"
                                  % type(self).__name__)
            self._users += 1
            return self._ptr

    def _release(self):
        with self._lock:
            self._users -= 1
            ptr = None
            if self._closing and self._users == 0 and self._ptr is not None:
                ptr, self._ptr = self._ptr, None
        if ptr is not None:
            self._free(ptr)

    def _check_open(self):
        if self._closing or self._ptr is None:
            raise ClosedError("this shellsim.%s is closed" % type(self).__name__)

    def _free(self, ptr):
        type(self)._cfree(ptr)
        with _live_lock:
            _live[self._kind] -= 1

    def close(self) -> None:
        """Free the C handle now. Idempotent. Later use raises ClosedError."""
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ did not finish
            return
        with lock:
            if self._closing or self._ptr is None:
                return
            self._closing = True
            if self._users:
                return  # the last _release() frees it
            ptr, self._ptr = self._ptr, None
        self._free(ptr)

    def __enter__(self: _H) -> _H:
        self._check_open()
        return self

    # Two Python objects owning one C handle would free it twice.
    def __reduce_ex__(self, protocol):
        raise TypeError("a shellsim.%s owns a C handle: it cannot be copied "
                        "or pickled" % type(self).__name__)

    def __copy__(self):
        self.__reduce_ex__(0)

    def __deepcopy__(self, memo):
        self.__reduce_ex__(0)

    def __exit__(self, *exc: Any) -> bool:
        self.close()
        return False

    def __del__(self):
        # Nobody can be inside a call (they would hold a reference), so free
        # directly. Guarded: at interpreter exit, module globals may be gone.
        try:
            ptr = self.__dict__.get("_ptr")
            if ptr is not None:
                self._ptr = None
                self._free(ptr)
        except Exception:  # pragma: no cover
            pass


class _Use:
    """with handle._use() as ptr: ... (a plain class: cheaper than
    contextlib for the bulk accessors)."""
    __slots__ = ("h",)

    def __init__(self, h):
        self.h = h

    def __enter__(self):
        return self.h._acquire()

    def __exit__(self, *exc):
        self.h._release()
        return False


def _parse_date(s):
    if s is None:
        return None
    return datetime.date.fromisoformat(s)


# {SIDE: {"policy": POLICY, "pipelines": [NAME, ...]}}, as the CLI's JSON
# has it under "sides".
Sides = Dict[str, Dict[str, Any]]


def _read_sides(ptr: Any) -> Sides:
    """The "sides" of the CLI's JSON, read from a scenario handle: every side
    in file order, its policy, and the pipelines whose `to` it is, in file
    order (shellsim_scenario_side_* and _pipeline_*)."""
    names = [_lib.decode(lib.shellsim_scenario_side_name(ptr, i))
             for i in range(lib.shellsim_scenario_side_count(ptr))]
    sides = {n: {"policy": _lib.decode(lib.shellsim_scenario_side_policy(ptr, i)),
                 "pipelines": []}
             for i, n in enumerate(names)}
    for p in range(lib.shellsim_scenario_pipeline_count(ptr)):
        to = lib.shellsim_scenario_pipeline_to(ptr, p)
        sides[names[to]]["pipelines"].append(
            _lib.decode(lib.shellsim_scenario_pipeline_name(ptr, p)))
    return sides


def _copy_sides(sides: Optional[Sides]) -> Optional[Sides]:
    """A copy that the caller may change without changing the original."""
    if sides is None:
        return None
    return {n: {"policy": d["policy"], "pipelines": list(d["pipelines"])}
            for n, d in sides.items()}


# ----------------------------------------------------------------- scenario

class Scenario(_Handle):
    """A loaded, validated scenario (shellsim_scenario): immutable, usable
    from several threads at once.

    Load with Scenario.from_file(path) or Scenario.from_string(text); run
    with scenario.run(...). Free with close() or a `with` block (or leave it
    to the garbage collector).
    """

    _kind = "scenario"
    _cfree = staticmethod(lib.shellsim_scenario_free)

    def __init__(self, _ptr: Any) -> None:
        """Not for direct use: see from_file() and from_string()."""
        if not isinstance(_ptr, _lib.ScenarioP) or not _ptr:
            raise TypeError("use Scenario.from_file() or Scenario.from_string()")
        super().__init__(_ptr)
        self._name = _lib.decode(lib.shellsim_scenario_name(_ptr))
        self._horizon_days = lib.shellsim_scenario_horizon_days(_ptr)
        self._start_date = _parse_date(
            _lib.decode(lib.shellsim_scenario_start_date(_ptr)))
        self._sides = _read_sides(_ptr)
        self._parameters = {
            _lib.decode(lib.shellsim_scenario_parameter_name(_ptr, i)):
                _lib.decode(lib.shellsim_scenario_parameter_expr(_ptr, i))
            for i in range(lib.shellsim_scenario_parameter_count(_ptr))}

    @classmethod
    def from_file(cls, path: PathLike) -> "Scenario":
        """Load and validate a scenario file (shellsim_scenario_load_file).

        Raises ScenarioError ("PATH:LINE: [section] key: what is wrong") for
        an invalid scenario and FileError (an OSError) for an unreadable file.
        """
        bpath = os.fsencode(path)
        out = _lib.ScenarioP()
        err = _lib.ShellsimError()
        st = lib.shellsim_scenario_load_file(bpath, ctypes.byref(out),
                                             ctypes.byref(err))
        if st != _lib.OK:
            raise _errors.from_record(st, err)
        return cls(out)

    @classmethod
    def from_string(cls, text: Union[str, bytes],
                    name: Union[str, bytes] = "<string>") -> "Scenario":
        """Load and validate a scenario from text (str, encoded as UTF-8, or
        bytes) with shellsim_scenario_load_buffer. name stands for the file
        name in error messages."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        bname = name.encode("utf-8") if isinstance(name, str) else name
        out = _lib.ScenarioP()
        err = _lib.ShellsimError()
        st = lib.shellsim_scenario_load_buffer(data, len(data), bname,
                                               ctypes.byref(out),
                                               ctypes.byref(err))
        if st != _lib.OK:
            raise _errors.from_record(st, err)
        return cls(out)

    @property
    def name(self) -> Optional[str]:
        """The [scenario] name (or the file name when the key is absent)."""
        self._check_open()
        return self._name

    @property
    def horizon_days(self) -> int:
        """H, the number of days simulated (1 .. 36500)."""
        self._check_open()
        return self._horizon_days

    @property
    def start_date(self) -> Optional[datetime.date]:
        """The date of day 0 (datetime.date), or None."""
        self._check_open()
        return self._start_date

    @property
    def sides(self) -> Sides:
        """{SIDE: {"policy": "spread" | "target" | "window", "pipelines":
        [NAME, ...]}}: every side in file order, its fire policy, and the
        pipelines that deliver to it (their `to`), in file order
        (shellsim_scenario_side_* and _pipeline_*); the "sides" of the CLI's
        JSON. Read-only: a new dict at each access."""
        self._check_open()
        return _copy_sides(self._sides)

    @property
    def parameters(self) -> Dict[str, str]:
        """{NAME: EXPRESSION}: the scenario's parameters, the per-run keys
        that sensitivity analysis varies and inference calibrates, in their
        order ("nk.loss_rate", "nk.active@2024-04-01", ...), each with its
        distribution as written in the file or the key's default ("0")
        (shellsim_scenario_parameter_*). Read-only: a new dict at each
        access."""
        self._check_open()
        return dict(self._parameters)

    def with_values(self, values: Dict[str, Union[str, int, float]]) -> "Scenario":
        """A new Scenario: this one with keys set as if the file had been
        edited (shellsim_scenario_override, one key after another, in the
        dict's order); this one is unchanged. Keys are "SECTION.KEY" or
        "SECTION.KEY@WHEN" (SECTION a side, a pipeline or "scenario"), values
        distributions as written in a file ("uniform(100, 200)") or numbers,
        which become constants (0.3 is written "0.3"). Its runs equal, bit
        for bit, those of the edited file.

        Raises ScenarioError naming the override ("override
        nk.loss_rate=2: [pipeline nk] loss_rate: ...") and TypeError for a
        value that is neither a string nor a number."""
        ptr = self._acquire()
        cur = None
        try:
            for key, value in values.items():
                if isinstance(value, (bool, np.bool_)):
                    raise TypeError("%s: %r is not a distribution or a number"
                                    % (key, value))
                if isinstance(value, (int, np.integer)):
                    text = str(int(value))
                elif isinstance(value, (float, np.floating)):
                    text = repr(float(value))
                elif isinstance(value, str):
                    text = value
                else:
                    raise TypeError("%s: %r is not a distribution or a number"
                                    % (key, value))
                out = _lib.ScenarioP()
                err = _lib.ShellsimError()
                st = lib.shellsim_scenario_override(
                    cur if cur is not None else ptr, str(key).encode("utf-8"),
                    text.encode("utf-8"), ctypes.byref(out), ctypes.byref(err))
                if cur is not None:
                    lib.shellsim_scenario_free(cur)
                    cur = None
                if st != _lib.OK:
                    raise _errors.from_record(st, err)
                cur = out
            if cur is None:  # no values: a copy (horizon_days set to itself)
                out = _lib.ScenarioP()
                err = _lib.ShellsimError()
                st = lib.shellsim_scenario_override(
                    ptr, b"scenario.horizon_days",
                    str(self._horizon_days).encode("ascii"),
                    ctypes.byref(out), ctypes.byref(err))
                if st != _lib.OK:
                    raise _errors.from_record(st, err)
                cur = out
            result, cur = type(self)(cur), None
            return result
        finally:
            if cur is not None:
                lib.shellsim_scenario_free(cur)
            self._release()

    def __repr__(self) -> str:
        if self.closed:
            return "<shellsim.Scenario (closed)>"
        return "<shellsim.Scenario %r: %d days%s>" % (
            self._name, self._horizon_days,
            " from %s" % self._start_date if self._start_date else "")

    def run(self, replications: int = 10000, seed: int = 1, threads: int = 0,
            keep_runs: bool = False, series: SeriesSpec = "all",
            progress: Optional[Progress] = None,
            keep_paths: int = 0) -> "Result":
        """Run the Monte Carlo simulation (shellsim_run); return a Result.

        replications  1 .. 2**40
        seed          0 .. 2**64-1; the result depends only on the scenario,
                      the seed, the replications and series, never on threads
        threads       0 .. 1024; 0 = all cores
        keep_runs     keep every run's metric values (8 bytes per metric per
                      replication) for Result.runs()
        series        "all", "none", or names: "a.b,c.d" or a list of them
        keep_paths    K, 0 .. 10000: keep every day's value of every
                      selected series of replications 0 .. K-1 for
                      Result.paths() (K x series x H x 8 bytes)
        progress      None or callable(done, total), called between blocks of
                      replications from this thread; a true return value
                      stops the run (RunInterrupted), an exception it raises
                      stops the run and is re-raised here.

        The GIL is released while the library computes. Ctrl-C
        (KeyboardInterrupt) stops a run made from the main thread within one
        block of replications and is re-raised here.
        """
        opts, bseries = _run_options(replications, seed, threads, keep_runs,
                                     series, keep_paths)
        _interrupt.check_progress(progress)
        out = _lib.ResultP()
        err = _lib.ShellsimError()
        ptr = self._acquire()
        try:
            st = _interrupt.call(
                opts, progress,
                lambda: lib.shellsim_run(ptr, ctypes.byref(opts),
                                         ctypes.byref(out), ctypes.byref(err)),
                lambda: lib.shellsim_result_free(out))
        finally:
            self._release()
        if st != _lib.OK:
            raise _errors.from_record(st, err)
        return Result(out, self._name, self._start_date, self._sides)


def _whole(x: Any) -> int:
    """x as an int: an int (or anything with __index__), or a float that is
    a whole number (1e4: counts are often written so); TypeError for any
    other float, as for any other type."""
    if isinstance(x, float):
        if not x.is_integer():
            raise TypeError("a count must be a whole number, not %r" % x)
        return int(x)
    return operator.index(x)


def _int_in(x: int, lo: int, hi: int, message: str) -> int:
    x = _whole(x)
    if not lo <= x <= hi:
        raise _errors.make(_lib.EINVAL, "%s, not %d" % (message, x))
    return x


def _run_options(replications: int, seed: int, threads: int,
                 keep_runs: bool = False, series: SeriesSpec = "all",
                 keep_paths: int = 0
                 ) -> Tuple[_lib.ShellsimRunOptions, bytes]:
    """A shellsim_run_options, and the bytes its `series` points to (keep
    them alive until the call returns).

    Only what the C types cannot hold is checked here (ctypes would wrap it
    silently); the library checks the ranges, with its message."""
    reps = _int_in(replications, 0, 2**64 - 1,
                   "replications must be in 1 .. 2^40")
    seed = _int_in(seed, 0, 2**64 - 1, "seed must be in 0 .. 2^64-1")
    threads = _int_in(threads, -2**31, 2**31 - 1,
                      "threads must be in 0 .. 1024 (0: all cores)")
    if series is None:
        series = "all"
    elif not isinstance(series, (str, bytes)):
        series = ",".join(series)
    bseries = series.encode("utf-8") if isinstance(series, str) else series
    opts = _lib.ShellsimRunOptions()
    lib.shellsim_run_options_init(ctypes.byref(opts))
    opts.replications = reps
    opts.seed = seed
    opts.threads = threads
    opts.keep_runs = 1 if keep_runs else 0
    opts.keep_paths = _int_in(keep_paths, 0, 2**64 - 1,
                              "keep_paths must be in 0 .. 10000")
    opts.series = bseries
    return opts, bseries


def _is_text(x: str) -> bool:
    """Whether a str argument is INI text rather than a path: it spans
    lines, or starts (after blanks) with a section or a comment."""
    return "\n" in x or x.lstrip().startswith(("[", "#", ";"))


# A scenario argument of the analysis and inference functions.
ScenarioArg = Union["Scenario", str, bytes, "os.PathLike[str]"]


def _load_scenario(scenario: ScenarioArg) -> Tuple["Scenario", bool]:
    """(Scenario, owned): a Scenario as given, or loaded from a path or INI
    text (then owned by the caller, who closes it after the call)."""
    if isinstance(scenario, Scenario):
        return scenario, False
    if isinstance(scenario, bytes) or (isinstance(scenario, str)
                                       and _is_text(scenario)):
        return Scenario.from_string(scenario), True
    if isinstance(scenario, (str, os.PathLike)):
        return Scenario.from_file(scenario), True
    raise TypeError("scenario must be a shellsim.Scenario, a path or INI "
                    "text, not %s" % type(scenario).__name__)


# ------------------------------------------------------------------- result

class _Data:
    """What a data-only Result holds instead of a C handle: each metric's
    Stats, each series's bands as a (6, H) float64 array (BANDS order), and
    the per-run values when they were kept."""
    __slots__ = ("metrics", "series", "runs")

    def __init__(self, metrics: Dict[str, Stats],
                 series: Dict[str, np.ndarray],
                 runs: Dict[str, np.ndarray]) -> None:
        self.metrics = metrics
        self.series = series
        self.runs = runs


class _Read:
    """with result._read() as ptr: the C handle of a live Result (held
    until the block ends), None for a data-only one; ClosedError either
    way once it is closed."""
    __slots__ = ("r", "live")

    def __init__(self, r: "Result") -> None:
        self.r = r
        self.live = r._data is None

    def __enter__(self) -> Any:
        if self.live:
            return self.r._acquire()
        self.r._check_open()
        return None

    def __exit__(self, *exc: Any) -> bool:
        if self.live:
            self.r._release()
        return False


def _rebuild_result(cls: type, state: Dict[str, Any]) -> "Result":
    """Unpickling: a data-only Result (or subclass) from Result._state()."""
    return cls._from_state(state)


class Result(_Handle):
    """The outcome of a run (shellsim_result): immutable, readable from
    several threads at once.

    metrics, metric_names, series_names, series(name), runs(name),
    to_dict(); free with close() or a `with` block (or leave it to the
    garbage collector). Using a closed Result raises ClosedError.

    A Result is live (it owns the C handle of a run) or data-only: built
    by Result.from_dict() from the CLI's JSON, by unpickling, or by
    copy.copy/deepcopy. A data-only Result holds its numbers in Python and
    answers everything a live one does from them, bit for bit; what needs
    the C handle and was not copied (runs() without kept runs, and per-run
    paths) raises NoRunsError saying so. `data_only` tells which it is.
    """

    _kind = "result"
    _cfree = staticmethod(lib.shellsim_result_free)
    _data: Optional[_Data] = None   # set on a data-only Result

    def __init__(self, _ptr: Any, scenario_name: Optional[str] = None,
                 start_date: Optional[datetime.date] = None,
                 sides: Optional[Sides] = None) -> None:
        """Not for direct use: see Scenario.run()."""
        if not isinstance(_ptr, _lib.ResultP) or not _ptr:
            raise TypeError("a Result comes from Scenario.run()")
        super().__init__(_ptr)
        self._scenario_name = scenario_name
        self._start_date = start_date
        self._sides = _copy_sides(sides)
        self._replications = lib.shellsim_result_replications(_ptr)
        self._seed = lib.shellsim_result_seed(_ptr)
        self._horizon_days = lib.shellsim_result_horizon_days(_ptr)
        self._metric_names = tuple(
            _lib.decode(lib.shellsim_result_metric_name(_ptr, i))
            for i in range(lib.shellsim_result_metric_count(_ptr)))
        self._series_names = tuple(
            _lib.decode(lib.shellsim_result_series_name(_ptr, i))
            for i in range(lib.shellsim_result_series_count(_ptr)))

    def _use(self) -> _Use:
        """with self._use() as ptr: the C handle, for what only the library
        can answer; a data-only Result has none: NoRunsError."""
        if self._data is not None:
            self._check_open()
            raise _errors.make(_lib.ENORUNS, _DATA_ONLY)
        return _Use(self)

    def _read(self) -> _Read:
        return _Read(self)

    # ------------------------------------------------ data-only Results

    @property
    def data_only(self) -> bool:
        """True for a Result without a C handle (from from_dict(), pickle
        or copy), False for the Result of a run."""
        return self._data is not None

    @property
    def closed(self) -> bool:
        """True once close() was called (or the with block ended)."""
        if self._data is not None:
            return self._closing
        return super().closed

    def _check_open(self) -> None:
        if self._data is not None:
            if self._closing:
                raise ClosedError("this shellsim.%s is closed"
                                  % type(self).__name__)
            return
        super()._check_open()

    def close(self) -> None:
        """Free the C handle now (a data-only Result is only marked closed:
        its data goes with the object). Idempotent. Later use raises
        ClosedError."""
        if self._data is not None:
            self._closing = True
            return
        super().close()

    def _state(self) -> Dict[str, Any]:
        """Everything a data-only copy needs, with the floats as the
        library gave them (NaN and +-inf kept): pickle's state."""
        with self._read() as ptr:
            if self._data is not None:
                metrics = dict(self._data.metrics)
                series = {n: a.copy() for n, a in self._data.series.items()}
                runs = {n: a.copy() for n, a in self._data.runs.items()}
            else:
                metrics = {n: self._stats(ptr, n) for n in self._metric_names}
                series = {}
                for name in self._series_names:
                    a = np.empty((len(_lib.BANDS), self._horizon_days))
                    for i in range(len(_lib.BANDS)):
                        self._band(ptr, name, i, a[i])
                    series[name] = a
                runs = self._kept_runs(ptr)
        return {"scenario_name": self._scenario_name,
                "start_date": self._start_date,
                "sides": _copy_sides(self._sides),
                "replications": self._replications,
                "seed": self._seed,
                "horizon_days": self._horizon_days,
                "metric_names": list(self._metric_names),
                "series_names": list(self._series_names),
                "metrics": metrics, "series": series, "runs": runs}

    def _kept_runs(self, ptr: Any) -> Dict[str, np.ndarray]:
        """Every metric's per-run values when the run kept them, else {}."""
        runs: Dict[str, np.ndarray] = {}
        for name in self._metric_names:
            out = np.empty(self._replications, dtype=np.float64)
            code = lib.shellsim_result_metric_runs(
                ptr, _bname(name),
                out.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), out.size)
            if code == _lib.ENORUNS:
                return {}
            if code != _lib.OK:
                raise _errors.make(code)
            runs[name] = out
        return runs

    @classmethod
    def _from_state(cls: Any, state: Dict[str, Any]) -> "Result":
        self = cls.__new__(cls)
        self._lock = threading.Lock()
        self._users = 0
        self._closing = False
        self._ptr = None
        self._set_state(state)
        return self

    def _set_state(self, state: Dict[str, Any]) -> None:
        self._scenario_name = state["scenario_name"]
        self._start_date = state["start_date"]
        self._sides = _copy_sides(state["sides"])
        self._replications = state["replications"]
        self._seed = state["seed"]
        self._horizon_days = state["horizon_days"]
        self._metric_names = tuple(state["metric_names"])
        self._series_names = tuple(state["series_names"])
        self._data = _Data(dict(state["metrics"]), dict(state["series"]),
                           dict(state["runs"]))

    def __reduce_ex__(self, protocol: Any) -> Tuple[Any, ...]:
        # pickle: the data, rebuilt as a data-only Result
        return (_rebuild_result, (type(self), self._state()))

    def __copy__(self) -> "Result":
        return type(self)._from_state(self._state())

    def __deepcopy__(self, memo: Any) -> "Result":
        return type(self)._from_state(self._state())

    @classmethod
    def from_dict(cls, d: Dict[str, Any],
                  start_date: Union[None, str, datetime.date] = None
                  ) -> "Result":
        """A data-only Result from the CLI's --json object (what to_dict()
        gives): scenario, replications, seed, horizon_days, sides
        (optional), metrics (each a Stats.to_dict(); null is NaN), series
        (optional; the six bands of each, H values, null is NaN). Its
        to_dict() equals d. The JSON has no start date: give it here
        (a datetime.date or "YYYY-MM-DD") for dates and a DatetimeIndex.

        Raises ValueError naming what is missing or malformed."""
        return cls._from_state(_state_of_dict(d, start_date))

    # plain data, copied when the run returned
    @property
    def scenario_name(self) -> Optional[str]:
        """The name of the scenario that was run."""
        self._check_open()
        return self._scenario_name

    @property
    def start_date(self) -> Optional[datetime.date]:
        """The scenario's start_date (datetime.date of day 0) or None."""
        self._check_open()
        return self._start_date

    @property
    def sides(self) -> Optional[Sides]:
        """The run scenario's sides (Scenario.sides), or None when unknown.
        A new dict at each access."""
        self._check_open()
        return _copy_sides(self._sides)

    @property
    def replications(self) -> int:
        """The number of replications run."""
        self._check_open()
        return self._replications

    @property
    def seed(self) -> int:
        """The seed of the run."""
        self._check_open()
        return self._seed

    @property
    def horizon_days(self) -> int:
        """H, the number of days simulated."""
        self._check_open()
        return self._horizon_days

    @property
    def metric_names(self) -> List[str]:
        """Metric names, e.g. "nk.delivered", in the order of the CLI's JSON."""
        self._check_open()
        return list(self._metric_names)

    @property
    def series_names(self) -> List[str]:
        """Names of the series summarised by the run, e.g. "russia.extra"."""
        self._check_open()
        return list(self._series_names)

    @property
    def days(self) -> np.ndarray:
        """numpy array 0 .. H-1."""
        self._check_open()
        return np.arange(self._horizon_days)

    @property
    def dates(self) -> Optional[np.ndarray]:
        """numpy datetime64[D] array of the H days, or None without a
        start_date."""
        self._check_open()
        if self._start_date is None:
            return None
        return np.datetime64(self._start_date, "D") + np.arange(self._horizon_days)

    def __repr__(self) -> str:
        if self.closed:
            return "<shellsim.Result (closed)>"
        return "<shellsim.Result %r: %d replications, seed %d, %d days>" % (
            self._scenario_name, self._replications, self._seed,
            self._horizon_days)

    # metrics
    def metric_stats(self, name: str) -> Stats:
        """Statistics of one metric (shellsim_result_metric_stats), a
        shellsim.Stats: n, undefined (a fire_ratio's runs without a value;
        None for other metrics), mean, sd, sem, ci95 (lo, hi), min, p05,
        p25, p50, p75, p95, max, NaN where a statistic does not exist.
        stats.to_dict() (and stats["mean"], for older code) gives the CLI's
        JSON, None for NaN."""
        with self._read() as ptr:
            return self._stats(ptr, name)

    def _stats(self, ptr: Any, name: str) -> Stats:
        if ptr is None:   # data-only
            _bname(name)
            try:
                return self._data.metrics[name]
            except KeyError:
                raise _errors.make(_lib.ENOTFOUND, "%s: %r (metrics: %s)" % (
                    _lib.errstr(_lib.ENOTFOUND), name,
                    ", ".join(self._metric_names))) from None
        st = _lib.ShellsimStats()
        code = lib.shellsim_result_metric_stats(ptr, _bname(name),
                                                ctypes.byref(st), ctypes.sizeof(st))
        if code != _lib.OK:
            raise _errors.make(code, "%s: %r (metrics: %s)" % (
                _lib.errstr(code), name, ", ".join(self._metric_names)))
        return _stats.from_c(st, _stats.is_ratio(name))

    @property
    def metrics(self) -> Dict[str, Stats]:
        """dict: metric name -> Stats (see metric_stats); with each Stats
        as to_dict(), the "metrics" of the CLI's JSON. A new dict at each
        access."""
        with self._read() as ptr:
            return {n: self._stats(ptr, n) for n in self._metric_names}

    def runs(self, name: str) -> np.ndarray:
        """numpy float64 array of a metric's value in each replication, in
        replication order (shellsim_result_metric_runs). Needs a run with
        keep_runs=True. A fire_ratio run where B fired nothing is NaN."""
        if self._data is not None:
            self._check_open()
            _bname(name)
            if name not in self._data.metrics:
                raise _errors.make(_lib.ENOTFOUND, "%s: %r (metrics: %s)" % (
                    _lib.errstr(_lib.ENOTFOUND), name,
                    ", ".join(self._metric_names)))
            if name not in self._data.runs:
                raise _errors.make(_lib.ENORUNS, _DATA_ONLY)
            return self._data.runs[name].copy()
        with self._use() as ptr:
            out = np.empty(self._replications, dtype=np.float64)
            code = lib.shellsim_result_metric_runs(
                ptr, _bname(name), out.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                out.size)
            if code == _lib.ENORUNS:
                raise _errors.make(code, "per-run values of %r were not kept: "
                                   "run with keep_runs=True (8 bytes per metric "
                                   "per replication)" % name)
            if code != _lib.OK:
                raise _errors.make(code, "%s: %r (metrics: %s)" % (
                    _lib.errstr(code), name, ", ".join(self._metric_names)))
            return out

    metric_runs = runs

    # paths
    def paths(self, name: str) -> np.ndarray:
        """numpy float64 array K x H: every day's value of series `name`
        in replications 0 .. K-1 (row k is replication k), from a run with
        keep_paths=K (shellsim_result_paths); the same bits for any
        threads. K is min(keep_paths, replications)."""
        with self._use() as ptr:
            return self._paths(ptr, name)

    def _paths(self, ptr: Any, name: str) -> np.ndarray:
        k = lib.shellsim_result_path_count(ptr)
        out = np.empty((k, self._horizon_days), dtype=np.float64)
        code = lib.shellsim_result_paths(
            ptr, _bname(name),
            out.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), out.size)
        if code == _lib.ENORUNS:
            raise _errors.make(code, "no paths were kept: run with "
                               "keep_paths=K (K x series x H x 8 bytes)")
        if code == _lib.ENOTFOUND:
            raise _errors.make(code, "no series %r in this result (series: "
                               "%s)" % (name, ", ".join(self._series_names)
                                        or "none"))
        if code != _lib.OK:
            raise _errors.make(code)
        return out

    @property
    def path_count(self) -> int:
        """K: the replications whose paths were kept (0 without
        keep_paths)."""
        with self._use() as ptr:
            return int(lib.shellsim_result_path_count(ptr))

    # series
    def series_band(self, name: str, band: Union[str, int]) -> np.ndarray:
        """One band ("mean", "p05", "p25", "p50", "p75", "p95", or its index
        0..5) of a series, days 0..H-1, as a numpy float64 array
        (shellsim_result_series_band). Days without a value are NaN."""
        with self._read() as ptr:
            return self._band(ptr, name, band)

    def _band(self, ptr: Any, name: str, band: Union[str, int],
              out: Optional[np.ndarray] = None) -> np.ndarray:
        if isinstance(band, str):
            try:
                band = _lib.BANDS.index(band)
            except ValueError:
                raise _errors.make(_lib.EINVAL, "no band %r (bands: %s)" % (
                    band, ", ".join(_lib.BANDS))) from None
        if ptr is None:   # data-only
            _bname(name)
            if name not in self._data.series:
                raise _errors.make(_lib.ENOTFOUND, _no_series(
                    name, self._series_names))
            if not 0 <= int(band) < len(_lib.BANDS):
                raise _errors.make(_lib.EINVAL, _lib.errstr(_lib.EINVAL))
            if out is None:
                return self._data.series[name][int(band)].copy()
            out[...] = self._data.series[name][int(band)]
            return out
        if out is None:
            out = np.empty(self._horizon_days, dtype=np.float64)
        code = lib.shellsim_result_series_band(
            ptr, _bname(name), int(band),
            out.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), out.size)
        if code == _lib.ENOTFOUND:
            raise _errors.make(code, _no_series(name, self._series_names))
        if code != _lib.OK:
            raise _errors.make(code)
        return out

    def series(self, name: str) -> Dict[str, np.ndarray]:
        """dict band -> numpy float64 array of length H for "mean", "p05",
        "p25", "p50", "p75", "p95": the per-day bands of a series."""
        with self._read() as ptr:
            return {b: self._band(ptr, name, i) for i, b in enumerate(_lib.BANDS)}

    # pandas (imported here, when first used; never by `import shellsim`)
    def metrics_frame(self) -> Any:
        """pandas.DataFrame of the metrics: one row per metric (index
        "metric", in metric_names order), float64 columns n, mean, sd, sem,
        ci95_lo, ci95_hi, min, p05, p25, p50, p75, p95, max, undefined
        (NaN for a metric that is not a ratio). The values are
        metric_stats()'s, bit for bit; NaN where a statistic does not
        exist. Needs pandas (python3-pandas)."""
        with self._read() as ptr:
            return _frames.metrics_frame(self, ptr)

    def series_frame(self, names: Union[None, str, Iterable[str]] = None,
                     bands: Union[str, Iterable[str]] = _lib.BANDS,
                     long: bool = False) -> Any:
        """pandas.DataFrame of series bands (series_band()'s values, bit
        for bit; NaN where a day has no value).

        names  a series name or names; None: every series of the result
        bands  band names, of "mean", "p05", "p25", "p50", "p75", "p95"
        long   False: one row per day, columns a MultiIndex (series, band),
               index a DatetimeIndex "date" (daily) when the scenario has a
               start_date, else a RangeIndex "day";
               True: one row per (series, band, day), in that order, with
               columns series, day, date (only with a start_date), band,
               value.
        Needs pandas (python3-pandas)."""
        with self._read() as ptr:
            return _frames.series_frame(self, ptr, names, bands, long)

    def runs_frame(self, names: Union[None, str, Iterable[str]] = None
                   ) -> Any:
        """pandas.DataFrame of per-run values (runs()'s, bit for bit): one
        row per replication (a RangeIndex "replication", in replication
        order), one float64 column per metric (names: a metric name or
        names; None: every metric, in metric_names order); NaN where a run
        has no value (a fire_ratio where B fired nothing). Needs a run with
        keep_runs=True (NoRunsError otherwise) and pandas
        (python3-pandas)."""
        pd = _frames.pandas("Result.runs_frame()")
        if names is None:
            names = list(self._metric_names)
        elif isinstance(names, str):
            names = [names]
        else:
            names = list(names)
        cols = {n: self.runs(n) for n in names}
        return pd.DataFrame(cols, index=pd.RangeIndex(
            self._replications, name="replication"),
            columns=pd.Index(names, dtype=object))

    # xarray (imported here, when first used; never by `import shellsim`)
    def to_xarray(self) -> Any:
        """xarray.Dataset of the whole result (the values of series_band()
        and metrics_frame(), bit for bit; NaN where nothing exists):

        data variables
          one per series ("russia.extra", ...): dims (band, date) when
                 the scenario has a start_date, else (band, day); the six
                 bands of each day;
          "metrics": dims (metric, stat), metrics_frame()'s table (stat:
                 n, mean, sd, sem, ci95_lo, ci95_hi, min, p05, p25, p50,
                 p75, p95, max, undefined).
        coordinates
          band ("mean", "p05", "p25", "p50", "p75", "p95"), day (0 .. H-1),
          date (datetime64[ns], only with a start_date: then the
          dimension, with day a coordinate along it; ds.swap_dims(
          date="day") indexes by day), metric, stat.
        attrs
          scenario (when known), replications, seed, horizon_days,
          start_date ("YYYY-MM-DD", when known), shellsim_version.
        Needs xarray (python3-xarray)."""
        with self._read() as ptr:
            return _frames.to_xarray(self, ptr)

    def to_dict(self, series: bool = True) -> Dict[str, Any]:
        """The CLI's --json object, value for value: scenario, replications,
        seed, horizon_days, start_date ("YYYY-MM-DD"; left out without one),
        sides (Scenario.sides; left out when the Result
        does not know its scenario), metrics (each Stats.to_dict()), series
        (lists of floats; None where C has NaN, as JSON null). series=False
        leaves "series" empty."""
        with self._read() as ptr:
            out_series = {}
            if series:
                buf = np.empty(self._horizon_days, dtype=np.float64)
                for name in self._series_names:
                    d = {}
                    for i, b in enumerate(_lib.BANDS):
                        self._band(ptr, name, i, buf)
                        d[b] = _json_list(buf)
                    out_series[name] = d
            d = {"scenario": self._scenario_name,
                 "replications": self._replications,
                 "seed": self._seed,
                 "horizon_days": self._horizon_days}
            if self._start_date is not None:
                d["start_date"] = self._start_date.isoformat()
            if self._sides is not None:
                d["sides"] = _copy_sides(self._sides)
            d["metrics"] = {n: self._stats(ptr, n).to_dict()
                            for n in self._metric_names}
            d["series"] = out_series
            if series and lib.shellsim_result_path_count(ptr):
                d["paths"] = {n: [_json_list(p) for p in self._paths(ptr, n)]
                              for n in self._series_names}
            return d


_DATA_ONLY = ("this Result holds data only (from Result.from_dict(), pickle or "
              "copy) and has no C handle: per-run values are there only when "
              "the run kept them (keep_runs=True) before it was copied")


def _no_series(name: str, names: Iterable[str]) -> str:
    return ("no series %r in this result (series: %s; run with series=\"all\" "
            "or name it in series=)" % (name, ", ".join(names) or "none"))


def _float_array(values: Any, what: str, n: int) -> np.ndarray:
    """A list of floats and None (JSON null: NaN) as float64, length n."""
    if not isinstance(values, (list, tuple)):
        raise ValueError("%s: a list of numbers, not %s"
                         % (what, type(values).__name__))
    if len(values) != n:
        raise ValueError("%s: %d values, not horizon_days = %d"
                         % (what, len(values), n))
    try:
        return np.array([math.nan if v is None else v for v in values],
                        dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("%s: not a list of numbers and nulls" % what) from None


def _state_of_dict(d: Any, start_date: Union[None, str, datetime.date]
                   ) -> Dict[str, Any]:
    """Result._state() from the CLI's --json object."""
    if not isinstance(d, dict):
        raise ValueError("Result.from_dict: the CLI's --json object (a dict), "
                         "not %s" % type(d).__name__)
    for key in ("replications", "seed", "horizon_days", "metrics"):
        if key not in d:
            raise ValueError("Result.from_dict: no %r (the CLI's --json object "
                             "has scenario, replications, seed, horizon_days, "
                             "sides, metrics, series)" % key)
    H = d["horizon_days"]
    if isinstance(H, bool) or not isinstance(H, int) or H < 1:
        raise ValueError("Result.from_dict: horizon_days %r is not a "
                         "positive whole number" % (H,))
    if isinstance(start_date, str):
        start_date = datetime.date.fromisoformat(start_date)
    elif start_date is None and d.get("start_date") is not None:
        start_date = datetime.date.fromisoformat(d["start_date"])
    metrics = {}
    for name, m in d["metrics"].items():
        try:
            metrics[name] = Stats.from_dict(m)
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError("Result.from_dict: metric %r: %s" % (name, e)) \
                from None
    series = {}
    for name, bands in (d.get("series") or {}).items():
        if not isinstance(bands, dict) or set(bands) != set(_lib.BANDS):
            raise ValueError("Result.from_dict: series %r: the bands %s"
                             % (name, ", ".join(_lib.BANDS)))
        series[name] = np.stack([
            _float_array(bands[b], "series %r band %r" % (name, b), H)
            for b in _lib.BANDS])
    return {"scenario_name": d.get("scenario"), "start_date": start_date,
            "sides": _copy_sides(d.get("sides")),
            "replications": d["replications"], "seed": d["seed"],
            "horizon_days": H, "metric_names": list(metrics),
            "series_names": list(series), "metrics": metrics,
            "series": series, "runs": {}}


def _bname(name: str) -> bytes:
    if not isinstance(name, str):
        raise TypeError("a metric or series name is a str, not %s"
                        % type(name).__name__)
    return name.encode("utf-8")


def _json_list(a: np.ndarray) -> List[Optional[float]]:
    """A float array as a list, with None for NaN and +-inf (JSON null)."""
    lst = a.tolist()
    if not np.isfinite(a).all():
        lst = [x if math.isfinite(x) else None for x in lst]
    return lst


def library_version() -> Optional[str]:
    """The loaded library's version, "MAJOR.MINOR.PATCH" (shellsim_version)."""
    return _lib.decode(lib.shellsim_version())


def library_path() -> str:
    """The path of the loaded libshellsim."""
    return _lib.path
