"""shellsim.infer: calibration to observations (rejection ABC and ABC-SMC),
the Python side of include/shellsim_infer.h.

    >>> import shellsim
    >>> inf = shellsim.infer("scenarios/inference-najin.ini",
    ...                      "scenarios/inference-najin.obs", accept=1000)
    >>> inf.samples["nk.detect_prob"]          # numpy array, one per sample
    >>> inf.weights                             # all 1 for rejection
    >>> inf.to_frame()                          # pandas: weight + parameters
    >>> inf.posterior.series("nk.delivered_cum")["p50"][152]
    >>> inf["parameters"]["nk.detect_prob"]["posterior"]["mean"]

infer() returns an Inference. Since 0.4 (before: the dict itself) it is a
read-only Mapping over the dict that `shellsim infer SCENARIO OBSERVATIONS
--json` prints, value for value (None where the CLI prints null), so code
that indexed the old dict, compared it with one or iterated over it keeps
working; to_dict() gives a plain dict. Besides: .samples (dict of numpy
arrays, one per parameter), .weights, .ess, .generations, .to_frame()
(pandas, imported when called), .posterior (a shellsim.Result of the
posterior predictive: every Result accessor, runs() included) and .check
(the held-out checks of check=..., or None).

Errors raise the package's exceptions with the C message: ScenarioError for
an invalid scenario or observations file ("FILE:LINE: [observe NAME] key:
what is wrong"), FileError for an unreadable one, LimitError when too few
tries were accepted (the message gives the tries, acceptances, rate and the
tries needed; for SMC, the generation and tolerance reached),
InvalidArgumentError for bad arguments.

The structs and prototypes of shellsim_infer.h are declared, with the rest
of the C ABI, in shellsim._lib; the names below are that module's.
"""

from __future__ import annotations

import ctypes
import datetime
import math
import os
from collections.abc import Mapping
from ctypes import POINTER, c_double, c_uint64
from typing import Any, Dict, Iterator, List, Optional, Sequence, Union

import numpy as np

from . import _core, _errors, _interrupt, _lib, _stats
from ._core import ScenarioArg
from ._interrupt import Progress
from ._lib import (InferenceP, ObservationsP,  # noqa: F401
                   ShellsimInferOptions, lib)
from ._lib import PROTOTYPES_INFER_H as PROTOTYPES  # noqa: F401

# ------------------------------------------------------------------ helpers

_is_text = _core._is_text
_load_scenario = _core._load_scenario

# An observations argument: a path, INI text (str or bytes), or a list of
# dicts, one per observation.
ObservationsArg = Union[str, bytes, "os.PathLike[str]",
                        Sequence[Dict[str, Any]]]

_OBS_KEYS = ("series", "day", "date", "value", "tolerance", "kind")


def observations_text(observations: Sequence[Dict[str, Any]]) -> str:
    """The INI text of a list of observations, each a dict with "name"
    (default obs1, obs2, ...), "series", "day" or "date" (a
    datetime.date or "YYYY-MM-DD"), "value", "tolerance" and "kind"; the
    library checks them as it checks a file (messages name the line of
    this text)."""
    lines = []
    for i, o in enumerate(observations, 1):
        if not isinstance(o, Mapping):
            raise TypeError("an observation must be a dict, not %s"
                            % type(o).__name__)
        unknown = set(o) - set(_OBS_KEYS) - {"name"}
        if unknown:
            raise _errors.make(_lib.EINVAL, "observation %d: unknown key(s) "
                               "%s (name, %s)" % (i, ", ".join(sorted(unknown)),
                                                  ", ".join(_OBS_KEYS)))
        lines.append("[observe %s]" % o.get("name", "obs%d" % i))
        for k in _OBS_KEYS:
            if k in o and o[k] is not None:
                v = o[k]
                if isinstance(v, (datetime.date, datetime.datetime)):
                    v = v.strftime("%Y-%m-%d")
                elif isinstance(v, float):
                    v = repr(v)
                lines.append("%s = %s" % (k, v))
        lines.append("")
    return "\n".join(lines)


