"""Aggregation to areas, parts, regions and England on a synthetic example checkable by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from metrics_synthetic import (
    LAD_POPULATION,
    PRACTICE_AREA,
    indicator,
    lad_values,
    make_catalog,
    make_geography,
    practice_counts,
    synthetic_store,
)

from stp_analytics import methods
from stp_analytics.metrics import build_store
from stp_analytics.metrics.aggregate import WEIGHTED_NOTE
from stp_analytics.schema import SUPPRESSED_NOTE


@pytest.fixture(scope="module")
def store() -> pd.DataFrame:
    return synthetic_store(monthly=False)


def one(store: pd.DataFrame, **where: str) -> pd.Series:
    mask = pd.Series(True, index=store.index)
    for column, value in where.items():
        mask &= store[column].eq(value)
    rows = store.loc[mask]
    assert len(rows) == 1, f"{where}: {len(rows)} rows"
    return rows.iloc[0]


def test_counts_are_summed_then_wilson(store):
    counts = practice_counts()
    counts = counts[counts["period"].eq("2017/18")]
    area = "E54000003"
    mine = counts[counts["area_code"].map(PRACTICE_AREA).eq(area)]
    x, n = mine["numerator"].sum(), mine["denominator"].sum()
    expected = methods.proportion([x], [n], confidence=0.95, multiplier=100).iloc[0]
    row = one(store, indicator="prev", area_code=area, period="2017/18", area_role="area")
    assert (row["numerator"], row["denominator"]) == (x, n)
    assert row["value"] == pytest.approx(expected["value"], rel=1e-12)
    assert row["lower"] == pytest.approx(expected["lower"], rel=1e-12)
    assert row["upper"] == pytest.approx(expected["upper"], rel=1e-12)
    assert row["method"] == "Wilson" and not row["approximate"]
    # never an average of the practices' rates
    assert row["value"] != pytest.approx((mine["numerator"] / mine["denominator"]).mean() * 100)


def test_england_total_is_the_sum_over_all_practices(store):
    counts = practice_counts()
    counts = counts[counts["period"].eq("2016/17")]
    row = one(store, indicator="prev", area_role="england", period="2016/17")
    assert row["numerator"] == counts["numerator"].sum()  # includes P13, in no area
    assert row["denominator"] == counts["denominator"].sum()
    expected = methods.proportion([row["numerator"]], [row["denominator"]], multiplier=100)
    assert row["value"] == pytest.approx(expected["value"].iloc[0], rel=1e-12)


def test_regions_sum_their_areas(store):
    areas = store[store["indicator"].eq("prev") & store["area_role"].eq("area")
                  & store["period"].eq("2017/18") & store["parent_code"].eq("E40000002")]
    region = one(store, indicator="prev", area_role="region", area_code="E40000002",
                 period="2017/18")
    assert region["numerator"] == areas["numerator"].sum()
    assert region["parent_code"] == "E92000001"


def test_population_weighted_mean_by_hand(store):
    # area 1 = 60% of L1 (20.0) + all of L2 (10.0), weighted by population x share
    w1, w2 = LAD_POPULATION["L1"] * 0.6, LAD_POPULATION["L2"]
    expected = (20.0 * w1 + 10.0 * w2) / (w1 + w2)
    row = one(store, indicator="smoke", area_role="area", area_code="E54000001")
    assert row["value"] == pytest.approx(expected, rel=1e-12)
    assert row["approximate"]
    assert math.isnan(row["lower"]) and math.isnan(row["upper"])
    assert WEIGHTED_NOTE in row["note"] and "split" in row["note"]
    assert row["method"] == "population-weighted mean"


def test_england_prefers_the_published_value(store):
    row = one(store, indicator="smoke", area_role="england")
    assert (row["value"], row["lower"], row["upper"]) == (16.5, 16.3, 16.7)
    assert row["method"] == "published" and not row["approximate"]


def test_split_district_shares(store):
    # delayed days are summed; L1 (100 days) is 60/40 between areas 1 and 2
    assert one(store, indicator="days", area_role="area", area_code="E54000001")["value"] == (
        pytest.approx(0.6 * 100 + 30))
    assert one(store, indicator="days", area_role="area", area_code="E54000002")["value"] == (
        pytest.approx(0.4 * 100 + 40))
    parts = store[store["indicator"].eq("smoke") & store["area_role"].eq("part")
                  & store["area_code"].eq("L1")]
    assert sorted(parts["parent_code"]) == ["E54000001", "E54000002"]
    assert set(parts["note"]) == {"split district: 60.0% in this area",
                                  "split district: 40.0% in this area"}
    assert (parts["value"] == 20.0).all()


def test_merged_code_applies_to_its_2017_districts(store):
    for area, lad in (("E54000005", "L6"), ("E54000006", "L7")):
        assert one(store, indicator="smoke", area_role="area", area_code=area)["value"] == 25.0
        part = one(store, indicator="smoke", area_role="part", area_code=lad)
        assert "merged" in part["note"]


def test_practice_data_shown_by_ccg(store):
    parts = store[store["indicator"].eq("prev") & store["area_role"].eq("part")
                  & store["parent_code"].eq("E54000001") & store["period"].eq("2016/17")]
    assert sorted(parts["area_code"]) == ["C1", "C7"]
    assert parts["numerator"].sum() == one(
        store, indicator="prev", area_role="area", area_code="E54000001", period="2016/17"
    )["numerator"]
    assert set(parts["area_type"]) == {"ccg"}


def test_rates_from_few_events_are_suppressed_not_zero():
    obs = practice_counts().assign(indicator="rate")
    obs.loc[obs["area_code"].isin(["P05", "P06"]), "numerator"] = 3.0
    catalog = make_catalog(rate=indicator("rate", statistic="rate", multiplier=1000.0))
    store = build_store(catalog, observations=obs, geography=make_geography())
    row = one(store, indicator="rate", area_role="area", area_code="E54000003",
              period="2017/18")
    assert math.isnan(row["value"]) and row["numerator"] == 6.0
    assert SUPPRESSED_NOTE in row["note"]
    big = one(store, indicator="rate", area_role="area", area_code="E54000004",
              period="2017/18")
    expected = methods.rate([big["numerator"]], [big["denominator"]], multiplier=1000.0)
    assert big["value"] == pytest.approx(expected["value"].iloc[0], rel=1e-12)
    assert big["lower"] == pytest.approx(expected["lower"].iloc[0], rel=1e-12)
    assert big["method"] == "Byars"


def test_small_proportions_keep_wilson_limits():
    obs = practice_counts()
    obs.loc[obs["area_code"].isin(["P05", "P06"]), "numerator"] = 0.0
    store = build_store(make_catalog(), observations=obs, geography=make_geography())
    row = one(store, indicator="prev", area_role="area", area_code="E54000003",
              period="2017/18")
    assert row["value"] == 0.0 and row["lower"] == 0.0 and row["upper"] > 0


def test_bad_period_names_the_period():
    obs = practice_counts()
    obs.loc[0, "period"] = "Q1 2017"
    with pytest.raises(ValueError, match="Q1 2017"):
        build_store(make_catalog(), observations=obs, geography=make_geography())


def test_numbers_are_all_finite_or_nan(store):
    numeric = store.select_dtypes("float64")
    assert not np.isinf(numeric.to_numpy()).any()


def test_weights_from_nearest_population_year_are_noted():
    obs = lad_values()
    late = obs.assign(period="2020")  # populations stop at 2018 in the synthetic geography
    store = build_store(make_catalog(), observations=pd.concat([obs, late], ignore_index=True),
                        geography=make_geography())
    recent = one(store, indicator="smoke", area_role="area", area_code="E54000003",
                 period="2020")
    assert "weighted by mid-2018 populations" in recent["note"]
    older = one(store, indicator="smoke", area_role="area", area_code="E54000003",
                period="2017")
    assert "weighted by" not in older["note"]


def test_absent_local_authorities_are_counted_in_the_note():
    obs = lad_values()
    obs = obs[obs["area_code"].ne("L2")]  # area 1 keeps only its share of L1
    store = build_store(make_catalog(), observations=obs, geography=make_geography())
    row = one(store, indicator="smoke", area_role="area", area_code="E54000001")
    assert row["value"] == 20.0
    assert "1 of 2 parts have no value" in row["note"]
    region = one(store, indicator="smoke", area_role="region", area_code="E40000001")
    # region parts are the areas' look-up entries: L1 is split, so it counts once per area
    assert "1 of 5 parts have no value" in region["note"]
    full = one(store, indicator="smoke", area_role="area", area_code="E54000003")
    assert "no value" not in full["note"]
