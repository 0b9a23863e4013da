"""Finance assumptions: one YAML file of defaults with sources, validated overrides."""

from __future__ import annotations

import dataclasses

import pytest

from stp_analytics.errors import ParameterError
from stp_analytics.finance import FinanceAssumptions, default_assumptions, resolve_assumptions
from stp_analytics.finance.assumptions import (
    assumption_specs,
    assumptions_table,
    parse_parameter_pairs,
)


def test_defaults_are_the_issue_figures():
    defaults = default_assumptions()
    assert defaults.place_based_funding_2016_17 == 92.4
    assert defaults.place_based_funding_2020_21 == 107.7
    assert defaults.stf_2016_17 == 2.1
    assert defaults.stf_2020_21 == 3.4
    assert defaults.provider_efficiency == 0.02
    assert defaults.demand_moderation == 0.01
    assert defaults.population_growth is None


def test_every_assumption_has_a_source_sentence_unit_and_label():
    specs = assumption_specs()
    assert list(specs) == [field.name for field in dataclasses.fields(FinanceAssumptions)]
    for spec in specs.values():
        assert len(spec.source) > 40, spec.name
        assert spec.unit and spec.label
    assert "not verified" in specs["non_demographic_growth"].source
    assert "not verified" in specs["provider_share"].source
    assert "NHS Improvement" in specs["cost_inflation_2017_18"].source
    assert "3.7 billion" in specs["provider_underlying_deficit"].source
    assert "2011" in specs["population_growth"].source and "projections" in specs[
        "population_growth"].source


def test_overrides_from_text_and_numbers_agree():
    from_text = default_assumptions().with_overrides({"provider_efficiency": "1.5%"})
    from_number = resolve_assumptions({"provider_efficiency": 0.015})
    assert from_text == from_number
    assert from_text.provider_efficiency == pytest.approx(0.015)
    assert resolve_assumptions({"population_growth": ""}).population_growth is None
    assert resolve_assumptions({"baseline_provider_position": "plan"}).baseline_provider_position \
        == "plan"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"provider_efficiency": 0.5}, r"'provider_efficiency' = 0.5 is outside its range 0 to"),
        ({"provider_efficiency": "lots"}, r"'provider_efficiency' needs a number"),
        ({"demand_moderation": True}, r"'demand_moderation' needs a number"),
        ({"cost_inflation": "nan"}, r"'cost_inflation' must be finite"),
        ({"stf_2016_17": None}, r"'stf_2016_17' needs a number"),
        ({"baseline_provider_position": "forecast"},
         r"must be one of underlying, share, actual, plan, none"),
        ({"efficiency": 0.02}, r"unknown finance parameter 'efficiency'"),
    ],
)
def test_bad_overrides_name_the_parameter(overrides, message):
    with pytest.raises(ParameterError, match=message):
        resolve_assumptions(overrides)


def test_resolve_rejects_other_types():
    with pytest.raises(ParameterError, match="must be a FinanceAssumptions or a dict"):
        resolve_assumptions(["provider_efficiency=0.01"])


def test_parse_parameter_pairs():
    assert parse_parameter_pairs(["a=1", " b = x "]) == {"a": "1", "b": "x"}
    with pytest.raises(ParameterError, match="name=value"):
        parse_parameter_pairs(["provider_efficiency"])


def test_assumptions_table_marks_changed_values():
    table = assumptions_table(resolve_assumptions({"cost_inflation": 0.03}))
    assert set(table.columns) >= {"name", "label", "value", "display", "unit", "source"}
    changed = table.set_index("name")["changed"]
    assert changed["cost_inflation"] and not changed["provider_efficiency"]
    assert table.set_index("name").loc["cost_inflation", "display"] == "3% a year"


def test_bad_yaml_file_is_reported(tmp_path):
    bad = tmp_path / "finance_assumptions.yml"
    bad.write_text("provider_efficiency:\n  value: 0.02\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="parameters must be exactly"):
        default_assumptions(bad)
