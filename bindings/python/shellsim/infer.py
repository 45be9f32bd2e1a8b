"""shellsim.infer: calibration to observations (rejection ABC), the Python
side of include/shellsim_infer.h.

    >>> import shellsim
    >>> post = shellsim.infer("scenarios/inference-najin.ini",
    ...                       "scenarios/inference-najin.obs", accept=1000)
    >>> post["parameters"]["nk.detect_prob"]["posterior"]["mean"]
    >>> post["series"]["nk.delivered_cum"]["p50"][152]

infer() returns the dict that `shellsim infer SCENARIO OBSERVATIONS --json`
prints, value for value (None where the CLI prints null). Errors raise the
package's exceptions with the C message: ScenarioError for an invalid
scenario or observations file ("FILE:LINE: [observe NAME] key: what is
wrong"), FileError for an unreadable one, LimitError when too few tries
were accepted (the message gives the tries, acceptances, rate and the
tries needed), InvalidArgumentError for bad arguments.

Its statistics are the JSON-shaped dicts of Stats.to_dict() (None for NaN),
since the whole dict is the CLI's JSON.

The structs and prototypes of shellsim_infer.h are declared, with the rest
of the C ABI, in shellsim._lib; the names below are that module's.
"""

from __future__ import annotations

import ctypes
import os
from ctypes import POINTER, c_double
from typing import Any, Dict, Optional, Union

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

# An observations argument: a path, or INI text (str or bytes).
ObservationsArg = Union[str, bytes, "os.PathLike[str]"]


def _load_observations(sptr: Any, observations: ObservationsArg,
                       name: str) -> Any:
    out = ObservationsP()
    err = _lib.ShellsimError()
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
        raise TypeError("observations must be a path or INI text, not %s"
                        % type(observations).__name__)
    if st != _lib.OK:
        raise _errors.from_record(st, err)
    return out


def _check(code: int) -> None:
    if code != _lib.OK:
        raise _errors.make(code)


# ---------------------------------------------------------------------- API

def infer(scenario: ScenarioArg, observations: ObservationsArg,
          accept: int = 1000, max_tries: int = 1000000, seed: int = 1,
          threads: int = 0, pilot: int = 2000, series: bool = True,
          progress: Optional[Progress] = None,
          observations_name: str = "<string>") -> Dict[str, Any]:
    """Rejection ABC (shellsim_infer): run replications 0, 1, 2, ... of the
    scenario (per-run values drawn from its distributions, the priors) and
    keep those within every observation's tolerance until `accept` are
    kept. Returns the dict of `shellsim infer ... --json`:

        {"scenario", "observations": {NAME: {"series", "day", "value",
         "tolerance"}}, "seed", "horizon_days", "accepted", "tried", "rate",
         "parameters": {NAME: {"prior": STATS, "posterior": STATS}},
         "metrics": {NAME: STATS}, "series": {NAME: {"mean": [...], ...}}}

    scenario      a shellsim.Scenario, or a path, or INI text
    observations  a path (str or os.PathLike) or INI text (a str spanning
                  lines or starting with '[', or bytes); observations_name
                  stands for the file name of a text in messages
    accept        acceptances wanted, 1 .. 2**32
    max_tries     replications tried at most, accept .. 2**40
    seed          0 .. 2**64-1; the result depends only on the scenario, the
                  observations, accept and seed (never on threads)
    threads       0 .. 1024, 0 = all cores
    pilot         judge the acceptance rate after this many tries and raise
                  LimitError at once if `accept` would need more than
                  max_tries (0: never)
    series        False leaves "series" empty (it holds 6 bands x H days per
                  series)
    progress      None or callable(accepted, accept), called between rounds
                  of tries; a true return value stops with RunInterrupted.

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
    _interrupt.check_progress(progress, "accepted, accept")
    sc, owned = _load_scenario(scenario)
    try:
        sptr = sc._acquire()
        try:
            optr = _load_observations(sptr, observations, observations_name)
            try:
                return _infer(sc, sptr, optr, accept, max_tries, seed,
                              threads, pilot, series, progress)
            finally:
                lib.shellsim_observations_free(optr)
        finally:
            sc._release()
    finally:
        if owned:
            sc.close()


def _infer(sc: _core.Scenario, sptr: Any, optr: Any, accept: int,
           max_tries: int, seed: int, threads: int, pilot: int, series: bool,
           progress: Optional[Progress]) -> Dict[str, Any]:
    opts = ShellsimInferOptions()
    lib.shellsim_infer_options_init(ctypes.byref(opts))
    opts.accept = accept
    opts.max_tries = max_tries
    opts.seed = seed
    opts.threads = threads
    opts.pilot = pilot
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
        return _to_dict(sc, optr, out, series)
    finally:
        lib.shellsim_inference_free(out)


def _to_dict(sc: _core.Scenario, optr: Any, inf: Any,
             series: bool) -> Dict[str, Any]:
    dec = _lib.decode
    obs = {}
    for i in range(lib.shellsim_observations_count(optr)):
        obs[dec(lib.shellsim_observation_name(optr, i))] = {
            "series": dec(lib.shellsim_observation_series(optr, i)),
            "day": lib.shellsim_observation_day(optr, i),
            "value": lib.shellsim_observation_value(optr, i),
            "tolerance": lib.shellsim_observation_tolerance(optr, i)}
    acc = lib.shellsim_inference_accepted(inf)
    tried = lib.shellsim_inference_tried(inf)
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
            "parameters": params,
            "metrics": metrics,
            "series": out_series}
