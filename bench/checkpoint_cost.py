#!/usr/bin/python3
"""The cost of checkpointing every second (issue 16: at most 3% of a
1,000,000-replication run), on this machine.

  bench/checkpoint_cost.py [BUILD_DIR] [--pairs P] [--reps N] [--threads T,...]
                           [--series S] [--every SECONDS]

For each thread count (default 2 and 1), P pairs (default 5) of the same
run of najin-dunay (N replications, default 1,000,000; all series unless
--series), one without --checkpoint and one with `--checkpoint FILE
--checkpoint-every 1`, alternately (so that the load of a shared machine
falls on both alike), the one without first in odd pairs and second in
even ones (so that a drift within a pair, such as a core's clock falling
as it heats, falls on both alike too). Each run's CPU time (user + system, of the process
and its threads) and wall time; the medians and their ratios (the cost),
the checkpoints written (counted from the file's changes), and whether
every output is byte for byte that of the first run without.

Not a test: nothing is asserted. Reliable figures need an idle machine:
on a loaded one a run takes longer, so writes more checkpoints, and each
costs more; the CPU a checkpoint costs (median over the pairs of with less
without, over the checkpoints written) is the steadier figure there, and
times the checkpoints an idle run writes gives its cost. The median of the
pairs' own wall costs (with over without, pair by pair) is printed too.
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def timed(cmd, out_path):
    """(wall seconds, CPU seconds) of cmd, its stdout to out_path."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    with open(out_path, "wb") as f:
        subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL, check=True)
    t1 = time.monotonic()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return t1 - t0, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def timed_ck(cmd, out_path, ck):
    """timed() of a run that writes checkpoint ck, and the checkpoints it
    wrote (each is a rename over ck: polled every 10 ms)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    seen, last = 0, None
    with open(out_path, "wb") as f:
        p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.DEVNULL)
        while p.poll() is None:
            try:
                st = os.stat(ck)
                key = (st.st_ino, st.st_mtime_ns)
                if key != last:
                    seen, last = seen + 1, key
            except FileNotFoundError:
                pass
            time.sleep(0.01)
    t1 = time.monotonic()
    if p.returncode != 0:
        raise SystemExit("%s: exit %d" % (" ".join(cmd), p.returncode))
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return t1 - t0, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), seen


def main():
    pos = [a for i, a in enumerate(sys.argv[1:], 1)
           if not a.startswith("--") and not sys.argv[i - 1].startswith("--")]
    build = pos[0] if pos else os.path.join(ROOT, "build")
    pairs = int(arg("--pairs", "5"))
    reps = arg("--reps", "1000000")
    threads = [int(t) for t in arg("--threads", "2,1").split(",")]
    series = arg("--series", None)
    every = arg("--every", "1")
    sim = os.path.join(build, "cli", "shellsim")
    tmp = tempfile.mkdtemp()
    ck = os.path.join(tmp, "ck")
    print("| %s replications of najin-dunay%s, --checkpoint-every %s | threads | CPU s: without / with (median of %d) "
          "| CPU cost | wall s: without / with | wall cost | wall cost, median of pairs | checkpoints "
          "| CPU ms a checkpoint | same bytes |"
          % (reps, ", --series " + series if series else "", every, pairs))
    print("|---|---|---|---|---|---|---|---|---|---|")
    for t in threads:
        base = [sim, "run", os.path.join(ROOT, "scenarios", "najin-dunay.ini"), "--reps", reps, "--threads", str(t),
                "--json"] + (["--series", series] if series else [])
        ref = os.path.join(tmp, "ref%d.json" % t)
        wall0, cpu0, wall1, cpu1, saves, same = [], [], [], [], [], True
        for i in range(pairs):
            # in turn which of the pair runs first (without, with; with,
            # without; ...), so that a drift within pairs falls on both
            for which in ((0, 1) if i % 2 == 0 else (1, 0)):
                if which == 0:
                    w, c = timed(base, ref if i == 0 else os.path.join(tmp, "plain.json"))
                    wall0.append(w)
                    cpu0.append(c)
                    continue
                if os.path.exists(ck):
                    os.unlink(ck)
                w, c, n = timed_ck(base + ["--checkpoint", ck, "--checkpoint-every", every],
                                   os.path.join(tmp, "ck.json"), ck)
                wall1.append(w)
                cpu1.append(c)
                saves.append(n)
            for out in ("plain.json", "ck.json"):
                p = os.path.join(tmp, out)
                if os.path.exists(p):
                    with open(ref, "rb") as a, open(p, "rb") as b:
                        same = same and a.read() == b.read()
            print("#   pair %d, %d threads: CPU %.2f / %.2f, wall %.2f / %.2f, %d checkpoints"
                  % (i + 1, t, cpu0[-1], cpu1[-1], wall0[-1], wall1[-1], n), file=sys.stderr)
        c0, c1 = statistics.median(cpu0), statistics.median(cpu1)
        w0, w1 = statistics.median(wall0), statistics.median(wall1)
        # the CPU a checkpoint costs, pair by pair (with less without over
        # the checkpoints written): the steadier figure on a loaded machine,
        # where runs take longer and so write more checkpoints
        per = statistics.median([(b - a) / n for a, b, n in zip(cpu0, cpu1, saves) if n]) if any(saves) else 0
        # the pairs' own costs (with over without, pair by pair): a slow
        # spell of the machine that falls on a few pairs moves their
        # median less than the medians of the runs
        paired = statistics.median([b / a for a, b in zip(wall0, wall1)])
        print("| | %d | %.2f / %.2f | %+.1f%% | %.2f / %.2f | %+.1f%% | %+.1f%% | %g | %.0f | %s |" % (
            t, c0, c1, 100 * (c1 / c0 - 1), w0, w1, 100 * (w1 / w0 - 1), 100 * (paired - 1),
            statistics.median(saves), 1000 * per, "yes" if same else "NO"))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
