"""shellsim.plot: fan charts of per-day series (matplotlib, imported only
when a chart is drawn).

    fan_chart(result, "russia.extra")        # a Result, or the CLI's JSON dict

draws the median (p50) as a line, the 50% band (p25-p75) darker and the 90%
band (p05-p95) lighter, over dates when the start date is known, else over
days 0 .. H-1.

    fire_by_source(result, "russia")   # {"base": ..., "nk": ..., "own": ...}
    source_chart(result, "russia")     # those stacked, the total's fan on top
    shortfall_chart(result, "ukraine") # a target side's shortfall

split a side's mean daily fire by where its shells come from (model v2's
attribution: docs/model.md): its base fire, each pipeline that delivers to
it (the daily difference of the mean of PIPE.fired_cum) and its own stock,
production and restocks (the rest of its extra fire).

As a program, it turns the CLI's JSON into a PNG (the C CLI's
`shellsim run --plot FILE.png` calls exactly this):

    python3 -m shellsim.plot RESULT.json OUT.png [--start-date YYYY-MM-DD]
                             [--series NAME ...] [--title TEXT] [--dpi N] [-q]

RESULT.json may be "-" for standard input; the JSON of `shellsim sweep`
("kind": "sweep") draws sweep_chart of each metric, that of `shellsim
sensitivity` the tornado. By default it draws the headline
series of each side, one panel per side: its fire by source under the
fan of its total fire when the JSON has "sides" and the series of the
attribution (SIDE.fire, SIDE.extra, PIPE.fired_cum), else the fans of
SIDE.fire and SIDE.extra (a v1 JSON, an older file); and under a side with
policy target, a panel of its shortfall. Exit status: 0 done, 1 failure
(message on standard error), 2 bad command line.

This module needs only numpy and matplotlib when it draws from a JSON dict:
it never calls the C library itself, and `import shellsim.plot` and
`python3 -m shellsim.plot` work where the library cannot be loaded.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from typing import (TYPE_CHECKING, Any, Dict, Iterable, List, Optional,
                    Sequence, Tuple, Union)

import numpy as np

if TYPE_CHECKING:  # matplotlib is imported only when a chart is drawn
    from matplotlib.axes import Axes

# A date of day 0: "YYYY-MM-DD", a date or datetime, or a numpy.datetime64.
DateLike = Union[str, datetime.date, np.datetime64]
# What a fan chart draws from: a shellsim.Result (anything with
# .series(name)), or the CLI's JSON dict.
ResultLike = Any
# [(panel title, [series names])]
Panels = List[Tuple[str, List[str]]]


def _pyplot() -> Any:
    """matplotlib.pyplot, on the Agg backend when there is no display."""
    import matplotlib
    if "matplotlib.pyplot" not in sys.modules and sys.platform.startswith("linux") \
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") \
            and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _as_date(x: Optional[DateLike]) -> Optional[datetime.date]:
    """A start date from a str 'YYYY-MM-DD', a date/datetime or a
    numpy.datetime64, as a datetime.date; None stays None."""
    if x is None:
        return None
    if isinstance(x, datetime.datetime):
        return x.date()
    if isinstance(x, datetime.date):
        return x
    if isinstance(x, np.datetime64):
        return x.astype("datetime64[D]").astype(datetime.date)
    return datetime.date.fromisoformat(str(x))


def _bands_of(result: ResultLike, series: str) -> Dict[str, np.ndarray]:
    """dict band -> float64 array of one series, from a Result (anything with
    .series(name)) or from the CLI's JSON dict (None -> NaN)."""
    if isinstance(result, dict):
        all_series = result.get("series") or {}
        if series not in all_series:
            raise KeyError("no series %r in this JSON (series: %s)%s" % (
                series, ", ".join(all_series) or "none",
                "" if all_series else "; run shellsim without --series none"))
        # the bands of the JSON (BANDS of shellsim._lib, which this module
        # does not import: it runs without the C library)
        return {b: np.array(v, dtype=np.float64)
                for b, v in all_series[series].items()}
    return result.series(series)


