"""Tests for stp_analytics.content.finance_display: the finance model blocks and the activity per
1,000
table and sentence (hand-made activity tables, so every figure is checked by hand)."""

from __future__ import annotations

import math

import pandas as pd
from catalog_fixtures import small_catalog
from markupsafe import Markup
from pack_fixtures import cells, small_finance_result

from stp_analytics.content import finance_display
from stp_analytics.finance import activity

CATALOG = small_catalog(
    indicators={
        "ae": {"name": "A&E attendances", "unit": "attendances a month", "source": "ae",
               "gap": "finance", "statistic": "count", "aggregation": "sum"},
        "em": {"name": "Emergency admissions", "unit": "admissions a month", "source": "ae",
               "gap": "finance", "statistic": "count", "aggregation": "sum"},
    },
    sources={"ae": {"publisher": "NHS England", "period": "2016/17 to 2018/19"}},
)


def _row(indicator, code, name, year, count, population, growth=math.nan, within=pd.NA):
    return {"indicator": indicator, "area_code": code, "area_name": name,
            "financial_year": year, "months": 12, "count": count, "population": population,
            "per_1000": count / population * 1000, "count_growth_pct": math.nan,
            "per_1000_growth_pct": growth, "within_ambition": within}


def _table(area_name: str = "Area <A>") -> pd.DataFrame:
    """ae for the area in two years (120.0 then 130.7 per 1,000, +8.9%) and England (100.0 then
    102.0, +2.0%); em for England only."""
    rows = [
        _row("ae", "E54000001", area_name, "2016/17", 1200.0, 10_000.0),
        _row("ae", "E54000001", area_name, "2017/18", 1320.0, 10_100.0, 8.910891, False),
        _row("ae", activity.ENGLAND_CODE, "England", "2016/17", 5000.0, 50_000.0),
        _row("ae", activity.ENGLAND_CODE, "England", "2017/18", 5100.0, 50_000.0, 2.0, False),
        _row("em", activity.ENGLAND_CODE, "England", "2016/17", 500.0, 50_000.0),
    ]
    frame = pd.DataFrame(rows)
    frame["within_ambition"] = frame["within_ambition"].astype("boolean")
    return frame.loc[:, list(activity.COLUMNS)]


def test_finance_html() -> None:
    assert "not yet available" in str(finance_display.finance_html(None))
    assert str(finance_display.finance_html(None, Markup("<p>notice</p>"))) == "<p>notice</p>"
    result = small_finance_result("Tees <Valley> & Co", label="MODEL <not a forecast>")
    html = str(finance_display.finance_html(result))
    assert "MODEL &lt;not a forecast&gt;" in html
    assert ("<p>On the model&#39;s assumptions, Tees &lt;Valley&gt; &amp; Co would face a gap "
            "of £120m (£41 per head) in 2020/21") in html


def test_finance_tables_and_caveats_without_a_model_result() -> None:
    assert "not yet available" in str(finance_display.finance_projection_table(None))
    assert "not yet available" in str(finance_display.finance_assumptions_table(None))
    assert str(finance_display.finance_caveats(None)) == ""
    assert "A caveat." in str(finance_display.finance_caveats(small_finance_result()))


def test_run_finance_model_gives_none_and_a_notice_when_the_model_fails() -> None:
    result, notice = finance_display.run_finance_model("E54000099")  # no such footprint
    assert result is None and "not yet available" in str(notice)
    assert finance_display.finance_html(result, notice) == notice


def test_activity_sentence_table_and_method() -> None:
    html = str(finance_display.activity_html(_table(), CATALOG, "E54000001", 0.01,
                                             label="footprint", indicators=("ae", "em")))
    assert (
        "A&amp;E attendances: in 2017/18, Area &lt;A&gt; had 130.7 attendances per 1,000 "
        "residents (England 102.0), up 8.9% per head on 2016/17, above the ambition of growth "
        "of at most 1% a year (England: up 2.0%)."
    ) in html
    rows = cells(html)
    assert rows[0][0] == "Financial year" and "(count)" in rows[0][1]
    assert rows[0][5] == "Within the ambition (growth at most 1% a year)"
    assert rows[1] == ["2016/17", "1,200", "10,000", "120.0", "", "", "100.0", ""]
    assert rows[2] == ["2017/18", "1,320", "10,100", "130.7", "8.9", "no", "102.0", "2.0"]
    assert "Emergency admissions per 1,000 residents: data not supplied." in html
    assert "grew by no more than 1% (the demand moderation assumption)" in html
    assert "activity at the footprint's trusts" in html and "<script" not in html


def test_activity_text_follows_the_moderation_parameter() -> None:
    table = _table()
    table.loc[1, "within_ambition"] = True  # as activity_table would give at 10% a year
    html = str(finance_display.activity_html(table, CATALOG, "E54000001", 0.1, indicators=("ae",)))
    assert "within the ambition of growth of at most 10% a year" in html
    assert cells(html)[2][5] == "yes"


def test_activity_one_year_and_missing_population() -> None:
    table = _table().iloc[[0, 2]].reset_index(drop=True)
    html = str(finance_display.activity_html(table, CATALOG, "E54000001", 0.01,
                                             indicators=("ae",)))
    assert "growth on the previous financial year cannot be shown (no complete year" in html
    table.loc[0, ["population", "per_1000"]] = math.nan
    html = str(finance_display.activity_html(table, CATALOG, "E54000001", 0.01,
                                             indicators=("ae",)))
    assert "had 1,200 attendances (population data not supplied, so no rate per 1,000)." in html


def test_activity_notice_passes_through() -> None:
    notice = Markup('<div class="stp-not-supplied">Activity: not yet available.</div>')
    assert finance_display.activity_html(notice, CATALOG, "E54000001", 0.01) is notice
