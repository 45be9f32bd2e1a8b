#!/usr/bin/env python3
"""abc_smc_vs_rejection.py: model runs per effective posterior sample of
ABC-SMC against rejection ABC on the same problem (issue 14).

The problem: a Najin-like pipeline whose per-run keys (first_day,
shells_per_container, loss_rate, detect_prob) drive the observed series
(shipments seen by 1 Nov 2023 = 20 +- 1, shells delivered by 31 Dec 2023 =
2.8M +- 30k, shells shipped by then at most 3.5M), so both methods
converge to the same posterior. Prints one row per method: model runs,
acceptance (samples / runs), effective sample size, runs per ESS, wall
time, and the posterior mean +- standard error (sd / sqrt(ESS)) of each
parameter.

    PYTHONPATH=bindings/python /usr/bin/python3 bench/abc_smc_vs_rejection.py [N] [THREADS]
"""
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


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    rows = []
    for method in ("rejection", "smc"):
        t0 = time.perf_counter()
        inf = shellsim.infer(SCENARIO, OBSERVATIONS, accept=n, seed=1,
                             max_tries=20000000, pilot=0, threads=threads,
                             method=method, series=False)
        wall = time.perf_counter() - t0
        post = {k: (v["posterior"]["mean"], v["posterior"]["sem"])
                for k, v in inf["parameters"].items()}
        rows.append((method, inf["tried"], n / inf["tried"], inf.ess,
                     inf["tried"] / inf.ess, wall, post))
        inf.close()
    names = list(rows[0][6])
    head = "| method | model runs | acceptance | ESS | runs per ESS | wall time |"
    head += "".join(" %s |" % k for k in names)
    print(head)
    print("|" + "---|" * (6 + len(names)))
    for m, runs, acc, ess, rpe, wall, post in rows:
        line = "| %s | %d | %.3g%% | %.0f | %.1f | %.2f s |" % (
            m, runs, 100 * acc, ess, rpe, wall)
        line += "".join(" %.4g ± %.2g |" % post[k] for k in names)
        print(line)
    print("\nrejection / smc: %.1fx the model runs, %.1fx the runs per ESS"
          % (rows[0][1] / rows[1][1], rows[0][4] / rows[1][4]))


if __name__ == "__main__":
    main()
