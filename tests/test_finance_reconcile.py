"""The national reconciliation (stp-packs finance --national): sums of the per-area results
beside the published figures, the comparison with what happened, the allocation year."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stp_analytics.cli import main
from stp_analytics.data import finance_tables as finance_sources
from stp_analytics.finance import (
    finance_baseline,
    finance_section,
    national_table,
    project_gap,
    resolve_assumptions,
)
from stp_analytics.finance.allocation_year import allocation_year_table, inferred_allocation_year
from stp_analytics.finance.calibration import figure_value
from stp_analytics.finance.reconcile import (
    LEVER_EFFECTS,
    footprint_provider_comparison,
    national_reconciliation,
    provider_outturn_comparison,
)


@pytest.fixture(scope="module")
def default_recon():
    return national_reconciliation(resolve_assumptions(None))


def test_sums_equal_the_sum_of_the_per_footprint_results(default_recon):
    assumptions = resolve_assumptions(None)
    baseline = finance_baseline()
    table = national_table(baseline, project_gap(baseline, assumptions))
    final = default_recon.final()
    assert final["do_nothing_gbp_m"] == pytest.approx(table["gap_do_nothing_gbp_m"].sum())
    assert final["residual_gbp_m"] == pytest.approx(table["residual_gap_gbp_m"].sum())
    assert final["areas"] == len(table) == 44
    assert final["areas_in_deficit_after_levers"] == (table["residual_gap_gbp_m"] > 0).sum()
    assert final["do_nothing_per_head_min"] == table["gap_do_nothing_per_head"].min()
    # the levers bridge the do-nothing sum to the residual sum, each no larger than zero
    levers = [effect for effect, _ in LEVER_EFFECTS]
    sums = default_recon.sums
    assert np.allclose(sums["do_nothing_gbp_m"] + sums[levers].sum(axis=1),
                       sums["residual_gbp_m"])
    assert (sums[levers] <= 1e-9).all().all()
    # and one pack's figures are its row of the same sums
    section = finance_section("E54000007")
    row = table.set_index("area_code").loc["E54000007"]
    assert section.residual_gap_gbp_m == pytest.approx(row["residual_gap_gbp_m"])
    assert section.national_gap_share == pytest.approx(
        row["gap_do_nothing_gbp_m"] / final["do_nothing_gbp_m"])
    low, high = section.per_head_range
    assert (low, high) == (final["do_nothing_per_head_min"], final["do_nothing_per_head_max"])
    assert 0.0 <= section.per_head_position <= 1.0


def test_comparison_keeps_published_and_model_apart(default_recon):
    comparison = default_recon.comparison.set_index("key")
    assert comparison.loc["fyfv_gap_2020_21", "published"] == 30.0
    assert comparison.loc["fyfv_gap_2020_21", "model"] == pytest.approx(
        default_recon.final()["do_nothing_gbp_m"] / 1e3)
    assert comparison.loc["provider_underlying_deficit_2015_16", "model"] == pytest.approx(
        -default_recon.starting_gap_gbp_m / 1e3)
    assert np.isnan(comparison.loc["efficiency_national_2020_21", "model"])
    assert (comparison["scope_note"] != "").all()
    assert comparison.loc["stp_submissions_do_nothing_2020_21", "verified"]  # IPPR's release
    assert not comparison.loc["stp_submissions_per_head_low_2020_21", "verified"]


def test_parameter_changes_the_reconciliation_and_the_json(capsys, default_recon):
    assert main(["finance", "--national", "--format", "json"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert main(["finance", "--national", "--format", "json", "-p", "cost_inflation=0.03",
                 "-p", "baseline_provider_position=actual"]) == 0
    changed = json.loads(capsys.readouterr().out)
    for key in ("do_nothing_gbp_m", "residual_gbp_m", "areas", "areas_in_deficit_after_levers"):
        assert key in default and key in changed
    assert default["year"] == "2020/21" and default["areas"] == 44
    assert default["do_nothing_gbp_m"] == pytest.approx(
        float(default_recon.final()["do_nothing_gbp_m"]))
    api = national_reconciliation(resolve_assumptions(
        {"cost_inflation": 0.03, "baseline_provider_position": "actual"}))
    assert changed["do_nothing_gbp_m"] == pytest.approx(float(api.final()["do_nothing_gbp_m"]))
    assert changed["do_nothing_gbp_m"] != pytest.approx(default["do_nothing_gbp_m"])
    assert changed["assumptions"]["cost_inflation"] == 0.03


def test_national_text_shows_targets_scope_and_assumptions(capsys):
    assert main(["finance", "--national", "-p", "provider_share=0.6"]) == 0
    out = capsys.readouterr().out
    assert "MODEL, not a forecast" in out and "Five Year Forward View" in out
    assert "scope:" in out and "[UNVERIFIED]" in out
    assert "provider_share = 60% (changed)" in out
    assert "Starting position" in out and "underlying (in use)" in out


def test_starting_position_and_sensitivity_cover_the_do_nothing_gap(default_recon):
    positions = default_recon.starting_positions.set_index("position")
    assert positions["in_use"].sum() == 1 and positions.loc["underlying", "in_use"]
    assert positions.loc["underlying", "do_nothing_gbp_m"] == pytest.approx(
        default_recon.final()["do_nothing_gbp_m"])
    assert positions.loc["none", "do_nothing_gbp_m"] < positions.loc["underlying",
                                                                     "do_nothing_gbp_m"]
    rows = default_recon.sensitivity.set_index("name")
    inflation = rows.loc["cost_inflation"]
    assert inflation["do_nothing_low"] < inflation["do_nothing_base"] < inflation[
        "do_nothing_high"]
    assert rows.loc["provider_efficiency", "do_nothing_low"] == pytest.approx(
        rows.loc["provider_efficiency", "do_nothing_high"])  # a lever does not move do-nothing


def test_provider_outturns_beside_the_model():
    table = provider_outturn_comparison(resolve_assumptions(None)).set_index("year")
    assert list(table.index) == ["2015/16", "2016/17", "2017/18", "2018/19"]
    assert table.loc["2016/17", "reported_outturn"] == figure_value("provider_outturn_2016_17")
    assert table.loc["2018/19", "sustainability_funding"] == 2.45
    assert table.loc["2015/16", "model_provider_position"] == pytest.approx(-3.7)
    projection = project_gap(finance_baseline(), resolve_assumptions(None))
    model = -projection.groupby("year")["gap_after_stf_gbp"].sum()["2017/18"] / 1e9
    assert table.loc["2017/18", "model_provider_position"] == pytest.approx(model)


def test_footprint_provider_comparison_uses_the_reported_results():
    table = footprint_provider_comparison(resolve_assumptions(None)).set_index("area_code")
    baseline = finance_baseline()
    assert len(table) == 44
    assert np.allclose(table["reported_actual_gbp_m"],
                       baseline.loc[table.index, "trust_actual_gbp"] / 1e6, equal_nan=True)
    assert np.allclose(table["difference_gbp_m"], table["model_provider_position_gbp_m"]
                       - table["reported_actual_gbp_m"], equal_nan=True)


def test_allocation_year_is_inferred_from_the_totals():
    table = allocation_year_table()
    used = finance_sources.ccg_allocation_table()
    usable = used.loc[used["set_aside"] == "", "allocation_gbp"].sum() / 1e9
    assert table["file_usable_gbp_bn"].iloc[0] == pytest.approx(usable)
    assert (table["file_low_gbp_bn"] > usable).all()  # the missing CCG is added
    year, sentence = inferred_allocation_year()
    best = table.set_index("year").loc[year]
    others = table[table["year"] != year]
    distance = others[["difference_low_pct", "difference_high_pct"]].abs().min(axis=1)
    assert (distance > min(abs(best["difference_low_pct"]), abs(best["difference_high_pct"]))
            ).all()
    assert "inference" in sentence and year in sentence
