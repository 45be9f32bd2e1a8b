"""_stats.py: Stats, the statistics of one metric (struct shellsim_stats),
and the one function that builds it from the C struct.

A Stats keeps what the library computed: NaN stays float("nan") (the sd of
a single replication, the mean of a fire_ratio where B never fired, ...).
Its to_dict() is the STATS object of the CLI's JSON, key for key and in the
CLI's order, with None (JSON null) for NaN and +-inf. For the code written
when statistics were such dicts, a Stats is also one, read-only, holding
to_dict()'s items: s["mean"], s.get("sd"), "undefined" in s, list(s),
dict(s), s == a_dict, json.dumps(s) and pandas.DataFrame(result.metrics)
give the old values, None for NaN included. (A Mapping that is not a dict
would not do: pandas and json treat only dicts as such.)
"""

from __future__ import annotations

import copy
import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

from . import _lib

# The STATS object of the CLI's JSON (cli/report.c: stats_members), in its
# order; "undefined" follows for a fire_ratio, then "exceed" for a metric
# with thresholds (run_extended).
JSON_KEYS = ("n", "mean", "sd", "sem", "ci95", "min", "p05", "p25", "p50",
             "p75", "p95", "max")

# slots=True needs Python 3.10; the package supports 3.8.
_SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}


def json_number(x: float) -> Optional[float]:
    """A C double as the CLI's JSON has it: None for NaN and +-inf (JSON
    null), else the float."""
    return x if math.isfinite(x) else None


_NAN = object()  # NaN in Stats._values()


def _read_only(self: "Stats", *args: Any, **kwargs: Any) -> Any:
    raise TypeError("a shellsim.Stats is read-only: use to_dict() (or "
                    "dict(stats)) for a dict to change")


@dataclass(frozen=True, eq=False, repr=False, **_SLOTS)
class Stats(Dict[str, Any]):
    """The statistics of a metric over the runs (struct shellsim_stats).

    n          runs counted
    undefined  runs left out because the value does not exist (a
               fire_ratio where side B fired nothing); None for a metric
               that is not a ratio (whose JSON has no "undefined")
    mean, sd, sem
    ci95       (lo, hi): mean -+ t(0.975, n-1) * sem
    min, p05, p25, p50, p75, p95, max
    exceed     None, or for a metric with thresholds (run_extended): the
               CLI's "exceed" object, {"VALUE": {"p", "ci95", "count",
               "n"}}, with NaN kept in p and ci95

    A statistic that does not exist is float("nan"), as in C. Prefer the
    attributes (s.mean, s.ci95[0]); to_dict() gives the CLI's JSON shape.

    For the code written when statistics were plain dicts, a Stats is also
    a read-only dict whose items are those of to_dict(): s["mean"] (None
    for NaN), s["ci95"] (a list), s.get, keys, in, iteration, dict(s),
    json.dumps(s) and pandas.DataFrame(result.metrics) give what they gave
    before. Changing it raises TypeError.

    Immutable and hashable. Two Stats are equal when every value is (NaN
    equal to NaN); a Stats and a dict, when the dict equals its to_dict().
    """

    n: int
    undefined: Optional[int]
    mean: float
    sd: float
    sem: float
    ci95: Tuple[float, float]
    min: float
    p05: float
    p25: float
    p50: float
    p75: float
    p95: float
    max: float
    exceed: Optional[Dict[str, Dict[str, Any]]] = None

    def __post_init__(self) -> None:
        dict.update(self, self.to_dict())   # the dict-style view

    def to_dict(self) -> Dict[str, Any]:
        """The CLI's JSON STATS object: n, mean, sd, sem, ci95 [lo, hi], min,
        p05, p25, p50, p75, p95, max, then undefined (a fire_ratio) and
        exceed (thresholds), with None for NaN and +-inf. A new dict."""
        f = json_number
        d: Dict[str, Any] = {
            "n": self.n, "mean": f(self.mean), "sd": f(self.sd),
            "sem": f(self.sem), "ci95": [f(self.ci95[0]), f(self.ci95[1])],
            "min": f(self.min), "p05": f(self.p05), "p25": f(self.p25),
            "p50": f(self.p50), "p75": f(self.p75), "p95": f(self.p95),
            "max": f(self.max)}
        if self.undefined is not None:
            d["undefined"] = self.undefined
        if self.exceed is not None:
            d["exceed"] = _exceed_json(self.exceed)
        return d

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "Stats":
        """A Stats from the CLI's JSON STATS object (what to_dict() gives):
        None (JSON null) is NaN, "undefined" is kept when present (a
        ratio), "exceed" too. Stats.from_dict(s.to_dict()) == s, and its
        to_dict() equals d. KeyError for a missing statistic."""
        def f(x: Any) -> float:
            return math.nan if x is None else float(x)
        exceed = d.get("exceed")
        if exceed is not None:
            exceed = {k: {"p": f(x["p"]),
                          "ci95": (f(x["ci95"][0]), f(x["ci95"][1])),
                          "count": x["count"], "n": x["n"]}
                      for k, x in exceed.items()}
        return cls(n=d["n"], undefined=d.get("undefined"), mean=f(d["mean"]),
                   sd=f(d["sd"]), sem=f(d["sem"]),
                   ci95=(f(d["ci95"][0]), f(d["ci95"][1])), min=f(d["min"]),
                   p05=f(d["p05"]), p25=f(d["p25"]), p50=f(d["p50"]),
                   p75=f(d["p75"]), p95=f(d["p95"]), max=f(d["max"]),
                   exceed=exceed)

    # read-only: the dict's mutators refuse
    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = \
        update = __ior__ = _read_only

    def __reduce__(self) -> Tuple[Any, ...]:
        # pickle and copy: rebuild from the fields (not item by item)
        return (type(self), (self.n, self.undefined, self.mean, self.sd,
                             self.sem, self.ci95, self.min, self.p05,
                             self.p25, self.p50, self.p75, self.p95,
                             self.max, self.exceed))

    # ------------------------------------------------- equality and hash

    def _values(self) -> Tuple[Any, ...]:
        """The values, NaN as one marker (so that NaN equals NaN)."""
        def v(x: Any) -> Any:
            return _NAN if x != x else x
        return (self.n, self.undefined, v(self.mean), v(self.sd), v(self.sem),
                v(self.ci95[0]), v(self.ci95[1]), v(self.min), v(self.p05),
                v(self.p25), v(self.p50), v(self.p75), v(self.p95),
                v(self.max))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Stats):
            return (self._values() == other._values()
                    and self.get("exceed") == other.get("exceed"))
        if isinstance(other, Mapping):
            return dict.__eq__(self, dict(other))
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._values())  # exceed left out: equal stay equal

    def __repr__(self) -> str:
        return ("Stats(n=%r, undefined=%r, mean=%r, sd=%r, sem=%r, ci95=%r, "
                "min=%r, p05=%r, p25=%r, p50=%r, p75=%r, p95=%r, max=%r%s)"
                % (self.n, self.undefined, self.mean, self.sd, self.sem,
                   self.ci95, self.min, self.p05, self.p25, self.p50,
                   self.p75, self.p95, self.max,
                   "" if self.exceed is None else ", exceed=%r" % (self.exceed,)))


