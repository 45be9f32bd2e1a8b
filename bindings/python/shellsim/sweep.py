"""shellsim.sweep: the response of metrics over a grid of one or two
parameters, every point on the same replications (common random numbers)
-- the Python side of shellsim_sweep_run (include/shellsim_analysis.h).

    >>> import shellsim
    >>> sw = shellsim.sweep("scenarios/najin-dunay.ini",
    ...                     param="nk.stop_day=100:300:20",
    ...                     metrics=["russia.fire_per_day"], replications=10000)
    >>> sw.grid["nk.stop_day"]                  # numpy array of the values
    >>> sw.mean[:, 0], sw.ci95_lo[:, 0]         # per point, per metric
    >>> sw.step_mean[0, 1:, 0]                  # paired steps along the axis
    >>> sw.to_frame()                           # pandas, one row per point and metric
    >>> sw.plot()                               # mean and 95% band against the parameter

Point k is, bit for bit, Scenario.with_values({KEY: V_k}).run(...) with the
same replications and seed (its Stats equal that run's); a step is the
paired difference from the point before (the difference arm of
shellsim.compare of the two points). to_dict() is `shellsim sweep ...
--json`, value for value.

The structs and prototypes are declared with the rest of the C ABI in
shellsim._lib.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_char_p, c_double
from typing import (Any, Dict, Iterable, List, Mapping, Optional, Sequence,
                    Tuple, Union)

import numpy as np

from . import _core, _errors, _interrupt, _lib, _stats
from ._core import ScenarioArg
from ._interrupt import Progress
from ._lib import (SWEEP_MAX_AXES, SWEEP_MAX_POINTS, ShellsimStats,
                   ShellsimSweepAxis, ShellsimSweepOptions, SweepP, lib)
from ._stats import Stats

# A parameter: "KEY=GRID", or {KEY: GRID or values} (one or two keys, in
# order), or a sequence of "KEY=GRID" strings / (KEY, GRID or values) pairs.
# GRID is "LO:HI:STEP" or "V1,V2,...".
ParamArg = Union[str, Mapping[str, Any], Sequence[Any]]

_STAT_FIELDS = ("n", "undefined", "mean", "sd", "sem", "ci95_lo", "ci95_hi",
                "min", "p05", "p25", "p50", "p75", "p95", "max")


def grid(spec: str) -> np.ndarray:
    """The values of a grid written as text (shellsim_sweep_grid):
    "LO:HI:STEP" (HI included when it lands on the grid; decimal steps give
    the double nearest each decimal) or "V1,V2,...". At most 1000 values.
    Raises InvalidArgumentError naming the grid."""
    if not isinstance(spec, str):
        raise TypeError("a grid is a str, not %s" % type(spec).__name__)
    buf = (c_double * SWEEP_MAX_POINTS)()
    n = ctypes.c_size_t()
    err = _lib.ShellsimError()
    st = lib.shellsim_sweep_grid(spec.encode("utf-8"), buf, SWEEP_MAX_POINTS,
                                 ctypes.byref(n), ctypes.byref(err))
    if st != _lib.OK:
        raise _errors.from_record(st, err)
    return np.array(buf[:n.value], dtype=np.float64)


def _values(key: str, v: Any) -> np.ndarray:
    if isinstance(v, str):
        return grid(v)
    try:
        a = np.asarray(list(v) if not isinstance(v, np.ndarray) else v,
                       dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise TypeError("the values of %s must be a grid string or numbers"
                        % key) from None
    if a.size == 0:
        raise _errors.make(_lib.EINVAL, "sweep: %s: no values" % key)
    return a


def _axes(param: ParamArg) -> List[Tuple[str, np.ndarray]]:
    """[(key, values)] of the param argument."""
    if isinstance(param, str):
        items: List[Any] = [param]
    elif isinstance(param, Mapping):
        items = list(param.items())
    elif isinstance(param, Sequence):
        items = list(param)
    else:
        raise TypeError("param must be 'KEY=GRID', {KEY: values} or a list "
                        "of them, not %s" % type(param).__name__)
    out = []
    for it in items:
        if isinstance(it, str):
            key, eq, spec = it.partition("=")
            if not eq or not key:
                raise _errors.make(_lib.EINVAL, "param %r is not KEY=GRID"
                                   % (it,))
            out.append((key, grid(spec)))
        elif isinstance(it, tuple) and len(it) == 2 and isinstance(it[0], str):
            out.append((it[0], _values(it[0], it[1])))
        else:
            raise TypeError("a parameter is 'KEY=GRID' or (KEY, values), "
                            "not %r" % (it,))
    if not 1 <= len(out) <= SWEEP_MAX_AXES:
        raise _errors.make(_lib.EINVAL, "sweep: one or two parameters, not %d"
                           % len(out))
    return out


class Sweep:
    """The outcome of shellsim_sweep_run, copied out of the C handle (freed
    at once): plain data, usable from any thread.

    scenario, replications, seed
    keys          the swept keys, in order (the last one fastest)
    grid          {key: numpy array of its values}
    shape         the grid's shape, (n0,) or (n0, n1)
    metric_names  the metrics, in order
    values        (points, keys) array: each point's parameter values
    n, mean, sd, sem, ci95_lo, ci95_hi, min, p05 .. p95, max
                  (points, metrics) arrays of each point's statistics
    step_mean, step_sd, step_sem, step_ci95_lo, step_ci95_hi, step_min,
    step_max      (keys, points, metrics) arrays: the paired difference of
                  each point from the one before it along that key (NaN at
                  the first point along it)
    point_stats   [{metric: Stats}] per point
    step_stats    [{key: {metric: Stats}}] per point (keys it is first
                  along are absent)
    """

    def __init__(self, scenario: Optional[str], replications: int, seed: int,
                 keys: List[str], grid: Dict[str, np.ndarray],
                 metric_names: List[str], values: np.ndarray,
                 point_stats: List[Dict[str, Stats]],
                 step_stats: List[Dict[str, Dict[str, Stats]]]) -> None:
        self.scenario = scenario
        self.replications = replications
        self.seed = seed
        self.keys = keys
        self.grid = grid
        self.metric_names = metric_names
        self.values = values
        self.point_stats = point_stats
        self.step_stats = step_stats
        P, M, A = len(point_stats), len(metric_names), len(keys)
        for f in _STAT_FIELDS:
            if f == "undefined":
                continue
            a = np.full((P, M), np.nan)
            s = np.full((A, P, M), np.nan)
            for p in range(P):
                for m, name in enumerate(metric_names):
                    a[p, m] = _field(point_stats[p][name], f)
                    for k, key in enumerate(keys):
                        st = step_stats[p].get(key)
                        if st is not None:
                            s[k, p, m] = _field(st[name], f)
            setattr(self, f, a)
            if f in ("mean", "sd", "sem", "ci95_lo", "ci95_hi", "min", "max"):
                setattr(self, "step_" + f, s)

    @property
    def shape(self) -> Tuple[int, ...]:
        """The grid's shape: (n0,) or (n0, n1)."""
        return tuple(len(self.grid[k]) for k in self.keys)

    def step_from(self, point: int, key: str) -> Optional[int]:
        """The point before `point` along `key`, or None when it is the
        first along it."""
        a = self.keys.index(key)
        stride = int(np.prod(self.shape[a + 1:], dtype=np.int64))
        return None if (point // stride) % self.shape[a] == 0 else point - stride

    def to_dict(self) -> Dict[str, Any]:
        """The CLI's `sweep --json` object, value for value."""
        points = []
        for p in range(len(self.point_stats)):
            steps = {}
            for key in self.keys:
                st = self.step_stats[p].get(key)
                if st is not None:
                    steps[key] = {"from": self.step_from(p, key),
                                  "metrics": {m: st[m].to_dict()
                                              for m in self.metric_names}}
            points.append({
                "values": {k: float(self.values[p, a])
                           for a, k in enumerate(self.keys)},
                "metrics": {m: self.point_stats[p][m].to_dict()
                            for m in self.metric_names},
                "steps": steps})
        return {"kind": "sweep", "scenario": self.scenario,
                "replications": self.replications, "seed": self.seed,
                "parameters": list(self.keys),
                "grid": {k: [float(x) for x in self.grid[k]]
                         for k in self.keys},
                "metrics": list(self.metric_names), "points": points}

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per point and metric, with the
        columns of `shellsim sweep --format csv`: the parameters' values,
        metric, the statistics (float, NaN where none) and, per key,
        step_mean(KEY), step_ci95_lo(KEY), step_ci95_hi(KEY). pandas is
        imported here."""
        import pandas as pd

        rows: Dict[str, List[Any]] = {k: [] for k in self.keys}
        rows["metric"] = []
        for f in _STAT_FIELDS:
            rows[f] = []
        for k in self.keys:
            for f in ("step_mean", "step_ci95_lo", "step_ci95_hi"):
                rows["%s(%s)" % (f, k)] = []
        for p in range(len(self.point_stats)):
            for m, name in enumerate(self.metric_names):
                for a, k in enumerate(self.keys):
                    rows[k].append(float(self.values[p, a]))
                rows["metric"].append(name)
                st = self.point_stats[p][name]
                for f in _STAT_FIELDS:
                    rows[f].append(_field(st, f))
                for a, k in enumerate(self.keys):
                    rows["step_mean(%s)" % k].append(self.step_mean[a, p, m])
                    rows["step_ci95_lo(%s)" % k].append(
                        self.step_ci95_lo[a, p, m])
                    rows["step_ci95_hi(%s)" % k].append(
                        self.step_ci95_hi[a, p, m])
        df = pd.DataFrame(rows)
        for c in df.columns:
            if c not in ("metric", "n", "undefined"):
                df[c] = df[c].astype(float)
        df["n"] = df["n"].astype("int64")
        df["undefined"] = df["undefined"].astype("int64")
        return df

    def plot(self, metric: Optional[str] = None, ax: Any = None,
             **kwargs: Any) -> Any:
        """shellsim.plot.sweep_chart of one metric (default: the first):
        its mean against the first key with the 95% band of each point,
        one line per value of the second key. Returns the Axes."""
        from .plot import sweep_chart
        return sweep_chart(self, metric, ax=ax, **kwargs)

    def __repr__(self) -> str:
        return "<shellsim.Sweep %r: %s over %s, %d replications, seed %d>" % (
            self.scenario, ", ".join(self.metric_names),
            " x ".join("%s (%d)" % (k, len(self.grid[k])) for k in self.keys),
            self.replications, self.seed)


def _field(st: Stats, f: str) -> float:
    if f == "ci95_lo":
        return float(st.ci95[0])
    if f == "ci95_hi":
        return float(st.ci95[1])
    v = getattr(st, f)
    return 0 if v is None and f == "undefined" else float(v) if f not in (
        "n", "undefined") else int(v)


def sweep(scenario: ScenarioArg, param: ParamArg,
          metrics: Optional[Iterable[str]] = None, replications: int = 10000,
          seed: int = 1, threads: int = 0,
          progress: Optional[Progress] = None) -> Sweep:
    """Sweep (shellsim_sweep_run): scenario (a shellsim.Scenario, a path or
    INI text) at every point of the grid of one or two parameters, each
    point on the same replications 0 .. N-1 with the same seed.

    param         "KEY=GRID", {KEY: GRID or values} (one or two keys, the
                  last one fastest), or a list of "KEY=GRID" / (KEY, values);
                  GRID "LO:HI:STEP" or "V1,V2,..."; KEY as Scenario.with_values
                  takes it ("nk.stop_day", "us.active@2024-04-24")
    metrics       metric names (default: every metric of the scenario)
    replications  at each point, 1 .. 2**40
    seed          0 .. 2**64-1
    threads       0 .. 1024, 0 = all cores; never changes a number
    progress      None or callable(done, total) over all points; a true
                  return value stops with RunInterrupted

    Every value is tried on the scenario before anything runs: a key that
    cannot be set or a value out of the key's range raises ScenarioError
    with the override's message. At most 1000 points.
    """
    _interrupt.check_progress(progress)
    axes = _axes(param)
    names = None if metrics is None else [m for m in metrics]
    if names is not None:
        for m in names:
            if not isinstance(m, str):
                raise TypeError("metrics must be str, not %s"
                                % type(m).__name__)
    ropts, _ = _core._run_options(replications, seed, threads)
    opts = ShellsimSweepOptions()
    lib.shellsim_sweep_options_init(ctypes.byref(opts))
    opts.replications = ropts.replications
    opts.seed = ropts.seed
    opts.threads = ropts.threads
    keep: List[Any] = []  # alive until the call returns
    if names is not None:
        arr = (c_char_p * max(len(names), 1))(*[m.encode("utf-8")
                                                 for m in names])
        keep.append(arr)
        opts.metrics = ctypes.cast(arr, POINTER(c_char_p))
        opts.nmetrics = len(names)
        if not names:
            raise _errors.make(_lib.EINVAL, "sweep: no metric")
    c_axes = (ShellsimSweepAxis * len(axes))()
    for i, (key, vals) in enumerate(axes):
        buf = np.ascontiguousarray(vals, dtype=np.float64)
        keep.append(buf)
        c_axes[i].size = ctypes.sizeof(ShellsimSweepAxis)  # (arrays skip __init__)
        c_axes[i].key = key.encode("utf-8")
        c_axes[i].values = buf.ctypes.data_as(POINTER(c_double))
        c_axes[i].nvalues = buf.size
    s, own = _core._load_scenario(scenario)
    try:
        ptr = s._acquire()
        try:
            out = SweepP()
            err = _lib.ShellsimError()
            st = _interrupt.call(
                opts, progress,
                lambda: lib.shellsim_sweep_run(ptr, c_axes, len(axes),
                                               ctypes.byref(opts),
                                               ctypes.byref(out),
                                               ctypes.byref(err)),
                lambda: lib.shellsim_sweep_free(out))
            if st != _lib.OK:
                raise _errors.from_record(st, err)
            try:
                return _copy(out, s.name)
            finally:
                lib.shellsim_sweep_free(out)
        finally:
            s._release()
    finally:
        if own:
            s.close()


def _check(code: int) -> None:
    if code != _lib.OK:
        raise _errors.make(code, _lib.errstr(code))


def _copy(out: Any, scenario: Optional[str]) -> Sweep:
    A = lib.shellsim_sweep_axis_count(out)
    P = lib.shellsim_sweep_point_count(out)
    keys = [_lib.decode(lib.shellsim_sweep_axis_key(out, a)) for a in range(A)]
    grid = {}
    values = np.empty((P, A))
    for a, k in enumerate(keys):
        n = lib.shellsim_sweep_axis_size(out, a)
        g = np.empty(n)
        _check(lib.shellsim_sweep_axis_values(
            out, a, g.ctypes.data_as(POINTER(c_double)), n))
        grid[k] = g
        col = np.empty(P)
        _check(lib.shellsim_sweep_point_values(
            out, a, col.ctypes.data_as(POINTER(c_double)), P))
        values[:, a] = col
    bnames = [lib.shellsim_sweep_metric_name(out, m)
              for m in range(lib.shellsim_sweep_metric_count(out))]
    names = [_lib.decode(b) for b in bnames]
    st = ShellsimStats()
    points, steps = [], []
    for p in range(P):
        pt, sp = {}, {}
        for b, name in zip(bnames, names):
            _check(lib.shellsim_sweep_point_stats(out, p, b, ctypes.byref(st),
                                                  ctypes.sizeof(st)))
            pt[name] = _stats.from_c(st, _stats.is_ratio(name))
        for a, k in enumerate(keys):
            d = {}
            for b, name in zip(bnames, names):
                rc = lib.shellsim_sweep_step_stats(out, p, a, b,
                                                   ctypes.byref(st),
                                                   ctypes.sizeof(st))
                if rc == _lib.EINVAL:  # first along this key
                    break
                _check(rc)
                d[name] = _stats.from_c(st, _stats.is_ratio(name))
            if d:
                sp[k] = d
        points.append(pt)
        steps.append(sp)
    return Sweep(scenario, lib.shellsim_sweep_replications(out),
                 lib.shellsim_sweep_seed(out), keys, grid, names, values,
                 points, steps)
