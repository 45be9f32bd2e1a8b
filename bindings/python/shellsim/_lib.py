"""_lib.py: find libshellsim, check its version, declare every C function.

This module is the one place that knows the C ABI of include/shellsim.h and
the headers it includes (shellsim_infer.h, shellsim_analysis.h): every
struct, enum and constant, and the prototype (argtypes/restype) of every
exported function. Everything else in the package calls through `lib` and
uses the types declared here; no other module declares a ctypes Structure
or sets argtypes/restype (tests/test_abi.py checks both).

Where the library is looked for, in this order (the first that loads wins):
  1. the environment variable SHELLSIM_LIBRARY, a path to the shared library
     (when it is set, nothing else is tried);
  2. the library `meson install` put beside this package: the absolute path
     in shellsim/_paths.py (LIBRARY), a module meson generates and installs
     with the package; a checkout or a pip install has none;
  3. next to this package: shellsim/libshellsim.so* (how a wheel or a
     `pip install` with the library copied in ships it);
  4. the meson build tree of the source tree this package sits in:
     <repo>/build/libsim/libshellsim.so, for bindings/python/shellsim
     (convenient when running from a checkout);
  5. the system: ctypes.util.find_library("shellsim").
"""

import ctypes
import ctypes.util
import os
from typing import List, Optional, Tuple
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double,
                    c_int, c_long, c_size_t, c_ubyte, c_uint64, c_void_p)

from ._version import LIBRARY_MAJOR, LIBRARY_MINOR

# ------------------------------------------------------------ C declarations
# In the order of the headers: shellsim.h, then shellsim_infer.h and
# shellsim_analysis.h (which shellsim.h includes).

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

# shellsim_band (a C enum: int): the names of SHELLSIM_BAND_MEAN ..
# SHELLSIM_BAND_P95 by value, which is also their order in the CLI's JSON.
BANDS = ("mean", "p05", "p25", "p50", "p75", "p95")
# shellsim_arm (a C enum: int): SHELLSIM_ARM_A, _B, _DIFF (B - A) by value.
ARMS = ("a", "b", "diff")

ERROR_MESSAGE_SIZE = 1024            # SHELLSIM_ERROR_MESSAGE_SIZE
MAX_HORIZON_DAYS = 36500             # SHELLSIM_MAX_HORIZON_DAYS
MAX_REPLICATIONS = 1099511627776     # SHELLSIM_MAX_REPLICATIONS, 2^40
MAX_SAMPLES = 1 << 26                # SHELLSIM_MAX_SAMPLES
SOBOL_MAX_PARAMETERS = 20            # SHELLSIM_SOBOL_MAX_PARAMETERS
MAX_KEEP_PATHS = 10000               # SHELLSIM_MAX_KEEP_PATHS
OBSERVE_BLOCK_BYTES = 8388608        # SHELLSIM_OBSERVE_BLOCK_BYTES


