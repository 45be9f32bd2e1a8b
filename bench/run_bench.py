#!/usr/bin/env python3
"""Benchmark shellsim against the NumPy peer and the hand-specialised loop.

    /usr/bin/python3 bench/run_bench.py [--runs 5] [--build build]
        [--scenario ../shared/scenarios/najin-dunay.ini]
        [--peer ../shared/bench/peer_numpy.py] [--skip-peer]
        [--baseline OTHER_BUILD]

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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--baseline", help="another build directory to run side by side")
    ap.add_argument("--scenario", default=os.path.join(SHARED, "scenarios", "najin-dunay.ini"))
    ap.add_argument("--peer", default=os.path.join(SHARED, "bench", "peer_numpy.py"))
    ap.add_argument("--skip-peer", action="store_true")
    args = ap.parse_args()
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
    main()
