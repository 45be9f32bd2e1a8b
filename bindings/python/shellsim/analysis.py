"""shellsim.analysis: paired comparisons, Sobol sensitivity, runs to a
precision and exceedances -- the Python side of include/shellsim_analysis.h.

    >>> import shellsim
    >>> c = shellsim.compare("scenarios/aid-gap.ini",
    ...                      "scenarios/aid-gap-no-nk.ini", replications=10000)
    >>> c.metrics["russia.fire_per_day"]["diff"]["mean"]      # B - A
    >>> c.metrics["russia.fire_per_day"]["pairing"]["variance_ratio"]
    >>> sa = shellsim.sensitivity("scenarios/najin-dunay.ini",
    ...                           "russia.extra_per_day", samples=4096)
    >>> sa.ranking()                 # parameters by total index, largest first
    >>> sa.parameters["nk.loss_rate"]["total_ci95"]
    >>> from shellsim.plot import tornado_chart
    >>> tornado_chart(sa).figure.savefig("tornado.png")
    >>> r = shellsim.run_extended("scenarios/najin-dunay.ini",
    ...                           until_ci=("russia.extra_per_day", 20),
    ...                           exceed=[("russia.extra_per_day", 2700)],
    ...                           replications=1000000)
    >>> r.replications, r.exceedances[0]["p"]

Every function returns what the CLI prints with --json, value for value
(to_dict(); None where the CLI prints null): compare() is `shellsim compare
A B --json`, sensitivity() is `shellsim sensitivity S --metric M --json`,
run_extended() is `shellsim run S --until-ci NAME=H --exceed NAME=V --json`.
Errors raise the package's exceptions with the C message.

The prototypes of the C functions of shellsim_analysis.h are declared here,
on the package's shared library, and added to shellsim._lib.PROTOTYPES so
that the package's table stays complete.
"""

import ctypes
import math
import os
import threading
from ctypes import (POINTER, Structure, c_char_p, c_double, c_int, c_size_t,
                    c_uint64, c_void_p)

import numpy as np

from . import _core, _errors, _lib
from ._lib import lib

# ------------------------------------------------------------ C declarations

ARMS = ("a", "b", "diff")  # shellsim_arm: A, B, B - A
MAX_SAMPLES = 1 << 26
SOBOL_MAX_PARAMETERS = 20


class ShellsimPairing(Structure):
    """struct shellsim_pairing."""
    _fields_ = [("diff_variance", c_double),
                ("independent_variance", c_double),
                ("variance_ratio", c_double),
                ("correlation", c_double)]


class ShellsimSensitivityOptions(Structure):
    """struct shellsim_sensitivity_options."""
    _fields_ = [("samples", c_uint64),
                ("seed", c_uint64),
                ("threads", c_int),
                ("bootstrap", c_int),
                ("progress", _lib.PROGRESS_FN),
                ("progress_user", c_void_p)]


class ShellsimSobolIndices(Structure):
    """struct shellsim_sobol_indices."""
    _fields_ = [(n, c_double) for n in (
        "first_order", "first_order_ci95_lo", "first_order_ci95_hi",
        "total", "total_ci95_lo", "total_ci95_hi", "p10", "p50", "p90",
        "tornado_low", "tornado_high")]


class ShellsimSensitivitySummary(Structure):
    """struct shellsim_sensitivity_summary."""
    _fields_ = [("samples", c_uint64),
                ("evaluations", c_uint64),
                ("seed", c_uint64),
                ("bootstrap", c_int),
                ("sobol", c_int),
                ("mean", c_double),
                ("variance", c_double),
                ("noise_share", c_double),
                ("noise_share_ci95_lo", c_double),
                ("noise_share_ci95_hi", c_double),
                ("noise_share_at_medians", c_double),
                ("tornado_base", c_double)]


class ShellsimThreshold(Structure):
    """struct shellsim_threshold."""
    _fields_ = [("metric", c_char_p), ("value", c_double)]


class ShellsimRunExtras(Structure):
    """struct shellsim_run_extras."""
    _fields_ = [("until_metric", c_char_p),
                ("until_halfwidth", c_double),
                ("exceed", POINTER(ShellsimThreshold)),
                ("nexceed", c_size_t)]


