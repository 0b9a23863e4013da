"""Care headlines (issue 18, items 3 and 4): gap in patients, 12-month pooling, SPC verdict."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stp_analytics.metrics.care_headline import (
    care_headlines,
    gap_in_patients,
    gaps_by_period,
    headline,
)

IAPT = {"indicator": "iapt_recovery", "statistic": "proportion", "multiplier": 100.0,
        "polarity": "high_is_good", "frequency": "annual"}
AE = {**IAPT, "indicator": "ae", "frequency": "monthly"}
MEAN = {"indicator": "amb", "statistic": "mean", "multiplier": 1 / 60,
        "polarity": "low_is_good", "frequency": "monthly"}


def test_gap_in_patients_high_is_good_rounds_up():
    # Greater Manchester IAPT 2017-18: 14,155 recovered of 28,835; 50% is 14,417.5
    assert gap_in_patients(14155, 28835, 50, "high_is_good") == 263


def test_gap_in_patients_met_low_is_good_and_not_countable():
    assert gap_in_patients(600, 1000, 50, "high_is_good") == 0
    assert gap_in_patients(30, 1000, 1, "low_is_good") == 20  # 3% waiting against under 1%
    assert gap_in_patients(5, 10, 7, "low_is_good", statistic="mean") is None
    assert gap_in_patients(np.nan, 10, 50, "high_is_good") is None
    assert gap_in_patients(5, 10, 50, "none") is None


def _store(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["indicator", "area_code", "period", "numerator",
                                        "denominator", "value", "target"])
    frame["area_role"] = np.where(frame["area_code"].eq("E92000001"), "england", "area")
    frame["sex"] = "Persons"
    frame["period_start"] = pd.to_datetime(frame["period"].str[:7], format="%Y-%m")
    frame["spc_point_type"] = "common_cause"
    frame["spc_lpl"], frame["spc_upl"] = 70.0, 90.0
    return frame


def _months(code: str, n: int, num: float, den: float) -> list[tuple]:
    months = pd.period_range("2018-01", periods=n, freq="M").astype(str)
    return [("ae", code, m, num + i, den, (num + i) / den * 100, 95.0)
            for i, m in enumerate(months)]


def test_monthly_headline_pools_the_latest_12_months_only():
    store = _store(_months("A", 14, 80, 100) + _months("E92000001", 14, 90, 100))
    row = headline(store, AE, "A")
    # months 3..14 of the series: numerators 82..93 over 12 x 100
    assert row["months"] == 12 and row["period"] == "2018-03 to 2019-02"
    assert row["numerator"] == sum(range(82, 94)) and row["denominator"] == 1200
    assert row["value"] == pytest.approx(sum(range(82, 94)) / 12)
    assert row["england_value"] == pytest.approx(sum(range(92, 104)) / 12)
    assert row["patients_short"] == int(np.ceil(0.95 * 1200 - sum(range(82, 94))))
    assert row["target_gap"] == pytest.approx(95 - row["value"])
    # limits 70-90 all below 95: the process will consistently miss the standard
    assert row["spc_assurance"] == "consistent_fail"


def test_mean_is_total_time_over_total_incidents():
    store = _store([("amb", "A", "2019-01", 600.0, 10.0, 1.0, 7.0),
                    ("amb", "A", "2019-02", 6000.0, 50.0, 2.0, 7.0)])
    row = headline(store, MEAN, "A")
    assert row["value"] == pytest.approx(6600 / 60 / 60)  # not the mean of 1 and 2
    assert row["patients_short"] is None


def test_annual_series_gives_each_year_and_care_headlines_keeps_order():
    store = _store([("iapt_recovery", "A", "2017-04", 14155, 28835, 49.09, 50.0),
                    ("iapt_recovery", "A", "2018-04", 14210, 28070, 50.62, 50.0)])
    by_year = gaps_by_period(store, IAPT, "A")
    assert list(by_year["patients_short"]) == [263, 0]
    specs = pd.DataFrame([IAPT, AE])
    table = care_headlines(store, specs, "A", ["ae", "iapt_recovery", "missing"])
    assert list(table["indicator"]) == ["iapt_recovery"]  # no A&E rows: left out
    assert table["period"].iloc[0] == "2018-04"


def test_key_message_rows_use_12_months_for_monthly_standards():
    from stp_analytics.metrics.care_headline import twelve_month_rows

    store = _store(_months("A", 14, 80, 100) + _months("E92000001", 14, 90, 100))
    latest = store[store["area_code"].eq("A")].tail(1).assign(target_gap=1.0)
    specs = pd.DataFrame([{**AE, "target": 95.0}])
    rows = twelve_month_rows(store, specs, "A", latest)
    assert rows["period"].iloc[0] == "over 2018-03 to 2019-02"
    assert rows["value"].iloc[0] == pytest.approx(sum(range(82, 94)) / 12)
    assert rows["target_gap"].iloc[0] == pytest.approx(95 - sum(range(82, 94)) / 12)
    annual = pd.DataFrame([{**AE, "frequency": "annual", "target": 95.0}])
    assert twelve_month_rows(store, annual, "A", latest).equals(latest.reset_index(drop=True))
