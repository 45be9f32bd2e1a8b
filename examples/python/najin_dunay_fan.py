#!/usr/bin/python3
"""Run the Najin-Dunay scenario and draw the fan chart of Russia's extra
daily fire (the imported shells fired each day).

    /usr/bin/python3 examples/python/najin_dunay_fan.py [OUT.png] [--reps N] [--seed S]

OUT.png defaults to najin-dunay-fan.png in the current directory.
"""

import argparse

import _common
import shellsim
from shellsim.plot import fan_chart


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", nargs="?", default="najin-dunay-fan.png")
    p.add_argument("--reps", type=int, default=10000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scenario", default=_common.scenario_path("najin-dunay"))
    a = p.parse_args()

    with shellsim.Scenario.from_file(a.scenario) as scenario:
        result = scenario.run(replications=a.reps, seed=a.seed,
                              series=["russia.extra"])
    with result:
        m = result.metrics["russia.extra_per_day"]
        print("%s: %d replications, seed %d" % (result.scenario_name,
                                                 result.replications, result.seed))
        print("russia.extra_per_day: mean %.0f (95%% CI %.0f .. %.0f), "
              "90%% of runs in %.0f .. %.0f shells/day"
              % (m["mean"], m["ci95"][0], m["ci95"][1], m["p05"], m["p95"]))
        ax = fan_chart(result, "russia.extra", label="extra rounds/day",
                       title="%s: Russia's extra fire from imported shells"
                             % result.scenario_name)
        ax.figure.savefig(a.out, dpi=120)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
