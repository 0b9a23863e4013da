"""IAPT recovery for ICBs from the file's own ICB rows (2022-23 to 2024-25, ODS Q codes).

Greater Manchester ICB's 2024-25 recovery is computed here from the raw vendored file (read with
:mod:`csv`, not the loader) and compared with the icb2022 store. The same observations give the
stp2017 store no ICB year at all: E54000008 is an STP code and an ICB code, and the 2017 footprint
never receives the 2022 ICB's value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from care_fixtures import one_source_catalog, raw_rows, row_of

from stp_analytics import methods
from stp_analytics.data.catalog import load_catalog
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics import build_store

IAPT_FILE = "IAPT_annual_totals_by_CCG_STP_provider_2017-18_to_2024-25.csv.gz"
INDICATORS = ["iapt_recovery", "iapt_finished_per_1000"]
GM_ICB, SHARED = "E54000057", "E54000008"


@pytest.fixture(scope="module")
def observations():
    return load_catalog().observations(INDICATORS)


@pytest.fixture(scope="module")
def icb_store(observations):
    return build_store(load_catalog(), "icb2022", observations=observations)


@pytest.fixture(scope="module")
def stp_store(observations):
    return build_store(load_catalog(), "stp2017", observations=observations)


def _raw(period: str, org_type: str, code: str) -> tuple[float, float]:
    """Recovered and (finished - not at caseness) of one raw row."""
    (row,) = [r for r in raw_rows(IAPT_FILE) if r["reporting_period"] == period
              and r["org_type"] == org_type and r["org_code"] == code]
    finished, not_at_caseness = (float(row[c]) for c in ("finished_course_treatment_count",
                                                         "not_at_caseness_count"))
    return float(row["recovery_count"]), finished - not_at_caseness


def test_greater_manchester_icb_recovery_2024_25_by_hand(icb_store):
    recovered, at_caseness = _raw("2024-25", "ICB", "QOP")  # QOP: ODS code of E54000057
    row = row_of(icb_store, "iapt_recovery", GM_ICB, "2024/25")
    assert (row["numerator"], row["denominator"]) == (recovered, at_caseness) == (14680, 30515)
    expected = methods.proportion([recovered], [at_caseness], multiplier=100).iloc[0]
    assert row["value"] == pytest.approx(100 * recovered / at_caseness, rel=1e-12)
    assert (row["lower"], row["upper"]) == pytest.approx((expected["lower"], expected["upper"]))
    assert row["area_type"] == "icb" and row["is_latest"] and row["rank_of"] == 42
    england = row_of(icb_store, "iapt_recovery", "E92000001", "2024/25")
    assert (england["numerator"], england["denominator"]) == _raw("2024-25", "England", "All")
    assert row["england_value"] == pytest.approx(england["value"])


def test_the_docs_quote_the_store(icb_store):
    gm = row_of(icb_store, "iapt_recovery", GM_ICB, "2024/25")
    england = row_of(icb_store, "iapt_recovery", "E92000001", "2024/25")
    docs = (Path(__file__).resolve().parents[1] / "docs" / "area_sets.md").read_text("utf-8")
    quoted = (f"Greater Manchester 2024/25: {gm['numerator']:,.0f} recovered of "
              f"{gm['denominator']:,.0f} finished at caseness, {gm['value']:.1f}%; England "
              f"{england['value']:.1f}%")
    assert quoted in " ".join(docs.split())


def test_all_42_icbs_have_each_icb_year_and_no_footprint_year(icb_store):
    areas = icb_store[icb_store["indicator"].eq("iapt_recovery")
                      & icb_store["area_role"].eq("area")]
    counts = areas.groupby("period")["value"].count().to_dict()
    assert counts == {"2022/23": 42, "2023/24": 42, "2024/25": 42}
    # per 1,000 adults needs registered adults by ICB, which are not vendored: no ICB rows
    per_1000 = icb_store[icb_store["indicator"].eq("iapt_finished_per_1000")
                         & icb_store["area_role"].eq("area")]
    assert per_1000["value"].notna().sum() == 0


def test_the_2017_footprints_never_receive_an_icb_year(stp_store, icb_store):
    recovery = stp_store[stp_store["indicator"].eq("iapt_recovery")]
    assert set(recovery["period"]) == {"2017/18", "2018/19", "2019/20"}  # England included
    stp_2019 = row_of(stp_store, "iapt_recovery", SHARED, "2019/20")
    icb_2024 = row_of(icb_store, "iapt_recovery", SHARED, "2024/25")
    assert stp_2019["area_name"] == "Cheshire and Merseyside"
    assert icb_2024["numerator"] == _raw("2024-25", "ICB", "QYG")[0]


# ---------------------------------------------------------------- bad data

HEADER = ("reporting_period,org_type,org_code,org_name,finished_course_treatment_count,"
          "not_at_caseness_count,recovery_count")
GOOD = ("2017-18,England,All,All,1000,100,450\n"
        "2017-18,STP,E54000007,Greater Manchester,300,20,140\n"
        "2024-25,England,All,All,2000,100,900\n"
        "2024-25,ICB,QOP,NHS Greater Manchester ICB,400,30,180\n")
AREAS = "area_code,area_name,area_ods_code\nE54000057,NHS Greater Manchester ICB,QOP\n"
OPTIONS = {"first_period": "2017-18", "last_period": "2019-20", "icb_first_period": "2022-23",
           "icb_last_period": "2024-25", "icb_areas_file": "areas.csv"}


def _catalog(tmp_path, text):
    return one_source_catalog(tmp_path, "iapt_annual", text,
                              {"r": {"select": {"measure": "recovery"}}}, OPTIONS,
                              extra_files={"areas.csv": AREAS})


def test_icb_rows_become_icb_observations_with_e54_codes(tmp_path):
    text = HEADER + "\n" + GOOD + "2024-25,ICB,UNKNOWN,Unknown,50,5,20\n"
    catalog = _catalog(tmp_path, text)
    observed = catalog.observations().set_index(["area_type", "period"])
    assert observed.loc[("icb", "2024/25"), "area_code"] == GM_ICB
    assert observed.loc[("icb", "2024/25"), "denominator"] == 370
    assert observed.loc[("england", "2024/25"), "numerator"] == 900
    aside = catalog.load_source("s").set_aside.set_index("reason")["rows"]
    assert aside["no ICB recorded (UNKNOWN)"] == 1


@pytest.mark.parametrize(("extra", "pattern"), [
    ("2024-25,ICB,QZZ,Nowhere,300,20,140\n",
     r"data\.csv, row 6, column 'org_code': unknown ICB ODS code 'QZZ' \(not in areas\.csv\)"),
    ("2024-25,ICB,QOP,Again,300,20,140\n",
     r"data\.csv, row 6, column 'org_code': duplicate key reporting_period='2024-25', "
     r"org_type='ICB', org_code='QOP' appears in rows 5, 6"),
    ("2024-25,ICB,QYG,C&M,3x0,20,140\n",
     r"data\.csv, row 6, column 'finished_course_treatment_count': non-numeric value '3x0'"),
])
def test_bad_icb_rows_name_file_row_and_column(tmp_path, extra, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        _catalog(tmp_path, HEADER + "\n" + GOOD + extra).observations()


def test_an_areas_file_without_ods_codes_is_named(tmp_path):
    catalog = one_source_catalog(tmp_path, "iapt_annual", HEADER + "\n" + GOOD,
                                 {"r": {"select": {"measure": "recovery"}}}, OPTIONS,
                                 extra_files={"areas.csv": "area_code,area_name\nE54000057,GM\n"})
    with pytest.raises(DataValidationError, match=r"areas\.csv.*area_ods_code"):
        catalog.observations()