def paths_of(result: ResultLike, series: str) -> np.ndarray:
    """The kept paths of a series as a K x H float64 array (row k:
    replication k): Result.paths(series), or the "paths" of the CLI's JSON
    (`run --keep-paths K`; None -> NaN). K is 0 when none were kept."""
    if isinstance(result, dict):
        rows = (result.get("paths") or {}).get(series)
        if rows is None:
            return np.empty((0, 0), dtype=np.float64)
        return np.array([[np.nan if v is None else v for v in r]
                         for r in rows], dtype=np.float64)
    if not getattr(result, "path_count", 0):
        return np.empty((0, 0), dtype=np.float64)
    return result.paths(series)


def _overlay_paths(ax: Axes, x: Any, rows: np.ndarray, n: int, color: Any,
                   label: str) -> None:
    """Thin lines of the first n rows (paths) over a fan."""
    for k, row in enumerate(rows[:n]):
        ax.plot(x, row, color=color, linewidth=0.5, alpha=0.6,
                label="%s: %d runs" % (label, min(n, len(rows)))
                if k == 0 else None)


def _start_of(result: ResultLike, scenario: Any,
              start_date: Optional[DateLike]) -> Optional[datetime.date]:
    """The start date: start_date if given, else scenario's, else the
    result's (a Result remembers its scenario's; a JSON dict may carry a
    "start_date" key)."""
    if start_date is not None:
        return _as_date(start_date)
    if scenario is not None:
        return _as_date(getattr(scenario, "start_date", None))
    if isinstance(result, dict):
        return _as_date(result.get("start_date"))
    return _as_date(getattr(result, "start_date", None))


def _x_of(H: int, start: Optional[datetime.date]) -> np.ndarray:
    """The x values of H days: dates from start, else 0 .. H-1."""
    if start is not None:
        return np.datetime64(start, "D") + np.arange(H)
    return np.arange(H)


def _x_axis(ax: Axes, x: np.ndarray, start: Optional[datetime.date]) -> None:
    """Label and limit the x axis: concise dates, or days."""
    if start is not None:
        import matplotlib.dates as mdates
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_xlabel("date (day 0 = %s)" % start.isoformat())
    else:
        ax.set_xlabel("day")
    ax.set_xlim(x[0], x[-1])


def _new_axes() -> Axes:
    """The Axes of a new pyplot figure."""
    plt = _pyplot()
    _, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    return ax


def fan_chart(result: ResultLike, series: str, ax: Optional[Axes] = None, *,
              scenario: Any = None, start_date: Optional[DateLike] = None,
              label: Optional[str] = None, color: Any = None,
              show_mean: bool = False, title: Optional[str] = None,
              paths: int = 0) -> Axes:
    """Draw a fan chart of one series and return the matplotlib Axes.

    result      a shellsim.Result, or a dict loaded from the CLI's --json
    series      the series name, e.g. "russia.extra"
    ax          the Axes to draw on; None makes a new figure (pyplot, with
                the Agg backend when there is no display)
    scenario    optional: take the start date from this Scenario
    start_date  optional: the date of day 0 (str YYYY-MM-DD, datetime.date or
                numpy.datetime64); overrides scenario and result. Without
                any, the x axis is days 0 .. H-1.
    label       legend label of the median line (default: the series name)
    color       a matplotlib colour (default: the next of the Axes' cycle)
    show_mean   also draw the mean as a dashed line
    title       Axes title (default: none on a given ax, the series name on
                a new figure)
    paths       draw the first `paths` kept runs (a run with keep_paths, or
                `shellsim run --keep-paths K --json`) as thin lines over the
                bands (spaghetti); ValueError when the result kept fewer
    """
    bands = _bands_of(result, series)
    rows = paths_of(result, series) if paths else None
    if paths and len(rows) < paths:
        raise ValueError("fan_chart: %d paths asked, %d kept (run with "
                         "keep_paths >= %d)" % (paths, len(rows), paths))
    start = _start_of(result, scenario, start_date)
    x = _x_of(len(bands["p50"]), start)
    new = ax is None
    if new:
        ax = _new_axes()
    label = series if label is None else label
    (line,) = ax.plot(x, bands["p50"], color=color, linewidth=1.6,
                      label="%s: median" % label)
    c = line.get_color()
    ax.fill_between(x, bands["p25"], bands["p75"], color=c, alpha=0.35,
                    linewidth=0, label="%s: 50%% (p25-p75)" % label)
    ax.fill_between(x, bands["p05"], bands["p95"], color=c, alpha=0.15,
                    linewidth=0, label="%s: 90%% (p05-p95)" % label)
    if show_mean:
        ax.plot(x, bands["mean"], color=c, linewidth=1, linestyle="--",
                label="%s: mean" % label)
    if paths:
        _overlay_paths(ax, x, rows, paths, c, label)
    _x_axis(ax, x, start)
    ax.set_ylabel("shells per day" if series.endswith((".fire", ".extra"))
                  else series)
    ax.grid(True, alpha=0.3)
    if title is not None:
        ax.set_title(title)
    elif new:
        ax.set_title(series)
    ax.legend(loc="best", fontsize="small")
    return ax


