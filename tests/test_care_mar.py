"""Monthly Activity Return (issue 18, item 3): England totals, 2016 CCG apportionment, bad data.

England's 2016-17 non-elective admissions and one footprint's 2016-17 total (with April 2016
CCGs apportioned by hand here) are computed from the vendored file with :mod:`csv` and compared
with the metric store.
"""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from care_fixtures import one_source_catalog, raw_rows, shipped_store

from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.geography import lad_population
from stp_analytics.errors import DataValidationError
from stp_analytics.paths import data_catalog_dir

MAR_FILE = "NHSE_MAR_commissioner_monthly_2015-04_to_2019-12_extract.csv.gz"
NON_ELECTIVE = "Total Non-elective G&A Admissions (FFCEs)"
CUMBRIA, LANCASHIRE, GM = "E54000047", "E54000048", "E54000007"
INDICATORS = ["emergency_admissions_mar", "emergency_admissions_per_1000", "gp_referrals_mar"]
MONTHS_2016_17 = [f"2016-{m:02d}" for m in range(4, 13)] + [f"2017-{m:02d}" for m in (1, 2, 3)]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def store():
    return shipped_store(INDICATORS)


@pytest.fixture(scope="module")
def mar():
    return raw_rows(MAR_FILE)


def _year_total(store, indicator, code, months):
    rows = store[(store["indicator"] == indicator) & (store["area_code"] == code)
                 & store["period"].isin(months) & store["area_role"].isin(["area", "england"])]
    assert len(rows) == len(months)
    return rows["numerator"].sum()


def test_england_non_elective_2016_17_is_the_published_total(mar, store):
    total = sum(int(r[NON_ELECTIVE]) for r in mar
                if r["org_code"] == "ENG" and r["month"] in MONTHS_2016_17)
    assert total == 6_022_019
    assert _year_total(store, "emergency_admissions_mar", "E92000001", MONTHS_2016_17) == total


def test_cumbria_2016_17_with_the_2016_ccg_apportioned_by_hand(mar, store):
    """2016 Cumbria CCG (01H) covered both Cumbrian footprints; its admissions are shared by the
    population of its LSOAs in each (LSOA population = district mid-2016 / district LSOAs)."""
    ccg16 = {r["LSOA11CD"]: r["CCG16CDH"]
             for r in raw_rows("ONS_LSOA11_CCG16_LAD16_lookup_April2016.csv.gz")}
    lsoa17 = raw_rows("ONS_LSOA11_CCG17_STP17_LAD17_lookup_April2017.csv.gz")
    lsoas_in_lad = defaultdict(int)
    for r in lsoa17:
        lsoas_in_lad[r["LAD17CD"]] += 1
    people = lad_population(2016)
    in_footprint = defaultdict(float)
    for r in lsoa17:
        if ccg16[r["LSOA11CD"]] == "01H":
            in_footprint[r["STP17CD"]] += people[r["LAD17CD"]] / lsoas_in_lad[r["LAD17CD"]]
    assert set(in_footprint) == {CUMBRIA, LANCASHIRE}
    share = in_footprint[CUMBRIA] / sum(in_footprint.values())
    assert 0.6 < share < 0.7  # South Cumbria (Barrow, South Lakeland) is about a third
    cumbria_ccg = sum(int(r[NON_ELECTIVE]) for r in mar
                      if r["org_code"] == "01H" and r["month"] in MONTHS_2016_17)
    expected = cumbria_ccg * share
    got = _year_total(store, "emergency_admissions_mar", CUMBRIA, MONTHS_2016_17)
    assert got == pytest.approx(expected, rel=1e-9)


def test_greater_manchester_2016_17_includes_the_three_2016_manchester_ccgs(mar, store):
    ccgs17 = {r["CCG17CDH"] for r in raw_rows("ONS_CCG17_to_STP17_lookup_April2017_v3.csv.gz")
              if r["STP17CD"] == GM}
    codes = (ccgs17 - {"14L"}) | {"00W", "01M", "01N"}  # Manchester CCG (14L) from April 2017
    total = sum(int(r[NON_ELECTIVE]) for r in mar
                if r["org_code"] in codes and r["month"] in MONTHS_2016_17)
    assert _year_total(store, "emergency_admissions_mar", GM, MONTHS_2016_17) == total


def test_england_minus_footprints_is_nhs_england_direct_commissioning(mar, store):
    direct = sum(int(r[NON_ELECTIVE]) for r in mar
                 if r["org_code"] == "X24" and r["month"] in MONTHS_2016_17)
    areas = store[(store["indicator"] == "emergency_admissions_mar")
                  & store["area_role"].eq("area") & store["period"].isin(MONTHS_2016_17)]
    assert areas["numerator"].sum() + direct == pytest.approx(6_022_019)


