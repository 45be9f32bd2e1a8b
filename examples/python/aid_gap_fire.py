#!/usr/bin/python3
"""Russia's and Ukraine's fire in the aid-gap scenario (US aid stops on
30 Dec 2023 and resumes on 24 Apr 2024; model v2): each side's mean daily
fire by source with the fan of its total fire, Ukraine's shortfall of the
rounds it wants to fire, and the daily fire ratio; the figures printed.

    /usr/bin/python3 examples/python/aid_gap_fire.py [OUT.png] [--reps N] [--seed S]

OUT.png defaults to aid-gap-fire.png in the current directory.
"""

import argparse
import datetime

from matplotlib.figure import Figure  # draws to a file without pyplot

import _common
import shellsim
from shellsim.plot import fan_chart, fire_by_source, shortfall_chart, source_chart

# The US aid gap of aid-gap.ini ([pipeline us] active@...): marked on the plot.
GAP = (datetime.date(2023, 12, 30), datetime.date(2024, 4, 24))


def day_text(day, result):
    """A day (a quantile: rounded) as its date, or "never" at the horizon."""
    if day >= result.horizon_days:
        return "never"
    day = int(round(day))
    if result.start_date is None:
        return "day %d" % day
    return "%s (day %d)" % (result.start_date + datetime.timedelta(days=day), day)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", nargs="?", default="aid-gap-fire.png")
    p.add_argument("--reps", type=int, default=10000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scenario", default=_common.scenario_path("aid-gap"))
    a = p.parse_args()

    ratio = "russia/ukraine.fire_ratio"
    with shellsim.Scenario.from_file(a.scenario) as scenario:
        sides = scenario.sides  # {side: {"policy", "pipelines"}}
        series = [ratio, "ukraine.shortfall"]
        for side in ("russia", "ukraine"):  # what fire_by_source reads
            series += [side + ".fire", side + ".extra"]
            series += [q + ".fired_cum" for q in sides[side]["pipelines"]]
        result = scenario.run(replications=a.reps, seed=a.seed, series=series)
    with result:
        m = result.metrics
        print("%s: %d replications, seed %d" % (result.scenario_name,
                                                 result.replications, result.seed))
        for side in ("russia", "ukraine"):
            f = m[side + ".fire_per_day"]
            print("%-21s mean %8.0f  (p05 %.0f, p95 %.0f)"
                  % (side + ".fire_per_day", f["mean"], f["p05"], f["p95"]))
            shares = ["%s %.3f" % (q, m[q + ".fire_share"]["mean"])
                      for q in sides[side]["pipelines"]]
            piped = sum(m[q + ".fire_share"]["mean"] for q in sides[side]["pipelines"])
            extra = m[side + ".extra_share"]["mean"]
            shares += ["own %.3f" % max(extra - piped, 0.0),
                       "base %.3f" % max(1.0 - extra, 0.0)]
            print("  share of %s's fire (mean): %s" % (side, ", ".join(shares)))
        nk = m["nk.fire_share"]
        print("North Korea's share of Russia's fire: %.3f (p05 %.3f, p95 %.3f)"
              % (nk["mean"], nk["p05"], nk["p95"]))
        first, days, short = (m["ukraine.first_short_day"], m["ukraine.short_days"],
                              m["ukraine.shortfall"])
        print("Ukraine first runs short: median %s, 90%% %s .. %s"
              % (day_text(first["p50"], result), day_text(first["p05"], result),
                 day_text(first["p95"], result)))
        print("Ukraine short on %.0f days (p05 %.0f, p95 %.0f), by %.2fM rounds "
              "(p05 %.2fM, p95 %.2fM)"
              % (days["mean"], days["p05"], days["p95"], short["mean"] / 1e6,
                 short["p05"] / 1e6, short["p95"] / 1e6))
        fr = m[ratio]
        print("mean fire ratio Russia/Ukraine over the horizon: %.2f "
              "(95%% CI %.2f .. %.2f; %d runs undefined)"
              % (fr["mean"], fr["ci95"][0], fr["ci95"][1], fr["undefined"]))
        ru, ua = m["russia.fire_per_day"], m["ukraine.fire_per_day"]
        print("ratio of the mean daily fires: %.2f" % (ru["mean"] / ua["mean"]))
        gap = fire_by_source(result, "ukraine")
        start = result.start_date
        if start is not None:
            d0, d1 = ((g - start).days for g in GAP)
            print("Ukraine's mean daily fire in the gap (%s .. %s): %s"
                  % (GAP[0], GAP[1] - datetime.timedelta(days=1),
                     ", ".join("%s %.0f" % (k, v[d0:d1].mean()) for k, v in gap.items()
                               if k != "base")))

        fig = Figure(figsize=(11, 13), layout="constrained")
        axes = fig.subplots(4, 1, sharex=True, height_ratios=[2, 2, 1.2, 1.2])
        source_chart(result, "russia", ax=axes[0])
        source_chart(result, "ukraine", ax=axes[1])
        shortfall_chart(result, "ukraine", ax=axes[2])
        fan_chart(result, ratio, ax=axes[3], label="Russia / Ukraine",
                  color="tab:purple")
        axes[3].set_yscale("log")  # about 3 outside the gap, up to ~100 in it
        axes[3].set_ylabel("fire ratio (log)")
        axes[3].set_title("Daily fire ratio", loc="left", fontsize="medium")
        axes[3].legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
        for ax in axes[:-1]:
            ax.set_xlabel("")
        if start is not None:
            for ax in axes:
                for g in GAP:
                    ax.axvline(g, color="0.2", linestyle=":", linewidth=1)
            axes[1].annotate(" US aid gap", (GAP[0], axes[1].get_ylim()[1]),
                             va="top", fontsize="small", color="0.3")
        fig.suptitle("%s: %d replications, seed %d"
                     % (result.scenario_name, result.replications, result.seed))
        fig.savefig(a.out, dpi=120)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