class _Sized(Structure):
    """A struct that grows (shellsim.h, "Structs that grow"): its first
    member, size, is set to this layout's size when it is made, so the
    library reads the fields this layout has and no more."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.size = ctypes.sizeof(self)


# --- shellsim.h

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


class ShellsimBlockView(Structure):
    """struct shellsim_block_view (made by the library)."""
    _fields_ = [("size", c_size_t),
                ("first", c_uint64),
                ("count", c_size_t),
                ("horizon_days", c_int),
                ("nseries", c_size_t),
                ("series_names", POINTER(c_char_p)),
                ("values", POINTER(c_double))]


# int (*shellsim_observe_fn)(void *user, const shellsim_block_view *view)
OBSERVE_FN = CFUNCTYPE(c_int, c_void_p, POINTER(ShellsimBlockView))

# uint64_t (*shellsim_work_tally_fn)(void *user, uint64_t first,
#                                    uint64_t found)
TALLY_FN = CFUNCTYPE(c_uint64, c_void_p, c_uint64, c_uint64)


class ShellsimRunOptions(_Sized):
    """struct shellsim_run_options."""
    _fields_ = [("size", c_size_t),
                ("replications", c_uint64),
                ("seed", c_uint64),
                ("threads", c_int),
                ("keep_runs", c_int),
                ("series", c_char_p),
                ("progress", PROGRESS_FN),
                ("progress_user", c_void_p),
                ("keep_paths", c_uint64),
                ("observe", OBSERVE_FN),
                ("observe_user", c_void_p)]


# --- shellsim_infer.h

class ShellsimInferOptions(_Sized):
    """struct shellsim_infer_options."""
    _fields_ = [("size", c_size_t),
                ("accept", c_uint64),
                ("max_tries", c_uint64),
                ("pilot", c_uint64),
                ("seed", c_uint64),
                ("threads", c_int),
                ("progress", PROGRESS_FN),
                ("progress_user", c_void_p),
                ("method", c_int),
                ("smc_quantile", c_double),
                ("max_generations", c_int),
                ("smc_kernel_scale", c_double),
                ("max_runs", c_uint64),
                ("time_limit_seconds", c_double)]


# The inference methods (SHELLSIM_INFER_*), by name, in value order.
INFER_METHODS = ("rejection", "smc")
INFER_REJECTION = 0                  # SHELLSIM_INFER_REJECTION
INFER_SMC = 1                        # SHELLSIM_INFER_SMC

# The fields of a held-out check (SHELLSIM_CHECK_*), in their order.
CHECK_FIELDS = ("mean", "p05", "p25", "p50", "p75", "p95", "p_at_least",
                "p_at_most", "p_two_sided", "p_match", "in50", "in90",
                "undefined")
CHECK_NFIELDS = 13                   # SHELLSIM_CHECK_NFIELDS


# --- shellsim_analysis.h

class ShellsimPairing(Structure):
    """struct shellsim_pairing."""
    _fields_ = [("diff_variance", c_double),
                ("independent_variance", c_double),
                ("variance_ratio", c_double),
                ("correlation", c_double)]


class ShellsimSensitivityOptions(_Sized):
    """struct shellsim_sensitivity_options."""
    _fields_ = [("size", c_size_t),
                ("samples", c_uint64),
                ("seed", c_uint64),
                ("threads", c_int),
                ("bootstrap", c_int),
                ("progress", PROGRESS_FN),
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


class ShellsimThreshold(_Sized):
    """struct shellsim_threshold."""
    _fields_ = [("size", c_size_t), ("metric", c_char_p), ("value", c_double)]


class ShellsimRunExtras(_Sized):
    """struct shellsim_run_extras."""
    _fields_ = [("size", c_size_t),
                ("until_metric", c_char_p),
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


# Every plain struct of the headers, by its C name (the tests compare each
# with the C compiler's layout).
STRUCTS = {
    "shellsim_error": ShellsimError,
    "shellsim_stats": ShellsimStats,
    "shellsim_block_view": ShellsimBlockView,
    "shellsim_run_options": ShellsimRunOptions,
    "shellsim_infer_options": ShellsimInferOptions,
    "shellsim_pairing": ShellsimPairing,
    "shellsim_sensitivity_options": ShellsimSensitivityOptions,
    "shellsim_sobol_indices": ShellsimSobolIndices,
    "shellsim_sensitivity_summary": ShellsimSensitivitySummary,
    "shellsim_threshold": ShellsimThreshold,
    "shellsim_run_extras": ShellsimRunExtras,
    "shellsim_exceedance": ShellsimExceedance,
}


# Opaque handles get pointer types of their own, so that ctypes refuses a
# result where a scenario is expected.
class _ScenarioStruct(Structure):
    pass


class _ResultStruct(Structure):
    pass


class _ObservationsStruct(Structure):
    pass


class _InferenceStruct(Structure):
    pass


class _ComparisonStruct(Structure):
    pass


class _SensitivityStruct(Structure):
    pass


ScenarioP = POINTER(_ScenarioStruct)          # shellsim_scenario *
ResultP = POINTER(_ResultStruct)              # shellsim_result *
ObservationsP = POINTER(_ObservationsStruct)  # shellsim_observations *
InferenceP = POINTER(_InferenceStruct)        # shellsim_inference *
ComparisonP = POINTER(_ComparisonStruct)      # shellsim_comparison *
SensitivityP = POINTER(_SensitivityStruct)    # shellsim_sensitivity *

_E = POINTER(ShellsimError)

# name: (restype, argtypes), one entry per SHELLSIM_API function of each
# header, in the header's order. An enum parameter or return value
# (shellsim_status, shellsim_band, shellsim_arm) is a c_int; a const
# pointer is declared as the pointer. tests/test_abi.py checks these
# tables against the headers, type by type, and against the library's
# exported symbols.
PROTOTYPES_SHELLSIM_H = {
    "shellsim_errstr": (c_char_p, [c_int]),
    "shellsim_version": (c_char_p, []),
    "shellsim_version_number": (c_int, []),
    "shellsim_scenario_load_file":
        (c_int, [c_char_p, POINTER(ScenarioP), _E]),
    "shellsim_scenario_load_buffer":
        (c_int, [c_char_p, c_size_t, c_char_p, POINTER(ScenarioP), _E]),
    "shellsim_scenario_free": (None, [ScenarioP]),
    "shellsim_scenario_name": (c_char_p, [ScenarioP]),
    "shellsim_scenario_horizon_days": (c_int, [ScenarioP]),
    "shellsim_scenario_start_date": (c_char_p, [ScenarioP]),
    "shellsim_scenario_day_date": (c_int, [ScenarioP, c_int, c_char_p, c_size_t]),
    "shellsim_scenario_side_count": (c_int, [ScenarioP]),
    "shellsim_scenario_side_name": (c_char_p, [ScenarioP, c_int]),
    "shellsim_scenario_side_policy": (c_char_p, [ScenarioP, c_int]),
    "shellsim_scenario_pipeline_count": (c_int, [ScenarioP]),
    "shellsim_scenario_pipeline_name": (c_char_p, [ScenarioP, c_int]),
    "shellsim_scenario_pipeline_to": (c_int, [ScenarioP, c_int]),
    "shellsim_scenario_parameter_count": (c_size_t, [ScenarioP]),
    "shellsim_scenario_parameter_name": (c_char_p, [ScenarioP, c_size_t]),
    "shellsim_scenario_parameter_expr": (c_char_p, [ScenarioP, c_size_t]),
    "shellsim_scenario_override":
        (c_int, [ScenarioP, c_char_p, c_char_p, POINTER(ScenarioP), _E]),
    "shellsim_run_options_init": (None, [POINTER(ShellsimRunOptions)]),
    "shellsim_run":
        (c_int, [ScenarioP, POINTER(ShellsimRunOptions), POINTER(ResultP),
                 _E]),
    "shellsim_result_free": (None, [ResultP]),
    "shellsim_result_replications": (c_uint64, [ResultP]),
    "shellsim_result_seed": (c_uint64, [ResultP]),
    "shellsim_result_horizon_days": (c_int, [ResultP]),
    "shellsim_result_metric_count": (c_size_t, [ResultP]),
    "shellsim_result_metric_name": (c_char_p, [ResultP, c_size_t]),
    "shellsim_metric_is_ratio": (c_int, [c_char_p]),
    "shellsim_result_metric_stats":
        (c_int, [ResultP, c_char_p, POINTER(ShellsimStats),
                 c_size_t]),
    "shellsim_result_metric_runs":
        (c_int, [ResultP, c_char_p, POINTER(c_double), c_size_t]),
    "shellsim_result_series_count": (c_size_t, [ResultP]),
    "shellsim_result_series_name": (c_char_p, [ResultP, c_size_t]),
    "shellsim_result_series_band":
        (c_int, [ResultP, c_char_p, c_int, POINTER(c_double), c_size_t]),
    "shellsim_result_path_count": (c_size_t, [ResultP]),
    "shellsim_result_paths":
        (c_int, [ResultP, c_char_p, POINTER(c_double), c_size_t]),
}

PROTOTYPES_INFER_H = {
    "shellsim_observations_load_file":
        (c_int, [ScenarioP, c_char_p, POINTER(ObservationsP), _E]),
    "shellsim_observations_load_buffer":
        (c_int, [ScenarioP, c_char_p, c_size_t, c_char_p,
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
        (c_int, [ScenarioP, ObservationsP, POINTER(ShellsimInferOptions),
                 POINTER(InferenceP), _E]),
    "shellsim_inference_free": (None, [InferenceP]),
    "shellsim_infer_method_name": (c_char_p, [c_int]),
    "shellsim_inference_method": (c_int, [InferenceP]),
    "shellsim_inference_stop": (c_int, [InferenceP]),
    "shellsim_infer_stop_name": (c_char_p, [c_int]),
    "shellsim_inference_weights":
        (c_int, [InferenceP, POINTER(c_double), c_size_t]),
    "shellsim_inference_ess": (c_double, [InferenceP]),
    "shellsim_inference_generation_count": (c_size_t, [InferenceP]),
    "shellsim_inference_generation":
        (c_int, [InferenceP, c_size_t, POINTER(c_double), POINTER(c_uint64),
                 POINTER(c_double)]),
    "shellsim_inference_distance_scale": (c_double, [InferenceP, c_size_t]),
    "shellsim_inference_accepted": (c_uint64, [InferenceP]),
    "shellsim_inference_tried": (c_uint64, [InferenceP]),
    "shellsim_inference_seed": (c_uint64, [InferenceP]),
    "shellsim_inference_parameter_count": (c_size_t, [InferenceP]),
    "shellsim_inference_parameter_name": (c_char_p, [InferenceP, c_size_t]),
    "shellsim_inference_prior_stats":
        (c_int, [InferenceP, c_char_p, POINTER(ShellsimStats),
                 c_size_t]),
    "shellsim_inference_posterior_stats":
        (c_int, [InferenceP, c_char_p, POINTER(ShellsimStats),
                 c_size_t]),
    "shellsim_inference_parameter_runs":
        (c_int, [InferenceP, c_char_p, POINTER(c_double), c_size_t]),
    "shellsim_inference_replications":
        (c_int, [InferenceP, POINTER(c_uint64), c_size_t]),
    "shellsim_inference_posterior": (ResultP, [InferenceP]),
    "shellsim_inference_check":
        (c_int, [ScenarioP, InferenceP, ObservationsP, c_int,
                 POINTER(c_double), c_size_t, _E]),
    "shellsim_observation_kind": (c_char_p, [ObservationsP, c_size_t]),
}

PROTOTYPES_ANALYSIS_H = {
    "shellsim_compare":
        (c_int, [ScenarioP, ScenarioP, POINTER(ShellsimRunOptions),
                 POINTER(ComparisonP), _E]),
    "shellsim_comparison_free": (None, [ComparisonP]),
    "shellsim_comparison_replications": (c_uint64, [ComparisonP]),
    "shellsim_comparison_seed": (c_uint64, [ComparisonP]),
    "shellsim_comparison_metric_count": (c_size_t, [ComparisonP]),
    "shellsim_comparison_metric_name": (c_char_p, [ComparisonP, c_size_t]),
    "shellsim_comparison_stats":
        (c_int, [ComparisonP, c_char_p, c_int, POINTER(ShellsimStats),
                 c_size_t]),
    "shellsim_comparison_pairing":
        (c_int, [ComparisonP, c_char_p, POINTER(ShellsimPairing),
                 c_size_t]),
    "shellsim_comparison_runs":
        (c_int, [ComparisonP, c_char_p, c_int, POINTER(c_double), c_size_t]),
    "shellsim_sensitivity_options_init":
        (None, [POINTER(ShellsimSensitivityOptions)]),
    "shellsim_sensitivity_analyse":
        (c_int, [ScenarioP, c_char_p, POINTER(ShellsimSensitivityOptions),
                 POINTER(SensitivityP), _E]),
    "shellsim_sensitivity_free": (None, [SensitivityP]),
    "shellsim_sensitivity_metric": (c_char_p, [SensitivityP]),
    "shellsim_sensitivity_parameter_count": (c_size_t, [SensitivityP]),
    "shellsim_sensitivity_parameter_name":
        (c_char_p, [SensitivityP, c_size_t]),
    "shellsim_sensitivity_parameter":
        (c_int, [SensitivityP, c_char_p, POINTER(ShellsimSobolIndices),
                 c_size_t]),
    "shellsim_sensitivity_summarise":
        (c_int, [SensitivityP, POINTER(ShellsimSensitivitySummary),
                 c_size_t]),
    "shellsim_threshold_init": (None, [POINTER(ShellsimThreshold)]),
    "shellsim_run_extras_init": (None, [POINTER(ShellsimRunExtras)]),
    "shellsim_run_checkpoint_after": (c_uint64, [c_uint64]),
    "shellsim_run_extended":
        (c_int, [ScenarioP, POINTER(ShellsimRunOptions),
                 POINTER(ShellsimRunExtras), POINTER(ResultP), _E]),
    "shellsim_result_exceedance_count": (c_size_t, [ResultP]),
    "shellsim_result_exceedance":
        (c_int, [ResultP, c_size_t, POINTER(ShellsimExceedance),
                 c_size_t]),
    "shellsim_wilson_interval":
        (None, [c_uint64, c_uint64, POINTER(c_double), POINTER(c_double)]),
}


# --- shellsim_analysis.h: sweep

SWEEP_MAX_POINTS = 1000              # SHELLSIM_SWEEP_MAX_POINTS
SWEEP_MAX_AXES = 2                   # SHELLSIM_SWEEP_MAX_AXES


class ShellsimSweepAxis(_Sized):
    """struct shellsim_sweep_axis."""
    _fields_ = [("size", c_size_t),
                ("key", c_char_p),
                ("values", POINTER(c_double)),
                ("nvalues", c_size_t)]


class ShellsimSweepOptions(_Sized):
    """struct shellsim_sweep_options."""
    _fields_ = [("size", c_size_t),
                ("replications", c_uint64),
                ("seed", c_uint64),
                ("threads", c_int),
                ("metrics", POINTER(c_char_p)),
                ("nmetrics", c_size_t),
                ("progress", PROGRESS_FN),
                ("progress_user", c_void_p)]


STRUCTS["shellsim_sweep_axis"] = ShellsimSweepAxis
STRUCTS["shellsim_sweep_options"] = ShellsimSweepOptions


class _SweepStruct(Structure):
    pass


SweepP = POINTER(_SweepStruct)                # shellsim_sweep *

PROTOTYPES_ANALYSIS_H.update({
    "shellsim_sweep_grid":
        (c_int, [c_char_p, POINTER(c_double), c_size_t, POINTER(c_size_t),
                 _E]),
    "shellsim_sweep_axis_init": (None, [POINTER(ShellsimSweepAxis)]),
    "shellsim_sweep_options_init": (None, [POINTER(ShellsimSweepOptions)]),
    "shellsim_sweep_run":
        (c_int, [ScenarioP, POINTER(ShellsimSweepAxis), c_size_t,
                 POINTER(ShellsimSweepOptions), POINTER(SweepP), _E]),
    "shellsim_sweep_free": (None, [SweepP]),
    "shellsim_sweep_replications": (c_uint64, [SweepP]),
    "shellsim_sweep_seed": (c_uint64, [SweepP]),
    "shellsim_sweep_axis_count": (c_size_t, [SweepP]),
    "shellsim_sweep_axis_key": (c_char_p, [SweepP, c_size_t]),
    "shellsim_sweep_axis_size": (c_size_t, [SweepP, c_size_t]),
    "shellsim_sweep_axis_values":
        (c_int, [SweepP, c_size_t, POINTER(c_double), c_size_t]),
    "shellsim_sweep_point_count": (c_size_t, [SweepP]),
    "shellsim_sweep_point_values":
        (c_int, [SweepP, c_size_t, POINTER(c_double), c_size_t]),
    "shellsim_sweep_metric_count": (c_size_t, [SweepP]),
    "shellsim_sweep_metric_name": (c_char_p, [SweepP, c_size_t]),
    "shellsim_sweep_point_stats":
        (c_int, [SweepP, c_size_t, c_char_p, POINTER(ShellsimStats),
                 c_size_t]),
    "shellsim_sweep_step_stats":
        (c_int, [SweepP, c_size_t, c_size_t, c_char_p,
                 POINTER(ShellsimStats), c_size_t]),
})

# Work in chunks (drivers across processes and checkpoints: the CLI's; no
# Python class uses them).
class _WorkStruct(Structure):
    pass


class _WorkPartStruct(Structure):
    pass


WorkP = POINTER(_WorkStruct)                  # shellsim_work *
WorkPartP = POINTER(_WorkPartStruct)          # shellsim_work_part *

PROTOTYPES_ANALYSIS_H.update({
    "shellsim_work_run_create":
        (c_int, [ScenarioP, POINTER(ShellsimRunOptions),
                 POINTER(ShellsimRunExtras), POINTER(WorkP), _E]),
    "shellsim_work_free": (None, [WorkP]),
    "shellsim_work_sensitivity_create":
        (c_int, [ScenarioP, c_char_p, POINTER(ShellsimSensitivityOptions),
                 POINTER(WorkP), _E]),
    "shellsim_work_compare_create":
        (c_int, [ScenarioP, ScenarioP, POINTER(ShellsimRunOptions),
                 POINTER(WorkP), _E]),
    "shellsim_work_sweep_create":
        (c_int, [ScenarioP, POINTER(ShellsimSweepAxis), c_size_t,
                 POINTER(ShellsimSweepOptions), POINTER(WorkP), _E]),
    "shellsim_work_infer_create":
        (c_int, [ScenarioP, ObservationsP, POINTER(ShellsimInferOptions),
                 POINTER(WorkP), _E]),
    "shellsim_work_done": (c_uint64, [WorkP]),
    "shellsim_work_stage_end": (c_uint64, [WorkP]),
    "shellsim_work_round_end": (c_uint64, [WorkP, c_uint64]),
    "shellsim_work_part_create": (c_int, [WorkP, POINTER(WorkPartP), _E]),
    "shellsim_work_part_free": (None, [WorkPartP]),
    "shellsim_work_part_run":
        (c_int, [WorkP, WorkPartP, c_uint64, c_uint64, _E]),
    "shellsim_work_run_into": (c_int, [WorkP, c_uint64, c_uint64, _E]),
    "shellsim_work_run_into_for":
        (c_int, [WorkP, c_uint64, c_uint64, c_double, POINTER(c_uint64), _E]),
    "shellsim_work_stops_on_time": (c_int, [WorkP]),
    "shellsim_work_part_packed_size": (c_size_t, [WorkPartP]),
    "shellsim_work_part_pack":
        (c_size_t, [WorkPartP, POINTER(c_ubyte), c_size_t]),
    "shellsim_work_merge_part": (c_int, [WorkP, WorkPartP]),
    "shellsim_work_merge_packed":
        (c_int, [WorkP, POINTER(c_ubyte), c_size_t]),
    "shellsim_work_advance": (c_int, [WorkP, c_uint64, _E]),
    "shellsim_work_state_size": (c_size_t, [WorkP]),
    "shellsim_work_state_pack":
        (c_size_t, [WorkP, POINTER(c_ubyte), c_size_t]),
    "shellsim_work_state_load":
        (c_int, [WorkP, POINTER(c_ubyte), c_size_t, _E]),
    "shellsim_work_set_threads": (c_int, [WorkP, c_int, _E]),
    "shellsim_work_set_tally": (c_int, [WorkP, TALLY_FN, c_void_p, _E]),
    "shellsim_work_stage_state_size": (c_size_t, [WorkP]),
    "shellsim_work_stage_state_pack":
        (c_size_t, [WorkP, POINTER(c_ubyte), c_size_t]),
    "shellsim_work_stage_state_load":
        (c_int, [WorkP, POINTER(c_ubyte), c_size_t, _E]),
    "shellsim_work_metric_count": (c_size_t, [WorkP]),
    "shellsim_work_metric_name": (c_char_p, [WorkP, c_size_t]),
    "shellsim_work_runs_take":
        (c_int, [WorkP, POINTER(c_double), c_size_t, POINTER(c_uint64),
                 POINTER(c_size_t)]),
    "shellsim_work_result": (c_int, [WorkP, POINTER(ResultP), _E]),
    "shellsim_work_sensitivity_result":
        (c_int, [WorkP, POINTER(SensitivityP), _E]),
    "shellsim_work_compare_result":
        (c_int, [WorkP, POINTER(ComparisonP), _E]),
    "shellsim_work_sweep_result":
        (c_int, [WorkP, POINTER(SweepP), _E]),
    "shellsim_work_infer_result":
        (c_int, [WorkP, POINTER(InferenceP), _E]),
})

# Every exported function of the library.
PROTOTYPES = dict(PROTOTYPES_SHELLSIM_H, **PROTOTYPES_INFER_H,
                  **PROTOTYPES_ANALYSIS_H)

# ------------------------------------------------------------------ loading

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# bindings/python/shellsim -> the repository root
_SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(_PACKAGE_DIR)))
# Only when this package sits in a shellsim checkout (not when installed).
_IN_SOURCE_TREE = os.path.exists(os.path.join(_SOURCE_ROOT, "include",
                                              "shellsim.h"))
BUILD_TREE_LIBRARY = os.path.join(_SOURCE_ROOT, "build", "libsim",
                                  "libshellsim.so")


def _next_to_package() -> List[str]:
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


def _meson_installed() -> List[str]:
    """The library `meson install` recorded in shellsim/_paths.py, if this
    package was installed so (and that file still exists)."""
    try:
        from ._paths import LIBRARY
    except ImportError:
        return []
    return [LIBRARY] if os.path.exists(LIBRARY) else []


def candidates() -> List[Tuple[str, str]]:
    """The (origin, path) pairs tried, in order (see the module docstring).
    With SHELLSIM_LIBRARY set, only that path."""
    env = os.environ.get("SHELLSIM_LIBRARY")
    if env:
        return [("SHELLSIM_LIBRARY", env)]
    out = [("installed by meson (shellsim/_paths.py)", p)
           for p in _meson_installed()]
    out += [("next to the package", p) for p in _next_to_package()]
    if _IN_SOURCE_TREE and os.path.exists(BUILD_TREE_LIBRARY):
        out.append(("the meson build tree", BUILD_TREE_LIBRARY))
    system = ctypes.util.find_library("shellsim")
    if system:
        out.append(("the system (ctypes.util.find_library)", system))
    return out


def check_version(number: int, path: str = "libshellsim") -> None:
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


def _package_version() -> str:
    from ._version import __version__
    return __version__


def declare(cdll: ctypes.CDLL, path: str = "libshellsim") -> None:
    """Set restype and argtypes on every function of PROTOTYPES; a missing
    symbol is an ImportError naming it."""
    for name, (restype, argtypes) in PROTOTYPES.items():
        try:
            fn = getattr(cdll, name)
        except AttributeError:
            raise ImportError("shellsim: %s has no function %s(): it is not "
                              "the library this package was written for"
                              % (path, name)) from None
        fn.restype = restype
        fn.argtypes = argtypes


def load() -> Tuple[ctypes.CDLL, str]:
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


def errstr(status: int) -> str:
    """The library's static message for a status code."""
    return lib.shellsim_errstr(status).decode("utf-8", "replace")


def decode(b: Optional[bytes]) -> Optional[str]:
    """A C string (bytes or None) as str (or None)."""
    return None if b is None else b.decode("utf-8", "replace")