class ShellsimExceedance(Structure):
    """struct shellsim_exceedance."""
    _fields_ = [("metric", c_char_p),
                ("value", c_double),
                ("count", c_uint64),
                ("n", c_uint64),
                ("p", c_double),
                ("ci95_lo", c_double),
                ("ci95_hi", c_double)]


class _ComparisonStruct(Structure):
    pass


class _SensitivityStruct(Structure):
    pass


ComparisonP = POINTER(_ComparisonStruct)
SensitivityP = POINTER(_SensitivityStruct)
_E = POINTER(_lib.ShellsimError)
_R = _lib.ResultP

# name: (restype, argtypes), one entry per SHELLSIM_API function of
# shellsim_analysis.h, in the header's order.
PROTOTYPES = {
    "shellsim_compare":
        (c_int, [_lib.ScenarioP, _lib.ScenarioP,
                 POINTER(_lib.ShellsimRunOptions), POINTER(ComparisonP), _E]),
    "shellsim_comparison_free": (None, [ComparisonP]),
    "shellsim_comparison_replications": (c_uint64, [ComparisonP]),
    "shellsim_comparison_seed": (c_uint64, [ComparisonP]),
    "shellsim_comparison_metric_count": (c_size_t, [ComparisonP]),
    "shellsim_comparison_metric_name": (c_char_p, [ComparisonP, c_size_t]),
    "shellsim_comparison_stats":
        (c_int, [ComparisonP, c_char_p, c_int, POINTER(_lib.ShellsimStats)]),
    "shellsim_comparison_pairing":
        (c_int, [ComparisonP, c_char_p, POINTER(ShellsimPairing)]),
    "shellsim_comparison_runs":
        (c_int, [ComparisonP, c_char_p, c_int, POINTER(c_double), c_size_t]),
    "shellsim_sensitivity_options_init":
        (None, [POINTER(ShellsimSensitivityOptions)]),
    "shellsim_sensitivity_analyse":
        (c_int, [_lib.ScenarioP, c_char_p, POINTER(ShellsimSensitivityOptions),
                 POINTER(SensitivityP), _E]),
    "shellsim_sensitivity_free": (None, [SensitivityP]),
    "shellsim_sensitivity_metric": (c_char_p, [SensitivityP]),
    "shellsim_sensitivity_parameter_count": (c_size_t, [SensitivityP]),
    "shellsim_sensitivity_parameter_name":
        (c_char_p, [SensitivityP, c_size_t]),
    "shellsim_sensitivity_parameter":
        (c_int, [SensitivityP, c_char_p, POINTER(ShellsimSobolIndices)]),
    "shellsim_sensitivity_summarise":
        (c_int, [SensitivityP, POINTER(ShellsimSensitivitySummary)]),
    "shellsim_run_extras_init": (None, [POINTER(ShellsimRunExtras)]),
    "shellsim_run_checkpoint_after": (c_uint64, [c_uint64]),
    "shellsim_run_extended":
        (c_int, [_lib.ScenarioP, POINTER(_lib.ShellsimRunOptions),
                 POINTER(ShellsimRunExtras), POINTER(_R), _E]),
    "shellsim_result_exceedance_count": (c_size_t, [_R]),
    "shellsim_result_exceedance":
        (c_int, [_R, c_size_t, POINTER(ShellsimExceedance)]),
    "shellsim_wilson_interval":
        (None, [c_uint64, c_uint64, POINTER(c_double), POINTER(c_double)]),
}


_lib.declare(lib, _lib.path, PROTOTYPES)

# ------------------------------------------------------------------ helpers

_f = _core._number  # NaN and +-inf -> None, as the CLI's JSON null


def _stats(st, undefined=False):
    """A shellsim_stats as the CLI's JSON STATS object."""
    d = {"n": st.n, "mean": _f(st.mean), "sd": _f(st.sd), "sem": _f(st.sem),
         "ci95": [_f(st.ci95_lo), _f(st.ci95_hi)], "min": _f(st.min),
         "p05": _f(st.p05), "p25": _f(st.p25), "p50": _f(st.p50),
         "p75": _f(st.p75), "p95": _f(st.p95), "max": _f(st.max)}
    if undefined:
        d["undefined"] = st.undefined
    return d


