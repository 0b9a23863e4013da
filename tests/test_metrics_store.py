"""build_store contract: columns, dtypes, row order, determinism, SPC and peers wiring."""

from __future__ import annotations

import pandas as pd
import pytest
from metrics_synthetic import all_observations, make_catalog, make_geography, synthetic_store

from stp_analytics import methods
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics import build_store, empty_store
from stp_analytics.schema import AREA_ROLES, OBSERVATION_COLUMNS, STORE_COLUMNS


@pytest.fixture(scope="module")
def store() -> pd.DataFrame:
    return synthetic_store()


def test_columns_are_exactly_store_columns(store):
    assert tuple(store.columns) == STORE_COLUMNS
    assert tuple(empty_store().columns) == STORE_COLUMNS


def test_dtypes(store):
    assert str(store["quintile"].dtype) == "Int64" and str(store["rank"].dtype) == "Int64"
    assert store["approximate"].dtype == bool and store["is_latest"].dtype == bool
    assert str(store["period_start"].dtype).startswith("datetime64")
    assert store["value"].dtype == "float64"
    assert set(store["area_role"]) <= set(AREA_ROLES)
    assert (store["area_set"] == "stp2017").all()


def test_deterministic_row_order(store):
    again = synthetic_store()
    pd.testing.assert_frame_equal(store, again)
    shuffled = all_observations().sample(frac=1.0, random_state=3)
    other = build_store(make_catalog(), observations=shuffled, geography=make_geography())
    pd.testing.assert_frame_equal(store, other)


def test_one_row_per_key(store):
    keys = ["indicator", "area_role", "area_code", "parent_code", "period", "sex"]
    assert not store.duplicated(keys).any()


def test_parents(store):
    assert (store.loc[store["area_role"].eq("england"), "parent_code"] == "").all()
    assert (store.loc[store["area_role"].eq("region"), "parent_code"] == "E92000001").all()
    areas = set(store.loc[store["area_role"].eq("area"), "area_code"])
    assert set(store.loc[store["area_role"].eq("part"), "parent_code"]) <= areas


def test_latest_flag(store):
    prev = store[store["indicator"].eq("prev") & store["area_role"].eq("area")]
    assert set(prev.loc[prev["is_latest"], "period"]) == {"2017/18"}
    assert (prev.groupby("area_code")["is_latest"].sum() == 1).all()


def test_missing_observation_column_is_named():
    obs = all_observations().drop(columns="denominator")
    with pytest.raises(DataValidationError, match="denominator"):
        build_store(make_catalog(), observations=obs, geography=make_geography())


def test_no_observations_gives_an_empty_store():
    empty = pd.DataFrame({c: [] for c in OBSERVATION_COLUMNS})
    result = build_store(make_catalog(), observations=empty, geography=make_geography())
    assert result.empty and tuple(result.columns) == STORE_COLUMNS


def test_spc_matches_methods_xmr(store):
    rows = store[store["indicator"].eq("ae") & store["area_role"].eq("area")
                 & store["area_code"].eq("E54000002")].sort_values("period_start")
    chart = methods.xmr(rows["value"].to_numpy(), improvement="increase", target=95.0)
    assert list(rows["spc_point_type"]) == list(chart["point_type"])
    assert rows["spc_mean"].to_numpy() == pytest.approx(pd.Series(chart["mean"]).to_numpy())
    assert rows["spc_upl"].to_numpy() == pytest.approx(pd.Series(chart["upl"]).to_numpy())
    annual = store[store["indicator"].eq("prev")]
    assert (annual["spc_point_type"] == "").all() and annual["spc_mean"].isna().all()


def test_spc_on_trust_parts(store):
    trust = store[store["indicator"].eq("ae") & store["area_role"].eq("part")]
    assert set(trust["area_type"]) == {"trust"}
    assert (trust["spc_point_type"] != "").all()


def test_short_monthly_series_say_trial_limits():
    from metrics_synthetic import trust_months

    catalog = make_catalog()
    result = build_store(catalog, observations=trust_months(n_months=8),
                         geography=make_geography())
    rows = result[result["indicator"].eq("ae") & result["area_role"].eq("area")]
    assert rows["note"].str.contains("trial limits").all()
    full = synthetic_store()
    rows = full[full["indicator"].eq("ae") & full["area_role"].eq("area")]
    assert not rows["note"].str.contains("trial limits").any()


def test_source_row_notes_reach_parts_and_areas():
    notes = pd.DataFrame({"indicator": ["smoke"], "area_type": ["lad"], "area_code": ["L3"],
                          "period": ["2017"], "sex": ["Persons"],
                          "note": ["approximate: value of a merged authority"]})
    result = build_store(make_catalog(), observations=all_observations(),
                         geography=make_geography(), row_notes=notes)
    part = result[result["indicator"].eq("smoke") & result["area_code"].eq("L3")].iloc[0]
    assert "approximate: value of a merged authority" in part["note"]
    area = result[result["indicator"].eq("smoke") & result["area_role"].eq("area")]
    flagged = area.loc[area["note"].str.contains("qualified"), "area_code"]
    assert list(flagged) == ["E54000002"]