# ---------------------------------------------------------- fire by source

# Colours of the stacked sources: base fire, the pipelines in turn, own.
BASE_COLOR = "#b0b0b0"
OWN_COLOR = "#d8b365"
PIPELINE_COLORS = ("#4c72b0", "#55a868", "#8172b2", "#64b5cd", "#937860",
                   "#da8bc3", "#8c8c8c", "#ccb974")
SHORTFALL_COLOR = "#c0392b"


def sides_of(result: ResultLike) -> Optional[Dict[str, Dict[str, Any]]]:
    """The "sides" of the CLI's JSON ({SIDE: {"policy", "pipelines"}}), or
    a Result's sides (Scenario.sides); None when unknown (a v1 JSON)."""
    if isinstance(result, dict):
        return result.get("sides")
    return getattr(result, "sides", None)


def _series_names(result: ResultLike) -> List[str]:
    if isinstance(result, dict):
        return list((result.get("series") or {}).keys())
    return list(getattr(result, "series_names", ()))


def attribution_series(result: ResultLike, side: str) -> Optional[List[str]]:
    """The series that fire_by_source reads for side: SIDE.fire, SIDE.extra
    and PIPE.fired_cum of each pipeline that delivers to it; None when the
    result does not know its sides, has no such side, or lacks one of the
    series (a v1 JSON, an older file, a --series selection)."""
    sides = sides_of(result)
    if not sides or side not in sides:
        return None
    need = [side + ".fire", side + ".extra"] + [
        p + ".fired_cum" for p in sides[side].get("pipelines", ())]
    names = set(_series_names(result))
    return need if all(n in names for n in need) else None


def _source_key(name: str) -> str:
    """A pipeline's key among "base" and "own"."""
    return name + " (pipeline)" if name in ("base", "own") else name


def fire_by_source(result: ResultLike, side: str) -> Dict[str, np.ndarray]:
    """A side's mean daily fire split by source: an ordered dict of float64
    arrays of length H,
      "base"    mean(SIDE.fire) - mean(SIDE.extra): its base fire;
      PIPE      for each pipeline that delivers to the side, in file order:
                the daily difference of mean(PIPE.fired_cum) (day 0: its
                value), that pipeline's shells fired (a pipeline named
                "base" or "own" is keyed "NAME (pipeline)");
      "own"     mean(SIDE.extra) - the pipelines' sum, clipped at 0: the
                side's own stock, production and restocks.
    The layers add up to mean(SIDE.fire), up to the clip (which only takes
    up the rounding of the whole shells of fired_cum).

    result  the CLI's JSON dict with "sides", or a shellsim.Result
    Raises KeyError when the result lacks what it needs
    (attribution_series is None).
    """
    names = attribution_series(result, side)
    if names is None:
        raise KeyError("no attribution of %r's fire in this result: it needs "
                       "\"sides\" and the series SIDE.fire, SIDE.extra and "
                       "PIPE.fired_cum (model v2)" % side)
    fire = _bands_of(result, names[0])["mean"]
    extra = _bands_of(result, names[1])["mean"]
    out = {"base": fire - extra}
    piped = np.zeros_like(extra)
    for name in names[2:]:
        cum = _bands_of(result, name)["mean"]
        daily = np.diff(cum, prepend=0.0)
        out[_source_key(name[:-len(".fired_cum")])] = daily
        piped = piped + daily
    out["own"] = np.maximum(extra - piped, 0.0)
    return out


