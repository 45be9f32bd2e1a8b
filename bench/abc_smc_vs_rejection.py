#!/usr/bin/env python3
"""abc_smc_vs_rejection.py: model runs per effective posterior sample of
ABC-SMC against rejection ABC on the same problem (issue 14).

Two problems (CASE):
calib (the default): a Najin-like pipeline whose per-run keys (first_day,
shells_per_container, loss_rate, detect_prob) drive the observed series
(shipments seen by 1 Nov 2023 = 20 +- 1, shells delivered by 31 Dec 2023 =
2.8M +- 30k, shells shipped by then at most 3.5M), so both methods
converge to the same posterior.
najin: the worked case, scenarios/inference-najin.ini with its 2023
observations (inference-najin.obs): ten parameters, a per-run pace and
cargo, rejection accepting about 5%.
najin-all: the same scenario with the 2023 observations and the 2024
counts (inference-najin-heldout.obs) together, seven observations:
rejection accepts about 0.2%.

Prints one row per method: model runs, acceptance (samples / runs),
effective sample size, runs per ESS, wall and CPU time (CPU: every thread
of the process), and the posterior mean +- standard error (sd / sqrt(ESS))
of each parameter; then the check of issue 14: SMC's posterior means
within 2 standard errors of the difference of rejection's, and SMC using
at least 5 times fewer model runs.

    PYTHONPATH=bindings/python /usr/bin/python3 bench/abc_smc_vs_rejection.py [N] [THREADS] [CASE]
"""
import math
import os
import sys
import time

import shellsim

SCENARIO = """\
[scenario]
name = calib
horizon_days = 153
start_date = 2023-08-01
[side russia]
base_fire_per_day = 5000
[pipeline nk]
to = russia
supplier_stock = 1e8
first_day = uniform(0, 14)
interval_days = 3.5
containers = 230
shells_per_container = pert(250, 350, 500)
transit_days = 10
loss_rate = pert(0.05, 0.2, 0.5)
detect_prob = uniform(0.24, 1)
"""

OBSERVATIONS = [
    {"name": "seen", "series": "nk.seen_shipments_cum", "date": "2023-11-01",
     "value": 20, "tolerance": 1},
    {"name": "shells", "series": "nk.delivered_cum", "date": "2023-12-31",
     "value": 2800000, "tolerance": 30000},
    {"name": "shipped", "series": "nk.shipped_cum", "date": "2023-12-31",
     "value": 3500000, "kind": "at_most"},
]


def problem(case):
    """(scenario, observations) of a case."""
    if case == "calib":
        return SCENARIO, OBSERVATIONS
    if case == "najin":
        top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                           "scenarios")
        return (os.path.join(top, "inference-najin.ini"),
                os.path.join(top, "inference-najin.obs"))
    if case == "najin-all":
        ini, obs = problem("najin")
        held = obs.replace("inference-najin.obs", "inference-najin-heldout.obs")
        with open(obs) as a, open(held) as b:
            return ini, a.read() + "\n" + b.read()
    raise SystemExit("CASE is calib, najin or najin-all, not %r" % case)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    case = sys.argv[3] if len(sys.argv) > 3 else "calib"
    scenario, observations = problem(case)
    rows = []
    for method in ("rejection", "smc"):
        t0, c0 = time.perf_counter(), time.process_time()
        inf = shellsim.infer(scenario, observations, accept=n, seed=1,
                             max_tries=20000000, pilot=0, threads=threads,
                             method=method, series=False)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        post = {k: (v["posterior"]["mean"], v["posterior"]["sem"])
                for k, v in inf["parameters"].items()}
        rows.append((method, inf["tried"], n / inf["tried"], inf.ess,
                     inf["tried"] / inf.ess, wall, cpu, post,
                     len(inf.generations)))
        inf.close()
    names = list(rows[0][7])
    head = ("| method | model runs | acceptance | ESS | runs per ESS | "
            "wall time | CPU time |")
    head += "".join(" %s |" % k for k in names)
    print(head)
    print("|" + "---|" * (7 + len(names)))
    for m, runs, acc, ess, rpe, wall, cpu, post, ngen in rows:
        line = "| %s | %d | %.3g%% | %.0f | %.1f | %.2f s | %.2f s |" % (
            m if m == "rejection" else "smc (%d generations)" % ngen,
            runs, 100 * acc, ess, rpe, wall, cpu)
        line += "".join(" %.4g ± %.2g |" % post[k] for k in names)
        print(line)
    print("\nrejection / smc: %.1fx the model runs, %.1fx the runs per ESS"
          % (rows[0][1] / rows[1][1], rows[0][4] / rows[1][4]))
    rej, smc = rows[0][7], rows[1][7]
    worst, agree = 0.0, True
    for k in names:
        z = abs(rej[k][0] - smc[k][0]) / math.hypot(rej[k][1], smc[k][1])
        worst = max(worst, z)
        agree = agree and z <= 2
    fewer = rows[0][1] >= 5 * rows[1][1]
    print("means within 2 SE of the difference: %s (largest %.2f SE); "
          "SMC >= 5x fewer model runs: %s"
          % ("yes" if agree else "no", worst, "yes" if fewer else "no"))


if __name__ == "__main__":
    main()
