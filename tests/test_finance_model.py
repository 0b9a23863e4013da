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
from stp_analytics.finance.baseline import starting_gap
from stp_analytics.finance.model import LEVERS, cost_inflation_path, national_trajectory


def one_footprint() -> pd.DataFrame:
    """A made-up footprint: 1% of national funding, 1m people growing 1% a year, ageing 1.5x
    England's, acute trusts reporting a £10m deficit (plan £4m)."""
    return pd.DataFrame(
        {
            "area_name": ["Example"],
            "allocation_share": [0.01],
            "population_2016": [1_000_000.0],
            "population_growth": [0.01],
            "ageing_relative": [1.5],
            "trust_actual_gbp": [-10e6],
            "trust_plan_gbp": [-4e6],
        },
        index=pd.Index(["E54999999"], name="area_code"),
    )


def worked_assumptions():
    """National funding and fund growing exactly 10% a year (also into 2016/17); simple levers."""
    return dataclasses.replace(
        default_assumptions(),
        place_based_funding_2016_17=100.0,
        place_based_funding_2020_21=100.0 * 1.1**4,
        funding_growth_2016_17=0.1,
        income_path="constant",
        stf_2016_17=2.0,
        stf_2020_21=2.0 * 1.1**4,
        provider_efficiency=0.02,
        provider_share=0.5,
        demand_moderation=0.01,
        stf_share_received=1.0,
        stf_sustainability=None,  # the whole fund counts as the lever
        other_local_savings=0.05,
        non_demographic_growth=0.02,
        ageing_uplift=0.01,
        cost_inflation=0.03,
        population_growth=None,
        baseline_provider_position="actual",
        psf_2018_19=1.0,
    )


def test_hand_worked_example_two_years():
    projection = project_gap(one_footprint(), worked_assumptions()).set_index("year")
    first, second = projection.loc["2016/17"], projection.loc["2017/18"]
    # base year 2015/16: income 1% of £100bn / 1.1; starting gap = £10m reported deficit + 1% of
    # the £1bn PSF taken out of the reported result = £20m
    base_spend = 0.01 * 100e9 / 1.1 + 20e6
    # pressure a year: population 1.01 x ageing (1 + 1.5 x 1%) x non-demographic 1.02 x cost 1.03
    pressure = 1.01 * 1.015 * 1.02 * 1.03
    assert pressure == pytest.approx(1.07702259)
    spend_1, spend_2 = base_spend * pressure, base_spend * pressure**2
    assert first["income_gbp"] == pytest.approx(1_000e6)
    assert first["spend_do_nothing_gbp"] == pytest.approx(spend_1)
    assert first["gap_do_nothing_gbp"] == pytest.approx(651_897.2545, rel=1e-6)
    # 2016/17 is one year after the base: efficiency on half of spending, 2%
    after_efficiency = spend_1 * (1 - 0.5 * 0.02)
    assert first["gap_after_efficiency_gbp"] == pytest.approx(after_efficiency - 1_000e6)
    assert first["gap_after_demand_moderation_gbp"] == pytest.approx(
        after_efficiency * 0.99 - 1_000e6)
    assert first["gap_after_stf_gbp"] == pytest.approx(after_efficiency * 0.99 - 1_020e6)
    assert first["gap_after_other_savings_gbp"] == pytest.approx(-88_298_021.73, rel=1e-9)
    # 2017/18: income £1,100m, fund 1% of £2.2bn; two years of each lever
    assert second["income_gbp"] == pytest.approx(1_100e6)
    assert second["spend_do_nothing_gbp"] == pytest.approx(spend_2)
    after_efficiency = spend_2 * (1 - 0.5 * (1 - 0.98**2))
    assert second["gap_after_efficiency_gbp"] == pytest.approx(after_efficiency - 1_100e6)
    assert second["gap_after_stf_gbp"] == pytest.approx(-86_636_327.36, rel=1e-9)
    assert second["gap_after_other_savings_gbp"] == pytest.approx(
        after_efficiency * 0.99**2 * 0.95**2 - 1_122e6)
    assert second["population"] == pytest.approx(1_010_000)
    assert second["gap_do_nothing_per_head"] == pytest.approx(
        (spend_2 - 1_100e6) / 1_010_000)


def test_starting_positions():
    base = one_footprint()
    worked = worked_assumptions()

    def start(**changes):
        moved = dataclasses.replace(worked, **changes)
        return starting_gap(base, moved).iloc[0]

    assert start() == pytest.approx(10e6 + 0.01 * 1e9)  # reported + its share of the PSF
    assert start(baseline_provider_position="plan") == pytest.approx(4e6 + 0.01 * 1e9)
    assert start(baseline_provider_position="none") == 0.0
    # underlying: U x share + (reported - share x sum of reported); one area, share 1%
    assert start(baseline_provider_position="underlying",
                 provider_underlying_deficit=3.7) == pytest.approx(0.01 * 3.7e9 + 10e6 * 0.99)