def _source_label(key: str) -> str:
    if key == "base":
        return "base fire"
    if key == "own":
        return "own stock & production"
    return "from %s" % key


def source_chart(result: ResultLike, side: str, ax: Optional[Axes] = None, *,
                 scenario: Any = None, start_date: Optional[DateLike] = None,
                 title: Optional[str] = None, paths: int = 0) -> Axes:
    """Draw a side's mean daily fire by source (fire_by_source) as stacked
    areas, with the fan of its total fire on top (translucent 90% and 50%
    bands and the median line), so that the uncertainty still shows; return
    the matplotlib Axes. Arguments as fan_chart (paths: runs of SIDE.fire
    drawn over the fan); title defaults to the side and its policy."""
    layers = fire_by_source(result, side)
    # a side's own shells, when it has none (no stock, production or
    # restock: under half a shell a day, the rounding of the means), would
    # only add an empty entry to the legend
    if "own" in layers and not np.max(np.abs(layers["own"]), initial=0) >= 0.5:
        del layers["own"]
    total = _bands_of(result, side + ".fire")
    start = _start_of(result, scenario, start_date)
    x = _x_of(len(total["p50"]), start)
    new = ax is None
    if new:
        ax = _new_axes()
    colors = []
    k = 0
    for key in layers:
        if key == "base":
            colors.append(BASE_COLOR)
        elif key == "own":
            colors.append(OWN_COLOR)
        else:
            colors.append(PIPELINE_COLORS[k % len(PIPELINE_COLORS)])
            k += 1
    ax.stackplot(x, *layers.values(), colors=colors, alpha=0.85,
                 linewidth=0, labels=[_source_label(k) for k in layers])
    ax.fill_between(x, total["p05"], total["p95"], facecolor=(0, 0, 0, 0.07),
                    edgecolor=(0, 0, 0, 0.45), linestyle=":", linewidth=0.8,
                    label="total fire: 90% (p05-p95)")
    ax.fill_between(x, total["p25"], total["p75"], facecolor=(0, 0, 0, 0.12),
                    linewidth=0, label="total fire: 50% (p25-p75)")
    ax.plot(x, total["p50"], color="black", linewidth=1.3,
            label="total fire: median")
    if paths:
        _overlay_paths(ax, x, paths_of(result, side + ".fire"), paths,
                       "black", "total fire")
    _x_axis(ax, x, start)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("shells per day")
    ax.grid(True, alpha=0.3)
    if title is None:
        policy = (sides_of(result) or {}).get(side, {}).get("policy")
        title = "%s%s: mean fire by source" % (
            side, " (%s)" % policy if policy else "")
    ax.set_title(title, loc="left", fontsize="medium")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return ax


def shortfall_chart(result: ResultLike, side: str, ax: Optional[Axes] = None,
                    *, scenario: Any = None,
                    start_date: Optional[DateLike] = None,
                    title: Optional[str] = None) -> Axes:
    """Draw the shortfall of a side with policy target (SIDE.shortfall: that
    day's target - extra, >= 0): its 90% band (p05-p95) hatched in red and
    its mean as a line; return the matplotlib Axes. Arguments as
    fan_chart."""
    b = _bands_of(result, side + ".shortfall")
    start = _start_of(result, scenario, start_date)
    x = _x_of(len(b["mean"]), start)
    new = ax is None
    if new:
        ax = _new_axes()
    ax.fill_between(x, b["p05"], b["p95"], facecolor=SHORTFALL_COLOR,
                    alpha=0.18, linewidth=0)
    ax.fill_between(x, b["p05"], b["p95"], facecolor="none",
                    edgecolor=SHORTFALL_COLOR, hatch="///", linewidth=0,
                    label="shortfall: 90% (p05-p95)")
    ax.plot(x, b["mean"], color=SHORTFALL_COLOR, linewidth=1.4,
            label="shortfall: mean")
    _x_axis(ax, x, start)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("shells per day")
    ax.grid(True, alpha=0.3)
    ax.set_title("%s: shortfall of its target (target - extra)" % side
                 if title is None else title, loc="left", fontsize="medium")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return ax


