"""The footprint in the national picture and the model against reported outturns (issue 21)."""

from __future__ import annotations

import pandas as pd
import pytest

from stp_analytics import charts
from stp_analytics.errors import DataValidationError
from stp_analytics.finance import context as finance_context
from stp_analytics.finance import finance_section, load_calibration
from stp_analytics.finance.reconcile import national_reconciliation

AREA = "E54000007"


@pytest.fixture(scope="module")
def result():
    return finance_section(AREA)


def test_share_and_range_match_the_national_reconciliation(result):
    final = national_reconciliation(result.assumptions).final()
    table = finance_context.national_position(result).set_index("measure")
    do_nothing = table.loc["Do-nothing gap 2020/21 (£m)"]
    assert do_nothing["all_areas"] == f"{final['do_nothing_gbp_m']:,.0f} (sum of 44)"
    share = 100 * result.do_nothing_gap_gbp_m / final["do_nothing_gbp_m"]
    assert do_nothing["share_or_position"] == f"{share:.1f}% of the sum"
    per_head = table.loc["Do-nothing gap per head 2020/21 (£)"]
    assert per_head["all_areas"] == (f"{final['do_nothing_per_head_min']:,.0f} to "
                                     f"{final['do_nothing_per_head_max']:,.0f} (range of 44)")
    deficit = table.loc["In deficit after every lever"]
    assert deficit["all_areas"] == f"{int(final['areas_in_deficit_after_levers'])} of 44 areas"


def test_per_head_distribution_flags_the_area_once(result):
    rows = finance_context.per_head_distribution(result)
    assert len(rows) == 44 and rows["is_area"].sum() == 1
    assert rows.loc[rows["is_area"], "area_code"].item() == AREA
    data = charts.prepare_per_head_data(rows)
    assert data["gap_do_nothing_per_head"].is_monotonic_decreasing
    chart = charts.plot_per_head_range(data)
    assert "Greater Manchester" in chart.alt_text and f"rank {result.rank} of 44" in chart.alt_text
    chart.close()


def test_outturn_comparison_uses_the_published_outturns(result):
    outturn = finance_context.outturn_comparison(result).set_index("year")
    figures = load_calibration()
    for year in ("2015/16", "2016/17", "2017/18", "2018/19"):
        key = f"provider_outturn_{year.replace('/', '_')}"
        assert outturn.loc[year, "reported_outturn"] == figures[key].value
    assert outturn.loc["2015/16", "model_provider_position"] == pytest.approx(-3.7)
    chart = charts.plot_outturn(charts.prepare_outturn_data(outturn.reset_index()))
    assert "include sustainability funding" in chart.alt_text
    chart.close()


def test_footprint_outturn_sentence_says_reported_results_include_the_fund(result):
    row = finance_context.footprint_outturn(result)
    assert len(row) == 1
    sentence = finance_context.footprint_outturn_sentence(row.iloc[0])
    assert "include sustainability funding" in sentence
    missing = row.iloc[0].copy()
    missing["reported_actual_gbp_m"] = float("nan")
    assert "data not supplied" in finance_context.footprint_outturn_sentence(missing)


def test_bad_chart_input_is_a_clear_error():
    rows = pd.DataFrame({"area_name": ["A", "B"], "gap_do_nothing_per_head": [1.0, "x"],
                         "is_area": [True, False]})
    with pytest.raises(DataValidationError) as error:
        charts.prepare_per_head_data(rows)
    assert error.value.column == "gap_do_nothing_per_head"
    with pytest.raises(DataValidationError):
        charts.prepare_per_head_data(rows.assign(gap_do_nothing_per_head=1.0, is_area=False))
    with pytest.raises(DataValidationError):
        charts.prepare_outturn_data(pd.DataFrame({"year": ["2016/17"]}))


def test_pack_sections_show_tables_with_headers_and_a_notice_without_a_model(result):
    from stp_analytics.content import sections_finance

    position = sections_finance.national_position(None, result)
    html = position._repr_html_()
    assert "<th" in html and "% of the sum" in html
    assert set(position.data) == {"national_position", "per_head"}
    reported = sections_finance.projected_against_reported(None, result)
    assert "Reported results include sustainability funding" in reported._repr_html_()
    assert set(reported.data) == {"outturn", "footprint_outturn"}
    for section in (sections_finance.national_position(None, None),
                    sections_finance.projected_against_reported(None, None)):
        assert "not yet available" in section._repr_html_()


def test_do_nothing_sensitivity_covers_assumptions_and_the_starting_position(result):
    rows = finance_context.do_nothing_tornado_rows(result)
    assert list(rows["base"]) == pytest.approx([result.do_nothing_gap_gbp_m] * len(rows))
    start = rows[rows["assumption"].str.startswith("Starting position")].iloc[0]
    positions = result.starting_positions
    assert start["residual_low"] == pytest.approx(positions["do_nothing_gbp_m"].min())
    assert start["residual_high"] == pytest.approx(positions["do_nothing_gbp_m"].max())
    # levers do not move the do-nothing gap, so they are not rows of this chart
    assert not rows["assumption"].str.contains("Provider efficiency").any()
    assert rows["assumption"].str.contains("Non-demographic").any()
    chart = charts.plot_tornado(charts.prepare_tornado_data(rows), area_name="GM",
                                measure="Do-nothing gap")
    assert chart.alt_text.startswith("Tornado chart of the do-nothing gap for GM")
    chart.close()
