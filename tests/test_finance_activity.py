"""Tests for stp_analytics.finance.activity: financial-year activity per 1,000 and its growth
against the demand moderation ambition, on hand-worked examples."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from store_factory import make_store

from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.finance import activity

AREA = {"area_code": "E54000001", "area_name": "Area A"}
POPULATION = {"2016/17": 10_000.0, "2017/18": 10_100.0}


def monthly(indicator: str, first_month: str, values: list[float], **extra) -> list[dict]:
    """One store row per month from ``first_month`` (e.g. "2016-04"), Persons by default."""
    starts = pd.date_range(first_month, periods=len(values), freq="MS")
    return [{"indicator": indicator, **AREA, "period": f"{start:%Y-%m}", "period_start": start,
             "value": value, "numerator": value, "method": "count", **extra}
            for start, value in zip(starts, values, strict=True)]


def hand_store() -> pd.DataFrame:
    """ae: 100 a month in 2016/17 (1,200), 110 a month in 2017/18 (1,320), then 3 months of
    2018/19 (incomplete). em: 50 a month (600), then 51 a month (612). Plus a Male row that must
    be ignored."""
    rows = (monthly("ae", "2016-04", [100.0] * 12 + [110.0] * 12 + [120.0] * 3)
            + monthly("em", "2016-04", [50.0] * 12 + [51.0] * 12)
            + monthly("ae", "2016-04", [999.0], sex="Male"))
    return make_store(rows)


def test_financial_year() -> None:
    assert activity.financial_year(pd.Timestamp("2016-04-01")) == "2016/17"
    assert activity.financial_year(pd.Timestamp("2017-03-31")) == "2016/17"
    assert activity.financial_year(pd.Timestamp("1999-12-01")) == "1999/00"
    assert activity.financial_year_start("2018/19") == 2018
    with pytest.raises(ParameterError, match="'18/19'"):
        activity.financial_year_start("18/19")


def test_hand_worked_two_years() -> None:
    table = activity.activity_table(hand_store(), "E54000001", POPULATION, ("ae", "em"))
    assert list(table.columns) == list(activity.COLUMNS)
    ae = table[table["indicator"] == "ae"].reset_index(drop=True)
    assert list(ae["financial_year"]) == ["2016/17", "2017/18"]  # 2018/19 has 3 months only
    assert list(ae["months"]) == [12, 12]
    assert list(ae["count"]) == [1200.0, 1320.0]  # the Male row is not added in
    # 1,200 / 10,000 x 1,000 = 120.0; 1,320 / 10,100 x 1,000 = 130.693...
    assert ae["per_1000"].tolist() == pytest.approx([120.0, 130.69306930693])
    assert math.isnan(ae.loc[0, "count_growth_pct"]) and pd.isna(ae.loc[0, "within_ambition"])
    assert ae.loc[1, "count_growth_pct"] == pytest.approx(10.0)
    # 130.693 / 120 - 1 = 8.911%: above 1% a year, so not within the ambition
    assert ae.loc[1, "per_1000_growth_pct"] == pytest.approx(8.910891089)
    assert not ae.loc[1, "within_ambition"]
    em = table[table["indicator"] == "em"].reset_index(drop=True)
    # 600 -> 60.0 per 1,000; 612 / 10,100 x 1,000 = 60.594; growth 0.990%: within 1%
    assert em["per_1000"].tolist() == pytest.approx([60.0, 60.5940594059])
    assert em.loc[1, "per_1000_growth_pct"] == pytest.approx(0.990099, rel=1e-5)
    assert em.loc[1, "count_growth_pct"] == pytest.approx(2.0)
    assert bool(em.loc[1, "within_ambition"])


def test_ambition_is_the_moderation_parameter_and_the_boundary_counts_as_within() -> None:
    store = hand_store()
    strict = activity.activity_table(store, "E54000001", POPULATION, ("em",), moderation=0.005)
    assert not strict.loc[1, "within_ambition"]  # 0.99% > 0.5%
    flat = {"2016/17": 10_000.0, "2017/18": 10_000.0}  # 60.0 -> 61.2: exactly 2% growth
    boundary = activity.activity_table(store, "E54000001", flat, ("em",), moderation=0.02)
    assert boundary.loc[1, "per_1000_growth_pct"] == pytest.approx(2.0)
    assert bool(boundary.loc[1, "within_ambition"])


def test_a_missing_month_leaves_the_year_out() -> None:
    store = hand_store()
    store.loc[(store["indicator"] == "ae") & (store["period"] == "2017-02"), "value"] = math.nan
    table = activity.activity_table(store, "E54000001", POPULATION, ("ae",))
    assert list(table["financial_year"]) == ["2017/18"]  # February 2017 is in 2016/17
    assert math.isnan(table.loc[0, "per_1000_growth_pct"])


def test_growth_needs_the_previous_year_not_just_the_previous_row() -> None:
    store = make_store(monthly("ae", "2016-04", [100.0] * 12)
                       + monthly("ae", "2018-04", [130.0] * 12))
    table = activity.activity_table(store, "E54000001", {"2016/17": 1e4, "2018/19": 1e4},
                                    ("ae",))
    assert list(table["financial_year"]) == ["2016/17", "2018/19"]
    assert table["per_1000_growth_pct"].isna().all()


def test_missing_population_gives_no_rate() -> None:
    table = activity.activity_table(hand_store(), "E54000001", {"2016/17": 10_000.0}, ("ae",))
    assert table.loc[0, "per_1000"] == pytest.approx(120.0)
    assert math.isnan(table.loc[1, "per_1000"]) and table.loc[1, "count"] == 1320.0
    assert pd.isna(table.loc[1, "within_ambition"])


def test_no_data_gives_an_empty_table_with_the_columns() -> None:
    table = activity.activity_table(hand_store(), "E54000099", POPULATION, ("ae", "em"))
    assert table.empty and list(table.columns) == list(activity.COLUMNS)


def test_bad_input_is_named() -> None:
    store = hand_store()
    doubled = pd.concat([store, store.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataValidationError, match="more than one ae value for E54000001 in 2016"):
        activity.activity_table(doubled, "E54000001", POPULATION, ("ae",))
    with pytest.raises(ParameterError, match="demand_moderation"):
        activity.activity_table(store, "E54000001", POPULATION, ("ae",), moderation="1%")
    with pytest.raises(DataValidationError, match="period_start"):
        activity.activity_table(store.drop(columns="period_start"), "E54000001", POPULATION)


def test_ons_population_area_and_england() -> None:
    from stp_analytics.data.geography import area_population, lad_population

    gm = activity.ons_population("E54000007", "stp2017", ["2016/17", "2018/19", "2019/20"])
    assert list(gm) == ["2016/17", "2018/19"]  # no ONS estimate for mid-2019 in the data
    assert gm["2016/17"] == pytest.approx(area_population("stp2017", 2016)["E54000007"])
    england = activity.ons_population(activity.ENGLAND_CODE, "stp2017", ["2017/18"])
    assert england["2017/18"] == pytest.approx(lad_population(2017).sum())
    assert england["2017/18"] > 5e7


def test_area_activity_has_area_and_england_rows() -> None:
    rows = (monthly("ae", "2016-04", [100.0] * 24, area_code="E54000007",
                    area_name="Greater Manchester")
            + monthly("ae", "2016-04", [1000.0] * 24, area_code=activity.ENGLAND_CODE,
                      area_name="England", area_role="england"))
    table = activity.area_activity(make_store(rows), "E54000007", "stp2017", ("ae",))
    assert sorted(set(table["area_code"])) == ["E54000007", activity.ENGLAND_CODE]
    england = table[table["area_code"] == activity.ENGLAND_CODE]
    assert england["per_1000"].iloc[0] == pytest.approx(
        12_000 / activity.ons_population(activity.ENGLAND_CODE, years=["2016/17"])["2016/17"]
        * 1000)