# ------------------------------------------------------------ command line

def headline_series(names: Iterable[str]) -> Panels:
    """The default series of the command line: every SIDE.extra, with its
    SIDE.fire when present, grouped as [(SIDE, [names])] in JSON order."""
    names = list(names)
    panels = []
    for n in names:
        if n.endswith(".extra"):
            side = n[:-len(".extra")]
            group = [side + ".fire"] if side + ".fire" in names else []
            panels.append((side, group + [n]))
    return panels


# What headline_panels plans: [(kind, side or prefix, [series names])],
# kind "sources" (source_chart), "fan" (fan_chart of each name) or
# "shortfall" (shortfall_chart).
Plan = List[Tuple[str, str, List[str]]]
# A shortfall panel's height, a side panel's being 1.
SHORTFALL_HEIGHT = 0.5


def headline_panels(data: Dict[str, Any]) -> Plan:
    """The default panels of the command line. With "sides" in the JSON,
    for each side in file order: its fire by source (source_chart) when the
    JSON has the series of the attribution (attribution_series), else the
    fans of SIDE.fire and SIDE.extra as before; then, for a side with
    policy target whose SIDE.shortfall is in the JSON, its shortfall
    (shortfall_chart). Without "sides" (a v1 JSON, an older file): the fans
    of headline_series."""
    names = list((data.get("series") or {}).keys())
    sides = sides_of(data)
    if not sides:
        return [("fan", side, group) for side, group in headline_series(names)]
    fans = dict(headline_series(names))
    plan: Plan = []
    for side, info in sides.items():
        need = attribution_series(data, side)
        if need is not None:
            plan.append(("sources", side, need))
        elif side in fans:
            plan.append(("fan", side, fans[side]))
        if info.get("policy") == "target" and side + ".shortfall" in names:
            plan.append(("shortfall", side, [side + ".shortfall"]))
    return plan


def _group(names: Iterable[str]) -> Panels:
    """[(prefix, [names])], one group per section prefix, in order."""
    panels = []
    for n in names:
        prefix = n.rsplit(".", 1)[0]
        for p, group in panels:
            if p == prefix:
                group.append(n)
                break
        else:
            panels.append((prefix, [n]))
    return panels


# Paths drawn over a fan by draw() (the command line) at most.
MAX_OVERLAID_PATHS = 20


