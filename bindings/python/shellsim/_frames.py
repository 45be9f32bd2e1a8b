"""_frames.py: pandas DataFrames and xarray Datasets of the package's
results: Result.metrics_frame(), .series_frame() and .to_xarray(),
Comparison.to_frame(), Sensitivity.to_frame(), and
ExtendedResult.exceedances_frame().

pandas and xarray are imported here only when a frame or a Dataset is asked
for, never at `import shellsim`: the package needs only numpy. The values
are those of the objects' own accessors, bit for bit (NaN where the JSON
shape has None).
"""

from __future__ import annotations

import math
from typing import (TYPE_CHECKING, Any, Dict, Iterable, List, Optional,
                    Sequence, Union)

import numpy as np

from . import _errors, _lib, _stats

if TYPE_CHECKING:  # pragma: no cover
    from ._core import Result
    from .analysis import Comparison, ExtendedResult, Sensitivity

def pandas(what: str) -> Any:
    """The pandas module, imported now; ImportError saying how to get it."""
    try:
        import pandas as pd
    except ImportError as e:
        raise ImportError(
            "%s needs pandas, which is not installed: install python3-pandas "
            "(Debian) or `pip install pandas` (%s)" % (what, e)) from e
    return pd


def xarray(what: str) -> Any:
    """The xarray module, imported now; ImportError saying how to get it."""
    try:
        import xarray as xr
    except ImportError as e:
        raise ImportError(
            "%s needs xarray, which is not installed: install python3-xarray "
            "(Debian) or `pip install xarray` (%s)" % (what, e)) from e
    return xr


def _float(x: Optional[float]) -> float:
    """A number of the JSON shape as a float: None (JSON null) is NaN."""
    return math.nan if x is None else float(x)


def _stats_table(result: "Result", ptr: Any) -> np.ndarray:
    """metrics_frame()'s values: one row per metric, FRAME_COLUMNS."""
    names = result._metric_names
    data = np.empty((len(names), len(_stats.FRAME_COLUMNS)), dtype=np.float64)
    for i, name in enumerate(names):
        data[i] = _stats.frame_row(result._stats(ptr, name))
    return data


def metrics_frame(result: "Result", ptr: Any) -> Any:
    pd = pandas("Result.metrics_frame()")
    names = result._metric_names
    data = _stats_table(result, ptr)
    return pd.DataFrame(data, index=pd.Index(list(names), dtype=object,
                                             name="metric"),
                        columns=pd.Index(_stats.FRAME_COLUMNS, dtype=object))


def _names(result: "Result", names: Union[None, str, Iterable[str]]) -> List[str]:
    if names is None:
        return list(result._series_names)
    if isinstance(names, str):
        return [names]
    names = list(names)
    for n in names:
        if not isinstance(n, str):
            raise TypeError("a series name is a str, not %s"
                            % type(n).__name__)
    return names


def _bands(bands: Union[str, Iterable[str]]) -> List[str]:
    bands = [bands] if isinstance(bands, str) else list(bands)
    for b in bands:
        if b not in _lib.BANDS:
            raise _errors.make(_lib.EINVAL, "no band %r (bands: %s)" % (
                b, ", ".join(_lib.BANDS)))
    return bands


def series_frame(result: "Result", ptr: Any,
                 names: Union[None, str, Iterable[str]],
                 bands: Union[str, Sequence[str]], long: bool) -> Any:
    pd = pandas("Result.series_frame()")
    names, bands = _names(result, names), _bands(bands)
    H = result._horizon_days
    # one column per (series, band), filled by the library in place
    data = np.empty((len(names) * len(bands), H), dtype=np.float64)
    k = 0
    for name in names:
        for b in bands:
            result._band(ptr, name, b, data[k])
            k += 1
    start = result._start_date
    if not long:
        columns = pd.MultiIndex.from_product([names, bands],
                                             names=["series", "band"])
        if start is not None:
            index = pd.date_range(start, periods=H, freq="D", name="date")
        else:
            index = pd.RangeIndex(H, name="day")
        return pd.DataFrame(data.T, index=index, columns=columns)
    # long: one row per (series, band, day), in that order
    nb = len(bands)
    cols = {"series": np.repeat(np.array(names, dtype=object), nb * H),
            "day": np.tile(np.arange(H, dtype=np.int64), len(names) * nb)}
    if start is not None:
        cols["date"] = np.tile(np.datetime64(start, "D") + np.arange(H),
                               len(names) * nb).astype("datetime64[ns]")
    cols["band"] = np.tile(np.repeat(np.array(bands, dtype=object), H),
                           len(names))
    cols["value"] = data.reshape(-1)
    return pd.DataFrame(cols)


