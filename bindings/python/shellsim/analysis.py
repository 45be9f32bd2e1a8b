"""shellsim.analysis: paired comparisons, Sobol sensitivity, runs to a
precision and exceedances -- the Python side of include/shellsim_analysis.h.

    >>> import shellsim
    >>> c = shellsim.compare("scenarios/aid-gap.ini",
    ...                      "scenarios/aid-gap-no-nk.ini", replications=10000)
    >>> c.metrics["russia.fire_per_day"]["diff"].mean        # B - A, a Stats
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
Errors raise the package's exceptions with the C message. The statistics
of each arm of a comparison are shellsim.Stats (NaN kept; to_dict() gives
the JSON shape).

The structs and prototypes of shellsim_analysis.h are declared, with the
rest of the C ABI, in shellsim._lib; the names below are that module's.
"""

from __future__ import annotations

import copy
import ctypes
import dataclasses
import datetime
import math
from ctypes import POINTER, c_double
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

import numpy as np

from . import _core, _errors, _frames, _interrupt, _lib, _stats
from ._core import ScenarioArg
from ._interrupt import Progress
from ._lib import (ARMS, MAX_SAMPLES, SOBOL_MAX_PARAMETERS,  # noqa: F401
                   ComparisonP, SensitivityP, ShellsimExceedance,
                   ShellsimPairing, ShellsimRunExtras,
                   ShellsimSensitivityOptions, ShellsimSensitivitySummary,
                   ShellsimSobolIndices, ShellsimThreshold, lib)
from ._lib import PROTOTYPES_ANALYSIS_H as PROTOTYPES  # noqa: F401
from ._stats import Stats

_f = _stats.json_number  # NaN and +-inf -> None, as the CLI's JSON null


def _check(code: int, what: str = "") -> None:
    if code != _lib.OK:
        raise _errors.make(code, "%s%s" % (what, _lib.errstr(code)))


def _bname(name: str, what: str) -> bytes:
    if not isinstance(name, str):
        raise TypeError("%s must be a str, not %s" % (what, type(name).__name__))
    return name.encode("utf-8")


def _report_number(x: float) -> str:
    """The CLI's number format (report_number): a whole number below 2^53
    in plain digits, else the shortest %g form that reads back as x."""
    if x == int(x) and abs(x) < 2.0 ** 53:
        return "%d" % int(x)
    for p in range(1, 18):
        s = "%.*g" % (p, x)
        if float(s) == x:
            return s
    return s


def exceed_key(value: float) -> str:
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


_run_options = _core._run_options
_load_scenario = _core._load_scenario
_check_progress = _interrupt.check_progress


# -------------------------------------------------------- paired comparison

def _pairing_of_json(p: Dict[str, Any]) -> Tuple[float, ...]:
    """A pairing of the CLI's JSON as the C struct's doubles (the
    PAIRING_COLUMNS of _frames): null is NaN, except a variance_ratio
    whose diff_variance is 0 and independent_variance > 0, which the
    library gives as +inf (its definition; JSON has no infinity)."""
    def f(x: Any) -> float:
        return math.nan if x is None else float(x)
    dv, iv = f(p["diff_variance"]), f(p["independent_variance"])
    ratio = f(p["variance_ratio"])
    if p["variance_ratio"] is None and dv == 0 and iv > 0:
        ratio = math.inf
    return (dv, iv, ratio, f(p["correlation"]))


