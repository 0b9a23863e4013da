"""The metric store for icb2022: Greater Manchester ICB diabetes 2017-18 computed by hand from the
raw QOF and ODS files, and shown to differ from the Greater Manchester STP (Glossop moved)."""

from __future__ import annotations

import pandas as pd
import pytest

from stp_analytics import methods
from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.geography import icb_sources, sources
from stp_analytics.metrics.cache import load_or_build_store, read_store
from stp_analytics.paths import sources_dir

pytestmark = pytest.mark.slow
GM_ICB, GM_STP = "E54000057", "E54000007"
TAMESIDE_AND_GLOSSOP = "E38000182"  # the only GM CCG of 2017 split between two ICBs


@pytest.fixture(scope="module")
def store() -> pd.DataFrame:
    # the default cache: the real ICB build test (test_area_set_outputs) reuses this store
    return read_store(load_or_build_store(load_catalog(), "icb2022"))


def raw(file_name: str, **options) -> pd.DataFrame:
    return pd.read_csv(sources_dir() / file_name, dtype=str, keep_default_na=False, **options)


def diabetes_2017_18() -> pd.DataFrame:
    """QOF 2017-18 DM register and 17+ list by practice, with QOF's CCG and STP, and the ODS
    February 2023 close date and sub-ICB location's ICB."""
    prevalence = raw(sources.QOF_PREVALENCE_FILES["2017/18"])
    dm = prevalence[prevalence["INDICATOR_GROUP_CODE"] == "DM"].set_index("PRACTICE_CODE")
    dm = dm[["REGISTER", "PATIENT_LIST_SIZE"]].apply(pd.to_numeric)  # a few registers blank
    qof = raw(sources.QOF_ORG_FILES["2017/18"]).set_index("PRACTICE_CODE")
    ods = raw(icb_sources.EPRACCUR_FILE, header=None).set_index(0)
    locs = raw(icb_sources.LOC_ICB_FILE, encoding="utf-8-sig").set_index("LOC22CDH")["ICB22CD"]
    return dm.assign(stp=qof["STP_CODE"], ccg=qof["CCG_GEOGRAPHY_CODE"],
                     closed=ods[11].reindex(dm.index), icb=ods[14].reindex(dm.index).map(locs))


def by_hand() -> dict[str, pd.DataFrame]:
    """GM ICB practices by the rule of icb2022, from the raw files (not the lookup file)."""
    practices = diabetes_2017_18()
    open_in_2022 = practices["closed"].eq("") | practices["closed"].ge("20220701")
    in_icb = open_in_2022 & practices["icb"].eq(GM_ICB)
    closed_gm = ~open_in_2022 & practices["stp"].eq(GM_STP)
    in_icb |= closed_gm & practices["ccg"].ne(TAMESIDE_AND_GLOSSOP)
    set_aside = closed_gm & practices["ccg"].eq(TAMESIDE_AND_GLOSSOP)
    in_stp = practices["stp"].eq(GM_STP)
    return {"icb": practices[in_icb], "stp": practices[in_stp],
            "moved": practices[in_stp & ~in_icb & ~set_aside], "set_aside": practices[set_aside]}


def area_row(store: pd.DataFrame, code: str) -> pd.Series:
    rows = store[store["indicator"].eq("qof_diabetes_prevalence") & store["period"].eq("2017/18")
                 & store["area_code"].eq(code) & store["area_role"].eq("area")]
    assert len(rows) == 1
    return rows.iloc[0]


def test_greater_manchester_icb_diabetes_equals_the_hand_computation(store):
    mine = by_hand()["icb"]
    row = area_row(store, GM_ICB)
    assert row["area_set"] == "icb2022" and row["area_type"] == "icb"
    assert row["numerator"] == mine["REGISTER"].sum()
    assert row["denominator"] == mine["PATIENT_LIST_SIZE"].sum()
    expected = methods.proportion([mine["REGISTER"].sum()], [mine["PATIENT_LIST_SIZE"].sum()],
                                  multiplier=100).iloc[0]
    assert row["value"] == pytest.approx(expected["value"], rel=1e-12)
    assert row["lower"] == pytest.approx(expected["lower"], rel=1e-12)
    assert row["rank_of"] == 42


def test_the_icb_differs_from_the_stp_because_glossop_moved_to_derbyshire(store):
    hand = by_hand()
    moved, stp, icb = hand["moved"], hand["stp"], hand["icb"]
    # every practice that left is a Tameside and Glossop practice now in Derby and Derbyshire
    assert len(moved) > 0 and set(moved["ccg"]) == {TAMESIDE_AND_GLOSSOP}
    assert set(moved["icb"]) == {"E54000058"}
    assert set(icb.index) <= set(stp.index)  # the ICB gained no practice from elsewhere
    stp_register = stp["REGISTER"].sum()
    assert stp_register - icb["REGISTER"].sum() == (moved["REGISTER"].sum()
                                                    + hand["set_aside"]["REGISTER"].sum())
    stp_value = methods.proportion([stp_register], [stp["PATIENT_LIST_SIZE"].sum()],
                                   multiplier=100).iloc[0]["value"]
    assert stp_value == pytest.approx(7.199, abs=0.001)  # the STP's value in the stp2017 store
    assert area_row(store, GM_ICB)["value"] != pytest.approx(stp_value, abs=1e-4)
    derbyshire = area_row(store, "E54000058")
    assert derbyshire["numerator"] >= moved["REGISTER"].sum()


def test_the_split_ccg_is_shown_in_each_icb_with_its_own_practices(store):
    parts = store[store["indicator"].eq("qof_diabetes_prevalence") & store["period"].eq("2017/18")
                  & store["area_role"].eq("part") & store["area_code"].eq(TAMESIDE_AND_GLOSSOP)]
    by_icb = parts.set_index("parent_code")["numerator"]
    assert set(by_icb.index) == {GM_ICB, "E54000058"}
    assert by_icb["E54000058"] == by_hand()["moved"]["REGISTER"].sum()
    notes = parts.set_index("parent_code")["note"]
    assert "split CCG: 87.0% in this area" in notes[GM_ICB]
    assert "split CCG: 13.0% in this area" in notes["E54000058"]


def test_registered_population_across_42_icbs(store):
    rows = store[store["indicator"].eq("registered_population") & store["area_role"].eq("area")]
    assert rows["area_code"].nunique() == 42
