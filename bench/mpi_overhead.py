#!/usr/bin/python3
"""The cost of MPI and of checkpoints (issue 16), on this machine.

  bench/mpi_overhead.py BUILD_DIR [--repeat R] [--quick]

1. MPI overhead: the same job as 2 ranks x 1 thread (`mpirun -np 2
   shellsim-mpi ... --threads 1`) and as 1 process x 2 threads (`shellsim ...
   --threads 2`), for run, sensitivity and infer (rejection and SMC); the
   ratio of median wall times (target: within 10%). Both outputs are
   compared byte for byte. The jobs take about 10 s each on this machine
   (--quick: well under 1 s, where mpirun's own start-up, measured apart as
   `mpirun -np 2 shellsim-mpi --version`, is most of the difference); the
   ratio is also given without that start-up.
2. Checkpoints: a 1,000,000-replication run of najin-dunay on 2 threads with
   and without `--checkpoint FILE --checkpoint-every 1` (target: at most 3%
   more wall time).
3. The per-replication cost (core-seconds: user + system time of the
   one-process run / replications) and per model run of sensitivity, from
   which the README's wall-time estimates for 10^9 replications and a
   20-key sensitivity at 65,536 samples (N (3k + 4) model runs) on 64 and
   1,024 cores are made (perfect scaling over cores: chunks are handed out
   dynamically and the merge is a few MB per rank and round).

Wall times on a shared machine are noisy: every figure is the median of R
runs (default 5), taken alternately, and the CPU times are given beside.
Not a test: nothing is asserted.
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SC = os.path.join(ROOT, "scenarios")


def timed(cmd, out_path):
    """(wall seconds, child CPU seconds) of cmd, its stdout to out_path."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    with open(out_path, "wb") as f:
        subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL, check=True)
    t1 = time.monotonic()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return t1 - t0, cpu


