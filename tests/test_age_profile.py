"""The footprint's age profile against England's (issue 20 item 6): bands by hand, the chart."""

from __future__ import annotations

import pandas as pd
import pytest

from stp_analytics.charts.age_profile import plot_age_profile
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics.age_profile import band_shares, share_aged


def profile() -> pd.Series:
    ages = {f"age_{age}": float(age % 5 + 1) for age in range(90)}  # 1..5 in each band: 15
    return pd.Series({**ages, "age_90plus": 30.0})


def test_band_shares_by_hand():
    bands = band_shares(profile())
    assert bands["band"].iloc[0] == "0-4" and bands["band"].iloc[-1] == "90+"
    assert len(bands) == 19
    assert bands["people"].iloc[0] == 15 and bands["people"].iloc[-1] == 30
    total = 18 * 15 + 30
    assert bands["share"].iloc[0] == pytest.approx(100 * 15 / total)
    assert bands["share"].sum() == pytest.approx(100)
    assert share_aged(bands, 65) == pytest.approx(100 * (5 * 15 + 30) / total)  # 65-89 and 90+
    assert share_aged(bands, 0, 15) == pytest.approx(100 * 4 * 15 / total)  # 0-19


def test_bad_profiles_raise():
    with pytest.raises(DataValidationError, match="age profile lacks age_7"):
        band_shares(profile().drop("age_7"))
    with pytest.raises(DataValidationError, match="no people"):
        band_shares(profile() * 0)


def test_chart_draws_the_area_bars_and_england_and_keeps_the_alt_text():
    bands = band_shares(profile())
    data = pd.DataFrame({"band": bands["band"], "area_share": bands["share"],
                         "england_share": bands["share"] * 0.9})
    chart = plot_age_profile(data, area_name="Area A", alt_text="Chart of Area A by age.")
    try:
        axes = chart.figure.axes[0]
        bars = [p for p in axes.patches if p.get_gid() == "age-area"]
        assert len(bars) == 19
        assert bars[0].get_width() == pytest.approx(bands["share"].iloc[0])
        (england,) = [line for line in axes.lines if line.get_gid() == "age-england"]
        assert list(england.get_xdata()) == pytest.approx(list(bands["share"] * 0.9))
        assert chart.alt_text == "Chart of Area A by age."
    finally:
        chart.close()
