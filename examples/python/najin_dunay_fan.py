#!/usr/bin/python3
"""Run the Najin-Dunay scenario and draw the fan chart of Russia's extra
daily fire (the North Korean shells fired each day, under policy = window:
each delivery fired evenly over window_days), with Russia's mean daily fire
by source below (its own fire and North Korea's; model v2).

    /usr/bin/python3 examples/python/najin_dunay_fan.py [OUT.png] [--reps N] [--seed S]

OUT.png defaults to najin-dunay-fan.png in the current directory.
"""

import argparse

from matplotlib.figure import Figure  # draws to a file without pyplot

import _common
import shellsim
from shellsim.plot import fan_chart, source_chart


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", nargs="?", default="najin-dunay-fan.png")
    p.add_argument("--reps", type=int, default=10000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scenario", default=_common.scenario_path("najin-dunay"))
    a = p.parse_args()

    with shellsim.Scenario.from_file(a.scenario) as scenario:
        result = scenario.run(replications=a.reps, seed=a.seed,
                              series=["russia.extra", "russia.fire",
                                      "nk.fired_cum"])
    with result:
        m = result.metrics
        e, f, s = m["russia.extra_per_day"], m["russia.fire_per_day"], m["nk.fire_share"]
        print("%s: %d replications, seed %d" % (result.scenario_name,
                                                 result.replications, result.seed))
        print("russia.extra_per_day: mean %.0f (95%% CI %.0f .. %.0f), "
              "90%% of runs in %.0f .. %.0f shells/day"
              % (e["mean"], e["ci95"][0], e["ci95"][1], e["p05"], e["p95"]))
        print("russia.fire_per_day:  mean %.0f, 90%% of runs in %.0f .. %.0f"
              % (f["mean"], f["p05"], f["p95"]))
        print("nk.fire_share (North Korea's share of Russia's fire): mean %.3f, "
              "90%% of runs in %.3f .. %.3f" % (s["mean"], s["p05"], s["p95"]))
        print("nk within the horizon (means): %.2fM shells shipped, %.2fM usable "
              "delivered, %.2fM fired" % tuple(m["nk." + k]["mean"] / 1e6 for k in
                                               ("shipped", "delivered", "fired")))

        fig = Figure(figsize=(10, 8), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True)
        fan_chart(result, "russia.extra", ax=top, label="extra rounds/day",
                  title="%s: Russia's extra fire from imported shells"
                        % result.scenario_name)
        top.set_xlabel("")
        source_chart(result, "russia", ax=bottom)
        fig.savefig(a.out, dpi=120)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