def _check(code, what=""):
    if code != _lib.OK:
        raise _errors.make(code, "%s%s" % (what, _lib.errstr(code)))


def _is_text(x):
    return "\n" in x or x.lstrip().startswith(("[", "#", ";"))


def _load_scenario(scenario):
    """(Scenario, owned): a Scenario as given, or loaded from a path or INI
    text (then owned here and closed after the call)."""
    if isinstance(scenario, _core.Scenario):
        return scenario, False
    if isinstance(scenario, bytes) or (isinstance(scenario, str)
                                       and _is_text(scenario)):
        return _core.Scenario.from_string(scenario), True
    if isinstance(scenario, (str, os.PathLike)):
        return _core.Scenario.from_file(scenario), True
    raise TypeError("scenario must be a shellsim.Scenario, a path or INI "
                    "text, not %s" % type(scenario).__name__)


def _bname(name, what):
    if not isinstance(name, str):
        raise TypeError("%s must be a str, not %s" % (what, type(name).__name__))
    return name.encode("utf-8")


def _report_number(x):
    """The CLI's number format (report_number): the shortest %g form that
    reads back as x."""
    for p in range(1, 18):
        s = "%.*g" % (p, x)
        if float(s) == x:
            return s
    return s


def exceed_key(value):
    """The key of a threshold in the CLI's "exceed" object: the shortest
    fixed-point decimal that reads back as the value ("2700", "9000.5"),
    or the CLI's number format outside [1e-4, 1e15)."""
    x = float(value)
    if math.isfinite(x) and (x == 0 or 1e-4 <= abs(x) < 1e15):
        for d in range(18):
            s = "%.*f" % (d, x)
            if float(s) == x:
                return s
    return _report_number(x)


class _Interruptible(_core._Interruptible):
    """_core._Interruptible (Ctrl-C and exceptions in the progress callback
    stop the call cleanly) around any C call taking options with a progress
    member: call(opts) -> status; free() releases the output of a call that
    succeeded after all."""

    def call(self, opts, call, free):
        import signal
        main = threading.current_thread() is threading.main_thread()
        wrap = False
        if main:
            try:
                self.previous = signal.getsignal(signal.SIGINT)
                wrap = callable(self.previous)
            except (ValueError, AttributeError):  # pragma: no cover
                wrap = False
        if self.progress is None and not wrap:
            return call(opts)
        cb = _lib.PROGRESS_FN(self._callback)  # kept alive by this frame
        opts.progress = cb
        if wrap:
            signal.signal(signal.SIGINT, self._on_sigint)
        try:
            st = call(opts)
        finally:
            if wrap:
                signal.signal(signal.SIGINT, self.previous)
        if self.exc is not None:
            if st == _lib.OK:
                free()
            exc, self.exc = self.exc, None
            raise exc
        return st


def _run_options(replications, seed, threads, keep_runs=False, series="all"):
    reps = _core._int_in(replications, 0, 2**64 - 1,
                         "replications must be in 1 .. 2^40")
    seed = _core._int_in(seed, 0, 2**64 - 1, "seed must be in 0 .. 2^64-1")
    threads = _core._int_in(threads, -2**31, 2**31 - 1,
                            "threads must be in 0 .. 1024 (0: all cores)")
    opts = _lib.ShellsimRunOptions()
    lib.shellsim_run_options_init(ctypes.byref(opts))
    opts.replications = reps
    opts.seed = seed
    opts.threads = threads
    opts.keep_runs = 1 if keep_runs else 0
    if series is None:
        series = "all"
    elif not isinstance(series, (str, bytes)):
        series = ",".join(series)
    bseries = series.encode("utf-8") if isinstance(series, str) else series
    opts.series = bseries
    return opts, bseries


def _check_progress(progress):
    if progress is not None and not callable(progress):
        raise TypeError("progress must be callable(done, total) or None")


