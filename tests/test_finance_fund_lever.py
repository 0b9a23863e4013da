"""The fund lever counts only the fund's sustainability element (issue 21's calibration)."""

from __future__ import annotations

import dataclasses

import pytest

from stp_analytics.finance import default_assumptions, finance_baseline, project_gap
from stp_analytics.finance.model import fund_lever_path, national_figures


@pytest.fixture(scope="module")
def baseline():
    return finance_baseline("stp2017")


def test_the_lever_is_the_fund_capped_at_its_sustainability_element():
    assumptions = default_assumptions()
    fund = national_figures(assumptions)["stf_gbp"].to_numpy()
    lever = fund_lever_path(assumptions)
    assert assumptions.stf_sustainability == 1.8  # NHS England's £1,800m sustainability element
    assert lever.tolist() == pytest.approx([min(value, 1.8e9) for value in fund])
    assert fund[-1] == pytest.approx(3.4e9) and lever[-1] == pytest.approx(1.8e9)


def test_blank_sustainability_counts_the_whole_fund(baseline):
    whole = dataclasses.replace(default_assumptions(), stf_sustainability=None)
    projection = project_gap(baseline, whole)
    assert (projection["stf_lever_gbp"] == projection["stf_gbp"]).all()


def test_the_transformation_element_is_apportioned_but_not_a_lever(baseline):
    projection = project_gap(baseline, default_assumptions())
    final = projection[projection["year"] == "2020/21"]
    assert final["stf_gbp"].sum() == pytest.approx(3.4e9, rel=1e-12)
    assert final["stf_lever_gbp"].sum() == pytest.approx(1.8e9, rel=1e-12)
    effect = (final["gap_after_stf_gbp"] - final["gap_after_demand_moderation_gbp"]).sum()
    assert effect == pytest.approx(-1.8e9, rel=1e-12)


def test_a_larger_sustainability_element_never_increases_the_gap(baseline):
    low = project_gap(baseline, dataclasses.replace(default_assumptions(), stf_sustainability=1.0))
    high = project_gap(baseline, dataclasses.replace(default_assumptions(), stf_sustainability=3.0))
    assert (high["gap_after_other_savings_gbp"] <= low["gap_after_other_savings_gbp"] + 1e-6).all()
