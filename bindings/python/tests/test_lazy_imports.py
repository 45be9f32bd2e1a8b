"""What `import shellsim` imports: not the C library (the names backed by
it load it at first use, PEP 562), so __version__, shellsim.plot and its
charts from the CLI's JSON work where libshellsim cannot be loaded; and
never pandas, xarray or matplotlib, not even for a run, until a method
that returns their objects is called. Each case runs in a fresh
interpreter."""

import json
import os
import subprocess
import sys
import textwrap


from conftest import PACKAGE_ROOT

MISSING = "/nonexistent/libshellsim.so"


def _python(code, **env_extra):
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT, MPLBACKEND="Agg")
    env.update(env_extra)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                          env=env, capture_output=True, text=True,
                          timeout=120)


# ------------------------------------------------- without the library

def test_import_shellsim_does_not_load_the_library():
    p = _python("""
        import sys, shellsim
        print(shellsim.__version__)
        print(sorted(m for m in sys.modules
                     if m.startswith("shellsim.") or m == "ctypes"))
        """, SHELLSIM_LIBRARY=MISSING)
    assert p.returncode == 0, p.stderr
    version, loaded = p.stdout.splitlines()
    import shellsim
    assert version == shellsim.__version__
    assert loaded == "['shellsim._version']"


def test_a_c_backed_name_without_the_library_says_where_it_looked():
    p = _python("""
        import shellsim
        for attempt in range(2):        # the same error each time
            try:
                shellsim.Scenario
            except ImportError as e:
                print(type(e).__name__, e)
        try:
            from shellsim import compare
        except ImportError as e:
            print("from-import", type(e).__name__)
        try:
            shellsim.no_such_name
        except AttributeError as e:
            print("AttributeError", e)
        """, SHELLSIM_LIBRARY=MISSING)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0] == lines[1]
    assert lines[0].startswith("ImportError ") and MISSING in lines[0]
    assert "SHELLSIM_LIBRARY" in lines[0]
    assert lines[2] == "from-import ImportError"
    assert lines[3] == "AttributeError module 'shellsim' has no attribute " \
                       "'no_such_name'"


def test_the_plot_module_draws_json_without_the_library(tmp_path):
    H = 40
    data = {"scenario": "x", "replications": 10, "seed": 1, "horizon_days": H,
            "metrics": {},
            "series": {"a.fire": {b: [float(i + k) for i in range(H)]
                                  for k, b in enumerate(
                                      ["mean", "p05", "p25", "p50", "p75",
                                       "p95"])}}}
    src = tmp_path / "r.json"
    src.write_text(json.dumps(data))
    out = tmp_path / "fan.png"
    p = _python("""
        import json, sys
        import shellsim.plot
        from shellsim.plot import fan_chart
        assert shellsim.plot.fan_chart is fan_chart
        data = json.load(open(%r))
        ax = fan_chart(data, "a.fire", start_date="2024-01-01")
        ax.figure.savefig(%r)
        print("shellsim._lib" in sys.modules, "shellsim._core" in sys.modules)
        """ % (str(src), str(out)), SHELLSIM_LIBRARY=MISSING)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["False", "False"]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_plot_program_runs_without_the_library(tmp_path):
    data = {"scenario": "x", "replications": 1, "seed": 1, "horizon_days": 3,
            "metrics": {},
            "series": {"a.fire": {b: [1.0, 2.0, 3.0] for b in
                                  ["mean", "p05", "p25", "p50", "p75",
                                   "p95"]}}}
    src = tmp_path / "r.json"
    src.write_text(json.dumps(data))
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT, MPLBACKEND="Agg",
               SHELLSIM_LIBRARY=MISSING)
    p = subprocess.run([sys.executable, "-m", "shellsim.plot", str(src),
                        str(tmp_path / "o.png"), "--series", "a.fire", "-q"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "o.png").exists()


# ------------------------------------------ pandas, xarray, matplotlib

def test_a_run_imports_neither_pandas_nor_xarray_nor_matplotlib(
        scenario_files):
    p = _python("""
        import sys
        import shellsim
        with shellsim.Scenario.from_file(%r) as s:
            r = s.run(replications=50, seed=1)
            r.metrics, r.series("russia.extra"), r.to_dict()
        c = shellsim.compare(%r, %r, replications=20)
        sa = shellsim.sensitivity(%r, "russia.extra_per_day", samples=8,
                                  bootstrap=0)
        sa.summary(), sa.ranking(), sa.to_salib()
        import pickle
        shellsim.Result.from_dict(pickle.loads(pickle.dumps(r)).to_dict())
        print(sorted(m for m in ("pandas", "xarray", "matplotlib")
                     if m in sys.modules))
        r.metrics_frame()
        print("pandas" in sys.modules, "xarray" in sys.modules)
        r.to_xarray()
        print("xarray" in sys.modules)
        """ % ((scenario_files["najin-dunay"],) * 4))
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["[]", "True False", "True"]


def test_importing_the_infer_module_leaves_shellsim_infer_the_function():
    p = _python("""
        import importlib, types
        import shellsim
        m = importlib.import_module("shellsim.infer")
        assert isinstance(m, types.ModuleType)
        import shellsim.infer
        print(callable(shellsim.infer), shellsim.infer is m.infer)
        """)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["True", "True"]


def test_public_classes_are_shown_as_shellsim_names():
    import shellsim
    for name in ("Scenario", "Result", "Stats", "Error", "ScenarioError",
                 "ClosedError"):
        assert getattr(shellsim, name).__module__ == "shellsim", name
    assert set(shellsim.__all__) <= set(dir(shellsim))


def test_pickles_name_shellsim_result_and_load_in_a_fresh_interpreter(
        scenario_files, tmp_path):
    import pickle
    import shellsim
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s:
        with s.run(replications=20, seed=1) as r:
            path = tmp_path / "r.pickle"
            path.write_bytes(pickle.dumps(r))
            want = json.dumps(r.to_dict(), sort_keys=True)
    p = _python("""
        import json, pickle
        r = pickle.load(open(%r, "rb"))
        print(type(r).__module__, type(r).__name__, r.data_only)
        print(json.dumps(r.to_dict(), sort_keys=True))
        """ % str(path))
    assert p.returncode == 0, p.stderr
    head, body = p.stdout.split("\n", 1)
    assert head == "shellsim Result True"
    assert body.strip() == want