# -------------------------------------------------------- paired comparison

class Comparison:
    """The outcome of shellsim_compare, copied out of the C handle (which is
    freed at once): plain data, usable from any thread.

    scenario_a, scenario_b, replications, seed, metric_names, metrics
    (NAME -> {"a": STATS, "b": STATS, "diff": STATS, "pairing": {...}}),
    runs(name, arm) with keep_runs, to_dict() (the CLI's JSON).
    """

    def __init__(self, scenario_a, scenario_b, replications, seed, metrics,
                 runs):
        self.scenario_a = scenario_a
        self.scenario_b = scenario_b
        self.replications = replications
        self.seed = seed
        self.metrics = metrics
        self._runs = runs

    @property
    def metric_names(self):
        return list(self.metrics)

    def runs(self, name, arm="diff"):
        """numpy float64 array of one arm ("a", "b" or "diff" = B - A) of a
        metric in each replication, in replication order
        (shellsim_comparison_runs). Needs compare(..., keep_runs=True)."""
        if self._runs is None:
            raise _errors.make(_lib.ENORUNS, "per-run values were not kept: "
                               "compare with keep_runs=True")
        if arm not in ARMS:
            raise _errors.make(_lib.EINVAL, "no arm %r (arms: a, b, diff)"
                               % (arm,))
        if name not in self.metrics:
            raise _errors.make(_lib.ENOTFOUND, "no metric %r compared "
                               "(metrics: %s)" % (name, ", ".join(self.metrics)))
        return self._runs[name][arm].copy()

    def to_dict(self):
        """The CLI's `compare --json` object, value for value."""
        return {"scenario_a": self.scenario_a,
                "scenario_b": self.scenario_b,
                "replications": self.replications,
                "seed": self.seed,
                "metrics": {n: {"a": dict(m["a"]), "b": dict(m["b"]),
                                "diff": dict(m["diff"]),
                                "pairing": dict(m["pairing"])}
                            for n, m in self.metrics.items()}}

    def __repr__(self):
        return "<shellsim.analysis.Comparison %r vs %r: %d replications, " \
               "seed %d, %d metrics>" % (self.scenario_a, self.scenario_b,
                                          self.replications, self.seed,
                                          len(self.metrics))


def compare(a, b, replications=10000, seed=1, threads=0, keep_runs=False,
            progress=None):
    """Paired comparison (shellsim_compare): scenarios a and b (each a
    shellsim.Scenario, a path or INI text) on the same replications under
    the same seed (common random numbers). Returns a Comparison.

    replications  1 .. 2**40
    seed          0 .. 2**64-1
    threads       0 .. 1024, 0 = all cores; never changes a number
    keep_runs     keep every run's A, B and B - A (24 bytes per metric per
                  replication) for Comparison.runs()
    progress      None or callable(done, total) between blocks; a true
                  return value stops with RunInterrupted
    """
    _check_progress(progress)
    opts, _keep = _run_options(replications, seed, threads, keep_runs, "none")
    sa, own_a = _load_scenario(a)
    try:
        sb, own_b = _load_scenario(b)
        try:
            pa = sa._acquire()
            try:
                pb = sb._acquire()
                try:
                    return _compare(sa, sb, pa, pb, opts, keep_runs, progress)
                finally:
                    sb._release()
            finally:
                sa._release()
        finally:
            if own_b:
                sb.close()
    finally:
        if own_a:
            sa.close()


