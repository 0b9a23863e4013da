"""Spine chart: Fingertips orientation rules on numbers, and the drawn elements."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from chart_fixtures import AREA, INDICATOR_INFO, artists, synthetic_store, texts
from matplotlib.colors import to_hex

from stp_analytics.charts.spine import plot_spine, prepare_spine_data
from stp_analytics.charts.style import DEFAULT_PALETTE
from stp_analytics.errors import DataValidationError

INDICATORS = ["smoking", "hle", "dm_prev"]


@pytest.fixture(scope="module")
def store() -> pd.DataFrame:
    return synthetic_store()


@pytest.fixture(scope="module")
def data(store) -> pd.DataFrame:
    return prepare_spine_data(store, AREA, indicators=INDICATORS, indicator_info=INDICATOR_INFO)


def test_one_row_per_indicator_with_latest_period_and_area_values(store, data):
    assert list(data["indicator"]) == INDICATORS
    assert set(data["period"]) == {"2016/17"}
    latest = store[(store["area_code"] == AREA) & (store["period"] == "2016/17")
                   & (store["area_role"] == "area")].set_index("indicator")
    for row in data.itertuples():
        assert row.value == pytest.approx(latest.loc[row.indicator, "value"])
        assert row.comparison == latest.loc[row.indicator, "comparison"]
        assert row.n_areas == 44


def test_best_is_always_on_the_right_and_england_at_centre(store, data):
    for row in data.itertuples():
        positions = [row.pos_worst, row.pos_worst_quartile, row.pos_best_quartile, row.pos_best]
        assert positions == sorted(positions)
        assert 0 <= min(positions) and max(positions) <= 1
        assert min(positions) == pytest.approx(0) or max(positions) == pytest.approx(1)
    smoking = data.set_index("indicator").loc["smoking"]
    areas = store[(store["indicator"] == "smoking") & (store["area_role"] == "area")
                  & (store["period"] == "2016/17")]["value"]
    # low is good: the worst is the highest value, drawn on the left
    assert smoking["worst"] == pytest.approx(areas.max())
    assert smoking["best"] == pytest.approx(areas.min())
    assert smoking["worst_quartile"] == pytest.approx(np.quantile(areas, 0.75))
    better_than_england = smoking["value"] < smoking["england_value"]
    assert (smoking["pos_value"] > 0.5) == better_than_england


def test_high_is_good_and_no_polarity_are_not_mirrored(data):
    for indicator in ("hle", "dm_prev"):
        row = data.set_index("indicator").loc[indicator]
        assert row["worst"] < row["best"]
        assert (row["pos_value"] > 0.5) == (row["value"] > row["england_value"])


def test_drawn_points_colours_bars_england_line_and_text_columns(data):
    chart = plot_spine(data)
    points = artists(chart, "spine-area")
    assert len(points) == 1 and len(points[0].get_offsets()) == len(data)
    colours = [to_hex(c).upper() for c in points[0].get_facecolors()]
    assert colours == [DEFAULT_PALETTE.comparison_colour(c).upper() for c in data["comparison"]]
    bars = artists(chart, "spine-bar")
    assert len(bars) == 3 * len(data)
    assert {to_hex(bar.get_facecolor()).upper() for bar in bars} == {"#C9C9C9", "#8B8B8B"}
    assert len(artists(chart, "spine-england-line")) == 1
    compared = [t.get_text() for t in artists(chart, "spine-compared")]
    assert compared == list(data["comparison"])
    labels = [t.get_text() for t in artists(chart, "spine-label")]
    assert labels == list(data["name"])
    drawn = texts(chart)
    assert "Worst/\nLowest" in drawn and "England" in drawn
    assert chart.title and chart.source.startswith("Test source A")
    assert chart.alt_text.startswith(f"Spine chart of {len(data)} indicators for Footprint 05")
    assert "significantly worse" in chart.alt_text or "Worse" not in set(data["comparison"])


def test_missing_area_value_shows_no_data_and_no_circle(store):
    trimmed = store[~((store["area_code"] == AREA) & (store["indicator"] == "hle"))]
    data = prepare_spine_data(trimmed, AREA, indicators=INDICATORS,
                              indicator_info=INDICATOR_INFO)
    row = data.set_index("indicator").loc["hle"]
    assert np.isnan(row["value"]) and row["comparison"] == "Not compared"
    chart = plot_spine(data)
    assert len(artists(chart, "spine-area")[0].get_offsets()) == len(data) - 1
    assert "No data" in [t.get_text() for t in artists(chart, "spine-compared")]
    assert "Data not supplied: Healthy life expectancy at birth" in chart.alt_text


def test_unknown_area_and_missing_column_are_named(store):
    with pytest.raises(DataValidationError, match="E54999999"):
        prepare_spine_data(store, "E54999999")
    with pytest.raises(DataValidationError, match="'comparison'"):
        prepare_spine_data(store.drop(columns="comparison"), AREA)


def test_deterministic_png(data):
    assert plot_spine(data).png_bytes() == plot_spine(data).png_bytes()
