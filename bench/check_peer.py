#!/usr/bin/env python3
"""Check shellsim's metrics against the NumPy peer, scenario by scenario.

    bench/check_peer.py [--reps N] [--seed S] [--shellsim build/cli/shellsim]
                        [--peer ../shared/bench/peer_numpy.py] [SCENARIO ...]

Default scenarios: every .ini in ../shared/scenarios. Every output of the peer (v1's
and v2's) is compared; --v1-outputs limits both to v1's (for a build before 0.3.0). Both programs print the
JSON of the CLI contract (README.md, "Command line"); their random streams differ, so they agree
in distribution: each metric's mean within 5 combined standard errors
(sqrt(sem_a^2 + sem_b^2)), and its sd within 5 normal-theory standard errors
of an sd (sd / sqrt(2(n-1)) each, combined) or, for heavy-tailed metrics
where that error is too small (exhausted_day), within 5 percent (the peer README: "sd within a few percent"). Differences
below 1e-9 relative (the peer's floating-point noise on exact values) count
as none. Prints one line per metric and the
largest deviation in standard errors; exits 1 if any check fails.

Not part of the test suite: a user's clone has no ../shared. Needs numpy
for the peer: run it with Debian's /usr/bin/python3.
"""
import argparse
import glob
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(TOP, "..", "shared"))


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenarios", nargs="*")
    ap.add_argument("--reps", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--shellsim", default=os.path.join(TOP, "build", "cli", "shellsim"))
    ap.add_argument("--peer", default=os.path.join(SHARED, "bench", "peer_numpy.py"))
    ap.add_argument("--limit", type=float, default=5.0, help="allowed deviation in standard errors")
    ap.add_argument("--v1-outputs", action="store_true",
                    help="compare v1's outputs only (the peer runs with --v1-outputs): for a shellsim "
                         "before 0.3.0, which has no v2 outputs")
    ap.add_argument("--all-outputs", action="store_true",
                    help="(the default since 0.3.0; kept for old command lines)")
    args = ap.parse_args()
    scenarios = args.scenarios or sorted(glob.glob(os.path.join(SHARED, "scenarios", "*.ini")))
    worst_all, failed = 0.0, 0
    for sc in scenarios:
        ours = run_json([args.shellsim, "run", sc, "--reps", str(args.reps), "--seed", str(args.seed),
                         "--series", "none", "--json"])
        peer = run_json(["/usr/bin/python3", args.peer, sc, "--reps", str(args.reps), "--seed", str(args.seed + 1)]
                        + (["--v1-outputs"] if args.v1_outputs else []))
        print(f"== {os.path.basename(sc)}: {args.reps} replications each")
        print(f"   {'metric':28s} {'shellsim mean':>16s} {'peer mean':>16s} {'z(mean)':>8s} {'z(sd)':>8s}")
        worst = 0.0
        for name, a in ours["metrics"].items():
            b = peer["metrics"].get(name)
            if b is None:
                print(f"   {name:28s} missing from the peer")
                continue
            se = math.hypot(a["sem"] or 0.0, b["sem"] or 0.0)
            dm = a["mean"] - b["mean"]
            if abs(dm) <= 1e-9 * max(abs(a["mean"]), abs(b["mean"])):
                dm = 0.0
            zm = 0.0 if dm == 0 else (abs(dm) / se if se > 0 else math.inf)
            sa, sb = a["sd"] or 0.0, b["sd"] or 0.0
            se_sd = math.hypot(sa, sb) / math.sqrt(2 * (min(a["n"], b["n"]) - 1))
            ds = sa - sb
            if abs(ds) <= 1e-9 * max(abs(a["mean"]), abs(b["mean"]), sa, sb):
                ds = 0.0
            zs = 0.0 if ds == 0 else (abs(ds) / se_sd if se_sd > 0 else math.inf)
            rel_sd = abs(ds) / max(sa, sb) if ds else 0.0
            sd_ok = zs <= args.limit or rel_sd <= 0.05
            flag = "" if zm <= args.limit and sd_ok else "  <-- FAIL"
            if zm <= args.limit and zs > args.limit and sd_ok:
                flag = f"  (sd {100 * rel_sd:.1f}% apart)"
            failed += bool(flag)
            worst = max(worst, zm)
            print(f"   {name:28s} {a['mean']:16.6g} {b['mean']:16.6g} {zm:8.2f} {zs:8.2f}{flag}")
        for name in peer["metrics"]:
            if name not in ours["metrics"]:
                print(f"   {name:28s} missing from shellsim  <-- FAIL")
                failed += 1
        print(f"   largest deviation of a mean: {worst:.2f} standard errors")
        worst_all = max(worst_all, worst)
    print(f"overall largest deviation: {worst_all:.2f} SE; {failed} failing checks")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
