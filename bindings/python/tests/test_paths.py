"""Result.paths(name): the per-day values of the first K replications
(keep_paths=K), the same bits for any threads and as the CLI's
`run --keep-paths K --json`; the spaghetti of fan_chart(..., paths=N); and
the options struct of an older layout (its size) still accepted."""

import ctypes
import json

import numpy as np
import pytest

import shellsim
from shellsim import _lib


@pytest.fixture(scope="module")
def runs(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["najin-dunay"]) as s:
        out = {t: s.run(replications=600, seed=3, threads=t, keep_paths=5)
               for t in (1, 2, 3)}
    yield out
    for r in out.values():
        r.close()


def test_paths_are_k_by_h_and_the_same_for_any_threads(runs):
    r = runs[1]
    assert r.path_count == 5
    for name in r.series_names:
        p = r.paths(name)
        assert p.shape == (5, r.horizon_days) and p.dtype == np.float64
        for t in (2, 3):
            assert np.array_equal(runs[t].paths(name), p, equal_nan=True)
    # whole shells, cumulative counts never fall
    d = r.paths("nk.delivered_cum")
    assert (d == np.round(d)).all() and (np.diff(d, axis=1) >= 0).all()


def test_without_keep_paths_paths_raise_and_to_dict_has_none(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s:
        with s.run(replications=20) as r:
            assert r.path_count == 0
            with pytest.raises(shellsim.Error, match="keep_paths"):
                r.paths(r.series_names[0])
            assert "paths" not in r.to_dict()
        with pytest.raises(shellsim.Error, match="keep_paths"):
            s.run(replications=20, keep_paths=_lib.MAX_KEEP_PATHS + 1)


def test_to_dict_paths_equal_the_cli_keep_paths_json(runs, scenario_files, cli):
    d = cli(scenario_files["najin-dunay"], 600, 3, "--keep-paths", "5")
    mine = json.loads(json.dumps(runs[2].to_dict()))
    assert set(d["paths"]) == set(runs[2].series_names)
    assert mine["paths"] == d["paths"]
    assert mine["series"] == d["series"]


def test_fan_chart_draws_n_paths_over_the_bands(runs, tmp_path):
    pytest.importorskip("matplotlib")
    from shellsim import plot
    r = runs[1]
    ax = plot.fan_chart(r, "russia.fire", paths=3)
    # the median and three thin paths; two bands
    assert len(ax.lines) == 4 and len(ax.collections) == 2
    for k in range(3):
        assert np.array_equal(ax.lines[1 + k].get_ydata(),
                              r.paths("russia.fire")[k])
    ax.figure.savefig(tmp_path / "spaghetti.png")
    data = json.loads(json.dumps(r.to_dict()))
    ax2 = plot.fan_chart(data, "russia.fire", paths=2)
    assert len(ax2.lines) == 3
    with pytest.raises(ValueError, match="paths"):
        plot.fan_chart(r, "russia.fire", paths=6)


def test_an_options_struct_of_the_first_layout_is_accepted(scenario_files):
    """A caller built against the first layout passes a shorter struct: the
    library reads size bytes and gives keep_paths its default."""
    o = _lib.ShellsimRunOptions()
    _lib.lib.shellsim_run_options_init(ctypes.byref(o))
    o.replications = 50
    o.keep_paths = 4
    o.size = _lib.ShellsimRunOptions.keep_paths.offset  # the first layout
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s:
        out = _lib.ResultP()
        err = _lib.ShellsimError()
        ptr = s._acquire()
        try:
            assert _lib.lib.shellsim_run(ptr, ctypes.byref(o), ctypes.byref(out),
                                         ctypes.byref(err)) == _lib.OK
        finally:
            s._release()
        assert _lib.lib.shellsim_result_path_count(out) == 0
        assert _lib.lib.shellsim_result_replications(out) == 50
        _lib.lib.shellsim_result_free(out)
        o.size = 0
        ptr = s._acquire()
        try:
            assert _lib.lib.shellsim_run(ptr, ctypes.byref(o), ctypes.byref(out),
                                         ctypes.byref(err)) == _lib.EINVAL
        finally:
            s._release()
        assert b"shellsim_run_options_init" in err.message
