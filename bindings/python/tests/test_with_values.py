"""Scenario.parameters and Scenario.with_values (shellsim_scenario_parameter_*
and shellsim_scenario_override): a scenario with keys set from outside runs,
bit for bit, like the edited file; errors name the override."""

import pytest

import shellsim

BASE = """\
[scenario]
name = wv
horizon_days = 120
start_date = 2024-01-01

[side s]
base_fire_per_day = pert(50, 80, 120)

[pipeline p]
to = s
supplier_stock = 1e6
production_per_day = pert(100, 300, 600)
interval_days = gamma(2, 3.5)
containers = triangular(1, 2, 4)
shells_per_container = pert(250, 400, 500)
transit_days = triangular(7, 14, 28)
loss_rate = pert(0.05, 0.2, 0.5)
active@2024-03-01 = 0
"""


def edited(old, new):
    assert old in BASE
    return BASE.replace(old, new)


def same_run(a, b):
    ra, rb = a.run(2000, seed=7), b.run(2000, seed=7)
    return ra.to_dict() == rb.to_dict()


def test_parameters_are_names_to_expressions_in_order():
    with shellsim.Scenario.from_string(BASE) as s:
        p = s.parameters
        assert list(p)[:2] == ["s.base_fire_per_day", "s.stock"]
        assert p["p.loss_rate"] == "pert(0.05, 0.2, 0.5)"
        assert p["p.active@2024-03-01"] == "0"
        assert p["p.stop_day"] == "120"          # the default, the horizon
        p["p.loss_rate"] = "x"                   # a copy
        assert s.parameters["p.loss_rate"] == "pert(0.05, 0.2, 0.5)"


def test_with_values_equals_the_edited_file():
    with shellsim.Scenario.from_string(BASE) as s:
        t = s.with_values({"p.loss_rate": 0.3, "p.stop_day": "uniform(60, 100)",
                           "p.active@2024-03-01": "bernoulli(0.5)",
                           "p.active@2024-02-01": 1})
        f = shellsim.Scenario.from_string(
            edited("loss_rate = pert(0.05, 0.2, 0.5)\nactive@2024-03-01 = 0\n",
                   "loss_rate = 0.3\nactive@2024-03-01 = bernoulli(0.5)\n"
                   "stop_day = uniform(60, 100)\nactive@2024-02-01 = 1\n"))
        assert t.parameters == f.parameters
        assert t.parameters["p.loss_rate"] == "0.3"
        assert same_run(t, f)
        # the original is unchanged
        assert s.parameters["p.loss_rate"] == "pert(0.05, 0.2, 0.5)"
        assert same_run(s, shellsim.Scenario.from_string(BASE))
        assert not same_run(s, t)


def test_with_values_of_nothing_is_a_copy():
    with shellsim.Scenario.from_string(BASE) as s:
        c = s.with_values({})
        assert c is not s and c.parameters == s.parameters and same_run(c, s)


def test_errors_name_the_override():
    with shellsim.Scenario.from_string(BASE) as s:
        with pytest.raises(shellsim.ScenarioError,
                           match=r"^override p\.loss_rate=2: \[pipeline p\] "
                                 r"loss_rate: const takes values in \[2, 2\]"):
            s.with_values({"p.loss_rate": 2})
        with pytest.raises(shellsim.ScenarioError, match="has no side or pipeline named 'q'"):
            s.with_values({"q.loss_rate": 0.1})
        with pytest.raises(shellsim.ScenarioError, match=r"p\.bogus=1: .*unknown key"):
            s.with_values({"p.bogus": 1})
        with pytest.raises(TypeError):
            s.with_values({"p.loss_rate": [0.1]})
