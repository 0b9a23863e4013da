"""Tests for content.alt_text: each chart's alt text states its finding, from the data the
chart draws, before the chart's own description."""

from __future__ import annotations

import pandas as pd
from pack_fixtures import GM, make_pack
from store_factory import make_store

from stp_analytics.content import alt_text, pack_charts


def _series(values, target=float("nan"), england=float("nan")):
    periods = pd.period_range("2016-04", periods=len(values), freq="M")
    return pd.DataFrame({"period": [str(p) for p in periods],
                         "period_start": periods.to_timestamp(), "value": values,
                         "target": target, "england_value": england})


def test_a_falling_series_below_its_standard_says_so() -> None:
    data = _series([88.04] + [85.0] * 34 + [79.1], target=95.0)
    text = alt_text.series_finding(data, "Greater Manchester", "A&E 4-hour performance", "%")
    assert text == ("Greater Manchester's A&E 4-hour performance fell from 88.0% to 79.1% over "
                    "3 years (2016-04 to 2019-03), below the 95.0% standard.")


def test_a_series_without_a_standard_is_set_against_england() -> None:
    data = _series([10.0, 12.5], england=11.0)
    text = alt_text.series_finding(data, "Cumbria", "Smoking prevalence", "%")
    assert text == ("Cumbria's smoking prevalence rose from 10.0% to 12.5% over 1 month "
                    "(2016-04 to 2016-05), against 11.0% for England.")
    assert alt_text.series_finding(_series([float("nan")]), "Cumbria", "X", "%").endswith(
        "data not supplied.")


def test_spc_latest_point_is_named() -> None:
    data = _series([1.0, 2.0]).assign(spc_point_type=["common_cause",
                                                      "special_cause_improvement"])
    assert "special-cause improvement" in alt_text.spc_latest(data)


def test_pack_charts_put_the_finding_before_the_chart_description() -> None:
    rows = [{"indicator": "ae", **GM, "period": p, "value": v, "target": 95.0,
             "england_value": 90.0}
            for p, v in (("2016-04", 88.0), ("2016-05", 86.0), ("2016-06", 84.0))]
    pack = make_pack(make_store(rows))
    html = str(pack_charts.indicator_chart(pack, "trends", "ae"))
    alt = html.split('alt="', 1)[1].split('"', 1)[0]
    assert alt.startswith("Greater Manchester&#x27;s A&amp;E 4-hour fell from 88.0% to 84.0%")
    assert "below the 95.0% standard. Trend chart" in alt