def draw(data: Dict[str, Any], out: Any,
         series: Optional[Sequence[str]] = None,
         start_date: Optional[DateLike] = None, title: Optional[str] = None,
         dpi: int = 120) -> Panels:
    """Draw the CLI's JSON dict into the PNG file out. With series: one
    panel of fans per section prefix of the given series. Without: the
    headline_panels, one or two per side. When the JSON has "paths" (`run
    --keep-paths K`), up to 20 of them are drawn over each fan. Returns the
    panels drawn as [(prefix, [names])]."""
    from matplotlib.figure import Figure  # no pyplot: no backend needed

    names = list((data.get("series") or {}).keys())
    if not names:
        raise ValueError("the JSON has no series; run shellsim without "
                         "--series none")
    if series:
        missing = [s for s in series if s not in names]
        if missing:
            raise ValueError("no series %s in the JSON (series: %s)"
                             % (", ".join(map(repr, missing)), ", ".join(names)))
        plan = [("fan", prefix, group) for prefix, group in _group(series)]
    else:
        plan = headline_panels(data)
        if not plan:
            raise ValueError("the JSON has no SIDE.extra series; name some "
                             "with --series (series: %s)" % ", ".join(names))
    heights = [SHORTFALL_HEIGHT if kind == "shortfall" else 1.0
               for kind, _, _ in plan]
    # room on the right for the legends of the charts by source
    width = 12 if any(kind != "fan" for kind, _, _ in plan) else 10
    fig = Figure(figsize=(width, 3.4 * sum(heights) + 0.6),
                 layout="constrained")
    axes = fig.subplots(len(plan), 1, squeeze=False, sharex=True,
                        gridspec_kw={"height_ratios": heights})[:, 0]
    kept = data.get("paths") or {}

    def npaths(name: str) -> int:
        return min(MAX_OVERLAID_PATHS, len(kept.get(name) or []))

    for ax, (kind, prefix, group) in zip(axes, plan):
        if kind == "sources":
            source_chart(data, prefix, ax=ax, start_date=start_date,
                         paths=npaths(prefix + ".fire"))
        elif kind == "shortfall":
            shortfall_chart(data, prefix, ax=ax, start_date=start_date)
        else:
            for name in group:
                fan_chart(data, name, ax=ax, start_date=start_date, label=name,
                          paths=npaths(name))
            ax.set_title(prefix, loc="left", fontsize="medium")
    for ax in axes[:-1]:
        ax.set_xlabel("")
    panels = [(prefix if kind != "shortfall" else prefix + " shortfall", group)
              for kind, prefix, group in plan]
    if title is None:
        title = "%s: %s replications, seed %s" % (
            data.get("scenario", "?"), data.get("replications", "?"),
            data.get("seed", "?"))
    fig.suptitle(title)
    fig.savefig(out, dpi=dpi, format="png")
    return panels


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(
        prog="python3 -m shellsim.plot",
        description="Draw fan charts (median, 50%% and 90%% bands) of the "
                    "per-day series in shellsim's JSON output into a PNG.")
    p.add_argument("result", metavar="RESULT.json",
                   help="output of `shellsim run SCENARIO --json` ('-': stdin)")
    p.add_argument("out", metavar="OUT.png", help="the PNG file to write")
    p.add_argument("--start-date", metavar="YYYY-MM-DD",
                   help="date of day 0 (default: the JSON's start_date if "
                        "any, else the x axis counts days)")
    p.add_argument("--series", metavar="NAME", nargs="+",
                   help="series to draw, one panel per section (default: "
                        "each side's fire by source under the fan of its "
                        "total fire, or without the attribution's series "
                        "the fans of SIDE.fire and SIDE.extra; a target "
                        "side's shortfall)")
    p.add_argument("--title", help="figure title")
    p.add_argument("--dpi", type=int, default=120, help="resolution (120)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print nothing on success")
    a = p.parse_args(argv)
    if a.start_date is not None:
        try:
            _as_date(a.start_date)
        except ValueError:
            p.error("--start-date: not a date YYYY-MM-DD: %r" % a.start_date)
    prog = "shellsim.plot"
    try:
        if a.result == "-":
            data = json.load(sys.stdin)
        else:
            with open(a.result, encoding="utf-8") as f:
                data = json.load(f)
        if not isinstance(data, dict):
            raise ValueError("%s is not shellsim's JSON object" % a.result)
        if data.get("kind") == "sweep":  # shellsim sweep
            draw_sweep(data, a.out, title=a.title, dpi=a.dpi)
            panels = [("sweep", list(data.get("metrics") or []))]
        elif "parameters" in data and "metric" in data:  # shellsim sensitivity
            draw_tornado(data, a.out, title=a.title, dpi=a.dpi)
            panels = [("tornado", [data["metric"]])]
        else:
            panels = draw(data, a.out, series=a.series,
                          start_date=a.start_date, title=a.title, dpi=a.dpi)
    except (OSError, ValueError, KeyError) as e:
        print("%s: %s" % (prog, e), file=sys.stderr)
        return 1
    if not a.quiet:
        print("%s: wrote %s (%s)" % (prog, a.out, "; ".join(
            ", ".join(g) for _, g in panels)), file=sys.stderr)
    return 0



# ---------------------------------------------------------------- tornado

