"""_frames.py: pandas DataFrames of a Result (Result.metrics_frame() and
Result.series_frame()).

pandas is imported here only when a frame is asked for, never at `import
shellsim`: the package needs only numpy. The values are those of
Result.metric_stats() and Result.series_band(), bit for bit (NaN kept).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, List, Optional, Sequence, Union

import numpy as np

from . import _errors, _lib, _stats

if TYPE_CHECKING:  # pragma: no cover
    from ._core import Result

def pandas(what: str) -> Any:
    """The pandas module, imported now; ImportError saying how to get it."""
    try:
        import pandas as pd
    except ImportError as e:
        raise ImportError(
            "%s needs pandas, which is not installed: install python3-pandas "
            "(Debian) or `pip install pandas` (%s)" % (what, e)) from e
    return pd


def metrics_frame(result: "Result", ptr: Any) -> Any:
    pd = pandas("Result.metrics_frame()")
    names = result._metric_names
    data = np.empty((len(names), len(_stats.FRAME_COLUMNS)), dtype=np.float64)
    for i, name in enumerate(names):
        data[i] = _stats.frame_row(result._stats(ptr, name))
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
