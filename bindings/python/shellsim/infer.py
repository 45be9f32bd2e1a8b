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

The prototypes of the C functions of shellsim_infer.h are declared here, on
the package's shared library, and added to shellsim._lib.PROTOTYPES so that
the package's table stays complete.
"""

import ctypes
import os
import threading
from ctypes import (POINTER, Structure, c_char_p, c_double, c_int, c_size_t,
                    c_uint64, c_void_p)

import numpy as np

from . import _core, _errors, _lib
from ._lib import lib

# ------------------------------------------------------------ C declarations


class ShellsimInferOptions(Structure):
    """struct shellsim_infer_options."""
    _fields_ = [("accept", c_uint64),
                ("max_tries", c_uint64),
                ("pilot", c_uint64),
                ("seed", c_uint64),
                ("threads", c_int),
                ("progress", _lib.PROGRESS_FN),
                ("progress_user", c_void_p)]


class _ObservationsStruct(Structure):
    pass


class _InferenceStruct(Structure):
    pass


ObservationsP = POINTER(_ObservationsStruct)
InferenceP = POINTER(_InferenceStruct)
_E = POINTER(_lib.ShellsimError)

# name: (restype, argtypes), one entry per SHELLSIM_API function of
# shellsim_infer.h, in the header's order.
PROTOTYPES = {
    "shellsim_observations_load_file":
        (c_int, [_lib.ScenarioP, c_char_p, POINTER(ObservationsP), _E]),
    "shellsim_observations_load_buffer":
        (c_int, [_lib.ScenarioP, c_char_p, c_size_t, c_char_p,
                 POINTER(ObservationsP), _E]),
    "shellsim_observations_free": (None, [ObservationsP]),
    "shellsim_observations_count": (c_size_t, [ObservationsP]),
    "shellsim_observation_name": (c_char_p, [ObservationsP, c_size_t]),
    "shellsim_observation_series": (c_char_p, [ObservationsP, c_size_t]),
    "shellsim_observation_day": (c_int, [ObservationsP, c_size_t]),
    "shellsim_observation_value": (c_double, [ObservationsP, c_size_t]),
    "shellsim_observation_tolerance": (c_double, [ObservationsP, c_size_t]),
    "shellsim_infer_options_init": (None, [POINTER(ShellsimInferOptions)]),
    "shellsim_infer":
        (c_int, [_lib.ScenarioP, ObservationsP, POINTER(ShellsimInferOptions),
                 POINTER(InferenceP), _E]),
    "shellsim_inference_free": (None, [InferenceP]),
    "shellsim_inference_accepted": (c_uint64, [InferenceP]),
    "shellsim_inference_tried": (c_uint64, [InferenceP]),
    "shellsim_inference_seed": (c_uint64, [InferenceP]),
    "shellsim_inference_parameter_count": (c_size_t, [InferenceP]),
    "shellsim_inference_parameter_name": (c_char_p, [InferenceP, c_size_t]),
    "shellsim_inference_prior_stats":
        (c_int, [InferenceP, c_char_p, POINTER(_lib.ShellsimStats)]),
    "shellsim_inference_posterior_stats":
        (c_int, [InferenceP, c_char_p, POINTER(_lib.ShellsimStats)]),
    "shellsim_inference_parameter_runs":
        (c_int, [InferenceP, c_char_p, POINTER(c_double), c_size_t]),
    "shellsim_inference_replications":
        (c_int, [InferenceP, POINTER(c_uint64), c_size_t]),
    "shellsim_inference_posterior": (_lib.ResultP, [InferenceP]),
}


_lib.declare(lib, _lib.path, PROTOTYPES)

# ------------------------------------------------------------------ helpers

_PATH_TYPES = (os.PathLike,)


def _is_text(x):
    """Whether a str argument is INI text rather than a path: it spans
    lines, or starts (after blanks) with a section or a comment."""
    return "\n" in x or x.lstrip().startswith(("[", "#", ";"))


def _load_scenario(scenario):
    """(Scenario, owned): a Scenario as given, or loaded from a path or
    text (then owned here and closed after the call)."""
    if isinstance(scenario, _core.Scenario):
        return scenario, False
    if isinstance(scenario, bytes) or (isinstance(scenario, str)
                                       and _is_text(scenario)):
        return _core.Scenario.from_string(scenario), True
    if isinstance(scenario, (str,) + _PATH_TYPES):
        return _core.Scenario.from_file(scenario), True
    raise TypeError("scenario must be a shellsim.Scenario, a path or INI "
                    "text, not %s" % type(scenario).__name__)


def _load_observations(sptr, observations, name):
    out = ObservationsP()
    err = _lib.ShellsimError()
    if isinstance(observations, bytes) or (isinstance(observations, str)
                                           and _is_text(observations)):
        data = (observations.encode("utf-8") if isinstance(observations, str)
                else bytes(observations))
        st = lib.shellsim_observations_load_buffer(
            sptr, data, len(data), name.encode("utf-8"), ctypes.byref(out),
            ctypes.byref(err))
    elif isinstance(observations, (str,) + _PATH_TYPES):
        st = lib.shellsim_observations_load_file(
            sptr, os.fsencode(observations), ctypes.byref(out),
            ctypes.byref(err))
    else:
        raise TypeError("observations must be a path or INI text, not %s"
                        % type(observations).__name__)
    if st != _lib.OK:
        raise _errors.from_record(st, err)
    return out


def _stats(st, undefined=False):
    """A shellsim_stats as the CLI's JSON STATS object."""
    f = _core._number
    d = {"n": st.n, "mean": f(st.mean), "sd": f(st.sd), "sem": f(st.sem),
         "ci95": [f(st.ci95_lo), f(st.ci95_hi)], "min": f(st.min),
         "p05": f(st.p05), "p25": f(st.p25), "p50": f(st.p50),
         "p75": f(st.p75), "p95": f(st.p95), "max": f(st.max)}
    if undefined:
        d["undefined"] = st.undefined
    return d


