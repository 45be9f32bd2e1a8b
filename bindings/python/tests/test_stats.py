"""shellsim.Stats: the statistics of a metric keep NaN where the C library
gives NaN; to_dict() is the dict the package returned before Stats (the
CLI's JSON STATS object, None for NaN); and the old dict-style reads still
work on a Stats."""

import copy
import dataclasses
import json
import math
import pickle

import pytest

import shellsim
from shellsim import _lib, _stats, analysis

STAT_KEYS = ["n", "mean", "sd", "sem", "ci95", "min", "p05", "p25", "p50",
             "p75", "p95", "max"]
FLOATS = ["mean", "sd", "sem", "min", "p05", "p25", "p50", "p75", "p95", "max"]


def _old_stats_dict(st, undefined=False):
    """The dict the package built from a shellsim_stats before Stats (the
    _stats of _core.py, analysis.py and infer.py, word for word)."""
    def f(x):
        return x if math.isfinite(x) else None
    d = {"n": st.n, "mean": f(st.mean), "sd": f(st.sd), "sem": f(st.sem),
         "ci95": [f(st.ci95_lo), f(st.ci95_hi)], "min": f(st.min),
         "p05": f(st.p05), "p25": f(st.p25), "p50": f(st.p50),
         "p75": f(st.p75), "p95": f(st.p95), "max": f(st.max)}
    if undefined:
        d["undefined"] = st.undefined
    return d


def _c_stats(r, name):
    st = _lib.ShellsimStats()
    with r._use() as ptr:
        assert _lib.lib.shellsim_result_metric_stats(
            ptr, name.encode(), __import__("ctypes").byref(st),
            __import__("ctypes").sizeof(st)) == _lib.OK
    return st


@pytest.fixture(scope="module")
def one_run(scenario_files):
    """najin-dunay, a single replication: sd, sem and ci95 do not exist."""
    with shellsim.Scenario.from_file(scenario_files["najin-dunay"]) as s:
        with s.run(replications=1, seed=9, series="none") as r:
            yield r


@pytest.fixture(scope="module")
def tiny(scenario_files):
    """tiny: a fire_ratio with undefined runs."""
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s:
        with s.run(replications=400, seed=3, series="none") as r:
            yield r


# ------------------------------------------------------------------ NaN

def test_stats_keep_nan_where_the_c_library_gives_nan(one_run):
    s = one_run.metric_stats("nk.delivered")
    assert isinstance(s, shellsim.Stats)
    st = _c_stats(one_run, "nk.delivered")
    assert math.isnan(st.sd) and math.isnan(st.sem)   # what C gives
    assert math.isnan(s.sd) and math.isnan(s.sem)
    assert math.isnan(s.ci95[0]) and math.isnan(s.ci95[1])
    assert isinstance(s.sd, float)
    assert s.n == 1 and s.mean == s.min == s.p50 == s.max == st.mean
    assert s.undefined is None            # not a ratio
    m = one_run.metrics["nk.delivered"]
    assert math.isnan(m.sd)


def test_every_field_is_the_c_value_bit_for_bit(tiny):
    for name in tiny.metric_names:
        s, st = tiny.metric_stats(name), _c_stats(tiny, name)
        for k in FLOATS:
            a, b = getattr(s, k), getattr(st, k)
            assert a == b or (math.isnan(a) and math.isnan(b)), (name, k)
        assert s.ci95 == (st.ci95_lo, st.ci95_hi) or all(
            math.isnan(x) for x in s.ci95 + (st.ci95_lo, st.ci95_hi))
        assert s.n == st.n
        if name.endswith(".fire_ratio"):
            assert s.undefined == st.undefined > 0
        elif name.endswith((".fire_share", ".extra_share")):
            assert s.undefined == st.undefined
        else:
            assert s.undefined is None


