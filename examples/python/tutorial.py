#!/usr/bin/python3
"""The analyst's tour of docs/tutorial.md, as one script: a scenario, its
tables as pandas DataFrames, a fan chart, a what-if, a sweep and a
sensitivity tornado, each printed and drawn.

    /usr/bin/python3 examples/python/tutorial.py [OUTDIR] [--reps N]
                     [--samples N] [--seed S] [--scenario FILE]

Writes OUTDIR/tutorial-fan.png, tutorial-whatif.png, tutorial-sweep.png and
tutorial-tornado.png (OUTDIR defaults to the current directory). The
pictures and numbers of docs/tutorial.md come from

    /usr/bin/python3 examples/python/tutorial.py docs/img

(10,000 replications, 1,024 sensitivity samples, seed 1). Needs numpy,
pandas and matplotlib (Debian: python3-numpy, python3-pandas,
python3-matplotlib).
"""

import argparse
import os

import pandas as pd
from matplotlib.figure import Figure  # draws to a file without pyplot

import _common
import shellsim
from shellsim.plot import fan_chart, tornado_chart

SERIES = "russia.extra"          # rounds a day Russia fires on top of its base
METRIC = "russia.extra_per_day"  # the same, averaged over the horizon
WHAT_IF = {"nk.loss_rate": 0.05}  # what if only 5% of the shells were duds?


def section(title):
    print("\n== %s" % title)


def save(fig, outdir, name):
    path = os.path.join(outdir, name)
    fig.savefig(path, dpi=110)
    print("wrote", path)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir", nargs="?", default=".")
    p.add_argument("--reps", type=int, default=10000)
    p.add_argument("--samples", type=int, default=1024)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scenario", default=_common.scenario_path("najin-dunay"))
    a = p.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    pd.set_option("display.width", 120)
    pd.set_option("display.float_format", "{:.5g}".format)

    # 1. The scenario and its uncertain inputs.
    section("1. the scenario")
    scenario = shellsim.Scenario.from_file(a.scenario)
    print(scenario)
    for name, expr in scenario.parameters.items():
        if name.startswith("nk.") and not expr[0].isdigit():
            print("  %-24s %s" % (name, expr))

    # 2. A run, and its statistics as DataFrames.
    section("2. a run as DataFrames")
    result = scenario.run(replications=a.reps, seed=a.seed, keep_paths=20)
    print(result)
    metrics = result.metrics_frame()
    print(metrics.loc[[METRIC, "nk.fire_share", "nk.containers"],
                      ["mean", "ci95_lo", "ci95_hi", "p05", "p95"]])
    wide = result.series_frame([SERIES, "nk.containers_cum"], bands=("p05", "p50", "p95"))
    print(wide.asfreq("QS"))  # the first day of each quarter

    # 3. A fan chart, with 20 single runs over the bands.
    section("3. a fan chart")
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    ax = fig.subplots()
    fan_chart(result, SERIES, ax=ax, paths=20, label="extra fire")
    ax.set_title("%s: %s, %d replications (20 runs drawn)"
                 % (result.scenario_name, SERIES, result.replications), loc="left")
    save(fig, a.outdir, "tutorial-fan.png")

    # 4. A what-if: the same scenario with one key set, on the same
    # replications (common random numbers), so the difference is paired.
    section("4. a what-if with with_values")
    better = scenario.with_values(WHAT_IF)
    c = shellsim.compare(scenario, better, replications=a.reps, seed=a.seed)
    diff = c.to_frame().xs("diff", level="arm")
    print(diff.loc[[METRIC, "nk.fire_share"], ["mean", "ci95_lo", "ci95_hi",
                                                 "variance_ratio"]])
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    ax = fig.subplots()
    fan_chart(result, SERIES, ax=ax, label="as written", color="tab:blue")
    with better.run(replications=a.reps, seed=a.seed, series=[SERIES]) as rb:
        fan_chart(rb, SERIES, ax=ax, label="loss_rate = 0.05", color="tab:red")
    ax.set_title("What if only 5% of North Korea's shells were duds?", loc="left")
    save(fig, a.outdir, "tutorial-whatif.png")

    # 5. A sweep: the response of the metric over a grid of one key (here:
    # the day North Korea stops shipping), every point on the same
    # replications, so each step from one point to the next is paired.
    section("5. a sweep")
    sw = shellsim.sweep(scenario, param="nk.stop_day=60:510:50",
                        metrics=[METRIC], replications=a.reps, seed=a.seed)
    print(sw)
    frame = sw.to_frame().set_index("nk.stop_day")
    steps = {"step_mean(nk.stop_day)": "step", "step_ci95_lo(nk.stop_day)": "step_lo",
             "step_ci95_hi(nk.stop_day)": "step_hi"}
    print(frame[["mean", "ci95_lo", "ci95_hi"] + list(steps)].rename(columns=steps))
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = sw.plot(METRIC, ax=fig.subplots())
    ax.set_xlabel("nk.stop_day (no ship leaves on or after it; day 0 = 2023-08-01)")
    save(fig, a.outdir, "tutorial-sweep.png")

    # 6. Which inputs matter: Sobol indices and a tornado.
    section("6. sensitivity and a tornado")
    sa = shellsim.sensitivity(scenario, METRIC, samples=a.samples, seed=a.seed)
    print("noise share %.3f" % sa.noise_share)
    print(sa.to_frame().loc[sa.ranking()[:5],
                            ["first_order", "total", "tornado_low", "tornado_high"]])
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    tornado_chart(sa, ax=fig.subplots(), max_parameters=6)
    save(fig, a.outdir, "tutorial-tornado.png")

    result.close()
    scenario.close()
    better.close()


if __name__ == "__main__":
    main()
