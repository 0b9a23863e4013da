"""The gap in natural units (issue 20 item 5), worked by hand on small frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stp_analytics.metrics import natural_units as nu


def profile(people_per_age: float = 100.0) -> pd.Series:
    ages = {f"age_{age}": people_per_age for age in range(90)}
    return pd.Series({**ages, "age_90plus": 50.0})


def test_band_population_counts_single_years_and_the_open_band():
    assert nu.band_population(profile(), 0, 74) == 7500  # ages 0..74
    assert nu.band_population(profile(), 65) == 25 * 100 + 50  # 65..89 and 90+
    assert nu.band_population(profile(), 10, 10) == 100
    bands = nu.band_populations(profile())
    assert bands["u75_preventable_mortality"] == 7500
    assert bands["smoking_prevalence"] == 72 * 100 + 50
    assert "qof_diabetes_prevalence" not in bands  # counted: its own denominator is used


ROWS = pd.DataFrame({
    "indicator": ["u75_preventable_mortality", "qof_diabetes_prevalence", "life_expectancy",
                  "cervical_screening_25_49"],
    "period": ["2016 - 18", "2017/18", "2016 - 18", "2017"],
    "value": [215.0, 7.2, 78.0, 68.0],
    "denominator": [np.nan, 2_400_000.0, np.nan, 500_000.0],
    "approximate": [True, False, True, False],
    "england_value": [153.7, 6.8, 79.6, 70.0],
    "peer_best5_mean": [180.0, np.nan, 80.0, 72.0],
})


def test_gap_by_hand():
    gaps = nu.gap_in_natural_units(ROWS, {"u75_preventable_mortality": 2_645_000.0})
    gaps = gaps.set_index("indicator")
    assert "life_expectancy" not in gaps.index  # years: not a rate
    # (215 - 153.7) / 100,000 x 2,645,000 = 1,621.4 deaths a year, approximate
    u75 = gaps.loc["u75_preventable_mortality"]
    assert u75["gap_england"] == pytest.approx(1621.385)
    assert u75["gap_peers"] == pytest.approx((215 - 180) / 100_000 * 2_645_000)
    assert u75["text_england"] == ("about 1,620 more deaths under 75 from preventable causes a "
                                   "year than at England's rate")
    assert u75["volume_basis"] == "mid-2018 population aged 0-74"
    # counted: (7.2 - 6.8) / 100 x 2,400,000 = 9,600 people, exact (no "about")
    diabetes = gaps.loc["qof_diabetes_prevalence"]
    assert diabetes["gap_england"] == pytest.approx(9600)
    assert diabetes["text_england"] == ("9,600 more people on the diabetes register than at "
                                        "England's rate")
    assert np.isnan(diabetes["gap_peers"]) and diabetes["text_peers"] == ""
    screening = gaps.loc["cervical_screening_25_49"]
    assert screening["text_england"].startswith("10,000 fewer women aged 25-49 screened")


def test_approximate_row_without_a_population_has_no_gap():
    gaps = nu.gap_in_natural_units(ROWS.iloc[:1]).set_index("indicator")
    assert np.isnan(gaps.loc["u75_preventable_mortality", "gap_england"])
    assert gaps.loc["u75_preventable_mortality", "text_england"] == ""


def test_missing_column_raises():
    from stp_analytics.errors import DataValidationError

    with pytest.raises(DataValidationError, match="rows has no column 'peer_best5_mean'"):
        nu.gap_in_natural_units(ROWS.drop(columns="peer_best5_mean"))
