"""SPC chart: points by type (colour and shape), limits, target, icons, trial-limits note."""

from __future__ import annotations

import pytest
from chart_fixtures import AREA, INDICATOR_INFO, artists, synthetic_store
from matplotlib.colors import to_hex

from stp_analytics.charts.spc import TRIAL_LIMIT_POINTS, plot_spc, prepare_spc_data
from stp_analytics.charts.style import DEFAULT_PALETTE
from stp_analytics.content.chart_inputs import spc_data
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics.spc_view import spc_series


@pytest.fixture(scope="module")
def data():
    return spc_data(synthetic_store(), AREA, "ae_4hr", indicator_info=INDICATOR_INFO)


def test_series_in_period_order_with_state_from_the_store(data):
    assert len(data) == 24
    assert list(data["period_start"]) == sorted(data["period_start"])
    assert data.attrs["variation"] == data["spc_point_type"].iloc[-1]
    assert data.attrs["assurance"] == "inconsistent"  # target 95 between the limits
    assert data.attrs["trial_limits"] is False


def test_points_limits_target_and_special_cause_colours(data):
    chart = plot_spc(data)
    concern = artists(chart, "spc-points-special_cause_concern")
    common = artists(chart, "spc-points-common_cause")
    assert len(concern) == 1 and len(concern[0].get_offsets()) == 1
    assert len(common[0].get_offsets()) == 23
    assert to_hex(concern[0].get_facecolors()[0]).upper() == DEFAULT_PALETTE.spc_concern
    assert to_hex(common[0].get_facecolors()[0]).upper() == DEFAULT_PALETTE.spc_common_cause
    assert concern[0].get_paths()[0] != common[0].get_paths()[0]  # distinct marker shapes
    assert len(artists(chart, "spc-limit")) == 2
    assert len(artists(chart, "spc-mean")) == 1
    target = artists(chart, "spc-target")
    assert len(target) == 1 and set(target[0].get_ydata()) == {95.0}
    assert to_hex(target[0].get_color()).upper() == DEFAULT_PALETTE.spc_target
    assert not artists(chart, "spc-trial-note")


def test_icons_are_vector_circles_with_letters_and_captions(data):
    chart = plot_spc(data)
    assert len(artists(chart, "spc-variation-icon")) == 1
    assert len(artists(chart, "spc-assurance-icon")) == 1
    assert artists(chart, "spc-assurance-icon-letter")[0].get_text() == "?"
    caption = artists(chart, "spc-assurance-icon-caption")[0].get_text().replace("\n", " ")
    assert "inconsistent" in caption
    assert "special-cause point" in chart.alt_text and "target of 95.0" in chart.alt_text


def test_trial_limits_note_under_13_points():
    short = spc_data(synthetic_store(months=TRIAL_LIMIT_POINTS - 1), AREA, "ae_4hr",
                             indicator_info=INDICATOR_INFO)
    chart = plot_spc(short)
    assert short.attrs["trial_limits"] is True
    assert artists(chart, "spc-trial-note")[0].get_text().startswith("Trial limits")
    assert "Trial limits" in chart.alt_text


def test_special_cause_high_variation_icon_letter():
    store = synthetic_store()
    last = store.index[(store["indicator"] == "ae_4hr") & store["is_latest"].astype(bool)][0]
    store.loc[last, ["value", "spc_point_type"]] = [99.0, "special_cause_improvement"]
    data = spc_data(store, AREA, "ae_4hr", indicator_info=INDICATOR_INFO)
    chart = plot_spc(data)
    assert artists(chart, "spc-variation-icon-letter")[0].get_text() == "H"
    assert "improvement, high" in chart.alt_text


def test_no_spc_rows_is_a_clear_error():
    with pytest.raises(DataValidationError, match="no rows with SPC columns.*'smoking'"):
        spc_data(synthetic_store(), AREA, "smoking")


def test_assurance_follows_the_indicator_polarity():
    store = synthetic_store()
    high = spc_series(store, AREA, "ae_4hr", polarity="high_is_good")
    last = high.iloc[-1]
    # a target below the lower limit: a high-is-good indicator passes, low-is-good fails
    store.loc[store["indicator"] == "ae_4hr", "target"] = float(last["spc_lpl"]) - 1.0
    assurance = {p: spc_series(store, AREA, "ae_4hr", polarity=p).attrs["assurance"]
                 for p in ("high_is_good", "low_is_good", "none")}
    assert assurance == {"high_is_good": "consistent_pass", "low_is_good": "consistent_fail",
                         "none": None}


def test_the_chart_refuses_a_series_without_its_state():
    series = spc_series(synthetic_store(), AREA, "ae_4hr")
    series.attrs.pop("assurance")
    with pytest.raises(DataValidationError, match="assurance"):
        prepare_spc_data(series)


def test_deterministic_png(data):
    assert plot_spc(data).png_bytes() == plot_spc(data).png_bytes()
