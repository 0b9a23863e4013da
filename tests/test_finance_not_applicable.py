"""Finance for ICBs: the 2016/17-2020/21 footprint model is not presented as an ICB's future."""

from __future__ import annotations

from stp_analytics.content import finance_display
from stp_analytics.finance import FinanceNotApplicable, finance_not_applicable, finance_section


def test_an_icb_gets_a_plain_notice_and_no_projection():
    result = finance_section("E54000057", None, "icb2022")
    assert isinstance(result, FinanceNotApplicable)
    assert result.area_name == "NHS Greater Manchester Integrated Care Board"
    assert "does not apply to ICBs" in result.notice
    assert "no projection is shown for NHS Greater Manchester Integrated Care Board" in (
        result.notice)
    assert not hasattr(result, "projection") and not hasattr(result, "do_nothing_gap_gbp_m")
    finance_result, notice = finance_display.run_finance_model("E54000057", None, "icb2022")
    assert finance_result is None and "does not apply to ICBs" in str(notice)
    html = str(finance_display.finance_html(finance_result, notice))
    assert "does not apply to ICBs" in html and "MODEL, not a forecast" not in html
    assert str(finance_display.finance_caveats(finance_result)) == ""
    for table in (finance_display.finance_projection_table,
                  finance_display.finance_assumptions_table):
        assert "2020/21" not in str(table(finance_result))  # a notice, never a projection


def test_the_footprints_keep_their_model():
    assert finance_not_applicable("E54000007", "stp2017") is None
    assert finance_not_applicable("bolton", "ccg2017") is None
