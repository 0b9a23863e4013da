"""pack_charts: one call per chart kind, a notice (never an error) when an indicator lacks data."""

from __future__ import annotations

import pandas as pd
import pytest
from pack_fixtures import GM, care_store, make_pack
from store_factory import make_store

from stp_analytics.content import pack_charts
from stp_analytics.content.display import NOT_AVAILABLE
from stp_analytics.content.pack_definition import SectionSpec


def _trend_pack():
    rows = [{"indicator": "ae", **GM, "value": 90.0 - i, "period": f"{2014 + i}/{15 + i}",
             "period_start": pd.Timestamp(f"{2014 + i}-04-01"), "is_latest": i == 2}
            for i in range(3)]
    pack = make_pack(make_store(rows))
    pack.sections = {"care": SectionSpec(id="care", trends=("ae", "not_in_store"))}
    return pack


def test_indicator_charts_one_per_listed_indicator_with_a_notice_for_missing_data() -> None:
    charts = pack_charts.indicator_charts(_trend_pack(), "care", "trends")
    assert len(charts) == 2
    assert "<img" in charts[0] and 'alt="' in charts[0]
    assert "<img" not in charts[1]
    assert "data not supplied" in charts[1]


def test_a_section_without_the_setting_draws_nothing() -> None:
    assert pack_charts.indicator_charts(_trend_pack(), "health", "trends") == []


def test_unknown_chart_kind_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="chart kind 'pie'.*trends"):
        pack_charts.indicator_chart(make_pack(care_store()), "pie", "ae")


def test_finance_charts_without_a_model_result_show_a_notice() -> None:
    pack = make_pack(care_store())
    for chart in (pack_charts.bridge_chart(pack, None), pack_charts.tornado_chart(pack, None)):
        assert "<img" not in chart
        assert NOT_AVAILABLE in chart  # no model result: the chart cannot be drawn