def test_underlying_start_sums_to_the_national_figure_and_keeps_the_pattern(baseline):
    assumptions = dataclasses.replace(default_assumptions(),
                                      baseline_provider_position="underlying")
    start = starting_gap(baseline, assumptions)
    assert start.sum() == pytest.approx(assumptions.provider_underlying_deficit * 1e9, rel=1e-12)
    reported = -baseline["trust_actual_gbp"].fillna(0.0)
    share = baseline["allocation_share"]
    # the deviation from the allocation share follows the trusts' reported results exactly
    deviation = start - assumptions.provider_underlying_deficit * 1e9 * share
    assert np.allclose(deviation, reported - share * reported.sum(), atol=1e-3)
    assert (start > 0).any() and deviation.abs().max() > 1e6


def test_provider_share_scales_the_efficiency_lever_exactly():
    area = one_footprint()
    effects = []
    for share in (0.25, 0.5, 1.0):
        moved = dataclasses.replace(worked_assumptions(), provider_share=share)
        projection = project_gap(area, moved)
        effects.append((projection["gap_do_nothing_gbp"]
                        - projection["gap_after_efficiency_gbp"]).to_numpy())
    assert np.allclose(effects[1], 2 * effects[0], rtol=1e-12)
    assert np.allclose(effects[2], 4 * effects[0], rtol=1e-12)
    assert (effects[0] > 0).all()
    zero = dataclasses.replace(worked_assumptions(), provider_share=0.0)
    projection = project_gap(area, zero)
    assert np.allclose(projection["gap_after_efficiency_gbp"], projection["gap_do_nothing_gbp"])


def test_cost_inflation_blank_uses_the_path_by_year():
    path = dataclasses.replace(worked_assumptions(), cost_inflation=None)
    assert cost_inflation_path(path).tolist() == pytest.approx([0.031, 0.023, 0.02, 0.02, 0.029])
    assert cost_inflation_path(worked_assumptions()).tolist() == [0.03] * 5
    spend = project_gap(one_footprint(), path)["spend_do_nothing_gbp"].to_numpy()
    ratios = spend[1:] / spend[:-1] / (1.01 * 1.015 * 1.02)
    assert ratios == pytest.approx([1.023, 1.02, 1.02, 1.029])


def test_published_income_path_keeps_the_end_points():
    published = dataclasses.replace(default_assumptions(), income_path="published")
    figures = national_figures(published)
    funding = figures["place_based_funding_gbp"].to_numpy()
    assert funding[0] == pytest.approx(92.4e9) and funding[-1] == pytest.approx(107.7e9)
    # 2017/18 sits where NHS England's table puts it between the end points
    share = (97.729 - 95.167) / (107.382 - 95.167)
    assert funding[1] == pytest.approx(92.4e9 + share * (107.7e9 - 92.4e9))
    assert figures["stf_gbp"].iloc[-1] == pytest.approx(3.4e9)


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
        funding_growth_2016_17=0.0,
        provider_efficiency=0.0,
        demand_moderation=0.0,
        stf_share_received=0.0,
        other_local_savings=0.0,
        non_demographic_growth=0.0,
        ageing_uplift=0.0,
        cost_inflation=0.0,
        population_growth=0.0,
    )
    projection = project_gap(baseline, flat)
    starting = starting_gap(baseline, flat)
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
    provider_share=st.floats(min_value=0.0, max_value=1.0),
)
def test_no_lever_increases_the_gap(baseline, efficiency, moderation, savings, stf_share, growth,
                                    bump, provider_share):
    assumptions = dataclasses.replace(
        default_assumptions(),
        provider_efficiency=efficiency,
        demand_moderation=moderation,
        other_local_savings=savings,
        stf_share_received=stf_share,
        non_demographic_growth=growth,
        provider_share=provider_share,
    )
    projection = project_gap(baseline, assumptions)
    previous = projection["gap_do_nothing_gbp"]
    for column, _ in LEVERS:
        assert (projection[column] <= previous + 1e-6).all(), column
        previous = projection[column]
    # a bigger lever never gives a bigger residual gap
    for name in ("provider_efficiency", "demand_moderation", "other_local_savings",
                 "provider_share"):
        ceiling = 1.0 if name == "provider_share" else 0.1
        more = dataclasses.replace(assumptions, **{name: min(getattr(assumptions, name) + bump,
                                                             ceiling)})
        residual = project_gap(baseline, more)["gap_after_other_savings_gbp"]
        assert (residual <= projection["gap_after_other_savings_gbp"] + 1e-6).all(), name
