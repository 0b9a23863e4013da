"""SII chart: quantile values with CIs at their relative ranks, the fitted line, alt text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from chart_fixtures import artists

from stp_analytics.charts.inequality import fitted_line, plot_sii, prepare_sii_data
from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.metrics import inequality as iq

# Ten practices, two per national quintile (scores 50 ... 5), all in area A. Quintile sums:
# 1: 55/550, 2: 40/500, 3: 30/600, 4: 20/500, 5: 10/400 -> 10%, 8%, 5%, 4%, 2.5%.
SCORES = pd.DataFrame({"practice_code": [f"P{i:02d}" for i in range(1, 11)],
                       "imd_score": [50, 45, 40, 35, 30, 25, 20, 15, 10, 5.0]})
COUNTS = pd.DataFrame({"practice_code": [f"P{i:02d}" for i in range(1, 11)],
                       "numerator": [30, 25, 20, 20, 15, 15, 10, 10, 5, 5.0],
                       "denominator": [300, 250, 250, 250, 300, 300, 250, 250, 200, 200.0]})
LOOKUP = pd.DataFrame({"practice_code": [f"P{i:02d}" for i in range(1, 11)], "area_code": "A"})


@pytest.fixture(scope="module", params=[False, True], ids=["linear", "logit"])
def prepared(request):
    table = iq.quantile_proportions(COUNTS, SCORES, LOOKUP)
    sii = iq.area_sii(iq.quantile_counts(COUNTS, SCORES, LOOKUP), transform=request.param,
                      repetitions=2000)
    return prepare_sii_data(table, sii, "A", name="Diabetes prevalence", area_name="Area A",
                            source="QOF 2017-18; Fingertips 93553")


def test_points_sit_at_relative_ranks_with_their_cis(prepared):
    np.testing.assert_allclose(prepared["value"], [10, 8, 5, 4, 2.5])
    # populations 550, 500, 600, 500, 400 of 2550: first midpoint 275/2550
    assert prepared["rank"].iloc[0] == pytest.approx(275 / 2550)
    assert prepared["rank"].iloc[-1] == pytest.approx(1 - 200 / 2550)
    chart = plot_sii(prepared)
    drawn = artists(chart, "sii-quantiles")
    assert drawn
    labels = {t.get_text() for t in artists(chart, "sii-quantile-label")}
    assert labels == {"Q1", "Q2", "Q3", "Q4", "Q5"}


def test_fitted_line_runs_from_intercept_by_the_sii(prepared):
    attrs = prepared.attrs
    chart = plot_sii(prepared)
    (line,) = artists(chart, "sii-fit")
    y = line.get_ydata()
    # multiplier -100: y(0) is the intercept and y(1) = intercept - SII (the least deprived end)
    assert y[0] == pytest.approx(attrs["intercept"])
    assert y[-1] == pytest.approx(attrs["intercept"] - attrs["sii"])
    assert attrs["sii"] > 0  # the most deprived have the higher prevalence


def test_alt_text_states_the_finding(prepared):
    chart = plot_sii(prepared)
    text = chart.alt_text
    assert "10.0% in quintile 1 (most deprived) and 2.5% in quintile 5 (least deprived)" in text
    assert "slope index of inequality" in text and "percentage points (95% CI" in text
    assert f"{prepared.attrs['sii']:.2f}" in text


def test_missing_sii_is_said_not_drawn():
    lookup = LOOKUP[~LOOKUP["practice_code"].isin(["P09", "P10"])]  # no practice in quintile 5
    table = iq.quantile_proportions(COUNTS, SCORES, lookup)
    sii = iq.area_sii(iq.quantile_counts(COUNTS, SCORES, lookup), repetitions=2000)
    data = prepare_sii_data(table, sii, "A", name="Diabetes prevalence")
    chart = plot_sii(data)
    assert not artists(chart, "sii-fit")
    assert "No slope index of inequality: no practices in quintile 5" in chart.alt_text


def test_fitted_line_helper_logit_ends():
    y = fitted_line(8.0, 3.0, -100, "logit", np.array([0.0, 0.5, 1.0]))
    assert y[0] == pytest.approx(8.0) and y[-1] == pytest.approx(5.0)
    assert 5.0 < y[1] < 8.0


def test_wrong_scale_and_unknown_area_raise():
    table = iq.quantile_proportions(COUNTS, SCORES, LOOKUP, multiplier=1)
    sii = iq.area_sii(iq.quantile_counts(COUNTS, SCORES, LOOKUP), repetitions=2000)
    with pytest.raises(ParameterError, match="not on the SII's scale"):
        prepare_sii_data(table, sii, "A", name="Diabetes prevalence")
    with pytest.raises(DataValidationError, match="no rows for area 'Z'"):
        prepare_sii_data(table, sii, "Z", name="Diabetes prevalence")


def test_deterministic_png(prepared):
    assert plot_sii(prepared).png_bytes() == plot_sii(prepared).png_bytes()