def to_xarray(result: "Result", ptr: Any) -> Any:
    xr = xarray("Result.to_xarray()")
    H = result._horizon_days
    nb = len(_lib.BANDS)
    data_vars: Dict[str, Any] = {}
    for name in result._series_names:
        a = np.empty((nb, H), dtype=np.float64)
        for i in range(nb):
            result._band(ptr, name, i, a[i])
        data_vars[name] = (("band", "day"), a)
    # series are named SECTION.NAME: "metrics" cannot be one of them
    data_vars["metrics"] = (("metric", "stat"), _stats_table(result, ptr))
    coords: Dict[str, Any] = {
        "band": np.array(_lib.BANDS, dtype=object),
        "day": np.arange(H, dtype=np.int64),
        "metric": np.array(result._metric_names, dtype=object),
        "stat": np.array(_stats.FRAME_COLUMNS, dtype=object)}
    attrs: Dict[str, Any] = {}
    if result._scenario_name is not None:
        attrs["scenario"] = result._scenario_name
    attrs["replications"] = result._replications
    attrs["seed"] = result._seed
    attrs["horizon_days"] = H
    start = result._start_date
    if start is not None:
        coords["date"] = ("day", (np.datetime64(start, "D") + np.arange(H))
                          .astype("datetime64[ns]"))
        attrs["start_date"] = start.isoformat()
    from ._version import __version__
    attrs["shellsim_version"] = __version__
    ds = xr.Dataset(data_vars, coords=coords, attrs=attrs)
    # with dates, the series are indexed by date (day stays beside it)
    return ds if start is None else ds.swap_dims(day="date")


# Comparison.to_frame()'s columns: a Stats's (FRAME_COLUMNS), then the
# pairing of the metric (on its "diff" row; NaN on the "a" and "b" rows).
PAIRING_COLUMNS = ("diff_variance", "independent_variance", "variance_ratio",
                   "correlation")


def comparison_frame(c: "Comparison") -> Any:
    pd = pandas("Comparison.to_frame()")
    names = list(c.metrics)
    arms = ("a", "b", "diff")
    ncol = len(_stats.FRAME_COLUMNS)
    data = np.full((len(names) * len(arms), ncol + len(PAIRING_COLUMNS)),
                   math.nan, dtype=np.float64)
    for i, name in enumerate(names):
        m = c.metrics[name]
        for k, arm in enumerate(arms):
            data[3 * i + k, :ncol] = _stats.frame_row(m[arm])
        data[3 * i + 2, ncol:] = c._pairing[name]
    index = pd.MultiIndex.from_product([names, list(arms)],
                                       names=["metric", "arm"])
    return pd.DataFrame(data, index=index,
                        columns=pd.Index(_stats.FRAME_COLUMNS
                                         + PAIRING_COLUMNS, dtype=object))


# Sensitivity.to_frame()'s columns, in order.
SENSITIVITY_COLUMNS = ("first_order", "first_order_ci95_lo",
                       "first_order_ci95_hi", "total", "total_ci95_lo",
                       "total_ci95_hi", "tornado_low", "tornado_high", "p10",
                       "p50", "p90")


def sensitivity_row(p: Dict[str, Any]) -> List[float]:
    """One parameter of Sensitivity.parameters as SENSITIVITY_COLUMNS."""
    f = _float
    return [f(p["first_order"]), f(p["first_order_ci95"][0]),
            f(p["first_order_ci95"][1]), f(p["total"]),
            f(p["total_ci95"][0]), f(p["total_ci95"][1]),
            f(p["tornado"][0]), f(p["tornado"][1]), f(p["p10"]),
            f(p["p50"]), f(p["p90"])]


def sensitivity_frame(sa: "Sensitivity") -> Any:
    pd = pandas("Sensitivity.to_frame()")
    ps = sa.parameters
    names = list(ps)
    data = np.array([sensitivity_row(ps[n]) for n in names],
                    dtype=np.float64).reshape(len(names),
                                              len(SENSITIVITY_COLUMNS))
    return pd.DataFrame(data, index=pd.Index(names, dtype=object,
                                             name="parameter"),
                        columns=pd.Index(SENSITIVITY_COLUMNS, dtype=object))


# ExtendedResult.exceedances_frame()'s columns, in order.
EXCEEDANCE_COLUMNS = ("count", "n", "p", "ci95_lo", "ci95_hi")


def exceedances_frame(r: "ExtendedResult") -> Any:
    pd = pandas("ExtendedResult.exceedances_frame()")
    rows = r._exceed
    data = np.array([(c, n, p, lo, hi) for _m, _v, c, n, p, lo, hi in rows],
                    dtype=np.float64).reshape(len(rows),
                                              len(EXCEEDANCE_COLUMNS))
    index = pd.MultiIndex.from_arrays(
        [np.array([m for m, *_ in rows], dtype=object),
         np.array([v for _m, v, *_ in rows], dtype=np.float64)],
        names=["metric", "value"])
    return pd.DataFrame(data, index=index,
                        columns=pd.Index(EXCEEDANCE_COLUMNS, dtype=object))
