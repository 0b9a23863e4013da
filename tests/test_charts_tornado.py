"""Tornado chart: sorted by swing, bars from the base, end labels."""

from __future__ import annotations

import pytest
from chart_fixtures import artists, tornado_rows

from stp_analytics.charts.tornado import plot_tornado, prepare_tornado_data
from stp_analytics.errors import DataValidationError


def test_sorted_by_swing_widest_first():
    data = prepare_tornado_data(tornado_rows())
    assert list(data["assumption"]) == ["Cost inflation", "Provider efficiency",
                                        "Demand growth"]
    assert list(data["swing"]) == [110.0, 80.0, 45.0]


def test_bars_start_at_base_and_are_labelled():
    data = prepare_tornado_data(tornado_rows())
    chart = plot_tornado(data, area_name="Footprint 05")
    low, high = artists(chart, "tornado-low"), artists(chart, "tornado-high")
    assert len(low) == 3 and len(high) == 3
    assert all(bar.get_x() == pytest.approx(50.0) for bar in low + high)
    assert [bar.get_width() for bar in low] == pytest.approx([-40.0, 40.0, -20.0])
    assert all(bar.get_hatch() for bar in high) and not any(bar.get_hatch() for bar in low)
    labels = {t.get_text() for t in artists(chart, "tornado-label")}
    assert "2.5% a year: £120.0m" in labels and "0.5% a year: £30.0m" in labels
    assert len(artists(chart, "tornado-base")) == 1
    assert "Widest swing: Cost inflation" in chart.alt_text
    assert chart.png_bytes() == plot_tornado(data, area_name="Footprint 05").png_bytes()


def test_bad_rows_are_named():
    rows = tornado_rows()
    rows.loc[1, "residual_high"] = None
    with pytest.raises(DataValidationError, match="row 1, column 'residual_high'"):
        prepare_tornado_data(rows)
    rows = tornado_rows()
    rows.loc[2, "base"] = 60.0
    with pytest.raises(DataValidationError, match="same base"):
        prepare_tornado_data(rows)
    with pytest.raises(DataValidationError, match="'low_label'"):
        prepare_tornado_data(tornado_rows().drop(columns="low_label"))
