"""Comparators, significance, quintiles, ranks and target gaps in the synthetic store."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from metrics_synthetic import all_observations, indicator, make_catalog, make_geography

from stp_analytics import methods
from stp_analytics.metrics import build_store


@pytest.fixture(scope="module")
def store() -> pd.DataFrame:
    catalog = make_catalog()
    del catalog.indicators["ae"]
    catalog.indicators["prev_double"] = indicator("prev_double", method="double",
                                                  confidence=0.998, polarity="high_is_good",
                                                  target=6.0)
    obs = all_observations()
    obs = obs[obs["indicator"].ne("ae")]
    double = obs[obs["indicator"].eq("prev")].assign(indicator="prev_double")
    return build_store(catalog, observations=pd.concat([obs, double], ignore_index=True),
                       geography=make_geography())


def areas(store: pd.DataFrame, indicator_id: str, period: str) -> pd.DataFrame:
    return store[store["indicator"].eq(indicator_id) & store["area_role"].eq("area")
                 & store["period"].eq(period)]


def test_england_and_region_comparators(store):
    rows = areas(store, "prev", "2017/18")
    england = store[store["indicator"].eq("prev") & store["area_role"].eq("england")
                    & store["period"].eq("2017/18")].iloc[0]
    assert (rows["england_value"] == england["value"]).all()
    assert (rows["england_lower"] == england["lower"]).all()
    regions = store[store["indicator"].eq("prev") & store["area_role"].eq("region")
                    & store["period"].eq("2017/18")].set_index("area_code")["value"]
    assert (rows["region_value"] == rows["region_code"].map(regions)).all()
    assert (rows["region_code"] == rows["parent_code"]).all()


@pytest.mark.parametrize("indicator_id", ["prev", "prev_double"])
def test_comparison_matches_methods_compare(store, indicator_id):
    rows = areas(store, indicator_id, "2017/18")
    polarity = rows["polarity"].iloc[0] if "polarity" in rows else None
    method = "double" if indicator_id == "prev_double" else "single"
    polarity = "high_is_good" if indicator_id == "prev_double" else "low_is_good"
    expected = methods.compare(rows["value"], rows["lower"], rows["upper"],
                               rows["england_value"], polarity, method=method,
                               benchmark_lower=rows["england_lower"],
                               benchmark_upper=rows["england_upper"])
    assert list(rows["comparison"]) == list(expected)
    assert set(rows["comparison"]) <= {"Better", "Similar", "Worse"}


def test_confidence_follows_the_indicator(store):
    assert set(areas(store, "prev_double", "2017/18")["confidence"]) == {0.998}
    wide = areas(store, "prev_double", "2017/18").set_index("area_code")
    narrow = areas(store, "prev", "2017/18").set_index("area_code")
    assert ((wide["upper"] - wide["lower"]) > (narrow["upper"] - narrow["lower"])).all()


def test_no_ci_means_not_compared(store):
    rows = areas(store, "smoke", "2017")
    assert (rows["comparison"] == "Not compared").all()


def test_ranks_and_quintiles_consistent(store):
    for indicator_id, period, low_good in (("prev", "2017/18", True),
                                           ("prev_double", "2017/18", False),
                                           ("smoke", "2017", True)):
        rows = areas(store, indicator_id, period)
        values = rows["value"].to_numpy()
        better = values[None, :] < values[:, None] if low_good else (
            values[None, :] > values[:, None])
        assert list(rows["rank"]) == list(better.sum(axis=1) + 1)  # ties share the lowest rank
        assert (rows["rank_of"] == len(rows)).all()
        polarity = "low_is_good" if low_good else "high_is_good"
        assert list(rows["quintile"]) == list(methods.quintile(values, polarity))
        best = rows.loc[rows["rank"] == 1, "quintile"]
        assert (best == 1).all()


def test_tied_values_share_a_rank(store):
    rows = areas(store, "smoke", "2017").set_index("area_code")
    assert rows.loc["E54000005", "rank"] == rows.loc["E54000006", "rank"] == 5


def test_missing_values_are_not_ranked():
    obs = all_observations()
    obs = obs[obs["indicator"].eq("smoke") & obs["area_code"].ne("L4")]
    store = build_store(make_catalog(), observations=obs, geography=make_geography())
    rows = areas(store, "smoke", "2017").set_index("area_code")
    assert pd.isna(rows.loc["E54000003", "value"])
    assert pd.isna(rows.loc["E54000003", "rank"])
    assert (rows["rank_of"].dropna() == 5).all()
    assert sorted(rows["rank"].dropna()) == [1, 2, 3, 4, 4]


def test_target_gap_positive_when_short(store):
    rows = areas(store, "prev_double", "2017/18")  # high is good, target 6.0
    np.testing.assert_allclose(rows["target_gap"], 6.0 - rows["value"])
    assert (rows["target"] == 6.0).all()
    assert ((rows["target_gap"] > 0) == (rows["value"] < 6.0)).all()


def test_england_rows_carry_no_rank(store):
    england = store[store["area_role"].eq("england")]
    assert england["rank"].isna().all() and england["quintile"].isna().all()