def _load_observations(sptr: Any, observations: ObservationsArg,
                       name: str) -> Any:
    out = ObservationsP()
    err = _lib.ShellsimError()
    if isinstance(observations, (list, tuple)):
        observations = observations_text(observations)
    if isinstance(observations, bytes) or (isinstance(observations, str)
                                           and _is_text(observations)):
        data = (observations.encode("utf-8") if isinstance(observations, str)
                else bytes(observations))
        st = lib.shellsim_observations_load_buffer(
            sptr, data, len(data), name.encode("utf-8"), ctypes.byref(out),
            ctypes.byref(err))
    elif isinstance(observations, (str, os.PathLike)):
        st = lib.shellsim_observations_load_file(
            sptr, os.fsencode(observations), ctypes.byref(out),
            ctypes.byref(err))
    else:
        raise TypeError("observations must be a path, INI text or a list "
                        "of dicts, not %s" % type(observations).__name__)
    if st != _lib.OK:
        raise _errors.from_record(st, err)
    return out


def _check(code: int) -> None:
    if code != _lib.OK:
        raise _errors.make(code)


# ------------------------------------------------------------- Inference

def _num(x: float) -> Optional[float]:
    return x if math.isfinite(x) else None


class _PosteriorResult(_core.Result):
    """The posterior predictive: a Result whose C result belongs to the C
    inference, which it owns and frees (close() or the garbage
    collector)."""

    def __init__(self, inf_ptr: Any, **kw: Any) -> None:
        self._inf_ptr = inf_ptr
        super().__init__(lib.shellsim_inference_posterior(inf_ptr), **kw)

    def _free(self, ptr: Any) -> None:
        inf, self._inf_ptr = self._inf_ptr, None
        if inf:
            lib.shellsim_inference_free(inf)
        with _core._live_lock:
            _core._live[self._kind] -= 1


