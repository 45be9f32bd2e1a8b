#!/usr/bin/env python3
"""layers.py: data flows down the layers (docs/architecture.md).

Every source file of libsim/ and cli/ belongs to one layer below; a file may
include headers of its own layer or lower ones, never a higher one, and the
includes within a layer form no circle. A new file must be given a layer
here (the test fails until it is). Prints TAP.

    layers.py SOURCE_ROOT
"""
import os
import re
import sys

LIBSIM = [
    ("base", "alloc status sat simd xsum pcg32 failure civil sized"),
    ("numerics", "specfun dist_quantile gamma_zig dist dist_table floordiv sketch summary"),
    ("model description", "keys fire inifile let scenario scenario_query params scenario_edit outputs observe"),
    ("model kernels", "production transit dayrec let_run engine"),
    ("execution", "scheduler metrics run serial paired capture"),
    ("verbs", "exceed until_ci work compare_work compare sensitivity_work sensitivity infer tries infer_work infer_series sweep_work sweep sweep_grid abc_smc smc_work infer_check"),
]
CLI = [
    ("tools", "options common plot report report_sweep checkpoint runs_csv saver drive drive_mpi"),
    ("commands", "commands cmd_check cmd_compare cmd_infer cmd_run cmd_sensitivity cmd_sweep"),
    ("dispatcher", "cli shellsim shellsim_mpi"),
]


def check(root, sub, layers, failures):
    layer = {m: i for i, (_, mods) in enumerate(layers) for m in mods.split()}
    graph = {}
    for name in sorted(os.listdir(os.path.join(root, sub))):
        if not name.endswith((".c", ".h")):
            continue
        mod = name[:-2]
        if mod not in layer:
            failures.append(f"{sub}/{name}: in no layer (add it to tests/layers.py)")
            continue
        text = open(os.path.join(root, sub, name)).read()
        for inc in re.findall(r'^#include "([A-Za-z_0-9]+)\.h"', text, re.M):
            if inc not in layer:
                continue  # another directory's header (libsim's, from cli/), or a public one
            graph.setdefault(mod, set()).add(inc)
            if layer[inc] > layer[mod]:
                failures.append(f"{sub}/{name} ({layers[layer[mod]][0]}) includes {inc}.h "
                                f"({layers[layer[inc]][0]}): a call up the layers")
    # no circle among modules (a .c including its own .h is no edge)
    state = {}

    def visit(m, path):
        state[m] = 1
        for n in sorted(graph.get(m, ())):
            if n == m:
                continue
            if state.get(n) == 1:
                failures.append(f"{sub}: a circle of includes: {' -> '.join(path + [m, n])}")
            elif n not in state:
                visit(n, path + [m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    tests = [("libsim", LIBSIM), ("cli", CLI)]
    print(f"1..{len(tests)}")
    bad = 0
    for k, (sub, layers) in enumerate(tests, 1):
        failures = []
        check(root, sub, layers, failures)
        print(("ok" if not failures else "not ok") + f" {k} - {sub}: data flows down {len(layers)} layers")
        for f in failures:
            print(f"# {f}")
        bad += bool(failures)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