def _check(code):
    if code != _lib.OK:
        raise _errors.make(code)


class _InterruptibleInfer(_core._Interruptible):
    """_core._Interruptible (Ctrl-C and exceptions in the progress callback
    stop the call cleanly) around shellsim_infer instead of shellsim_run."""

    def run(self, sptr, optr, opts, out, err):
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
            return lib.shellsim_infer(sptr, optr, ctypes.byref(opts),
                                      ctypes.byref(out), ctypes.byref(err))
        cb = _lib.PROGRESS_FN(self._callback)  # kept alive by this frame
        opts.progress = cb
        if wrap:
            signal.signal(signal.SIGINT, self._on_sigint)
        try:
            st = lib.shellsim_infer(sptr, optr, ctypes.byref(opts),
                                    ctypes.byref(out), ctypes.byref(err))
        finally:
            if wrap:
                signal.signal(signal.SIGINT, self.previous)
        if self.exc is not None:
            if st == _lib.OK:
                lib.shellsim_inference_free(out)
            exc, self.exc = self.exc, None
            raise exc
        return st


# ---------------------------------------------------------------------- API

def infer(scenario, observations, accept=1000, max_tries=1000000, seed=1,
          threads=0, pilot=2000, series=True, progress=None,
          observations_name="<string>"):
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
    if progress is not None and not callable(progress):
        raise TypeError("progress must be callable(accepted, accept) or None")
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


def _infer(sc, sptr, optr, accept, max_tries, seed, threads, pilot, series,
           progress):
    opts = ShellsimInferOptions()
    lib.shellsim_infer_options_init(ctypes.byref(opts))
    opts.accept = accept
    opts.max_tries = max_tries
    opts.seed = seed
    opts.threads = threads
    opts.pilot = pilot
    out = InferenceP()
    err = _lib.ShellsimError()
    st = _InterruptibleInfer(progress).run(sptr, optr, opts, out, err)
    if st != _lib.OK:
        raise _errors.from_record(st, err)
    try:
        return _to_dict(sc, optr, out, series)
    finally:
        lib.shellsim_inference_free(out)


def _to_dict(sc, optr, inf, series):
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
        _check(lib.shellsim_inference_prior_stats(inf, name, ctypes.byref(st)))
        prior = _stats(st)
        _check(lib.shellsim_inference_posterior_stats(inf, name,
                                                      ctypes.byref(st)))
        params[dec(name)] = {"prior": prior, "posterior": _stats(st)}
    r = lib.shellsim_inference_posterior(inf)  # borrowed: freed with inf
    H = lib.shellsim_result_horizon_days(r)
    metrics = {}
    for i in range(lib.shellsim_result_metric_count(r)):
        name = lib.shellsim_result_metric_name(r, i)
        _check(lib.shellsim_result_metric_stats(r, name, ctypes.byref(st)))
        metrics[dec(name)] = _stats(st, dec(name).endswith(".fire_ratio"))
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