class Inference(Mapping):
    """The outcome of shellsim.infer(): a read-only Mapping over the CLI's
    --json dict (to_dict()), plus the samples.

    method       "rejection" or "smc"
    samples      dict parameter name -> numpy float64 array, one value per
                 sample (rejection: each accepted replication in order;
                 SMC: each particle of the last population)
    weights      numpy float64 array, one per sample, summing to the number
                 of samples (all 1 for rejection)
    ess          effective sample size, (sum w)^2 / sum w^2
    generations  list of {"epsilon", "runs", "ess"} (one for rejection)
    stop         why it ended: "done", or for SMC "max_runs" or
                 "time_limit" (a soft stop: the last generation's
                 tolerance, generations[-1]["epsilon"], is above 0)
    replications numpy uint64 array (shellsim_inference_replications)
    posterior    a shellsim.Result of the posterior predictive (SMC: the
                 population resampled by weight); close() frees it
    check        the held-out checks (check=...) as in the JSON, or None
    to_frame()   pandas.DataFrame: index "sample", columns weight and one
                 per parameter
    """

    def __init__(self, d: Dict[str, Any], samples: Dict[str, np.ndarray],
                 weights: np.ndarray, replications: np.ndarray,
                 posterior: _core.Result) -> None:
        self._d = d
        self._samples = samples
        self._weights = weights
        self._replications = replications
        self._posterior = posterior

    # Mapping over the JSON dict (the return value of infer() before 0.4)
    def __getitem__(self, key: str) -> Any:
        return self._d[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __repr__(self) -> str:
        return ("<shellsim.Inference %s of %s: %d samples, ESS %.1f, %d "
                "model runs>" % (self.method, self._d["scenario"],
                                 self._d["accepted"], self.ess,
                                 self._d["tried"]))

    def to_dict(self) -> Dict[str, Any]:
        """The dict of `shellsim infer ... --json` (a new copy)."""
        import copy
        return copy.deepcopy(self._d)

    @property
    def method(self) -> str:
        return self._d["method"]

    @property
    def ess(self) -> float:
        return self._d["ess"]

    @property
    def stop(self) -> str:
        return self._d["stop"]

    @property
    def generations(self) -> List[Dict[str, Any]]:
        return [dict(g) for g in self._d["generations"]]

    @property
    def parameter_names(self) -> List[str]:
        return list(self._samples)

    @property
    def samples(self) -> Dict[str, np.ndarray]:
        """A new dict of copies at each access."""
        return {k: v.copy() for k, v in self._samples.items()}

    @property
    def weights(self) -> np.ndarray:
        return self._weights.copy()

    @property
    def replications(self) -> np.ndarray:
        return self._replications.copy()

    @property
    def posterior(self) -> _core.Result:
        return self._posterior

    @property
    def check(self) -> Optional[Dict[str, Any]]:
        c = self._d.get("check")
        return None if c is None else self.to_dict()["check"]

    def to_frame(self) -> Any:
        """pandas.DataFrame of the samples: index "sample" (0 ..), float64
        columns weight, then one per parameter (the --samples CSV)."""
        import pandas as pd
        cols = {"weight": self._weights}
        cols.update(self._samples)
        return pd.DataFrame(cols, index=pd.RangeIndex(
            len(self._weights), name="sample"))

    def close(self) -> None:
        """Free the C inference (the posterior Result closes)."""
        self._posterior.close()

    def __enter__(self) -> "Inference":
        return self

    def __exit__(self, *exc: Any) -> bool:
        self.close()
        return False


# ---------------------------------------------------------------------- API

def infer(scenario: ScenarioArg, observations: ObservationsArg,
          accept: int = 1000, max_tries: int = 1000000, seed: int = 1,
          threads: int = 0, pilot: int = 2000, series: bool = True,
          progress: Optional[Progress] = None,
          observations_name: str = "<string>", method: str = "rejection",
          check: Optional[ObservationsArg] = None,
          smc_quantile: float = 0.5, max_generations: int = 100,
          smc_kernel_scale: float = 1.0,
          check_name: str = "<check>", max_runs: Optional[int] = None,
          time_limit: Optional[float] = None) -> Inference:
    """Rejection ABC or ABC-SMC (shellsim_infer). Rejection: run
    replications 0, 1, 2, ... of the scenario (per-run values drawn from its
    distributions, the priors) and keep those matching every observation
    until `accept` are kept. SMC (method="smc"): `accept` weighted
    particles moved through generations of decreasing tolerance down to
    the observations' own (include/shellsim_infer.h). Returns an Inference:
    a Mapping over the dict of `shellsim infer ... --json`

        {"scenario", "observations": {NAME: {"series", "day", "value",
         "tolerance", "kind"}}, "seed", "horizon_days", "accepted", "tried",
         "rate", "method", "stop", "ess", "generations": [{"epsilon", "runs",
         "ess"}], "parameters": {NAME: {"prior": STATS, "posterior":
         STATS}}, "metrics": {NAME: STATS}, "series": {NAME: {"mean": [...],
         ...}}[, "check": {NAME: {..., "prior": CHECK, "posterior":
         CHECK}}]}

    with .samples, .weights, .to_frame(), .posterior (see Inference).

    scenario      a shellsim.Scenario, or a path, or INI text
    observations  a path (str or os.PathLike), INI text (a str spanning
                  lines or starting with '[', or bytes), or a list of dicts
                  (observations_text()); observations_name stands for the
                  file name of a text in messages
    accept        acceptances (SMC: particles) wanted, 1 .. 2**32
    max_tries     replications tried at most (SMC: model runs over all
                  generations), accept .. 2**40
    seed          0 .. 2**64-1; the result depends only on the scenario, the
                  observations, the options and seed (never on threads)
    threads       0 .. 1024, 0 = all cores
    pilot         rejection: judge the acceptance rate after this many tries
                  and raise LimitError at once if `accept` would need more
                  than max_tries (0: never)
    series        False leaves "series" empty (it holds 6 bands x H days per
                  series)
    progress      None or callable(accepted, accept), called between rounds
                  of tries; a true return value stops with RunInterrupted.
    method        "rejection" (default) or "smc"
    check         held-out observations (as `observations`; check_name
                  names a text in messages): the predictive checks of
                  shellsim_inference_check, in "check" of the dict
    smc_quantile, max_generations, smc_kernel_scale
                  SMC's options (shellsim_infer_options)
    max_runs      SMC, None or 1 .. 2**40: after a generation, stop if this
                  many model runs are used and return that generation (a
                  soft stop: "stop" is "max_runs"; the outcome still depends
                  only on the inputs and the seed)
    time_limit    SMC, None or seconds > 0: after a generation, stop if this
                  much wall time has passed ("stop" is "time_limit"; which
                  generation depends on the machine)

    The GIL is released while the library computes; Ctrl-C from the main
    thread stops the call within a round and is re-raised.
    """
    accept = _core._int_in(accept, 0, 2**64 - 1, "accept must be in 1 .. 2^32")
    max_tries = _core._int_in(max_tries, 0, 2**64 - 1,
                              "max_tries must be in accept .. 2^40")
    seed = _core._int_in(seed, 0, 2**64 - 1, "seed must be in 0 .. 2^64-1")
    pilot = _core._int_in(pilot, 0, 2**64 - 1, "pilot must be in 0 .. 2^40")
    threads = _core._int_in(threads, -2**31, 2**31 - 1,
                            "threads must be in 0 .. 1024 (0: all cores)")
    max_generations = _core._int_in(max_generations, -2**31, 2**31 - 1,
                                    "max_generations must be in 1 .. 1000")
    if method not in _lib.INFER_METHODS:
        raise _errors.make(_lib.EINVAL, "method must be one of %s, not %r"
                           % (", ".join(_lib.INFER_METHODS), method))
    if method != "smc" and (max_runs is not None or time_limit is not None):
        raise _errors.make(_lib.EINVAL, "%s is for method=\"smc\" "
                           "(rejection stops at max_tries)"
                           % ("max_runs" if max_runs is not None
                              else "time_limit"))
    if max_runs is not None:
        max_runs = _core._int_in(max_runs, 1, 2**64 - 1,
                                 "max_runs must be in 1 .. 2^40")
    if time_limit is not None and not float(time_limit) > 0:
        raise _errors.make(_lib.EINVAL, "time_limit must be a number of "
                           "seconds > 0, not %r" % (time_limit,))
    _interrupt.check_progress(progress, "accepted, accept")
    sc, owned = _load_scenario(scenario)
    try:
        sptr = sc._acquire()
        try:
            optr = _load_observations(sptr, observations, observations_name)
            hptr = None
            try:
                if check is not None:
                    hptr = _load_observations(sptr, check, check_name)
                opts = ShellsimInferOptions()
                lib.shellsim_infer_options_init(ctypes.byref(opts))
                opts.accept = accept
                opts.max_tries = max_tries
                opts.seed = seed
                opts.threads = threads
                opts.pilot = pilot
                opts.method = _lib.INFER_METHODS.index(method)
                opts.smc_quantile = float(smc_quantile)
                opts.max_generations = max_generations
                opts.smc_kernel_scale = float(smc_kernel_scale)
                opts.max_runs = max_runs or 0
                opts.time_limit_seconds = (float(time_limit)
                                           if time_limit is not None else 0.0)
                return _infer(sc, sptr, optr, hptr, opts, series, progress)
            finally:
                lib.shellsim_observations_free(optr)
                if hptr is not None:
                    lib.shellsim_observations_free(hptr)
        finally:
            sc._release()
    finally:
        if owned:
            sc.close()


def _infer(sc: _core.Scenario, sptr: Any, optr: Any, hptr: Any,
           opts: ShellsimInferOptions, series: bool,
           progress: Optional[Progress]) -> Inference:
    out = InferenceP()
    err = _lib.ShellsimError()
    st = _interrupt.call(
        opts, progress,
        lambda: lib.shellsim_infer(sptr, optr, ctypes.byref(opts),
                                   ctypes.byref(out), ctypes.byref(err)),
        lambda: lib.shellsim_inference_free(out))
    if st != _lib.OK:
        raise _errors.from_record(st, err)
    try:
        d = _to_dict(sc, optr, out, series)
        if hptr is not None:
            d["check"] = _check_dict(sptr, out, hptr, opts.threads)
        n = lib.shellsim_inference_accepted(out)
        samples = {}
        for i in range(lib.shellsim_inference_parameter_count(out)):
            name = lib.shellsim_inference_parameter_name(out, i)
            a = np.empty(n, dtype=np.float64)
            _check(lib.shellsim_inference_parameter_runs(
                out, name, a.ctypes.data_as(POINTER(c_double)), n))
            samples[_lib.decode(name)] = a
        w = np.empty(n, dtype=np.float64)
        _check(lib.shellsim_inference_weights(
            out, w.ctypes.data_as(POINTER(c_double)), n))
        reps = np.empty(n, dtype=np.uint64)
        _check(lib.shellsim_inference_replications(
            out, reps.ctypes.data_as(POINTER(c_uint64)), n))
        post = _PosteriorResult(out, scenario_name=sc.name,
                                start_date=sc.start_date, sides=sc.sides)
    except BaseException:
        lib.shellsim_inference_free(out)
        raise
    return Inference(d, samples, w, reps, post)


def _check_dict(sptr: Any, inf: Any, hptr: Any,
                threads: int) -> Dict[str, Any]:
    """The "check" object of the JSON (shellsim_inference_check)."""
    dec = _lib.decode
    nh = lib.shellsim_observations_count(hptr)
    nf = _lib.CHECK_NFIELDS
    buf = np.empty(max(nh * 2 * nf, 1), dtype=np.float64)
    err = _lib.ShellsimError()
    st = lib.shellsim_inference_check(
        sptr, inf, hptr, threads, buf.ctypes.data_as(POINTER(c_double)),
        buf.size, ctypes.byref(err))
    if st != _lib.OK:
        raise _errors.from_record(st, err)
    out = {}
    for i in range(nh):
        d = _observation_dict(hptr, i)
        for p, side in enumerate(("prior", "posterior")):
            v = buf[(i * 2 + p) * nf:(i * 2 + p + 1) * nf]
            f = {}
            for k, name in enumerate(_lib.CHECK_FIELDS):
                x = float(v[k])
                if name in ("in50", "in90"):
                    f[name] = None if math.isnan(x) else bool(x)
                elif name == "undefined":
                    f[name] = int(x)
                else:
                    f[name] = _num(x)
            d[side] = f
        out[dec(lib.shellsim_observation_name(hptr, i))] = d
    return out


def _observation_dict(optr: Any, i: int) -> Dict[str, Any]:
    return {"series": _lib.decode(lib.shellsim_observation_series(optr, i)),
            "day": lib.shellsim_observation_day(optr, i),
            "value": lib.shellsim_observation_value(optr, i),
            "tolerance": lib.shellsim_observation_tolerance(optr, i),
            "kind": _lib.decode(lib.shellsim_observation_kind(optr, i))}


def _to_dict(sc: _core.Scenario, optr: Any, inf: Any,
             series: bool) -> Dict[str, Any]:
    dec = _lib.decode
    obs = {}
    for i in range(lib.shellsim_observations_count(optr)):
        obs[dec(lib.shellsim_observation_name(optr, i))] = \
            _observation_dict(optr, i)
    acc = lib.shellsim_inference_accepted(inf)
    tried = lib.shellsim_inference_tried(inf)
    gens = []
    eps, ess, runs = c_double(), c_double(), c_uint64()
    for g in range(lib.shellsim_inference_generation_count(inf)):
        _check(lib.shellsim_inference_generation(
            inf, g, ctypes.byref(eps), ctypes.byref(runs), ctypes.byref(ess)))
        gens.append({"epsilon": _num(eps.value), "runs": runs.value,
                     "ess": _num(ess.value)})
    params = {}
    st = _lib.ShellsimStats()
    for i in range(lib.shellsim_inference_parameter_count(inf)):
        name = lib.shellsim_inference_parameter_name(inf, i)
        _check(lib.shellsim_inference_prior_stats(inf, name, ctypes.byref(st), ctypes.sizeof(st)))
        prior = _stats.from_c(st).to_dict()
        _check(lib.shellsim_inference_posterior_stats(inf, name,
                                                      ctypes.byref(st), ctypes.sizeof(st)))
        params[dec(name)] = {"prior": prior,
                             "posterior": _stats.from_c(st).to_dict()}
    r = lib.shellsim_inference_posterior(inf)  # borrowed: freed with inf
    H = lib.shellsim_result_horizon_days(r)
    metrics = {}
    for i in range(lib.shellsim_result_metric_count(r)):
        name = lib.shellsim_result_metric_name(r, i)
        _check(lib.shellsim_result_metric_stats(r, name, ctypes.byref(st), ctypes.sizeof(st)))
        metrics[dec(name)] = _stats.from_c(
            st, _stats.is_ratio(dec(name))).to_dict()
    out_series = {}
    if series:
        buf = np.empty(H, dtype=np.float64)
        pbuf = buf.ctypes.data_as(POINTER(c_double))
        for i in range(lib.shellsim_result_series_count(r)):
            name = lib.shellsim_result_series_name(r, i)
            d = {}
            for b, band in enumerate(_lib.BANDS):
                _check(lib.shellsim_result_series_band(r, name, b, pbuf, H))
                d[band] = _core._json_list(buf)
            out_series[dec(name)] = d
    return {"scenario": sc.name,
            "observations": obs,
            "seed": lib.shellsim_inference_seed(inf),
            "horizon_days": H,
            "accepted": acc,
            "tried": tried,
            "rate": acc / tried if tried else None,
            "method": dec(lib.shellsim_infer_method_name(
                lib.shellsim_inference_method(inf))),
            "stop": dec(lib.shellsim_infer_stop_name(
                lib.shellsim_inference_stop(inf))),
            "ess": _num(lib.shellsim_inference_ess(inf)),
            "generations": gens,
            "parameters": params,
            "metrics": metrics,
            "series": out_series}