def _compare(sa, sb, pa, pb, opts, keep_runs, progress):
    out = ComparisonP()
    err = _lib.ShellsimError()
    st = _Interruptible(progress).call(
        opts, lambda o: lib.shellsim_compare(pa, pb, ctypes.byref(o),
                                             ctypes.byref(out),
                                             ctypes.byref(err)),
        lambda: lib.shellsim_comparison_free(out))
    if st != _lib.OK:
        raise _errors.from_record(st, err)
    try:
        n = lib.shellsim_comparison_replications(out)
        metrics, runs = {}, ({} if keep_runs else None)
        st_ = _lib.ShellsimStats()
        pr = ShellsimPairing()
        for i in range(lib.shellsim_comparison_metric_count(out)):
            bname = lib.shellsim_comparison_metric_name(out, i)
            name = _lib.decode(bname)
            m = {}
            for k, arm in enumerate(ARMS):
                _check(lib.shellsim_comparison_stats(out, bname, k,
                                                     ctypes.byref(st_)))
                m[arm] = _stats(st_, name.endswith(".fire_ratio"))
            _check(lib.shellsim_comparison_pairing(out, bname,
                                                   ctypes.byref(pr)))
            m["pairing"] = {"diff_variance": _f(pr.diff_variance),
                            "independent_variance": _f(pr.independent_variance),
                            "variance_ratio": _f(pr.variance_ratio),
                            "correlation": _f(pr.correlation)}
            metrics[name] = m
            if keep_runs:
                runs[name] = {}
                for k, arm in enumerate(ARMS):
                    buf = np.empty(n, dtype=np.float64)
                    _check(lib.shellsim_comparison_runs(
                        out, bname, k, buf.ctypes.data_as(POINTER(c_double)),
                        buf.size))
                    runs[name][arm] = buf
        return Comparison(sa.name, sb.name, n,
                          lib.shellsim_comparison_seed(out), metrics, runs)
    finally:
        lib.shellsim_comparison_free(out)


# ---------------------------------------------------------------- sensitivity

class Sensitivity:
    """The outcome of shellsim_sensitivity_analyse, copied out of the C
    handle: plain data.

    scenario, metric, parameters (KEY -> {"first_order", "first_order_ci95",
    "total", "total_ci95", "tornado": [at p10, at p90], "p10", "p50",
    "p90"}), noise_share, summary (the other top-level members of the CLI's
    JSON), ranking(), to_dict() (the CLI's JSON).
    """

    def __init__(self, d):
        self._d = d

    scenario = property(lambda self: self._d["scenario"])
    metric = property(lambda self: self._d["metric"])
    parameters = property(lambda self: self._d["parameters"])
    noise_share = property(lambda self: self._d["noise_share"])

    @property
    def summary(self):
        return {k: v for k, v in self._d.items() if k != "parameters"}

    def ranking(self, by="total"):
        """Parameter names by index ("total" or "first_order"), largest
        first (None last)."""
        ps = self._d["parameters"]
        return sorted(ps, key=lambda n: (ps[n][by] is None,
                                         -(ps[n][by] or 0.0), n))

    def to_dict(self):
        """The CLI's `sensitivity --json` object, value for value."""
        import copy
        return copy.deepcopy(self._d)

    def __repr__(self):
        return "<shellsim.analysis.Sensitivity %r of %r: %d parameters, " \
               "%d samples>" % (self.metric, self.scenario,
                                len(self.parameters), self._d["samples"])


def sensitivity(scenario, metric, samples=4096, seed=1, threads=0,
                bootstrap=200, progress=None):
    """Sobol indices of a metric's mean (shellsim_sensitivity_analyse) for
    every per-run key of the scenario that is not constant, with bootstrap
    95% intervals, the share of the model's own noise and a tornado.
    Returns a Sensitivity.

    scenario   a shellsim.Scenario, a path or INI text
    metric     e.g. "russia.extra_per_day"
    samples    base samples N, 2 .. 2**26 (powers of two are best); the model
               runs N (3k + 4) times for k parameters
    seed       0 .. 2**64-1: the noise and the bootstrap
    threads    0 .. 1024, 0 = all cores; never changes a number
    bootstrap  resamples, 0 .. 100000 (0: intervals are None)
    progress   None or callable(done, total) in model runs
    """
    _check_progress(progress)
    opts = ShellsimSensitivityOptions()
    lib.shellsim_sensitivity_options_init(ctypes.byref(opts))
    opts.samples = _core._int_in(samples, 0, 2**64 - 1,
                                 "samples must be in 2 .. 2^26")
    opts.seed = _core._int_in(seed, 0, 2**64 - 1, "seed must be in 0 .. 2^64-1")
    opts.threads = _core._int_in(threads, -2**31, 2**31 - 1,
                                 "threads must be in 0 .. 1024 (0: all cores)")
    opts.bootstrap = _core._int_in(bootstrap, -2**31, 2**31 - 1,
                                   "bootstrap must be in 0 .. 100000 resamples")
    bmetric = _bname(metric, "metric")
    sc, owned = _load_scenario(scenario)
    try:
        ptr = sc._acquire()
        try:
            out = SensitivityP()
            err = _lib.ShellsimError()
            st = _Interruptible(progress).call(
                opts, lambda o: lib.shellsim_sensitivity_analyse(
                    ptr, bmetric, ctypes.byref(o), ctypes.byref(out),
                    ctypes.byref(err)),
                lambda: lib.shellsim_sensitivity_free(out))
            if st != _lib.OK:
                raise _errors.from_record(st, err)
            try:
                return Sensitivity(_sensitivity_dict(sc.name, out))
            finally:
                lib.shellsim_sensitivity_free(out)
        finally:
            sc._release()
    finally:
        if owned:
            sc.close()