def test_stats_are_frozen_hashable_and_equal_with_nan_equal_to_nan(one_run):
    a = one_run.metric_stats("nk.delivered")
    b = one_run.metric_stats("nk.delivered")
    assert a is not b and a == b and hash(a) == hash(b)
    assert not a != b
    assert len({a, b}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.mean = 0.0
    assert a != dataclasses.replace(a, n=2)
    assert pickle.loads(pickle.dumps(a)) == a
    assert copy.deepcopy(a) == a
    assert "nan" in repr(a) and repr(a).startswith("Stats(n=1,")


# ------------------------------------------------------------ to_dict()

def test_to_dict_equals_the_old_dict_with_none_for_nan(one_run, tiny):
    for r in (one_run, tiny):
        for name in r.metric_names:
            st = _c_stats(r, name)
            old = _old_stats_dict(st, name.endswith((".fire_ratio", ".fire_share", ".extra_share")))
            d = r.metric_stats(name).to_dict()
            assert d == old, name
            assert list(d) == list(old), name
            assert [type(v) for v in d.values()] == \
                [type(v) for v in old.values()], name
    d = one_run.metric_stats("nk.delivered").to_dict()
    assert d["sd"] is None and d["sem"] is None and d["ci95"] == [None, None]


def test_to_dict_has_the_cli_keys_in_the_cli_order(tiny, cli, scenario_files):
    expected = cli(scenario_files["tiny"], 400, 3, "--series", "none")
    for name, stats in tiny.metrics.items():
        keys = STAT_KEYS + (["undefined"] if name.endswith((".fire_ratio", ".fire_share", ".extra_share")) else [])
        assert list(stats.to_dict()) == keys, name
        assert list(stats.to_dict()) == list(expected["metrics"][name]), name
        assert stats.to_dict() == expected["metrics"][name], name
    assert json.loads(json.dumps(tiny.metrics["p.delivered"].to_dict())) == \
        tiny.metrics["p.delivered"].to_dict()


def test_to_dict_is_a_new_dict_each_time(tiny):
    s = tiny.metric_stats("p.delivered")
    d = s.to_dict()
    d["ci95"][0] = "changed"
    d["mean"] = "changed"
    assert s.to_dict()["ci95"][0] != "changed"
    assert s["ci95"][0] != "changed"


# ------------------------------------------------ dict-style reads (old API)

def test_dict_style_reads_give_the_old_values(one_run, tiny):
    s = one_run.metric_stats("nk.delivered")
    old = _old_stats_dict(_c_stats(one_run, "nk.delivered"))
    for k in STAT_KEYS:
        assert s[k] == old[k], k
        assert s.get(k) == old[k], k
    assert s["sd"] is None and s.get("sem") is None
    assert s["ci95"] == [None, None]
    assert s.get("nope") is None and s.get("nope", 3) == 3
    with pytest.raises(KeyError):
        s["nope"]
    with pytest.raises(KeyError):
        s["undefined"]                      # not a ratio: no such key
    assert list(s) == STAT_KEYS == list(s.keys())
    assert list(s.items()) == list(old.items())
    assert list(s.values()) == list(old.values())
    assert len(s) == len(old)
    assert "mean" in s and "undefined" not in s and "nope" not in s
    assert dict(s) == old and {**s} == old
    assert s == old and old == s and not s != old
    r = tiny.metric_stats("a/b.fire_ratio")
    assert "undefined" in r and r["undefined"] == r.undefined > 0
    assert list(r)[-1] == "undefined"


def test_old_code_reading_metrics_keeps_working(tiny):
    m = tiny.metrics
    old = tiny.to_dict(series=False)["metrics"]
    assert m["p.delivered"]["mean"] == pytest.approx(m["p.delivered"].mean)
    lo, hi = m["p.delivered"]["ci95"]
    assert lo <= m["p.delivered"]["mean"] <= hi
    assert {n: dict(s) for n, s in m.items()} == old
    assert isinstance(m["p.delivered"], dict)
    assert json.dumps(m) == json.dumps(old)          # null for NaN, as before


def test_a_dataframe_of_the_metrics_is_the_one_of_the_old_dicts(one_run):
    pd = pytest.importorskip("pandas")
    m = one_run.metrics
    old = one_run.to_dict(series=False)["metrics"]
    got, want = pd.DataFrame(m), pd.DataFrame(old)
    assert list(got.index) == STAT_KEYS + ["undefined"]   # (the shares are ratios)
    assert got.equals(want)


def test_stats_cannot_be_changed_through_the_dict_view(tiny):
    s = tiny.metric_stats("p.delivered")
    for change in (lambda: s.__setitem__("mean", 0), lambda: s.update(n=0),
                   lambda: s.pop("n"), lambda: s.popitem(), s.clear,
                   lambda: s.setdefault("x", 1),
                   lambda: s.__delitem__("n")):
        with pytest.raises(TypeError, match="read-only"):
            change()
    assert s == tiny.metric_stats("p.delivered")
    d = dict(s)
    d["mean"] = 0                         # a copy is an ordinary dict
    assert s["mean"] != 0


# --------------------------------------------------- the other producers

def test_comparison_arms_are_stats_and_to_dict_is_the_json_shape(
        scenario_files):
    c = shellsim.compare(scenario_files["tiny"], scenario_files["tiny"],
                         replications=300, seed=2)
    for name, m in c.metrics.items():
        for arm in ("a", "b", "diff"):
            assert isinstance(m[arm], shellsim.Stats)
            assert (m[arm].undefined is not None) == name.endswith((".fire_ratio", ".fire_share", ".extra_share"))
        assert m["a"] == m["b"]
        assert isinstance(m["pairing"], dict)
    d = c.to_dict()
    assert json.loads(json.dumps(d)) == d
    for name, m in d["metrics"].items():
        assert list(m) == ["a", "b", "diff", "pairing"]
        for arm in ("a", "b", "diff"):
            assert type(m[arm]) is dict and m[arm] == c.metrics[name][arm]


def test_run_extended_stats_carry_exceed_as_the_cli_prints_it(scenario_files):
    r = analysis.run_extended(scenario_files["tiny"], replications=500,
                              seed=4, series="none",
                              exceed=[("p.delivered", 300), "p.delivered=1e9"])
    s = r.metric_stats("p.delivered")
    assert set(s.exceed) == {"300", "1000000000"}
    assert s.exceed["1000000000"]["count"] == 0
    assert list(s)[-1] == "exceed"
    d = s.to_dict()
    assert list(d["exceed"]["300"]) == ["p", "ci95", "count", "n"]
    assert type(d["exceed"]["300"]["ci95"]) is list
    assert s["exceed"] == d["exceed"]
    assert r.to_dict()["metrics"]["p.delivered"] == d
    assert "exceed" not in r.metric_stats("p.shipped")


def test_every_to_dict_is_plain_json_without_a_stats(scenario_files):
    def plain(x):
        assert not isinstance(x, shellsim.Stats)
        if isinstance(x, dict):
            assert type(x) is dict
            for v in x.values():
                plain(v)
        elif isinstance(x, list):
            for v in x:
                plain(v)
        else:
            assert x is None or isinstance(x, (str, int, float)), type(x)
    tiny = scenario_files["tiny"]
    with shellsim.Scenario.from_file(tiny) as s, s.run(replications=50) as r:
        plain(r.to_dict())
    plain(shellsim.compare(tiny, tiny, replications=50).to_dict())
    plain(analysis.run_extended(tiny, replications=50,
                                exceed=["p.delivered=10"]).to_dict())
    plain(shellsim.sensitivity(scenario_files["najin-dunay"],
                               "russia.extra_per_day", samples=16,
                               bootstrap=0).to_dict())
    obs = ("[observe o]\nseries = p.delivered_cum\nday = 29\n"
           "value = 500\ntolerance = 400\n")
    plain(shellsim.infer(tiny, obs, accept=5, pilot=0).to_dict())


def test_stats_is_exported_and_built_from_the_c_struct_by_one_function():
    assert shellsim.Stats is _stats.Stats
    assert "Stats" in shellsim.__all__
    st = _lib.ShellsimStats(n=3, undefined=1, mean=1.0, sd=float("nan"))
    s = _stats.from_c(st, ratio=True)
    assert s.undefined == 1 and math.isnan(s.sd) and s.mean == 1.0
    assert _stats.from_c(st).undefined is None
