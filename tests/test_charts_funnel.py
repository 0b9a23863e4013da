"""Funnel plot: limits computed by metrics.funnel_view (methods), all areas drawn, the area
highlighted; the chart only labels and draws the frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from chart_fixtures import AREA, INDICATOR_INFO, artists, synthetic_store

from stp_analytics.charts.funnel import plot_funnel, prepare_funnel_data
from stp_analytics.errors import DataValidationError
from stp_analytics.methods import funnel_proportion_limits
from stp_analytics.metrics.funnel_view import funnel_frames, infer_multiplier


@pytest.fixture(scope="module")
def store():
    return synthetic_store()


@pytest.fixture(scope="module")
def data(store):
    return prepare_funnel_data(*funnel_frames(store, "smoking", AREA),
                               indicator_info=INDICATOR_INFO)


def test_points_baseline_and_limits_come_from_the_store_and_methods(store, data):
    latest = store[(store["indicator"] == "smoking") & (store["area_role"] == "area")
                   & (store["period"] == "2016/17")]
    assert len(data.points) == 44 and data.multiplier == 100
    assert data.baseline == pytest.approx(
        latest["numerator"].sum() / latest["denominator"].sum() * 100)
    expected = funnel_proportion_limits(data.limits["denominator"], data.baseline / 100, 0.998,
                                        multiplier=100)
    assert np.allclose(data.limits["upper_998"], expected["upper"])
    assert (data.limits["upper_998"] >= data.limits["upper_95"]).all()
    assert (data.limits["lower_998"] <= data.limits["lower_95"]).all()
    assert set(data.points["funnel"]) <= {"High (0.001)", "High (0.025)", "Not significant",
                                          "Low (0.025)", "Low (0.001)"}


def test_drawn_points_limit_lines_and_highlight(data):
    chart = plot_funnel(data)
    others = artists(chart, "funnel-points")
    assert sum(len(c.get_offsets()) for c in others) == 43
    highlight = artists(chart, "funnel-highlight")
    assert len(highlight) == 1 and len(highlight[0].get_offsets()) == 1
    assert len(artists(chart, "funnel-limit-95")) == 2
    assert len(artists(chart, "funnel-limit-998")) == 2
    assert len(artists(chart, "funnel-baseline")) == 1
    label = artists(chart, "funnel-label")[0].get_text()
    assert label.startswith("Footprint 05 (")
    assert "44 areas" in chart.alt_text and "99.8%" in chart.alt_text
    assert chart.figure.axes[0].get_xscale() == "log"


def test_multiplier_inference_and_errors(store):
    x, n = np.array([1.0, 2.0]), np.array([10.0, 20.0])
    assert infer_multiplier(pd.Series(x / n * 1000), pd.Series(x), pd.Series(n)) == 1000
    with pytest.raises(DataValidationError, match="multiplier"):
        infer_multiplier(pd.Series(x / n * 37), pd.Series(x), pd.Series(n))
    with pytest.raises(DataValidationError, match="numerator and denominator"):
        funnel_frames(store, "ae_4hr", AREA)
    with pytest.raises(DataValidationError, match="no counts"):
        funnel_frames(store.assign(numerator=store["numerator"].where(
            store["area_code"] != AREA)), "smoking", AREA)


def test_frames_carry_what_the_chart_labels(store, data):
    points, _ = funnel_frames(store, "smoking", AREA)
    assert points.attrs["period"] == "2016/17" and points.attrs["area_code"] == AREA
    assert data.name == "Smoking prevalence in adults" and data.unit == "%"
    assert data.source.startswith("Test source A")
    assert list(data.points["area_code"]) == sorted(data.points["area_code"])


def test_the_chart_refuses_frames_without_the_limit_columns(store):
    points, limits = funnel_frames(store, "smoking", AREA)
    with pytest.raises(DataValidationError, match="upper_998"):
        prepare_funnel_data(points, limits.drop(columns="upper_998"))


def test_deterministic_png(data):
    assert plot_funnel(data).png_bytes() == plot_funnel(data).png_bytes()