def _sensitivity_dict(sensitivity: Any) -> Dict[str, Any]:
    """The CLI's `sensitivity --json` dict, from such a dict or from a
    shellsim.analysis.Sensitivity (anything with to_dict())."""
    if isinstance(sensitivity, dict):
        d = sensitivity
    elif hasattr(sensitivity, "to_dict"):
        d = sensitivity.to_dict()
    else:
        raise TypeError("a tornado chart needs a shellsim.analysis.Sensitivity "
                        "or the JSON dict of `shellsim sensitivity --json`")
    if "parameters" not in d or "tornado_base" not in d:
        raise ValueError("not the JSON of `shellsim sensitivity` (no "
                         "\"parameters\" or \"tornado_base\")")
    return d


def tornado_chart(sensitivity: Any, ax: Optional[Axes] = None, *,
                  title: Optional[str] = None,
                  max_parameters: Optional[int] = None,
                  colors: Tuple[Any, Any] = ("#4878a8", "#d9823b")) -> Axes:
    """Draw the one-at-a-time tornado of a sensitivity analysis and return
    the matplotlib Axes.

    sensitivity     a shellsim.analysis.Sensitivity, or the dict of the CLI's
                    `shellsim sensitivity --json`
    ax              the Axes to draw on; None makes a new figure
    title           Axes title (default: the metric and the base value)
    max_parameters  draw only the widest swings (default: all)
    colors          (parameter at p10, parameter at p90)

    One horizontal bar per parameter, from the metric's mean with every
    parameter at its median (the vertical line) to its mean with that
    parameter at its 10th percentile and at its 90th; widest swing on top.
    Each label also gives the parameter's total Sobol index (ST).
    """
    d = _sensitivity_dict(sensitivity)
    base = d["tornado_base"]
    rows = []
    for name, p in d["parameters"].items():
        lo, hi = p["tornado"]
        lo = base if lo is None else lo
        hi = base if hi is None else hi
        rows.append((abs(hi - lo), name, lo, hi, p.get("total")))
    rows.sort(key=lambda r: (-r[0], r[1]))
    if max_parameters is not None:
        rows = rows[:max_parameters]
    rows.reverse()  # barh draws bottom up: widest on top
    new = ax is None
    if new:
        plt = _pyplot()
        _, ax = plt.subplots(figsize=(9, 1.2 + 0.55 * max(len(rows), 1)),
                             layout="constrained")
    y = np.arange(len(rows))
    for i, (_, name, lo, hi, _) in enumerate(rows):
        ax.barh(i, lo - base, left=base, color=colors[0], height=0.6,
                label="at p10" if i == 0 else None)
        ax.barh(i, hi - base, left=base, color=colors[1], height=0.6,
                label="at p90" if i == 0 else None)
    labels = ["%s (ST %.2f)" % (name, st) if st is not None else name
              for _, name, _, _, st in rows]
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    ax.axvline(base, color="black", linewidth=1)
    ax.set_xlabel("mean of %s (others at their medians)" % d.get("metric", "?"))
    ax.grid(True, axis="x", alpha=0.3)
    if rows:
        ax.legend(loc="lower right", fontsize="small")
    if title is not None:
        ax.set_title(title)
    else:
        ax.set_title("%s: tornado around %s (every key at its median)"
                     % (d.get("metric", "?"), "%.4g" % base))
    return ax


def draw_tornado(data: Any, out: Any, title: Optional[str] = None,
                 dpi: int = 120) -> None:
    """Draw the tornado chart of the CLI's sensitivity JSON dict into the PNG
    file out (what `shellsim sensitivity --plot FILE.png` calls)."""
    from matplotlib.figure import Figure  # no pyplot: no backend needed

    d = _sensitivity_dict(data)
    n = max(len(d["parameters"]), 1)
    fig = Figure(figsize=(9, 1.6 + 0.55 * n), layout="constrained")
    ax = fig.subplots()
    tornado_chart(d, ax=ax, title=title)
    if title is None:
        fig.suptitle("%s: %s samples, seed %s; noise share %s" % (
            d.get("scenario", "?"), d.get("samples", "?"), d.get("seed", "?"),
            "%.3f" % d["noise_share"] if d.get("noise_share") is not None
            else "-"))
    fig.savefig(out, dpi=dpi, format="png")


# ------------------------------------------------------------------ sweep

