"""Scenario.sides (shellsim_scenario_side_* and _pipeline_*): every side in
file order with its fire policy and the pipelines that deliver to it; the
"sides" of the CLI's JSON, which Result.to_dict() carries too."""

import pytest

import shellsim

THREE = """\
[scenario]
name = three
horizon_days = 20

[side w]
policy = window
window_days = 5

[side t]
policy = target
target_per_day = 3

[side s]

[pipeline p]
to = s
supplier_stock = 10
interval_days = 4
containers = 1
shells_per_container = 2
transit_days = 1

[pipeline q]
to = w
supplier_stock = 10
interval_days = 4
containers = 1
shells_per_container = 2
transit_days = 1

[pipeline r]
to = s
supplier_stock = 10
interval_days = 4
containers = 1
shells_per_container = 2
transit_days = 1
"""


def test_aid_gap_has_two_sides_each_fed_by_one_pipeline(scenario_files):
    with shellsim.Scenario.from_file(scenario_files["aid-gap"]) as s:
        assert s.sides == {"russia": {"policy": "spread", "pipelines": ["nk"]},
                           "ukraine": {"policy": "target",
                                       "pipelines": ["us"]}}
        assert list(s.sides) == ["russia", "ukraine"]


def test_sides_keep_file_order_every_policy_and_sides_without_pipelines():
    with shellsim.Scenario.from_string(THREE) as s:
        sides = s.sides
    assert list(sides) == ["w", "t", "s"]
    assert sides == {"w": {"policy": "window", "pipelines": ["q"]},
                     "t": {"policy": "target", "pipelines": []},
                     "s": {"policy": "spread", "pipelines": ["p", "r"]}}


def test_sides_is_read_only_and_a_fresh_dict_each_time():
    with shellsim.Scenario.from_string(THREE) as s:
        a = s.sides
        a["w"]["pipelines"].append("x")
        del a["t"]
        assert s.sides["w"]["pipelines"] == ["q"] and "t" in s.sides
        with pytest.raises(AttributeError):
            s.sides = {}


def test_sides_of_a_closed_scenario_raise_closed_error():
    s = shellsim.Scenario.from_string(THREE)
    s.close()
    with pytest.raises(shellsim.ClosedError):
        s.sides


def test_the_result_and_its_dict_carry_the_sides_after_horizon_days():
    with shellsim.Scenario.from_string(THREE) as s, \
            s.run(replications=20, seed=3, series="none") as r:
        assert r.sides == s.sides
        d = r.to_dict()
    assert list(d) == ["scenario", "replications", "seed", "horizon_days",
                       "sides", "metrics", "series"]
    assert d["sides"] == {"w": {"policy": "window", "pipelines": ["q"]},
                          "t": {"policy": "target", "pipelines": []},
                          "s": {"policy": "spread", "pipelines": ["p", "r"]}}


@pytest.mark.parametrize("name", ["aid-gap", "tiny", "seed-1m"])
def test_sides_equal_the_cli_json(scenario_files, cli, name):
    expected = cli(scenario_files[name], 5, 1, "--series", "none")
    with shellsim.Scenario.from_file(scenario_files[name]) as s:
        assert s.sides == expected["sides"]
        assert list(s.sides) == list(expected["sides"])


def test_the_cli_json_sides_of_three_policies(tmp_path, cli):
    p = tmp_path / "three.ini"
    p.write_text(THREE)
    expected = cli(str(p), 5, 1, "--series", "none")
    with shellsim.Scenario.from_file(str(p)) as s, \
            s.run(replications=5, seed=1, series="none") as r:
        assert r.to_dict() == expected
    assert expected["sides"]["s"]["pipelines"] == ["p", "r"]
