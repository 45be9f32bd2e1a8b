#!/usr/bin/python3
"""Compare Russia's and Ukraine's daily fire in the aid-gap scenario (US aid
stops on day 151, 30 Dec 2023): both fan charts on one axis, the daily fire
ratio below, and the mean ratio printed.

    /usr/bin/python3 examples/python/aid_gap_fire.py [OUT.png] [--reps N] [--seed S]

OUT.png defaults to aid-gap-fire.png in the current directory.
"""

import argparse

from matplotlib.figure import Figure  # draws to a file without pyplot

import _common
import shellsim
from shellsim.plot import fan_chart


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", nargs="?", default="aid-gap-fire.png")
    p.add_argument("--reps", type=int, default=10000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scenario", default=_common.scenario_path("aid-gap"))
    a = p.parse_args()

    ratio = "russia/ukraine.fire_ratio"
    with shellsim.Scenario.from_file(a.scenario) as scenario, \
            scenario.run(replications=a.reps, seed=a.seed,
                         series=["russia.fire", "ukraine.fire", ratio]) as result:
        m = result.metrics
        ru, ua, fr = (m["russia.fire_per_day"], m["ukraine.fire_per_day"], m[ratio])
        print("%s: %d replications, seed %d" % (result.scenario_name,
                                                 result.replications, result.seed))
        print("russia.fire_per_day   mean %8.0f  (p05 %.0f, p95 %.0f)"
              % (ru["mean"], ru["p05"], ru["p95"]))
        print("ukraine.fire_per_day  mean %8.0f  (p05 %.0f, p95 %.0f)"
              % (ua["mean"], ua["p05"], ua["p95"]))
        print("mean fire ratio Russia/Ukraine over the year: %.2f "
              "(95%% CI %.2f .. %.2f; %d runs undefined)"
              % (fr["mean"], fr["ci95"][0], fr["ci95"][1], fr["undefined"]))
        print("ratio of the mean daily fires: %.2f" % (ru["mean"] / ua["mean"]))

        fig = Figure(figsize=(10, 7.5), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[2, 1])
        fan_chart(result, "russia.fire", ax=top, label="Russia", color="tab:red")
        fan_chart(result, "ukraine.fire", ax=top, label="Ukraine",
                  color="tab:blue")
        top.set_yscale("log")  # Ukraine's ~2,000 a day beside Russia's ~15,000
        top.set_title("Rounds fired per day (log scale)")
        top.set_xlabel("")
        fan_chart(result, ratio, ax=bottom, label="Russia / Ukraine",
                  color="tab:purple")
        bottom.set_ylabel("fire ratio")
        bottom.set_title("Daily fire ratio")
        if result.start_date is not None:
            import datetime
            gap = result.start_date + datetime.timedelta(days=151)
            for ax in (top, bottom):
                ax.axvline(gap, color="0.3", linestyle=":", linewidth=1)
            top.annotate(" US funds run out", (gap, top.get_ylim()[1]),
                         va="top", fontsize="small", color="0.3")
        fig.suptitle("%s: %d replications, seed %d"
                     % (result.scenario_name, result.replications, result.seed))
        fig.savefig(a.out, dpi=120)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