def _sensitivity_dict(scenario_name, sa):
    m = ShellsimSensitivitySummary()
    _check(lib.shellsim_sensitivity_summarise(sa, ctypes.byref(m)))
    params = {}
    x = ShellsimSobolIndices()
    for i in range(lib.shellsim_sensitivity_parameter_count(sa)):
        bname = lib.shellsim_sensitivity_parameter_name(sa, i)
        _check(lib.shellsim_sensitivity_parameter(sa, bname, ctypes.byref(x)))
        params[_lib.decode(bname)] = {
            "first_order": _f(x.first_order),
            "first_order_ci95": [_f(x.first_order_ci95_lo),
                                 _f(x.first_order_ci95_hi)],
            "total": _f(x.total),
            "total_ci95": [_f(x.total_ci95_lo), _f(x.total_ci95_hi)],
            "tornado": [_f(x.tornado_low), _f(x.tornado_high)],
            "p10": _f(x.p10), "p50": _f(x.p50), "p90": _f(x.p90)}
    return {"scenario": scenario_name,
            "metric": _lib.decode(lib.shellsim_sensitivity_metric(sa)),
            "samples": m.samples,
            "evaluations": m.evaluations,
            "seed": m.seed,
            "bootstrap": m.bootstrap,
            "sampling": "sobol" if m.sobol else "pseudo-random",
            "mean": _f(m.mean),
            "variance": _f(m.variance),
            "noise_share": _f(m.noise_share),
            "noise_share_ci95": [_f(m.noise_share_ci95_lo),
                                 _f(m.noise_share_ci95_hi)],
            "noise_share_at_medians": _f(m.noise_share_at_medians),
            "tornado_base": _f(m.tornado_base),
            "parameters": params}


# ------------------------------------------- runs to a precision, exceedance

class ExtendedResult(_core.Result):
    """A shellsim.Result from run_extended(): the same, plus
    `exceedances` (one dict per threshold: metric, value, count, n, p,
    ci95) and, in metrics / metric_stats / to_dict, an "exceed" member for
    each metric with thresholds, as the CLI prints it."""

    def __init__(self, _ptr, scenario_name=None, start_date=None):
        super().__init__(_ptr, scenario_name, start_date)
        self._exceed = []
        e = ShellsimExceedance()
        for i in range(lib.shellsim_result_exceedance_count(_ptr)):
            _check(lib.shellsim_result_exceedance(_ptr, i, ctypes.byref(e)))
            self._exceed.append({"metric": _lib.decode(e.metric),
                                 "value": e.value, "count": e.count,
                                 "n": e.n, "p": _f(e.p),
                                 "ci95": [_f(e.ci95_lo), _f(e.ci95_hi)]})

    @property
    def exceedances(self):
        self._check_open()
        return [dict(x, ci95=list(x["ci95"])) for x in self._exceed]

    def _stats(self, ptr, name):
        d = super()._stats(ptr, name)
        ex = {}
        for x in self._exceed:
            if x["metric"] == name:
                ex.setdefault(exceed_key(x["value"]), {
                    "p": x["p"], "ci95": list(x["ci95"]), "count": x["count"],
                    "n": x["n"]})
        if ex:
            d["exceed"] = ex
        return d


