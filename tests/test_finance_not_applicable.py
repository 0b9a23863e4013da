"""Finance for ICBs: the 2016/17-2020/21 footprint model is not presented as an ICB's future."""

from __future__ import annotations

from types import SimpleNamespace

from stp_analytics.content import finance_display, pack_charts
from stp_analytics.finance import FinanceNotApplicable, finance_not_applicable, finance_section


def test_an_icb_gets_a_plain_notice_and_no_projection():
    result = finance_section("E54000057", None, "icb2022")
    assert isinstance(result, FinanceNotApplicable)
    assert result.area_name == "NHS Greater Manchester Integrated Care Board"
    assert "does not apply to ICBs" in result.notice
    assert "no projection is shown for NHS Greater Manchester Integrated Care Board" in (
        result.notice)
    assert not hasattr(result, "projection") and not hasattr(result, "do_nothing_gap_gbp_m")
    html = str(finance_display.finance_html(result))
    assert "does not apply to ICBs" in html and "MODEL, not a forecast" not in html
    assert str(finance_display.finance_projection_table(result)) == ""
    assert str(finance_display.finance_assumptions_table(result)) == ""
    assert str(finance_display.finance_caveats(result)) == ""
    pack = SimpleNamespace(area_name=result.area_name)
    for chart in (pack_charts.bridge_chart, pack_charts.tornado_chart):
        assert "does not apply here" in str(chart(pack, result))


def test_the_footprints_keep_their_model():
    assert finance_not_applicable("E54000007", "stp2017") is None
    assert finance_not_applicable("bolton", "ccg2017") is None