def test_june_2017_year_column_is_repaired_and_noted(mar, catalog):
    wrong = [r for r in mar if r["month"] == "2017-06" and r["fin_year"] != "2017-18"]
    assert len(wrong) == 12
    notes = catalog.load_source("mar_commissioner").notes
    repaired = notes[notes["note"].str.contains("the June 2017 file's year column is wrong in "
                                                "the source (2017-19, 2017-20, ... in 12 file "
                                                "rows)", regex=False)]
    assert set(repaired["period"]) == {"2017-06"}


def test_rate_per_1000_uses_registered_patients(store):
    row = store[(store["indicator"] == "emergency_admissions_per_1000")
                & (store["area_code"] == GM) & (store["period"] == "2018-01")].iloc[0]
    assert row["value"] == pytest.approx(1000 * row["numerator"] / row["denominator"])
    assert 2_900_000 < row["denominator"] < 3_100_000  # GM registered list, QOF 2017-18
    assert row["spc_point_type"] != ""  # monthly: the SPC columns are filled


# ---------------------------------------------------------------- bad data

HEADER = f"month,fin_year,org_code,{NON_ELECTIVE}"
GOOD = ("2017-05,2017-18,ENG,500\n"
        "2017-05,2017-18,14L,40\n")


def _catalog(tmp_path, text, successors=None):
    table = successors or ("new_code,new_name,first_month,old_code,old_name\n"
                           "15F,NHS Leeds CCG,2018-04,02V,NHS Leeds North CCG\n")
    return one_source_catalog(
        tmp_path, "mar_commissioner", text,
        {"m": {"statistic": "count", "frequency": "monthly", "select": {"column": NON_ELECTIVE}}},
        {"successors_file": "successors.csv"}, {"successors.csv": table})


@pytest.mark.parametrize(("text", "pattern"), [
    ("month,fin_year,org_code\n2017-05,2017-18,14L\n",
     r"data\.csv, row 1, column 'Total Non-elective G&A Admissions \(FFCEs\)': missing column"),
    (HEADER + "\n" + GOOD + "2017-05,2017-18,00W,4o\n",
     r"data\.csv, row 4, column 'Total Non-elective G&A Admissions \(FFCEs\)': non-numeric "
     r"value '4o'"),
    (HEADER + "\n" + GOOD + "2017-05,2017-18,ZZZ,40\n",
     r"data\.csv, row 4, column 'org_code': unknown commissioner code 'ZZZ' in 2017-05"),
    (HEADER + "\n" + GOOD + "2017-05,2017-18,14L,41\n",
     r"data\.csv, row 4, column 'org_code': duplicate key month='2017-05', org_code='14L' "
     r"appears in rows 3, 4"),
    (HEADER + "\n" + GOOD + "May 2017,2017-18,01H,40\n",
     r"data\.csv, row 4, column 'month': month 'May 2017' is not YYYY-MM"),
])
def test_bad_mar_file_names_file_row_and_column(tmp_path, text, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        _catalog(tmp_path, text).observations()


def test_successor_of_an_unknown_ccg_is_an_error(tmp_path):
    table = "new_code,new_name,first_month,old_code,old_name\n15F,Leeds,2018-04,XXX,Nowhere\n"
    with pytest.raises(DataValidationError, match=r"successors\.csv, row 2, column 'old_code': "
                       r"old CCG 'XXX' is not an April 2017 CCG"):
        _catalog(tmp_path, HEADER + "\n" + GOOD, table).observations()


def _previous(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def test_shipped_successors_replace_exactly_the_ccgs_that_leave_the_file(mar):
    with open(data_catalog_dir() / "areas" / "ccg_successors_2018_2019.csv",
              encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    for new in {r["new_code"] for r in table}:
        first = next(r["first_month"] for r in table if r["new_code"] == new)
        old = {r["old_code"] for r in table if r["new_code"] == new}
        before = {r["org_code"] for r in mar if r["month"] == _previous(first)}
        after = {r["org_code"] for r in mar if r["month"] == first}
        assert old <= before and not old & after and new in after and new not in before


def test_validate_reports_repairs_and_the_england_reconciliation(capsys):
    from stp_analytics import cli

    assert cli.main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "kept, noted: financial year derived from the month" in out
    assert ("emergency_admissions_mar 2019-12: 44 areas (stp) sum to 565,390 against England "
            "580,666 (difference 15,276, 2.6%: NHS England direct commissioning (X24), which has "
            "no footprint)") in out
    assert ("emergency_admissions_mar 2019-12: 42 areas (icb) sum to 565,390 against England "
            "580,666 (difference 15,276, 2.6%: NHS England direct commissioning (X24), which has "
            "no ICB)") in out  # the same CCGs summed by ICB
    assert "iapt_recovery 2019/20: 44 areas (stp) sum to" in out
    assert "iapt_recovery 2024/25: 42 areas (icb) sum to" in out  # ICB rows on their own
    assert "merged footprint E54000049" in out
