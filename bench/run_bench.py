#!/usr/bin/env python3
"""Benchmark shellsim against the NumPy peer and the hand-specialised loop.

    /usr/bin/python3 bench/run_bench.py [--runs 5] [--build build]
        [--scenario ../shared/scenarios/najin-dunay.ini]
        [--peer ../shared/bench/peer_numpy.py] [--skip-peer]

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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--scenario", default=os.path.join(SHARED, "scenarios", "najin-dunay.ini"))
    ap.add_argument("--peer", default=os.path.join(SHARED, "bench", "peer_numpy.py"))
    ap.add_argument("--skip-peer", action="store_true")
    args = ap.parse_args()
    sim = os.path.join(args.build, "cli", "shellsim")
    hand = os.path.join(args.build, "bench", "hand_loop")
    sc = args.scenario

    def shellsim(n, threads, series="all"):
        return [sim, "run", sc, "--reps", str(n), "--seed", "3", "--threads", str(threads), "--series", series,
                "--json"]

    rows = []

    def row(label, n, cmd, runs=args.runs):
        wall, rss = measure(cmd, runs)
        rows.append((label, n, wall, rss))
        print(f"  measured {label:44s} {n:>9,d}  {wall:8.3f} s  {rss:8.1f} MB", file=sys.stderr)
        return wall, rss

    peer = None
    if not args.skip_peer:
        peer = row("peer (NumPy)", 100000, ["/usr/bin/python3", args.peer, sc, "--reps", "100000", "--seed", "3"],
                   runs=max(1, min(args.runs, 3)))
    s100 = row("shellsim, 2 threads, all series", 100000, shellsim(100000, 2))
    s100_1 = row("shellsim, 1 thread, all series", 100000, shellsim(100000, 1))
    h1m = row("hand loop, 2 threads (per-day sums only)", 1000000, [hand, "1000000", "3", "2"])
    s1m = row("shellsim, 2 threads, all series", 1000000, shellsim(1000000, 2))
    s1m_none = row("shellsim, 2 threads, --series none", 1000000, shellsim(1000000, 2, "none"))
    s1m_1 = row("shellsim, 1 thread, all series", 1000000, shellsim(1000000, 1))
    s10k = row("shellsim, 2 threads, all series", 10000, shellsim(10000, 2))

    print(f"\nscenario {os.path.basename(sc)}, medians of {args.runs} runs (peer: {min(args.runs, 3)})\n")
    print(f"| configuration | replications | wall (s) | peak RSS (MB) |")
    print(f"|---|---:|---:|---:|")
    for label, n, wall, rss in rows:
        print(f"| {label} | {n:,d} | {wall:.3f} | {rss:.1f} |")
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


if __name__ == "__main__":
    main()
