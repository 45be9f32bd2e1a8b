"""Result.runs_frame(): the per-run values of a keep_runs run as a pandas
table, one row per replication and one float64 column per metric, runs()'s
values bit for bit (NaN where a run has no value); also from a pickled
copy, which carries the kept runs."""

import pickle

import numpy as np
import pytest

import shellsim

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def kept(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s:
        with s.run(replications=300, seed=6, keep_runs=True) as r:
            yield r


def test_one_row_per_replication_one_float_column_per_metric(kept):
    f = kept.runs_frame()
    assert list(f.columns) == kept.metric_names
    assert f.index.name == "replication"
    assert (f.index == np.arange(300)).all()
    assert all(t == np.float64 for t in f.dtypes)


def test_the_values_are_runs_bit_for_bit_nan_kept(kept):
    f = kept.runs_frame()
    for n in kept.metric_names:
        assert f[n].to_numpy().tobytes() == kept.runs(n).tobytes(), n
    assert f["a/b.fire_ratio"].isna().any()


def test_names_choose_the_columns(kept):
    assert list(kept.runs_frame("a.fire_per_day").columns) == \
        ["a.fire_per_day"]
    f = kept.runs_frame(["p.delivered", "a.fire_per_day"])
    assert list(f.columns) == ["p.delivered", "a.fire_per_day"]


def test_a_pickled_copy_gives_the_same_table(kept):
    assert pickle.loads(pickle.dumps(kept)).runs_frame().equals(
        kept.runs_frame())


def test_without_kept_runs_it_says_so(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s:
        with s.run(replications=10, seed=1) as r:
            with pytest.raises(shellsim.NoRunsError, match="keep_runs=True"):
                r.runs_frame()
