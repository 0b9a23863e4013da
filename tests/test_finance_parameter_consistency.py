"""Changing a finance assumption (as ``-p provider_efficiency=0.03`` does) changes the national
reconciliation, the index block and the pack's finance figures consistently: the pack's
footprint figures equal its row of the national table under the same parameters."""

from __future__ import annotations

import pandas as pd
import pytest

from stp_analytics.content import index_finance, sections_finance
from stp_analytics.finance import finance_section, parse_parameter_pairs, resolve_assumptions
from stp_analytics.finance.reconcile import national_reconciliation

AREA = "E54000007"
CHANGED = parse_parameter_pairs(["provider_efficiency=0.03"])


@pytest.fixture(scope="module")
def runs():
    return {name: (finance_section(AREA, overrides),
                   national_reconciliation(resolve_assumptions(overrides)))
            for name, overrides in (("default", None), ("changed", CHANGED))}


def test_the_parameter_changes_the_reconciliation_and_the_pack(runs):
    default_pack, default_recon = runs["default"]
    changed_pack, changed_recon = runs["changed"]
    assert changed_pack.assumptions.provider_efficiency == 0.03
    assert changed_recon.final()["residual_gbp_m"] < default_recon.final()["residual_gbp_m"]
    assert changed_pack.residual_gap_gbp_m < default_pack.residual_gap_gbp_m
    # provider efficiency is a lever: the do-nothing gap does not move
    assert changed_pack.do_nothing_gap_gbp_m == pytest.approx(default_pack.do_nothing_gap_gbp_m)


@pytest.mark.parametrize("name", ["default", "changed"])
def test_pack_figures_equal_their_row_of_the_national_table(runs, name):
    pack, recon = runs[name]
    row = pack.national.set_index("area_code").loc[AREA]
    assert pack.do_nothing_gap_gbp_m == pytest.approx(row["gap_do_nothing_gbp_m"], rel=1e-12)
    assert pack.residual_gap_gbp_m == pytest.approx(row["residual_gap_gbp_m"], rel=1e-12)
    final = recon.final()
    assert pack.national["gap_do_nothing_gbp_m"].sum() == pytest.approx(
        final["do_nothing_gbp_m"], rel=1e-12)
    assert pack.national["residual_gap_gbp_m"].sum() == pytest.approx(
        final["residual_gbp_m"], rel=1e-12)
    shown = sections_finance.national_position(None, pack).data["national_position"]
    assert shown.loc[1, "all_areas"] == f"{final['residual_gbp_m']:,.0f} (sum of 44)"


def test_the_index_block_shows_the_same_sums_under_the_same_parameters(runs):
    _, recon = runs["changed"]
    html, note = index_finance.finance_reconciliation_html(
        "stp2017", {**CHANGED, "footprint": "ignored, not a finance parameter"})
    assert note == ""
    assert "provider_efficiency = 3% a year" in html
    residual = f"{recon.final()['residual_gbp_m']:,.0f}"
    assert f"<td>{residual}</td>" in html
    table = index_finance.sums_table(recon.sums).set_index("Measure")
    assert table.loc["Residual gap after every lever (£m)", "2020/21"] == residual


def test_sums_table_lays_out_a_small_frame():
    sums = pd.DataFrame({
        "year": ["2019/20", "2020/21"], "do_nothing_gbp_m": [10.0, 1234.4],
        "lever_efficiency_gbp_m": [-1.0, -2.0], "lever_demand_moderation_gbp_m": [0.0, -1.0],
        "lever_stf_gbp_m": [-3.0, -3.0], "lever_other_savings_gbp_m": [0.0, 0.0],
        "residual_gbp_m": [6.0, 1228.4], "do_nothing_per_head_min": [-5.0, 1.0],
        "do_nothing_per_head_max": [50.0, 60.0], "areas_in_deficit_after_levers": [1, 2],
        "areas": [2, 2]})
    table = index_finance.sums_table(sums).set_index("Measure")
    assert list(table.columns) == ["2019/20", "2020/21"]
    assert table.loc["Do-nothing gap (£m)", "2020/21"] == "1,234"
    assert table.loc["Do-nothing gap per head, range (£)", "2019/20"] == "-5 to 50"
    assert table.loc["Areas in deficit after every lever", "2020/21"] == "2 of 2"


def test_no_block_for_an_area_set_without_the_model():
    html, note = index_finance.finance_reconciliation_html("icb2022")
    assert html == "" and "does not apply" in note