def _exceed_json(exceed: Dict[str, Dict[str, Any]]) -> Dict[str, Any]:
    """The "exceed" object of the CLI's JSON: a new dict, None for NaN,
    ci95 as a list."""
    f = json_number
    out = {}
    for key, x in exceed.items():
        x = dict(x)
        if "p" in x:
            x["p"] = f(x["p"])
        if "ci95" in x:
            x["ci95"] = [f(v) for v in x["ci95"]]
        out[key] = copy.deepcopy(x)
    return out


def from_c(st: _lib.ShellsimStats, ratio: bool = False) -> Stats:
    """A Stats from a struct shellsim_stats. ratio: the metric is a ratio
    (a fire_ratio, or the difference of two), whose runs may be undefined:
    only then is `undefined` kept (else None, as the CLI's JSON has no
    "undefined" member)."""
    return Stats(n=st.n, undefined=st.undefined if ratio else None,
                 mean=st.mean, sd=st.sd, sem=st.sem,
                 ci95=(st.ci95_lo, st.ci95_hi), min=st.min, p05=st.p05,
                 p25=st.p25, p50=st.p50, p75=st.p75, p95=st.p95, max=st.max)


# The columns of Result.metrics_frame(), in order: a Stats's fields, ci95
# split, undefined last (NaN for a metric that is not a ratio).
FRAME_COLUMNS = ("n", "mean", "sd", "sem", "ci95_lo", "ci95_hi", "min",
                 "p05", "p25", "p50", "p75", "p95", "max", "undefined")


def frame_row(s: Stats) -> Tuple[float, ...]:
    """A Stats as the floats of a metrics_frame() row (FRAME_COLUMNS): the
    values kept bit for bit, NaN kept; undefined NaN when None."""
    return (float(s.n), s.mean, s.sd, s.sem, s.ci95[0], s.ci95[1], s.min,
            s.p05, s.p25, s.p50, s.p75, s.p95, s.max,
            math.nan if s.undefined is None else float(s.undefined))


def is_ratio(metric: str) -> bool:
    """Whether a metric's statistics carry `undefined`: a ratio
    (fire_ratio, fire_share, extra_share; shellsim_metric_is_ratio)."""
    return metric.endswith((".fire_ratio", ".fire_share", ".extra_share"))