class Comparison:
    """The outcome of shellsim_compare, copied out of the C handle (which is
    freed at once): plain data, usable from any thread.

    scenario_a, scenario_b, replications, seed, metric_names, metrics
    (NAME -> {"a": Stats, "b": Stats, "diff": Stats, "pairing": {...}}),
    runs(name, arm) with keep_runs, to_dict() (the CLI's JSON).
    """

    def __init__(self, scenario_a: Optional[str], scenario_b: Optional[str],
                 replications: int, seed: int,
                 metrics: Dict[str, Dict[str, Any]],
                 runs: Optional[Dict[str, Dict[str, np.ndarray]]],
                 pairing: Optional[Dict[str, Tuple[float, ...]]] = None
                 ) -> None:
        self.scenario_a = scenario_a
        self.scenario_b = scenario_b
        self.replications = replications
        self.seed = seed
        self.metrics = metrics
        self._runs = runs
        # each metric's struct shellsim_pairing as the library gave it (the
        # dicts of `metrics` have None for NaN and +inf, as the JSON)
        self._pairing = pairing if pairing is not None else {
            n: _pairing_of_json(m["pairing"]) for n, m in metrics.items()}

    @property
    def metric_names(self) -> List[str]:
        """The names of the metrics compared (those both scenarios have)."""
        return list(self.metrics)

    def runs(self, name: str, arm: str = "diff") -> np.ndarray:
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

    def to_dict(self) -> Dict[str, Any]:
        """The CLI's `compare --json` object, value for value."""
        return {"scenario_a": self.scenario_a,
                "scenario_b": self.scenario_b,
                "replications": self.replications,
                "seed": self.seed,
                "metrics": {n: {"a": m["a"].to_dict(), "b": m["b"].to_dict(),
                                "diff": m["diff"].to_dict(),
                                "pairing": dict(m["pairing"])}
                            for n, m in self.metrics.items()}}

    def to_frame(self) -> Any:
        """pandas.DataFrame of the comparison: one row per (metric, arm)
        (a MultiIndex, metric in metric_names order, arm "a", "b", "diff"
        = B - A), float64 columns n, mean, sd, sem, ci95_lo, ci95_hi, min,
        p05, p25, p50, p75, p95, max, undefined (as
        Result.metrics_frame()), then the metric's pairing,
        diff_variance, independent_variance, variance_ratio, correlation,
        on its "diff" row (NaN on "a" and "b"); the library's doubles,
        so variance_ratio is +inf where the difference is the same in every
        run (null in the JSON). NaN where a value does not exist.
        c.to_frame().xs("diff", level="arm") is the table of differences.
        Needs pandas (python3-pandas)."""
        return _frames.comparison_frame(self)

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "Comparison":
        """A Comparison from the CLI's `compare --json` object (what
        to_dict() gives; null is NaN in the Stats). Its to_dict() equals d;
        runs() are not there (NoRunsError). ValueError when d is not of
        that shape."""
        try:
            metrics = {n: {"a": Stats.from_dict(m["a"]),
                           "b": Stats.from_dict(m["b"]),
                           "diff": Stats.from_dict(m["diff"]),
                           "pairing": dict(m["pairing"])}
                       for n, m in d["metrics"].items()}
            return cls(d["scenario_a"], d["scenario_b"], d["replications"],
                       d["seed"], metrics, None)
        except (KeyError, TypeError, AttributeError) as e:
            raise ValueError("Comparison.from_dict: not the CLI's compare "
                             "--json object (%s: %s)"
                             % (type(e).__name__, e)) from None

    def __repr__(self) -> str:
        return "<shellsim.analysis.Comparison %r vs %r: %d replications, " \
               "seed %d, %d metrics>" % (self.scenario_a, self.scenario_b,
                                          self.replications, self.seed,
                                          len(self.metrics))


def compare(a: ScenarioArg, b: ScenarioArg, replications: int = 10000,
            seed: int = 1, threads: int = 0, keep_runs: bool = False,
            progress: Optional[Progress] = None) -> Comparison:
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


def _compare(sa: _core.Scenario, sb: _core.Scenario, pa: Any, pb: Any,
             opts: _lib.ShellsimRunOptions, keep_runs: bool,
             progress: Optional[Progress]) -> Comparison:
    out = ComparisonP()
    err = _lib.ShellsimError()
    st = _interrupt.call(
        opts, progress,
        lambda: lib.shellsim_compare(pa, pb, ctypes.byref(opts),
                                     ctypes.byref(out), ctypes.byref(err)),
        lambda: lib.shellsim_comparison_free(out))
    if st != _lib.OK:
        raise _errors.from_record(st, err)
    try:
        n = lib.shellsim_comparison_replications(out)
        metrics, runs = {}, ({} if keep_runs else None)
        raw: Dict[str, Tuple[float, ...]] = {}
        st_ = _lib.ShellsimStats()
        pr = ShellsimPairing()
        for i in range(lib.shellsim_comparison_metric_count(out)):
            bname = lib.shellsim_comparison_metric_name(out, i)
            name = _lib.decode(bname)
            m = {}
            for k, arm in enumerate(ARMS):
                _check(lib.shellsim_comparison_stats(out, bname, k,
                                                     ctypes.byref(st_), ctypes.sizeof(st_)))
                m[arm] = _stats.from_c(st_, _stats.is_ratio(name))
            _check(lib.shellsim_comparison_pairing(out, bname,
                                                   ctypes.byref(pr), ctypes.sizeof(pr)))
            raw[name] = (pr.diff_variance, pr.independent_variance,
                         pr.variance_ratio, pr.correlation)
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
                          lib.shellsim_comparison_seed(out), metrics, runs,
                          raw)
    finally:
        lib.shellsim_comparison_free(out)


