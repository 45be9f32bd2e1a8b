"""_stats.py: Stats, the statistics of one metric (struct shellsim_stats),
and the one function that builds it from the C struct.

A Stats keeps what the library computed: NaN stays float("nan") (the sd of
a single replication, the mean of a fire_ratio where B never fired, ...).
Its to_dict() is the STATS object of the CLI's JSON, key for key and in the
CLI's order, with None (JSON null) for NaN and +-inf. For the code written
when statistics were such dicts, a Stats also reads like one (it is a
read-only Mapping): s["mean"], s.get("sd"), "undefined" in s, list(s),
dict(s), and s == a_dict give the old values, None for NaN included.
"""

from __future__ import annotations

import copy
import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import _lib

# The STATS object of the CLI's JSON (cli/report.c: stats_members), in its
# order; "undefined" follows for a fire_ratio, then "exceed" for a metric
# with thresholds (run_extended).
JSON_KEYS = ("n", "mean", "sd", "sem", "ci95", "min", "p05", "p25", "p50",
             "p75", "p95", "max")
_FLOAT_KEYS = frozenset(("mean", "sd", "sem", "min", "p05", "p25", "p50",
                         "p75", "p95", "max"))

# slots=True needs Python 3.10; the package supports 3.8.
_SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}


def json_number(x: float) -> Optional[float]:
    """A C double as the CLI's JSON has it: None for NaN and +-inf (JSON
    null), else the float."""
    return x if math.isfinite(x) else None


_NAN = object()  # NaN in Stats._values()


@dataclass(frozen=True, **_SLOTS)
class Stats(Mapping):
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
    Read like a dict (s["mean"], s.get, keys, in, iteration), a Stats gives
    the values of that JSON shape: None for NaN and ci95 as a list.
    Immutable and hashable; equal to another Stats with the same values (NaN
    equal to NaN) and to a dict equal to its to_dict().
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

    # ------------------------------------- read access like the old dict

    def _keys(self) -> List[str]:
        keys = list(JSON_KEYS)
        if self.undefined is not None:
            keys.append("undefined")
        if self.exceed is not None:
            keys.append("exceed")
        return keys

    def __getitem__(self, key: str) -> Any:
        """The value of to_dict()[key]: None for NaN, ci95 as a list."""
        if key in _FLOAT_KEYS:
            return json_number(getattr(self, key))
        if key == "n":
            return self.n
        if key == "ci95":
            return [json_number(self.ci95[0]), json_number(self.ci95[1])]
        if key == "undefined" and self.undefined is not None:
            return self.undefined
        if key == "exceed" and self.exceed is not None:
            return _exceed_json(self.exceed)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

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
            return self.to_dict() == dict(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
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


def is_ratio(metric: str) -> bool:
    """Whether a metric's statistics carry `undefined`: a fire_ratio."""
    return metric.endswith(".fire_ratio")