def same(a, b):
    with open(a, "rb") as f, open(b, "rb") as g:
        return f.read() == g.read()


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    repeat = 5
    if "--repeat" in sys.argv:
        repeat = int(sys.argv[sys.argv.index("--repeat") + 1])
    quick = "--quick" in sys.argv
    sim = os.path.join(build, "cli", "shellsim")
    mpi = os.path.join(build, "cli", "shellsim-mpi")
    mpirun = ["mpirun", "--oversubscribe", "-np", "2"]
    if os.geteuid() == 0:
        mpirun.insert(1, "--allow-run-as-root")
    tmp = tempfile.mkdtemp()
    reps = "20000" if quick else "2500000"
    infer = ["infer", os.path.join(SC, "inference-najin.ini"), os.path.join(SC, "inference-najin.obs"), "--json"]
    jobs = {
        "run najin-dunay": ["run", os.path.join(SC, "najin-dunay.ini"), "--reps", reps, "--json"],
        "sensitivity aid-gap": ["sensitivity", os.path.join(SC, "aid-gap.ini"), "--metric",
                                "russia.extra_per_day", "--samples", "256" if quick else "16384",
                                "--bootstrap", "50", "--json"],
        "infer inference-najin (rejection)": infer + ["--accept", "20" if quick else "20000",
                                                      "--max-tries", "100000000"],
        "infer inference-najin (smc)": infer + ["--method", "smc", "--accept", "100" if quick else "6000"],
    }
    starts = []
    for _ in range(repeat):
        w, _ = timed(mpirun + [mpi, "--version"], os.path.join(tmp, "version"))
        starts.append(w)
    start = statistics.median(starts)
    print("mpirun -np 2 shellsim-mpi --version: %.2f s (median of %d)" % (start, repeat))
    print()
    print("| job | 1 process x 2 threads (s) | 2 ranks x 1 thread (s) | ratio | without mpirun's start-up "
          "| CPU s (1x2 / 2x1) | same bytes |")
    print("|---|---|---|---|---|---|---|")
    for name, args in jobs.items():
        one, two, cpu1, cpu2 = [], [], [], []
        for _ in range(repeat):
            w, c = timed([sim] + args + ["--threads", "2"], os.path.join(tmp, "one"))
            one.append(w)
            cpu1.append(c)
            w, c = timed(mpirun + [mpi] + args + ["--threads", "1"], os.path.join(tmp, "two"))
            two.append(w)
            cpu2.append(c)
        m1, m2 = statistics.median(one), statistics.median(two)
        print("| %s | %.2f | %.2f | %.2f | %.2f | %.1f / %.1f | %s |" % (
            name, m1, m2, m2 / m1, (m2 - start) / m1, statistics.median(cpu1), statistics.median(cpu2),
            "yes" if same(os.path.join(tmp, "one"), os.path.join(tmp, "two")) else "NO"))

    n = 20000 if quick else 1000000
    rows = []
    ck = os.path.join(tmp, "ck")
    per_rep = None
    for series in ("all", "none"):
        base = [sim, "run", os.path.join(SC, "najin-dunay.ini"), "--reps", str(n), "--threads", "2",
                "--series", series, "--json"]
        plain, withck, cpu_plain, cpu_ck = [], [], [], []
        for _ in range(max(3, repeat // 2 + 1)):
            w, c = timed(base, os.path.join(tmp, "plain"))
            plain.append(w)
            cpu_plain.append(c)
            if os.path.exists(ck):
                os.unlink(ck)
            w, c = timed(base + ["--checkpoint", ck, "--checkpoint-every", "1"], os.path.join(tmp, "ck.json"))
            withck.append(w)
            cpu_ck.append(c)
        m1, m2 = statistics.median(plain), statistics.median(withck)
        c1, c2 = statistics.median(cpu_plain), statistics.median(cpu_ck)
        rows.append((series, m1, m2, c1, c2, os.path.getsize(ck) if os.path.exists(ck) else 0,
                     same(os.path.join(tmp, "plain"), os.path.join(tmp, "ck.json"))))
        if per_rep is None:
            per_rep = c1 / n
    print()
    print("| %d replications of najin-dunay, 2 threads | wall: none / every 1 s (s) | cost | CPU: none / every 1 s (s) "
          "| cost | checkpoint bytes | same bytes |" % n)
    print("|---|---|---|---|---|---|---|")
    for series, m1, m2, c1, c2, size, ok in rows:
        print("| --series %s | %.2f / %.2f | %+.1f%% | %.2f / %.2f | %+.1f%% | %d | %s |" % (
            series, m1, m2, 100 * (m2 / m1 - 1), c1, c2, 100 * (c2 / c1 - 1), size, "yes" if ok else "NO"))

    print()
    print("per replication: %.2f core-us (najin-dunay, all series)" % (per_rep * 1e6))
    import json
    per_eval = {}
    samples = 128 if quick else 1024
    for name in ("najin-dunay", "aid-gap"):
        sa_cpu = []
        for _ in range(3):
            _, c = timed([sim, "sensitivity", os.path.join(SC, name + ".ini"), "--metric",
                          "russia.extra_per_day", "--samples", str(samples), "--bootstrap", "0",
                          "--threads", "2", "--json"], os.path.join(tmp, "sa.json"))
            sa_cpu.append(c)
        with open(os.path.join(tmp, "sa.json")) as f:
            k = len(json.load(f)["parameters"])
        evals = samples * (3 * k + 4)
        per_eval[name] = statistics.median(sa_cpu) / evals
        print("sensitivity of %s: %d keys, %d samples, %d model runs: %.2f core-us per model run" % (
            name, k, samples, evals, per_eval[name] * 1e6))
    print()
    print("| estimate (perfect scaling) | core-hours | 64 cores | 1,024 cores |")
    print("|---|---|---|---|")
    for what, runs, per in (("10^9 replications of najin-dunay (all series)", 1e9, per_rep),
                            ("20-key sensitivity at 65,536 samples (65,536 x 64 model runs), "
                             "najin-dunay's cost per run", 65536 * 64, per_eval["najin-dunay"]),
                            ("the same at aid-gap's (v2) cost per run", 65536 * 64, per_eval["aid-gap"])):
        core_s = runs * per
        print("| %s | %.3f | %s | %s |" % (what, core_s / 3600, fmt(core_s / 64), fmt(core_s / 1024)))


def fmt(s):
    return "%.0f min" % (s / 60) if s >= 120 else "%.1f s" % s if s >= 1 else "%.2f s" % s


if __name__ == "__main__":
    main()
