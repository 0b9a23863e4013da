"""Trend lines: area, England, target; small multiples; alt text describes the change."""

from __future__ import annotations

import numpy as np
import pytest
from chart_fixtures import AREA, INDICATOR_INFO, artists, synthetic_store

from stp_analytics.charts.trend import (
    plot_trend,
    plot_trend_small_multiples,
    prepare_trend_data,
    prepare_trend_small_multiples_data,
)
from stp_analytics.errors import DataValidationError, ParameterError


@pytest.fixture(scope="module")
def store():
    return synthetic_store()


def test_series_ordered_with_england_and_target(store):
    data = prepare_trend_data(store, AREA, "ae_4hr", indicator_info=INDICATOR_INFO)
    assert len(data) == 24 and list(data["period_start"]) == sorted(data["period_start"])
    chart = plot_trend(data)
    area = artists(chart, "trend-area")[0]
    assert np.allclose(area.get_ydata(), data["value"])
    assert set(artists(chart, "trend-england")[0].get_ydata()) == {90.0}
    assert set(artists(chart, "trend-target")[0].get_ydata()) == {95.0}
    assert {t.get_text() for t in artists(chart, "trend-end-label")} >= {"England", "Target"}
    assert "target 95.0" in chart.alt_text


def test_england_filled_from_england_rows_when_missing(store):
    trimmed = store.copy()
    mask = (trimmed["area_code"] == AREA) & (trimmed["indicator"] == "hle")
    trimmed.loc[mask, "england_value"] = np.nan
    data = prepare_trend_data(trimmed, AREA, "hle", indicator_info=INDICATOR_INFO)
    assert data["england_value"].notna().all()
    chart = plot_trend(data)
    assert len(artists(chart, "trend-ci")) == 1
    assert not artists(chart, "trend-target")


def test_small_multiples_one_panel_per_indicator(store):
    frames = prepare_trend_small_multiples_data(
        store, AREA, ["smoking", "hle", "dm_prev", "ae_4hr"], indicator_info=INDICATOR_INFO)
    chart = plot_trend_small_multiples(frames, ncols=3)
    panels = [ax for ax in chart.figure.axes if ax.axison]
    assert len(panels) == 4 and len(chart.figure.axes) == 6
    assert len(artists(chart, "trend-area")) == 4
    assert chart.alt_text.count(" went from ") == 4
    assert chart.source.count("Open Government Licence") == 1
    with pytest.raises(ParameterError, match="datasets"):
        plot_trend_small_multiples([])


def test_unknown_area_is_an_error(store):
    with pytest.raises(DataValidationError, match="E54999999"):
        prepare_trend_data(store, "E54999999", "hle")


def test_deterministic_png(store):
    frames = prepare_trend_small_multiples_data(store, AREA, ["smoking", "hle"],
                                                indicator_info=INDICATOR_INFO)
    assert plot_trend_small_multiples(frames).png_bytes() == \
        plot_trend_small_multiples(frames).png_bytes()
    assert plot_trend(frames[0]).png_bytes() == plot_trend(frames[0]).png_bytes()
