"""Each C status becomes a shellsim.Error subclass carrying the C message."""

import pytest

import shellsim

BAD_KEY = """\
[scenario]
name = bad
horizon_days = 30

[side russia]
base_fire_per_day = 10
bogus = 3
"""

BAD_SUPPORT = """\
[scenario]
name = bad
horizon_days = 30

[side russia]
base_fire_per_day = normal(1, 2)
"""

LIMIT = """\
[scenario]
name = limit
horizon_days = 30

[side a]

[pipeline p]
to = a
supplier_stock = 1e9
interval_days = 1e-7
containers = 1
shells_per_container = 1
transit_days = 0
"""


def test_a_bad_key_in_a_file_names_file_line_section_and_key(tmp_path):
    p = tmp_path / "bad.ini"
    p.write_text(BAD_KEY)
    with pytest.raises(shellsim.ScenarioError) as e:
        shellsim.Scenario.from_file(p)
    msg = str(e.value)
    assert msg.startswith("%s:7: [side russia] bogus:" % p), msg
    assert "unknown key" in msg
    assert e.value.line == 7
    assert e.value.status == 4
    assert isinstance(e.value, shellsim.Error) and isinstance(e.value, ValueError)


def test_a_distribution_outside_the_keys_range_is_a_scenario_error(tmp_path):
    with pytest.raises(shellsim.ScenarioError,
                       match=r"^mine\.ini:6: \[side russia\] base_fire_per_day: "):
        shellsim.Scenario.from_string(BAD_SUPPORT, name="mine.ini")


def test_from_string_names_the_text_string_by_default():
    with pytest.raises(shellsim.ScenarioError, match=r"^<string>:7: \[side russia\] bogus"):
        shellsim.Scenario.from_string(BAD_KEY)


def test_from_string_takes_utf8_text_and_bytes():
    text = BAD_KEY.replace("name = bad", "name = Наджин–Дунай").replace("bogus = 3\n", "")
    with shellsim.Scenario.from_string(text) as s:
        assert s.name == "Наджин–Дунай"
    with shellsim.Scenario.from_string(text.encode("utf-8")) as s:
        assert s.name == "Наджин–Дунай"


def test_a_nul_byte_in_the_text_is_a_scenario_error():
    with pytest.raises(shellsim.ScenarioError):
        shellsim.Scenario.from_string(BAD_KEY.replace("bogus = 3", "x\0y"))


def test_a_missing_file_is_a_file_error_and_an_oserror(tmp_path):
    p = tmp_path / "nope.ini"
    with pytest.raises(shellsim.FileError) as e:
        shellsim.Scenario.from_file(p)
    assert isinstance(e.value, shellsim.Error) and isinstance(e.value, OSError)
    assert str(p) in str(e.value)
    assert e.value.status == 3


@pytest.mark.parametrize("kwargs,match", [
    ({"replications": 0}, "replications"),
    ({"replications": -1}, "replications"),
    ({"replications": 2**40 + 1}, "replications"),
    ({"seed": -1}, "seed"),
    ({"seed": 2**64}, "seed"),
    ({"threads": -1}, "threads"),
    ({"threads": 1025}, "threads"),
    ({"series": "russia.nope"}, "russia.nope"),
])
def test_bad_run_options_are_invalid_argument_errors(scenario_files, kwargs, match):
    with shellsim.Scenario.from_file(scenario_files["najin-dunay"]) as s:
        with pytest.raises(shellsim.InvalidArgumentError, match=match) as e:
            s.run(**dict({"replications": 10}, **kwargs))
        assert e.value.status == 1
        assert isinstance(e.value, ValueError)


def test_the_largest_seed_is_accepted(scenario_files, cli):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s, \
            s.run(replications=20, seed=2**64 - 1) as r:
        assert r.seed == 2**64 - 1
        assert r.to_dict() == cli(scenario_files["tiny"], 20, 2**64 - 1)


def test_too_many_departures_is_a_limit_error_naming_the_pipeline():
    with shellsim.Scenario.from_string(LIMIT) as s:
        with pytest.raises(shellsim.LimitError, match=r"\[pipeline p\]") as e:
            s.run(replications=2)
        assert e.value.status == 6


def test_unknown_names_are_not_found_errors(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s, \
            s.run(replications=10, keep_runs=True) as r:
        for call in (lambda: r.metric_stats("p.nope"), lambda: r.series("p.nope"),
                     lambda: r.runs("p.nope"), lambda: r.series_band("p.nope", "p50")):
            with pytest.raises(shellsim.NotFoundError, match="p.nope") as e:
                call()
            assert e.value.status == 5 and isinstance(e.value, LookupError)
        with pytest.raises(shellsim.InvalidArgumentError, match="band"):
            r.series_band("a.fire", "p99")


def test_a_series_not_selected_is_not_found_and_says_how(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s, \
            s.run(replications=10, series="none") as r:
        assert r.series_names == []
        with pytest.raises(shellsim.NotFoundError, match='series="all"'):
            r.series("a.fire")


def test_runs_without_keep_runs_explains_keep_runs(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s, \
            s.run(replications=10) as r:
        with pytest.raises(shellsim.NoRunsError, match="keep_runs=True") as e:
            r.runs("p.delivered")
        assert e.value.status == 8


def test_handles_are_not_built_by_hand():
    with pytest.raises(TypeError):
        shellsim.Scenario(None)
    with pytest.raises(TypeError):
        shellsim.Result(None)


def test_names_must_be_str(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["tiny"]) as s, \
            s.run(replications=10) as r:
        with pytest.raises(TypeError):
            r.metric_stats(b"p.delivered")


def test_counts_written_as_whole_floats_are_accepted_and_others_refused(scenario_files):
    import shellsim
    s = shellsim.Scenario.from_file(scenario_files["tiny"])
    a = s.run(replications=1e3, seed=2.0, threads=1)
    b = s.run(replications=1000, seed=2, threads=1)
    assert a.to_dict() == b.to_dict()
    for bad in (1e3 + 0.5, float("nan"), float("inf")):
        with pytest.raises((TypeError, OverflowError, ValueError)):
            s.run(replications=bad)