# ---------------------------------------------------------------- sensitivity

_SUMMARY_IS_A_METHOD = ("Sensitivity.summary is a method since shellsim 0.4 "
                        "(as ranking() is): call it, sa.summary()")


class _SummaryMethod:
    """What sa.summary gives: called, the summary dict; used as the dict the
    property returned before 0.4 (sa.summary["mean"], dict(sa.summary),
    "mean" in sa.summary, ...), a TypeError saying to call it."""
    __slots__ = ("_sa",)

    def __init__(self, sa: "Sensitivity") -> None:
        self._sa = sa

    def __call__(self) -> Dict[str, Any]:
        return self._sa._summary()

    def _old_form(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(_SUMMARY_IS_A_METHOD)

    __getitem__ = __iter__ = __len__ = __contains__ = _old_form
    keys = items = values = get = copy = _old_form

    def __eq__(self, other: object) -> bool:
        raise TypeError(_SUMMARY_IS_A_METHOD)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "<bound method Sensitivity.summary of %r>" % (self._sa,)


class Sensitivity:
    """The outcome of shellsim_sensitivity_analyse, copied out of the C
    handle: plain data.

    scenario, metric, parameters (KEY -> {"first_order", "first_order_ci95",
    "total", "total_ci95", "tornado": [at p10, at p90], "p10", "p50",
    "p90"}), noise_share, summary() (the other top-level members of the
    CLI's JSON), ranking(), to_dict() (the CLI's JSON), to_frame()
    (pandas), to_salib() (SALib's shape). Sensitivity.from_dict(d) builds
    one from the CLI's JSON; it pickles.

    summary and ranking are both methods (summary was a property before
    0.4: sa.summary["mean"] now raises a TypeError saying to call it).
    """

    def __init__(self, d: Dict[str, Any]) -> None:
        self._d = d

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "Sensitivity":
        """A Sensitivity from the CLI's `sensitivity --json` object (what
        to_dict() gives; a deep copy). ValueError without its members."""
        if not isinstance(d, dict):
            raise ValueError("Sensitivity.from_dict: the CLI's sensitivity "
                             "--json object (a dict), not %s"
                             % type(d).__name__)
        for key in ("scenario", "metric", "samples", "noise_share",
                    "parameters"):
            if key not in d:
                raise ValueError("Sensitivity.from_dict: no %r in the dict "
                                 "(not the CLI's sensitivity --json object)"
                                 % key)
        return cls(copy.deepcopy(d))

    @property
    def scenario(self) -> Optional[str]:
        """The name of the scenario analysed."""
        return self._d["scenario"]

    @property
    def metric(self) -> str:
        """The metric whose mean is analysed."""
        return self._d["metric"]

    @property
    def parameters(self) -> Dict[str, Dict[str, Any]]:
        """KEY -> its indices, as the CLI's JSON has them (None for NaN)."""
        return self._d["parameters"]

    @property
    def noise_share(self) -> Optional[float]:
        """The share of the metric's variance that is the model's own noise
        (None where the CLI prints null)."""
        return self._d["noise_share"]

    @property
    def summary(self) -> "_SummaryMethod":
        """sa.summary(): the top-level members of the CLI's JSON but
        "parameters" (a new dict). A method since 0.4, as ranking() is;
        the old attribute form (sa.summary["mean"], dict(sa.summary), ...)
        raises a TypeError saying to call it."""
        return _SummaryMethod(self)

    def _summary(self) -> Dict[str, Any]:
        return {k: copy.deepcopy(v) for k, v in self._d.items()
                if k != "parameters"}

    def ranking(self, by: str = "total") -> List[str]:
        """Parameter names by index ("total" or "first_order"), largest
        first (None last)."""
        if by not in ("total", "first_order"):
            raise _errors.make(_lib.EINVAL, "ranking by %r: by \"total\" or "
                               "\"first_order\"" % (by,))
        ps = self._d["parameters"]
        return sorted(ps, key=lambda n: (ps[n][by] is None,
                                         -(ps[n][by] or 0.0), n))

    def to_frame(self) -> Any:
        """pandas.DataFrame of the parameters: one row per parameter (index
        "parameter", in the analysis's order), float64 columns
        first_order, first_order_ci95_lo, first_order_ci95_hi, total,
        total_ci95_lo, total_ci95_hi, tornado_low, tornado_high (the
        metric's mean at the parameter's p10 and p90), p10, p50, p90; NaN
        where the JSON has null (intervals without bootstrap).
        sa.to_frame().loc[sa.ranking()] sorts it by total index. Needs
        pandas (python3-pandas)."""
        return _frames.sensitivity_frame(self)

    def to_salib(self) -> Dict[str, Any]:
        """The indices in the shape of SALib's sobol.analyze() result:
        {"names": [parameter, ...] (the analysis's order), "S1", "S1_conf",
        "ST", "ST_conf": float64 numpy arrays in that order}.

        S1 and ST are first_order and total. S1_conf and ST_conf are, as in
        SALib, the half-width of a 95% interval: here half the width of the
        library's bootstrap percentile interval, (hi - lo) / 2 (SALib's is
        1.96 bootstrap standard deviations; the two agree when the bootstrap
        distribution is normal; the percentile interval need not be
        symmetric about the estimate: the bounds are in to_frame()). NaN
        without bootstrap or where an index does not exist. No S2: the
        library estimates no second-order indices."""
        ps = self._d["parameters"]
        names = list(ps)
        rows = np.array([_frames.sensitivity_row(ps[n]) for n in names],
                        dtype=np.float64).reshape(
                            len(names), len(_frames.SENSITIVITY_COLUMNS))
        col = {c: rows[:, i] for i, c in
               enumerate(_frames.SENSITIVITY_COLUMNS)}
        return {"names": names,
                "S1": col["first_order"].copy(),
                "S1_conf": (col["first_order_ci95_hi"]
                            - col["first_order_ci95_lo"]) / 2,
                "ST": col["total"].copy(),
                "ST_conf": (col["total_ci95_hi"] - col["total_ci95_lo"]) / 2}

    def to_dict(self) -> Dict[str, Any]:
        """The CLI's `sensitivity --json` object, value for value."""
        return copy.deepcopy(self._d)

    def __repr__(self) -> str:
        return "<shellsim.analysis.Sensitivity %r of %r: %d parameters, " \
               "%d samples>" % (self.metric, self.scenario,
                                len(self.parameters), self._d["samples"])


def sensitivity(scenario: ScenarioArg, metric: str, samples: int = 4096,
                seed: int = 1, threads: int = 0, bootstrap: int = 200,
                progress: Optional[Progress] = None) -> Sensitivity:
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
            st = _interrupt.call(
                opts, progress,
                lambda: lib.shellsim_sensitivity_analyse(
                    ptr, bmetric, ctypes.byref(opts), ctypes.byref(out),
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


def _sensitivity_dict(scenario_name: Optional[str], sa: Any) -> Dict[str, Any]:
    m = ShellsimSensitivitySummary()
    _check(lib.shellsim_sensitivity_summarise(sa, ctypes.byref(m), ctypes.sizeof(m)))
    params = {}
    x = ShellsimSobolIndices()
    for i in range(lib.shellsim_sensitivity_parameter_count(sa)):
        bname = lib.shellsim_sensitivity_parameter_name(sa, i)
        _check(lib.shellsim_sensitivity_parameter(sa, bname, ctypes.byref(x), ctypes.sizeof(x)))
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
    each metric with thresholds, as the CLI prints it (Stats.exceed)."""

    _exceed: List[Tuple[Optional[str], float, int, int, float, float, float]]

    def __init__(self, _ptr: Any, scenario_name: Optional[str] = None,
                 start_date: Optional[datetime.date] = None,
                 sides: Optional[_core.Sides] = None) -> None:
        super().__init__(_ptr, scenario_name, start_date, sides)
        # (metric, value, count, n, p, ci95_lo, ci95_hi), NaN kept
        self._exceed: List[Tuple[Optional[str], float, int, int, float,
                                 float, float]] = []
        e = ShellsimExceedance()
        for i in range(lib.shellsim_result_exceedance_count(_ptr)):
            _check(lib.shellsim_result_exceedance(_ptr, i, ctypes.byref(e), ctypes.sizeof(e)))
            self._exceed.append((_lib.decode(e.metric), e.value, e.count,
                                 e.n, e.p, e.ci95_lo, e.ci95_hi))

    @property
    def exceedances(self) -> List[Dict[str, Any]]:
        """One dict per threshold, in the order given: metric, value, count,
        n, p, ci95 [lo, hi] (None for NaN)."""
        self._check_open()
        return [{"metric": m, "value": v, "count": c, "n": n, "p": _f(p),
                 "ci95": [_f(lo), _f(hi)]}
                for m, v, c, n, p, lo, hi in self._exceed]

    def exceedances_frame(self) -> Any:
        """pandas.DataFrame of the thresholds: one row per threshold, in
        the order given, indexed by (metric, value), float64 columns
        count, n, p, ci95_lo, ci95_hi (the 95% Wilson interval), NaN
        where p does not exist (n = 0). Needs pandas (python3-pandas)."""
        self._check_open()
        return _frames.exceedances_frame(self)

    def _state(self) -> Dict[str, Any]:
        state = super()._state()
        state["exceed"] = list(self._exceed)
        return state

    def _set_state(self, state: Dict[str, Any]) -> None:
        super()._set_state(state)
        if "exceed" in state:
            self._exceed = list(state["exceed"])
        else:   # from_dict: the thresholds of the metrics' "exceed", in order
            self._exceed = [
                (name, float(key), x["count"], x["n"], x["p"], x["ci95"][0],
                 x["ci95"][1])
                for name, st in state["metrics"].items()
                for key, x in (st.exceed or {}).items()]

    def _stats(self, ptr: Any, name: str) -> Stats:
        s = super()._stats(ptr, name)
        if ptr is None:   # data-only: the Stats kept carry their exceed
            return s
        ex: Dict[str, Dict[str, Any]] = {}
        for m, v, c, n, p, lo, hi in self._exceed:
            if m == name:
                ex.setdefault(exceed_key(v), {"p": p, "ci95": (lo, hi),
                                              "count": c, "n": n})
        return dataclasses.replace(s, exceed=ex) if ex else s


def _thresholds(exceed: Optional[Iterable[Union[str, Tuple[str, float]]]]
                ) -> List[Tuple[bytes, float]]:
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


def run_extended(scenario: ScenarioArg, replications: int = 10000,
                 seed: int = 1, threads: int = 0, keep_runs: bool = False,
                 series: _core.SeriesSpec = "all",
                 until_ci: Union[None, str, Tuple[str, float]] = None,
                 exceed: Iterable[Union[str, Tuple[str, float]]] = (),
                 progress: Optional[Progress] = None) -> ExtendedResult:
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
        arr[i].size = ctypes.sizeof(ShellsimThreshold)  # (arrays skip __init__)
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
            st = _interrupt.call(
                opts, progress,
                lambda: lib.shellsim_run_extended(
                    ptr, ctypes.byref(opts), ctypes.byref(extras),
                    ctypes.byref(out), ctypes.byref(err)),
                lambda: lib.shellsim_result_free(out))
            del keep
            if st != _lib.OK:
                raise _errors.from_record(st, err)
            return ExtendedResult(out, sc.name, sc.start_date, sc.sides)
        finally:
            sc._release()
    finally:
        if owned:
            sc.close()


def checkpoint_after(n: int) -> int:
    """The replication count at which run_extended next judges the precision
    after n replications (shellsim_run_checkpoint_after); 0 past 2^63."""
    return lib.shellsim_run_checkpoint_after(
        _core._int_in(n, 0, 2**64 - 1, "n must be in 0 .. 2^64-1"))


def wilson_interval(count: int, n: int) -> List[Optional[float]]:
    """The 95% Wilson score interval of count successes in n trials
    (shellsim_wilson_interval), as [lo, hi] (None for n = 0)."""
    lo, hi = c_double(), c_double()
    lib.shellsim_wilson_interval(
        _core._int_in(count, 0, 2**64 - 1, "count must be >= 0"),
        _core._int_in(n, 0, 2**64 - 1, "n must be >= 0"),
        ctypes.byref(lo), ctypes.byref(hi))
    return [_f(lo.value), _f(hi.value)]
