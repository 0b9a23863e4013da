"""The finance MODEL: a hand-worked example (one footprint, two years) and its invariants."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stp_analytics.finance import (
    YEARS,
    bridge_table,
    default_assumptions,
    finance_baseline,
    national_figures,
    project_gap,
)
from stp_analytics.finance.model import LEVERS, national_trajectory


def one_footprint() -> pd.DataFrame:
    """A made-up footprint: 1% of national funding, 1m people growing 1% a year, £10m deficit."""
    return pd.DataFrame(
        {
            "area_name": ["Example"],
            "allocation_share": [0.01],
            "population_2016": [1_000_000.0],
            "population_growth": [0.01],
            "trust_actual_gbp": [-10e6],
            "trust_plan_gbp": [-4e6],
        },
        index=pd.Index(["E54999999"], name="area_code"),
    )


def worked_assumptions():
    """National funding and fund growing exactly 10% a year; simple lever values."""
    return dataclasses.replace(
        default_assumptions(),
        place_based_funding_2016_17=100.0,
        place_based_funding_2020_21=100.0 * 1.1**4,
        stf_2016_17=2.0,
        stf_2020_21=2.0 * 1.1**4,
        provider_efficiency=0.02,
        demand_moderation=0.01,
        stf_share_received=1.0,
        other_local_savings=0.05,
        non_demographic_growth=0.02,
        cost_inflation=0.03,
        population_growth=None,
        baseline_provider_position="actual",
    )


def test_hand_worked_example_two_years():
    projection = project_gap(one_footprint(), worked_assumptions()).set_index("year")
    first, second = projection.loc["2016/17"], projection.loc["2017/18"]
    # 2016/17: income 1% of £100bn = £1,000m; spending = income + £10m deficit
    assert first["income_gbp"] == pytest.approx(1_000e6)
    assert first["spend_do_nothing_gbp"] == pytest.approx(1_010e6)
    assert first["gap_do_nothing_gbp"] == pytest.approx(10e6)
    assert first["gap_after_demand_moderation_gbp"] == pytest.approx(10e6)  # t=0: no lever yet
    assert first["gap_after_stf_gbp"] == pytest.approx(10e6 - 20e6)  # 1% of the £2bn fund
    # 2017/18: income £1,100m; pressure 1.01 x 1.02 x 1.03 = 1.061106
    assert second["income_gbp"] == pytest.approx(1_100e6)
    assert second["spend_do_nothing_gbp"] == pytest.approx(1_071.71706e6)
    assert second["gap_do_nothing_gbp"] == pytest.approx(-28.28294e6)
    assert second["gap_after_efficiency_gbp"] == pytest.approx(1_050.2827188e6 - 1_100e6)
    assert second["gap_after_demand_moderation_gbp"] == pytest.approx(1_039.779891612e6 - 1_100e6)
    assert second["gap_after_stf_gbp"] == pytest.approx(1_039.779891612e6 - 1_100e6 - 22e6)
    assert second["gap_after_other_savings_gbp"] == pytest.approx(987.7908970314e6 - 1_122e6)
    assert second["population"] == pytest.approx(1_010_000)
    assert second["gap_do_nothing_per_head"] == pytest.approx(-28.28294e6 / 1_010_000)


def test_plan_and_none_starting_positions():
    base = one_footprint()
    plan = dataclasses.replace(worked_assumptions(), baseline_provider_position="plan")
    none = dataclasses.replace(worked_assumptions(), baseline_provider_position="none")
    assert project_gap(base, plan)["gap_do_nothing_gbp"].iloc[0] == pytest.approx(4e6)
    assert project_gap(base, none)["gap_do_nothing_gbp"].iloc[0] == pytest.approx(0.0)


def test_population_growth_override_replaces_each_areas_own_rate():
    override = dataclasses.replace(worked_assumptions(), population_growth=0.0)
    projection = project_gap(one_footprint(), override)
    assert projection["population"].tolist() == [1_000_000.0] * len(YEARS)


def test_bridge_steps_sum_from_do_nothing_to_residual():
    projection = project_gap(one_footprint(), worked_assumptions())
    bridge = bridge_table(projection, "E54999999")
    assert list(bridge["kind"]) == ["total", "step", "step", "step", "step", "total"]
    steps = bridge.loc[bridge["kind"] == "step", "amount_gbp_m"].sum()
    assert bridge["amount_gbp_m"].iloc[0] + steps == pytest.approx(bridge["amount_gbp_m"].iloc[-1])
    assert (bridge.loc[bridge["kind"] == "step", "amount_gbp_m"] <= 0).all()


def test_national_trajectory_constant_growth_and_linear_with_zero():
    values = national_trajectory(92.4, 107.7)
    assert values[0] == 92.4 and values[-1] == pytest.approx(107.7, rel=1e-15)
    ratios = values[1:] / values[:-1]
    assert np.allclose(ratios, ratios[0])
    assert national_trajectory(0.0, 4.0).tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


# ---- invariants on the real 44 footprints -------------------------------------------------


@pytest.fixture(scope="module")
def baseline() -> pd.DataFrame:
    return finance_baseline("stp2017")


def test_zero_growth_and_zero_levers_keep_the_baseline_gap(baseline):
    flat = dataclasses.replace(
        default_assumptions(),
        place_based_funding_2020_21=default_assumptions().place_based_funding_2016_17,
        provider_efficiency=0.0,
        demand_moderation=0.0,
        stf_share_received=0.0,
        other_local_savings=0.0,
        non_demographic_growth=0.0,
        cost_inflation=0.0,
        population_growth=0.0,
    )
    projection = project_gap(baseline, flat)
    starting = -baseline["trust_actual_gbp"].fillna(0.0)
    for column in ["gap_do_nothing_gbp", *(name for name, _ in LEVERS)]:
        by_area = projection.pivot(index="area_code", columns="year", values=column)
        for year in YEARS:
            assert np.allclose(by_area[year], starting.loc[by_area.index], rtol=0, atol=1e-3)
    assert starting.abs().sum() > 0  # the invariant is not trivially about zeros


def test_apportioned_totals_equal_the_national_figures(baseline):
    assumptions = default_assumptions()
    projection = project_gap(baseline, assumptions)
    national = national_figures(assumptions).set_index("year")
    totals = projection.groupby("year")[["income_gbp", "stf_gbp"]].sum()
    assert totals.loc["2016/17", "income_gbp"] == pytest.approx(92.4e9, rel=1e-12)
    assert totals.loc["2020/21", "income_gbp"] == pytest.approx(107.7e9, rel=1e-12)
    assert totals.loc["2016/17", "stf_gbp"] == pytest.approx(2.1e9, rel=1e-12)
    assert totals.loc["2020/21", "stf_gbp"] == pytest.approx(3.4e9, rel=1e-12)
    for year in YEARS:
        assert totals.loc[year, "income_gbp"] == pytest.approx(
            national.loc[year, "place_based_funding_gbp"], rel=1e-12
        )
        assert totals.loc[year, "stf_gbp"] == pytest.approx(national.loc[year, "stf_gbp"],
                                                            rel=1e-12)


rates = st.floats(min_value=0.0, max_value=0.1, allow_nan=False)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    efficiency=rates,
    moderation=rates,
    savings=rates,
    stf_share=st.floats(min_value=0.0, max_value=2.0),
    growth=st.floats(min_value=-0.05, max_value=0.1),
    bump=st.floats(min_value=0.0, max_value=0.05),
)
def test_no_lever_increases_the_gap(baseline, efficiency, moderation, savings, stf_share, growth,
                                    bump):
    assumptions = dataclasses.replace(
        default_assumptions(),
        provider_efficiency=efficiency,
        demand_moderation=moderation,
        other_local_savings=savings,
        stf_share_received=stf_share,
        non_demographic_growth=growth,
    )
    projection = project_gap(baseline, assumptions)
    previous = projection["gap_do_nothing_gbp"]
    for column, _ in LEVERS:
        assert (projection[column] <= previous + 1e-6).all(), column
        previous = projection[column]
    # a bigger lever never gives a bigger residual gap
    for name in ("provider_efficiency", "demand_moderation", "other_local_savings"):
        more = dataclasses.replace(assumptions, **{name: min(getattr(assumptions, name) + bump,
                                                             0.1)})
        residual = project_gap(baseline, more)["gap_after_other_savings_gbp"]
        assert (residual <= projection["gap_after_other_savings_gbp"] + 1e-6).all(), name
