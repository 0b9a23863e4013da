"""IAPT recovery and finished courses (issue 18, items 1-2): store against the raw file, bad data.

Figures are computed here from the vendored file with :mod:`csv` and compared with the metric
store built by :func:`stp_analytics.metrics.build_store`.
"""

from __future__ import annotations

import pytest
from care_fixtures import one_source_catalog, raw_rows, shipped_store

from stp_analytics import methods
from stp_analytics.data.catalog import load_catalog
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics import build_store

IAPT_FILE = "IAPT_annual_totals_by_CCG_STP_provider_2017-18_to_2024-25.csv.gz"
GM, CUMBRIA = "E54000007", "E54000047"
INDICATORS = ["iapt_recovery", "iapt_finished_per_1000"]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def store():
    return shipped_store(INDICATORS)


@pytest.fixture(scope="module")
def iapt():
    return raw_rows(IAPT_FILE)


def _row(rows, period, org_type, code):
    (found,) = [r for r in rows if r["reporting_period"] == period and r["org_type"] == org_type
                and r["org_code"] == code]
    return found


def _recovery(row):
    recovered = float(row["recovery_count"])
    return recovered, float(row["finished_course_treatment_count"]) - float(
        row["not_at_caseness_count"])


def _store_row(store, indicator, code, period):
    (row,) = store[(store["indicator"] == indicator) & (store["area_code"] == code)
                   & (store["period"] == period) & store["area_role"].isin(["area", "england"])
                   ].to_dict("records")
    return row


def test_england_recovery_2017_18_is_the_files_england_row(iapt, store):
    numerator, denominator = _recovery(_row(iapt, "2017-18", "England", "All"))
    row = _store_row(store, "iapt_recovery", "E92000001", "2017/18")
    assert (row["numerator"], row["denominator"]) == (numerator, denominator)
    assert row["value"] == pytest.approx(100 * numerator / denominator)
    assert round(row["value"], 1) == 50.8  # the published annual report figure


def test_england_is_not_the_sum_of_the_footprints(iapt, store):
    footprints = [r for r in iapt if r["reporting_period"] == "2017-18" and r["org_type"] == "STP"
                  and r["org_code"].startswith("E54")]
    assert len(footprints) == 44
    summed = sum(_recovery(r)[0] for r in footprints)
    england = _store_row(store, "iapt_recovery", "E92000001", "2017/18")
    assert england["numerator"] != summed  # UNKNOWN STP and rounding make the difference


def test_greater_manchester_recovery_2017_18_with_wilson_interval(iapt, store):
    numerator, denominator = _recovery(_row(iapt, "2017-18", "STP", GM))
    row = _store_row(store, "iapt_recovery", GM, "2017/18")
    expected = methods.proportion([numerator], [denominator], confidence=0.95, multiplier=100)
    assert (row["numerator"], row["denominator"]) == (numerator, denominator)
    assert row["lower"] == pytest.approx(float(expected["lower"][0]))
    assert row["upper"] == pytest.approx(float(expected["upper"][0]))
    assert row["england_value"] == pytest.approx(50.834843, abs=1e-5)
    assert row["target_gap"] == pytest.approx(50 - row["value"])


def test_cumbria_2018_19_is_rebuilt_from_its_ccg_and_the_merged_row_is_set_aside(iapt, store,
                                                                                 catalog):
    numerator, denominator = _recovery(_row(iapt, "2018-19", "CCG", "01H"))  # North Cumbria CCG
    row = _store_row(store, "iapt_recovery", CUMBRIA, "2018/19")
    assert (row["numerator"], row["denominator"]) == (numerator, denominator)
    aside = catalog.load_source("iapt_annual").set_aside
    merged = aside[aside["reason"].str.startswith("merged footprint E54000049")]
    assert merged["rows"].sum() == 4  # 2018-19 and 2019-20, two indicators
    assert set(_store_row(store, "iapt_recovery", c, "2019/20")["area_code"]
               for c in ("E54000045", "E54000046", CUMBRIA)) == {"E54000045", "E54000046",
                                                                 CUMBRIA}


def test_finished_courses_per_1000_registered_adults(iapt, store):
    finished = float(_row(iapt, "2017-18", "STP", GM)["finished_course_treatment_count"])
    practices = {r["PRACTICE_CODE"] for r in raw_rows("QOF_ORGANISATION_REFERENCE_1718.csv.gz")
                 if r["STP_CODE"] == GM}
    adults = sum(float(r["PATIENT_LIST_SIZE"]) for r in raw_rows("QOF_PREVALENCE_1718.csv.gz")
                 if r["INDICATOR_GROUP_CODE"] == "DEP" and r["PRACTICE_CODE"] in practices)
    row = _store_row(store, "iapt_finished_per_1000", GM, "2017/18")
    assert row["denominator"] == adults
    assert row["value"] == pytest.approx(1000 * finished / adults)


def test_iapt_is_not_available_for_ccg_packs(catalog):
    ccg = build_store(catalog, "ccg2017", observations=catalog.observations(["iapt_recovery"]))
    assert ccg.loc[ccg["area_role"].eq("area"), "value"].isna().all()


# ---------------------------------------------------------------- bad data

HEADER = ("reporting_period,org_type,org_code,org_name,finished_course_treatment_count,"
          "not_at_caseness_count,recovery_count")
GOOD = ("2017-18,England,All,All,1000,100,450\n"
        "2017-18,STP,E54000007,Greater Manchester,300,20,140\n")
OPTIONS = {"first_period": "2017-18", "last_period": "2019-20"}


def _catalog(tmp_path, text):
    return one_source_catalog(tmp_path, "iapt_annual", text,
                              {"r": {"select": {"measure": "recovery"}}}, OPTIONS)


@pytest.mark.parametrize(("text", "pattern"), [
    (HEADER.replace(",recovery_count", "") + "\n2017-18,STP,E54000007,GM,300,20\n",
     r"data\.csv, row 1, column 'recovery_count': missing column\(s\) recovery_count"),
    (HEADER + "\n" + GOOD + "2017-18,STP,E54000008,C&M,3x0,20,140\n",
     r"data\.csv, row 4, column 'finished_course_treatment_count': non-numeric value '3x0'"),
    (HEADER + "\n" + GOOD + "2017-18,STP,E54000099,Nowhere,300,20,140\n",
     r"data\.csv, row 4, column 'area_code': unknown stp code 'E54000099'"),
    (HEADER + "\n" + GOOD + "2017-18,STP,E54000007,Greater Manchester,305,20,140\n",
     r"data\.csv, row 4, column 'org_code': duplicate key reporting_period='2017-18', "
     r"org_type='STP', org_code='E54000007' appears in rows 3, 4"),
    (HEADER + "\n" + GOOD + "2017-18,STP,E54000008,C&M,300,20,290\n",
     r"data\.csv, row 4, column 'recovery_count': recovered 290 or not at caseness 20 do not "
     r"fit within finished 300"),
])
def test_bad_iapt_file_names_file_row_and_column(tmp_path, text, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        _catalog(tmp_path, text).observations()


def test_suppressed_counts_and_other_organisations_are_set_aside_and_counted(tmp_path):
    text = (HEADER + "\n" + GOOD + "2017-18,STP,E54000008,C&M,,,\n"
            "2017-18,Provider,RW4,Mersey Care,50,5,20\n")
    catalog = _catalog(tmp_path, text)
    aside = catalog.load_source("s").set_aside.set_index("reason")["rows"]
    assert aside["suppressed (blank) in the source"] == 1
    assert aside["organisation type Provider not used (footprints come from the STP rows)"] == 1
    assert len(catalog.observations()) == 2