def _sweep_dict(sweep: Any) -> Dict[str, Any]:
    """The CLI's `sweep --json` dict, from such a dict or from a
    shellsim.Sweep (anything with to_dict())."""
    if isinstance(sweep, dict):
        d = sweep
    elif hasattr(sweep, "to_dict"):
        d = sweep.to_dict()
    else:
        raise TypeError("a sweep chart needs a shellsim.Sweep or the JSON "
                        "dict of `shellsim sweep --json`")
    if d.get("kind") != "sweep" or "points" not in d:
        raise ValueError("not the JSON of `shellsim sweep` (no \"kind\": "
                         "\"sweep\" or no \"points\")")
    return d


def _nan(x: Any) -> float:
    return float("nan") if x is None else float(x)


def sweep_chart(sweep: Any, metric: Optional[str] = None,
                ax: Optional[Axes] = None, *,
                title: Optional[str] = None) -> Axes:
    """Draw a sweep's response curve of one metric and return the Axes.

    sweep   a shellsim.Sweep, or the dict of the CLI's `shellsim sweep --json`
    metric  the metric (default: the sweep's first)
    ax      the Axes to draw on; None makes a new figure

    The mean of the metric at each point against the first parameter, with
    the 95% interval of each point as a band; with two parameters, one line
    (and band) per value of the second.
    """
    d = _sweep_dict(sweep)
    metrics = list(d.get("metrics") or [])
    if metric is None:
        if not metrics:
            raise ValueError("the sweep has no metric")
        metric = metrics[0]
    elif metric not in metrics:
        raise ValueError("no metric %r in the sweep (metrics: %s)"
                         % (metric, ", ".join(metrics)))
    keys = list(d["parameters"])
    grid = d["grid"]
    x = np.asarray(grid[keys[0]], dtype=float)
    lines = [None] if len(keys) == 1 else list(grid[keys[1]])
    n1 = 1 if len(keys) == 1 else len(lines)
    new = ax is None
    if new:
        plt = _pyplot()
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    for j, v in enumerate(lines):
        pts = [d["points"][i * n1 + j]["metrics"][metric]
               for i in range(len(x))]
        mean = np.array([_nan(p["mean"]) for p in pts])
        lo = np.array([_nan(p["ci95"][0]) for p in pts])
        hi = np.array([_nan(p["ci95"][1]) for p in pts])
        label = None if v is None else "%s = %s" % (keys[1], "%g" % v)
        line, = ax.plot(x, mean, marker="o", markersize=3.5, label=label)
        ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.25,
                        linewidth=0)
    ax.set_xlabel(keys[0])
    ax.set_ylabel("mean of %s" % metric)
    ax.grid(True, alpha=0.3)
    if len(keys) > 1:
        ax.legend(fontsize="small")
    ax.set_title(title if title is not None else
                 "%s (band: 95%% interval of each point)" % metric,
                 loc="left", fontsize="medium")
    return ax


def draw_sweep(data: Any, out: Any, title: Optional[str] = None,
               dpi: int = 120) -> None:
    """Draw sweep_chart of every metric of the CLI's sweep JSON dict, one
    panel each, into the PNG file out (what `shellsim sweep --plot FILE.png`
    calls)."""
    from matplotlib.figure import Figure  # no pyplot: no backend needed

    d = _sweep_dict(data)
    metrics = list(d.get("metrics") or [])
    if not metrics:
        raise ValueError("the sweep has no metric")
    fig = Figure(figsize=(8, 0.6 + 3.4 * len(metrics)), layout="constrained")
    axes = fig.subplots(len(metrics), 1, squeeze=False)[:, 0]
    for ax, m in zip(axes, metrics):
        sweep_chart(d, m, ax=ax)
    fig.suptitle(title if title is not None else
                 "%s: sweep of %s\n%s replications at each point (common "
                 "random numbers), seed %s"
                 % (d.get("scenario", "?"), " x ".join(d["parameters"]),
                    d.get("replications", "?"), d.get("seed", "?")))
    fig.savefig(out, dpi=dpi, format="png")


if __name__ == "__main__":
    sys.exit(main())