def _thresholds(exceed):
    """[(metric, value)] from pairs or "NAME=VALUE" strings."""
    out = []
    for t in exceed or ():
        if isinstance(t, str):
            name, sep, value = t.rpartition("=")
            if not sep or not name:
                raise _errors.make(_lib.EINVAL, "exceed: %r is not NAME=VALUE"
                                   % t)
            t = (name, value)
        name, value = t
        out.append((_bname(name, "a threshold's metric"), float(value)))
    return out


def run_extended(scenario, replications=10000, seed=1, threads=0,
                 keep_runs=False, series="all", until_ci=None, exceed=(),
                 progress=None):
    """shellsim_run_extended: a run (as Scenario.run) that can stop on
    precision and count exceedances. Returns an ExtendedResult.

    scenario      a shellsim.Scenario, a path or INI text
    replications  the run's size, or with until_ci its cap (1 .. 2**40)
    until_ci      None, or (metric, halfwidth): run in whole blocks until the
                  95% interval of the metric's mean is at most +-halfwidth
                  (checks at shellsim_run_checkpoint_after's counts: 1024,
                  2048, ... growing by about a quarter); the result is that
                  of a fixed run of result.replications replications
    exceed        thresholds: (metric, value) pairs or "NAME=VALUE" strings;
                  the share of runs with metric >= value, counted exactly,
                  with a 95% Wilson interval
    other arguments as Scenario.run.
    """
    _check_progress(progress)
    opts, _keep = _run_options(replications, seed, threads, keep_runs, series)
    extras = ShellsimRunExtras()
    lib.shellsim_run_extras_init(ctypes.byref(extras))
    if until_ci is not None:
        if isinstance(until_ci, str):
            name, sep, hw = until_ci.rpartition("=")
            if not sep or not name:
                raise _errors.make(_lib.EINVAL, "until_ci: %r is not "
                                   "NAME=HALFWIDTH" % until_ci)
            until_ci = (name, hw)
        name, hw = until_ci
        bname = _bname(name, "until_ci's metric")
        extras.until_metric = bname
        extras.until_halfwidth = float(hw)
    ths = _thresholds(exceed)
    arr = (ShellsimThreshold * max(len(ths), 1))()
    for i, (bname_, value) in enumerate(ths):
        arr[i].metric = bname_
        arr[i].value = value
    keep = [t[0] for t in ths]  # the bytes must outlive the call
    extras.exceed = ctypes.cast(arr, POINTER(ShellsimThreshold))
    extras.nexceed = len(ths)
    sc, owned = _load_scenario(scenario)
    try:
        ptr = sc._acquire()
        try:
            out = _lib.ResultP()
            err = _lib.ShellsimError()
            st = _Interruptible(progress).call(
                opts, lambda o: lib.shellsim_run_extended(
                    ptr, ctypes.byref(o), ctypes.byref(extras),
                    ctypes.byref(out), ctypes.byref(err)),
                lambda: lib.shellsim_result_free(out))
            del keep
            if st != _lib.OK:
                raise _errors.from_record(st, err)
            return ExtendedResult(out, sc.name, sc.start_date)
        finally:
            sc._release()
    finally:
        if owned:
            sc.close()


def checkpoint_after(n):
    """The replication count at which run_extended next judges the precision
    after n replications (shellsim_run_checkpoint_after); 0 past 2^63."""
    return lib.shellsim_run_checkpoint_after(
        _core._int_in(n, 0, 2**64 - 1, "n must be in 0 .. 2^64-1"))


def wilson_interval(count, n):
    """The 95% Wilson score interval of count successes in n trials
    (shellsim_wilson_interval), as [lo, hi] (None for n = 0)."""
    lo, hi = c_double(), c_double()
    lib.shellsim_wilson_interval(
        _core._int_in(count, 0, 2**64 - 1, "count must be >= 0"),
        _core._int_in(n, 0, 2**64 - 1, "n must be >= 0"),
        ctypes.byref(lo), ctypes.byref(hi))
    return [_f(lo.value), _f(hi.value)]
