#!/usr/bin/env python3
"""Benchmark shellsim against the NumPy peer and the hand-specialised loop.

    /usr/bin/python3 bench/run_bench.py [--runs 5] [--build build]
        [--scenario ../shared/scenarios/najin-dunay.ini]
        [--peer ../shared/bench/peer_numpy.py] [--skip-peer]
        [--baseline OTHER_BUILD] [--only v1|v2]
        [--v2-scenario scenarios/aid-gap.ini] [--v2-reps 100000]
        [--peer-reps 20000]
    /usr/bin/python3 bench/run_bench.py --check-aid-gap [--check-reps 10000]

Two benchmarks. v1: --scenario (default ../shared/scenarios/najin-dunay.ini,
a model v1 file) against the peer and bench/hand_loop.c, as below. v2:
scenarios/aid-gap.ini (model v2: schedules, active, window, target,
attribution) at --v2-reps replications, all series and --series none,
against the peer and bench/hand_loop_aid_gap.c (the targets: >= 25x the
peer, <= 2.0x the hand loop). The peer is timed at --peer-reps replications
and scaled linearly to --v2-reps when they differ (the output says so).
--baseline applies to v1 only (an older build need not load v2 files).

--check-aid-gap runs shellsim and the v2 hand loop on the same seed and
replications and checks that every metric's and every series' mean agrees:
exactly for whole-number ones, to 1e-12 relative for real ones.

With --baseline, every configuration runs alternately with OTHER_BUILD's
binaries and this build's (side by side: each run of one is next to a run
of the other, so the machine's drift falls on both), and both tables are
printed, with the ratio this build / baseline for each row.

Prints one table: configuration, replications, wall time (median of --runs),
peak RSS (median), and the ratios the scale issue sets targets for:
  - shellsim (2 threads, all series) vs the peer at 100,000 replications;
  - shellsim vs the hand loop (bench/hand_loop.c, same draws, per-day sums
    only) at 1,000,000 replications, all series and --series none;
  - shellsim with 2 threads vs 1.
A script, not a test: speed goals never live in the test suite.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(TOP, "..", "shared"))


def measure(cmd, runs):
    """Median wall seconds and median peak RSS (MB) of a command."""
    walls, rss = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.execvp(cmd[0], cmd)
        _, status, ru = os.wait4(pid, 0)
        walls.append(time.perf_counter() - t0)
        if status != 0:
            sys.exit(f"failed ({status}): {' '.join(cmd)}")
        rss.append(ru.ru_maxrss / 1024.0)
    return statistics.median(walls), statistics.median(rss)


def configurations(build, sc):
    """(label, replications, command) of each configuration, in table order."""
    sim = os.path.join(build, "cli", "shellsim")
    hand = os.path.join(build, "bench", "hand_loop")

    def shellsim(n, threads, series="all"):
        return [sim, "run", sc, "--reps", str(n), "--seed", "3", "--threads", str(threads), "--series", series,
                "--json"]

    return [
        ("shellsim, 2 threads, all series", 100000, shellsim(100000, 2)),
        ("shellsim, 1 thread, all series", 100000, shellsim(100000, 1)),
        ("hand loop, 2 threads (per-day sums only)", 1000000, [hand, "1000000", "3", "2"]),
        ("shellsim, 2 threads, all series", 1000000, shellsim(1000000, 2)),
        ("shellsim, 2 threads, --series none", 1000000, shellsim(1000000, 2, "none")),
        ("shellsim, 1 thread, all series", 1000000, shellsim(1000000, 1)),
        ("shellsim, 2 threads, all series", 10000, shellsim(10000, 2)),
    ]


def table(title, peer, rows):
    print(f"\n{title}\n")
    print("| configuration | replications | wall (s) | peak RSS (MB) |")
    print("|---|---:|---:|---:|")
    if peer:
        print(f"| peer (NumPy) | 100,000 | {peer[0]:.3f} | {peer[1]:.1f} |")
    for label, n, (wall, rss) in rows:
        print(f"| {label} | {n:,d} | {wall:.3f} | {rss:.1f} |")
    s100, s100_1, h1m, s1m, s1m_none, s1m_1, s10k = (r[2] for r in rows)
    print()
    if peer:
        print(f"- speed-up over the peer at 100,000 (2 threads, all series): {peer[0] / s100[0]:.1f}x  (target >= 25x)")
        print(f"- memory vs the peer at 100,000: {s100[1]:.0f} MB vs {peer[1]:.0f} MB")
    print(f"- vs the hand loop at 1,000,000, all series: {s1m[0] / h1m[0]:.2f}x  (target <= 2.0x)")
    print(f"- vs the hand loop at 1,000,000, --series none: {s1m_none[0] / h1m[0]:.2f}x  (target <= 1.3x)")
    print(f"- 2 threads vs 1: {s100_1[0] / s100[0]:.2f}x at 100,000; {s1m_1[0] / s1m[0]:.2f}x at 1,000,000"
          f"  (target >= 1.8x)")
    print(f"- peak RSS, 1,000,000 vs 10,000: {s1m[1]:.1f} MB vs {s10k[1]:.1f} MB "
          f"(bound: 1.25 x {s10k[1]:.1f} + 8 = {1.25 * s10k[1] + 8:.1f} MB)")


def v2_configurations(build, sc, n):
    sim = os.path.join(build, "cli", "shellsim")
    hand = os.path.join(build, "bench", "hand_loop_aid_gap")

    def shellsim(threads, series="all"):
        return [sim, "run", sc, "--reps", str(n), "--seed", "3", "--threads", str(threads), "--series", series,
                "--json"]

    return [
        ("hand loop, 2 threads (per-day sums only)", [hand, str(n), "3", "2"]),
        ("shellsim, 2 threads, all series", shellsim(2)),
        ("shellsim, 2 threads, --series none", shellsim(2, "none")),
        ("hand loop, 1 thread", ["taskset", "-c", "0", hand, str(n), "3", "1"]),
        ("shellsim, 1 thread, all series", ["taskset", "-c", "0"] + shellsim(1)),
    ]


def v2_bench(args):
    """The v2 aid-gap benchmark: configurations run alternately, run by run."""
    sc, n = args.v2_scenario, args.v2_reps
    confs = v2_configurations(args.build, sc, n)
    peer = None
    if not args.skip_peer:
        pn = args.peer_reps
        pw, prss = measure(["/usr/bin/python3", args.peer, sc, "--reps", str(pn), "--seed", "3"],
                           max(1, min(args.runs, 3)))
        peer = (pw * n / pn, prss, pn, pw)
        print(f"  measured {'peer (NumPy)':44s} {pn:>9,d}  {pw:8.3f} s  {prss:8.1f} MB", file=sys.stderr)
    walls = [[] for _ in confs]
    rsss = [[] for _ in confs]
    for _ in range(args.runs):
        for k, (_, cmd) in enumerate(confs):
            wall, rss = measure(cmd, 1)
            walls[k].append(wall)
            rsss[k].append(rss)
    med = [(statistics.median(w), statistics.median(r)) for w, r in zip(walls, rsss)]
    for (label, _), (w, r), ws in zip(confs, med, walls):
        print(f"  measured {label:44s} {n:>9,d}  {w:8.3f} s  {r:8.1f} MB  (runs: "
              + ", ".join(f"{x:.3f}" for x in ws) + ")", file=sys.stderr)
    print(f"\nv2: scenario {os.path.relpath(sc, TOP)}, {n:,d} replications, seed 3, medians of {args.runs} runs"
          f" (alternating){'' if peer is None else f'; peer: {min(args.runs, 3)} runs'}\n")
    print("| configuration | replications | wall (s) | peak RSS (MB) |")
    print("|---|---:|---:|---:|")
    if peer:
        scaled = "" if peer[2] == n else f" (measured {peer[3]:.3f} s at {peer[2]:,d}, scaled x{n / peer[2]:g})"
        print(f"| peer (NumPy){scaled} | {n:,d} | {peer[0]:.3f} | {peer[1]:.1f} (at {peer[2]:,d}) |")
    for (label, _), (w, r) in zip(confs, med):
        print(f"| {label} | {n:,d} | {w:.3f} | {r:.1f} |")
    hand2, all2, none2, hand1, all1 = (m[0] for m in med)
    print()
    if peer:
        print(f"- speed-up over the peer (2 threads, all series): {peer[0] / all2:.1f}x  (target >= 25x)"
              + ("" if peer[2] == n else f"; the peer timed at {peer[2]:,d} replications and scaled linearly"))
        print(f"- speed-up over the peer (2 threads, --series none): {peer[0] / none2:.1f}x")
    print(f"- vs the hand loop, 2 threads, all series: {all2 / hand2:.2f}x  (target <= 2.0x)")
    print(f"- vs the hand loop, 2 threads, --series none: {none2 / hand2:.2f}x")
    print(f"- vs the hand loop, 1 thread (taskset -c 0), all series: {all1 / hand1:.2f}x")
    print(f"- 2 threads vs 1: shellsim {all1 / all2:.2f}x, hand loop {hand1 / hand2:.2f}x")


def check_aid_gap(args):
    """shellsim's means against the v2 hand loop's: the same draws, so equal."""
    n = str(args.check_reps)
    sim = os.path.join(args.build, "cli", "shellsim")
    hand = os.path.join(args.build, "bench", "hand_loop_aid_gap")
    ours = json.loads(subprocess.run([sim, "run", args.v2_scenario, "--reps", n, "--seed", "3", "--series", "all",
                                      "--json"], check=True, capture_output=True, text=True).stdout)
    theirs = json.loads(subprocess.run([hand, n, "3", "2", "json"], check=True, capture_output=True,
                                       text=True).stdout)
    # real per run, or (per_day) a whole number's mean divided by H, rounded twice: to 1e-12 relative;
    # the rest are means of whole numbers, one rounding of an exact sum: equal
    real = ("fire_share", "extra_share", "fire_ratio", "fired", "_per_day")

    def agree(name, a, b):
        if a is None or b is None:
            return a is None and b is None, 0.0
        rel = abs(a - b) / max(abs(a), abs(b)) if a != b else 0.0
        return (rel <= 1e-12 if name.endswith(real) else rel == 0.0), rel

    failed = []
    print(f"v2 check: {os.path.relpath(args.v2_scenario, TOP)}, {n} replications, seed 3: "
          "shellsim run --json means vs bench/hand_loop_aid_gap")
    for name, st in ours["metrics"].items():
        ok, rel = agree(name, st["mean"], theirs["metrics"].get(name))
        note = ""
        if not ok and name.endswith(".fired"):
            # shellsim 0.2.0 summarises NAME.fired as a whole number (libsim/outputs.c, METRICS: real = 0),
            # so its mean sums each run's value truncated; the hand loop prints that sum too
            tr = theirs["metrics"].get(name + " (each run truncated)")
            if tr is not None and tr == st["mean"]:
                note = (f"  <-- differs ({rel:.2e} rel.); equals the hand loop's mean of each run's value "
                        "truncated: libsim/outputs.c summarises NAME.fired as whole (real = 0)")
        if not ok:
            failed.append(name)
        print(f"  {'ok  ' if ok else 'DIFF'} metric {name:34s} {st['mean']!r:>24} {theirs['metrics'].get(name)!r:>24}"
              f"{'' if rel == 0 else f'  rel {rel:.1e}'}{note}")
    for name, st in ours["series"].items():
        hs = theirs["series"].get(name)
        if hs is None:
            failed.append(name)
            print(f"  DIFF series {name}: missing from the hand loop")
            continue
        worst, wday, ok_all = 0.0, None, True
        for d, (a, b) in enumerate(zip(st["mean"], hs)):
            ok, rel = agree(name, a, b)
            ok_all &= ok
            if not ok or rel > worst:
                worst, wday = (rel if rel else 1.0), d
        ok_all &= len(st["mean"]) == len(hs)
        if not ok_all:
            failed.append(name)
        print(f"  {'ok  ' if ok_all else 'DIFF'} series {name:34s} {len(hs)} days"
              + (f", largest difference {worst:.1e} rel. (day {wday})" if worst else ", every day equal"))
    for name in theirs["series"]:
        if name not in ours["series"]:
            failed.append(name)
            print(f"  DIFF series {name}: missing from shellsim")
    print(f"{len(failed)} differing: {', '.join(failed) if failed else 'none'}")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--baseline", help="another build directory to run side by side")
    ap.add_argument("--scenario", default=os.path.join(SHARED, "scenarios", "najin-dunay.ini"))
    ap.add_argument("--peer", default=os.path.join(SHARED, "bench", "peer_numpy.py"))
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--only", choices=("v1", "v2"), help="run one of the two benchmarks")
    ap.add_argument("--v2-scenario", default=os.path.join(TOP, "scenarios", "aid-gap.ini"))
    ap.add_argument("--v2-reps", type=int, default=100000)
    ap.add_argument("--peer-reps", type=int, default=20000,
                    help="the peer's replications in the v2 benchmark (scaled linearly to --v2-reps)")
    ap.add_argument("--check-aid-gap", action="store_true",
                    help="check the v2 hand loop's means against shellsim's, then stop")
    ap.add_argument("--check-reps", type=int, default=10000)
    args = ap.parse_args()
    if args.check_aid_gap:
        return check_aid_gap(args)
    if args.only != "v1":
        v2_bench(args)
    if args.only == "v2":
        return 0
    sc = args.scenario
    builds = [args.build] + ([args.baseline] if args.baseline else [])
    peer = None
    if not args.skip_peer:
        peer = measure(["/usr/bin/python3", args.peer, sc, "--reps", "100000", "--seed", "3"],
                       max(1, min(args.runs, 3)))
        print(f"  measured {'peer (NumPy)':44s} {100000:>9,d}  {peer[0]:8.3f} s  {peer[1]:8.1f} MB", file=sys.stderr)
    confs = [configurations(b, sc) for b in builds]
    results = [[] for _ in builds]
    for k in range(len(confs[0])):
        walls = [[] for _ in builds]
        rsss = [[] for _ in builds]
        for _ in range(args.runs):  # alternately, run by run
            for i in range(len(builds)):
                wall, rss = measure(confs[i][k][2], 1)
                walls[i].append(wall)
                rsss[i].append(rss)
        for i in range(len(builds)):
            label, n, _ = confs[i][k]
            med = (statistics.median(walls[i]), statistics.median(rsss[i]))
            results[i].append((label, n, med))
            print(f"  measured {label:44s} {n:>9,d}  {med[0]:8.3f} s  {med[1]:8.1f} MB  ({builds[i]})",
                  file=sys.stderr)
    print(f"\nscenario {os.path.basename(sc)}, medians of {args.runs} runs (peer: {min(args.runs, 3)})"
          + (", side by side with the baseline, run by run" if args.baseline else ""))
    table(f"this build ({args.build})", peer, results[0])
    if args.baseline:
        table(f"baseline ({args.baseline})", peer, results[1])
        print("\n| configuration | replications | this build / baseline (wall) |")
        print("|---|---:|---:|")
        for (label, n, a), (_, _, b) in zip(results[0], results[1]):
            print(f"| {label} | {n:,d} | {a[0] / b[0]:.3f} |")


if __name__ == "__main__":
    sys.exit(main())
