"""The metric store on the real default catalogue, checked against the raw vendored files."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from stp_analytics import methods
from stp_analytics.data.catalog import load_catalog
from stp_analytics.metrics import build_store, indicator_status
from stp_analytics.paths import sources_dir
from stp_analytics.schema import STORE_COLUMNS

pytestmark = pytest.mark.slow
GREATER_MANCHESTER = "E54000007"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def built(catalog):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        store = build_store(catalog)
    return store, caught


@pytest.fixture(scope="module")
def store(built) -> pd.DataFrame:
    return built[0]


def raw_diabetes() -> pd.DataFrame:
    """QOF 2017-18 diabetes registers (17+) and list sizes by practice, with the practice's STP."""
    prevalence = pd.read_csv(sources_dir() / "QOF_PREVALENCE_1718.csv.gz")
    reference = pd.read_csv(sources_dir() / "QOF_ORGANISATION_REFERENCE_1718.csv.gz",
                            usecols=["PRACTICE_CODE", "STP_CODE"])
    diabetes = prevalence[prevalence["INDICATOR_GROUP_CODE"].eq("DM")]
    return diabetes.merge(reference, on="PRACTICE_CODE", how="left")


def diabetes_row(store: pd.DataFrame, area_code: str) -> pd.Series:
    rows = store[store["indicator"].eq("qof_diabetes_prevalence") & store["period"].eq("2017/18")
                 & store["area_code"].eq(area_code) & store["area_role"].isin(["area", "england"])]
    assert len(rows) == 1
    return rows.iloc[0]


def test_no_pandas_warnings(built):
    messages = [str(w.message) for w in built[1] if "pandas" in str(w.filename)
                or issubclass(w.category, (FutureWarning, DeprecationWarning))]
    assert messages == []


def test_columns_and_all_44_footprints(store):
    assert tuple(store.columns) == STORE_COLUMNS
    areas = store[store["area_role"].eq("area")]
    assert areas["area_code"].nunique() == 44
    assert set(store.loc[store["area_role"].eq("region"), "area_code"]) == {
        "E40000001", "E40000002", "E40000003", "E40000004"}


def test_greater_manchester_diabetes_equals_raw_qof_sums(store):
    raw = raw_diabetes()
    mine = raw[raw["STP_CODE"].eq(GREATER_MANCHESTER)]
    row = diabetes_row(store, GREATER_MANCHESTER)
    assert row["numerator"] == mine["REGISTER"].sum()
    assert row["denominator"] == mine["PATIENT_LIST_SIZE"].sum()
    expected = methods.proportion([mine["REGISTER"].sum()], [mine["PATIENT_LIST_SIZE"].sum()],
                                  multiplier=100).iloc[0]
    assert row["value"] == pytest.approx(expected["value"], rel=1e-12)
    assert row["lower"] == pytest.approx(expected["lower"], rel=1e-12)
    assert row["value"] == pytest.approx(7.199, abs=0.001)


def test_england_diabetes_is_the_sum_over_all_practices(store):
    raw = raw_diabetes()
    with_register = raw[raw["REGISTER"].notna()]
    row = diabetes_row(store, "E92000001")
    assert row["numerator"] == with_register["REGISTER"].sum()
    assert row["denominator"] == with_register["PATIENT_LIST_SIZE"].sum()


def test_ranks_of_44(store):
    rows = store[store["indicator"].eq("qof_diabetes_prevalence")
                 & store["period"].eq("2017/18") & store["area_role"].eq("area")]
    assert sorted(rows["rank"]) == list(range(1, 45))
    assert (rows["rank_of"] == 44).all()
    assert rows["quintile"].notna().all()


def test_monthly_ae_has_spc_and_peers(store):
    rows = store[store["indicator"].eq("ae_four_hour_type1") & store["area_role"].eq("area")]
    assert (rows["spc_point_type"] != "").all()
    latest = rows[rows["is_latest"]]
    assert latest["peer_best5_mean"].notna().all()
    assert (latest["target"] == 95.0).all()


def test_every_indicator_has_a_status_for_every_footprint(store, catalog):
    for area in sorted(store.loc[store["area_role"].eq("area"), "area_code"].unique()):
        status = indicator_status(store, catalog, area)
        assert len(status) == len(catalog.indicators)
        assert set(status["status"]) <= {"ok", "data not supplied",
                                         "suppressed (fewer than 10 events)"}
    no_source = [i for i, ind in catalog.indicators.items() if not ind.has_data]
    status = indicator_status(store, catalog, GREATER_MANCHESTER).set_index("indicator")
    assert (status.loc[no_source, "status"] == "data not supplied").all()
