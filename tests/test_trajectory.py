"""Where the area needs to be by 2020/21: baseline (2016/17 or nearest, a financial year of a
monthly series), the straight path to the standard, then and now on track / off track, the chart
per gap and the annex table."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from catalog_fixtures import small_catalog
from pack_fixtures import GM, make_pack
from store_factory import make_store

from stp_analytics.charts import TrajectoryPanel, plot_trajectories
from stp_analytics.content import sections_summary
from stp_analytics.metrics import trajectory as tr


def _monthly(first: str, values: list[float]) -> pd.DataFrame:
    months = pd.period_range(first, periods=len(values), freq="M")
    return make_store([{"indicator": "ae", **GM, "period": str(m), "period_start":
                        m.to_timestamp(), "numerator": v * 10, "denominator": 1000.0,
                        "value": v, "is_latest": i == len(values) - 1}
                       for i, (m, v) in enumerate(zip(months, values, strict=True))])


def _annual(points: dict[str, float], indicator: str = "ae") -> pd.DataFrame:
    return make_store([{"indicator": indicator, **GM, "period": period,
                        "period_start": pd.Timestamp(int(period[:4]), 4, 1), "value": value,
                        "is_latest": period == max(points)} for period, value in points.items()])


def test_a_monthly_series_is_read_a_complete_financial_year_at_a_time() -> None:
    # 2015-10 .. 2019-03: 2015/16 is incomplete; 2016/17 at 80%, 2017/18 at 85%, 2018/19 at 86%
    values = [70.0] * 6 + [80.0] * 12 + [85.0] * 12 + [86.0] * 12
    points = tr.yearly_points(_monthly("2015-10", values), monthly=True)
    assert list(points["period"]) == ["2016/17", "2017/18", "2018/19"]
    assert list(points["value"]) == pytest.approx([80.0, 85.0, 86.0])


def test_path_rate_and_then_and_now() -> None:
    values = [80.0] * 12 + [85.0] * 12 + [86.0] * 12
    path, _ = tr.area_trajectory(_monthly("2016-04", values), GM["area_code"], "ae", 95.0,
                                 "high_is_good", monthly=True)
    assert (path.baseline_period, path.baseline) == ("2016/17", pytest.approx(80.0))
    assert path.per_year == pytest.approx(15.0 / 4, rel=1e-3)  # four years to 2020/21
    assert path.latest_period == "2018/19"
    assert path.expected == pytest.approx(80.0 + 2 * 3.75, rel=1e-3)
    assert path.status == tr.OFF_TRACK  # 86% against 87.5% on the path
    ahead = tr.trajectory(pd.DataFrame({"period": ["2016/17", "2018/19"],
                                        "midpoint": [tr.fy_midpoint("2016/17"),
                                                     tr.fy_midpoint("2018/19")],
                                        "value": [80.0, 88.0]}), "ae", 95.0, "high_is_good")
    assert ahead.status == tr.ON_TRACK
    assert path.level_at(pd.Timestamp("2030-01-01")) == pytest.approx(95.0, rel=1e-3)


def test_baseline_is_the_period_nearest_2016_17_and_low_is_good_runs_down() -> None:
    store = _annual({"2014/15": 9.0, "2017/18": 6.0, "2019/20": 2.5})
    path, _ = tr.area_trajectory(store, GM["area_code"], "ae", 1.0, "low_is_good", False)
    assert path.baseline_period == "2017/18" and path.per_year < 0
    assert path.status == tr.ON_TRACK  # 2.5% is below the path (6% - 2 x 5/3 = 2.67%)


def test_met_baseline_only_and_no_direction() -> None:
    met, _ = tr.area_trajectory(_annual({"2016/17": 70.0, "2018/19": 68.0}), GM["area_code"],
                                "ae", 66.7, "high_is_good", False)
    assert met.status == tr.MET and met.per_year == 0.0
    once, _ = tr.area_trajectory(_annual({"2017/18": 60.0}), GM["area_code"], "ae", 80.0,
                                 "high_is_good", False)
    assert once.status == tr.BASELINE_ONLY
    assert tr.area_trajectory(_annual({"2017/18": 60.0}), GM["area_code"], "ae", 80.0, "none",
                              False)[0] is None
    assert tr.area_trajectory(_annual({"2017/18": 60.0}), GM["area_code"], "rtt", 80.0,
                              "high_is_good", False)[0] is None


def test_sections_show_a_chart_per_gap_with_its_finding_and_the_annex_table() -> None:
    pack = make_pack(_annual({"2016/17": 80.0, "2018/19": 82.0}))
    pack.catalog = small_catalog({"ae": {"name": "A&E 4-hour", "unit": "%", "gap": "care",
                                         "polarity": "high_is_good", "source": None,
                                         "target": {"value": 95, "label": "95%"}}})
    section = sections_summary.trajectories(pack)
    html = section._repr_html_()
    (alt,) = re.findall(r'alt="([^"]*)"', html)
    assert "A&amp;E 4-hour: 80.0 at the baseline, 82.0 in 2018/19" in alt and "off track" in alt
    assert "Health and wellbeing: no indicator with a national standard has data" in html
    assert list(section.data["trajectories"]["status"]) == [tr.OFF_TRACK]
    table = sections_summary.trajectory_annex(pack)._repr_html_()
    assert "<td>80.0% (2016/17)</td>" in table and "<td>off track</td>" in table
    assert "On track: the latest actual" in table


def test_plot_needs_a_panel() -> None:
    with pytest.raises(Exception, match="at least one"):
        plot_trajectories([], area_name="X", title="t", source="s")
    panel = TrajectoryPanel("A", "%", pd.DataFrame({"period": ["2016/17"], "midpoint":
                            [tr.fy_midpoint("2016/17")], "value": [80.0]}),
                            (tr.fy_midpoint("2016/17"), 80.0), (tr.fy_midpoint("2020/21"), 95.0),
                            tr.BASELINE_ONLY, 95.0)
    chart = plot_trajectories([panel], area_name="X", title="t", source="s")
    assert "standard 95.0 by 2020/21 - baseline only" in chart.alt_text
