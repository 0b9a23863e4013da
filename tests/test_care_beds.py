"""Critical care and G&A bed occupancy (issue 18, items 4 and 9): by hand, England, bad data."""

from __future__ import annotations

import csv

import pytest
from care_fixtures import one_source_catalog, raw_rows, row_of, shipped_store

from stp_analytics.errors import DataValidationError
from stp_analytics.paths import data_catalog_dir

CC_FILE = "NHSE_critical_care_sitrep_monthly_adult_beds_by_trust_2015-01_2020-01_extract.csv.gz"
GA_FILE = "NHSE_winter_sitrep_GA_beds_daily_by_trust_2019-12_2020-03_psychty.csv.gz"
GM = "E54000007"


@pytest.fixture(scope="module")
def store():
    return shipped_store(["critical_care_occupancy", "ga_bed_occupancy_winter"])



def _lookup():
    with open(data_catalog_dir() / "areas" / "nhs_trust_footprint.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_gm_critical_care_january_2019_summed_by_hand(store):
    trusts = {r["trust_code"] for r in _lookup() if r["area_code"] == GM}
    rows = [r for r in raw_rows(CC_FILE) if r["Date"] == "2019-01-01" and r["Code"] in trusts]
    occupied = sum(float(r["adult_beds_occupied"]) for r in rows)
    beds = sum(float(r["adult_beds_open"]) for r in rows)
    row = row_of(store, "critical_care_occupancy", GM, "2019-01")
    assert (row["numerator"], row["denominator"]) == (occupied, beds)
    assert len(rows) == 8  # GM trusts reporting critical care beds that month


def test_england_is_the_files_england_row(store):
    (england,) = [r for r in raw_rows(CC_FILE) if r["Code"] == "-" and r["Date"] == "2019-01-01"]
    row = row_of(store, "critical_care_occupancy", "E92000001", "2019-01")
    assert row["denominator"] == float(england["adult_beds_open"]) == 4140
    assert row["numerator"] == float(england["adult_beds_occupied"]) == 3532


def test_ga_winter_is_bed_days_over_the_winter(store):
    rows = [r for r in raw_rows(GA_FILE) if r["Code"] == "-"]
    assert len(rows) == 91  # 2 December 2019 to 1 March 2020
    occupied = sum(float(r["Occupied"]) for r in rows)
    beds = sum(float(r["Open"]) for r in rows)
    row = row_of(store, "ga_bed_occupancy_winter", "E92000001", "2019/20")
    assert row["value"] == pytest.approx(100 * occupied / beds)


HEADER = "Code,Date,adult_beds_open,adult_beds_occupied"
GOOD = "-,2019-01-01,100,80\nR0A,2019-01-01,10,8\n"
LOOKUP = ("trust_code,trust_name,area_code,icb22_code,hq_postcode,basis\n"
          "R0A,Manchester,E54000007,,,test\nRX7,NWAS,,,,ambulance trust\n")
OPTIONS = {"code_column": "Code", "date_column": "Date", "open_column": "adult_beds_open",
           "occupied_column": "adult_beds_occupied", "period": "month",
           "lookup_file": "lookup.csv"}


def _catalog(tmp_path, text):
    return one_source_catalog(tmp_path, "trust_beds", text, {"b": {"frequency": "monthly"}},
                              OPTIONS, {"lookup.csv": LOOKUP})


@pytest.mark.parametrize(("text", "pattern"), [
    ("Code,Date,adult_beds_open\n-,2019-01-01,100\n",
     r"data\.csv, row 1, column 'adult_beds_occupied': missing column"),
    (HEADER + "\n" + GOOD + "RW6,2019-01-01,1O,8\n",
     r"data\.csv, row 4, column 'adult_beds_open': non-numeric value '1O'"),
    (HEADER + "\n" + GOOD + "ZZZ,2019-01-01,10,8\n",
     r"data\.csv, row 4, column 'Code': unknown trust code 'ZZZ'"),
    (HEADER + "\n" + GOOD + "R0A,2019-01-01,12,8\n",
     r"data\.csv, row 4, column 'Code': duplicate key Code='R0A', Date='2019-01-01' appears in "
     r"rows 3, 4"),
    (HEADER + "\n" + GOOD + "RX7,2019-01-01,8,10\n",
     r"data\.csv, row 4, column 'adult_beds_occupied': occupied beds 10 above open beds 8"),
])
def test_bad_beds_file_names_file_row_and_column(tmp_path, text, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        _catalog(tmp_path, text).observations()


def test_unmapped_trust_is_set_aside_and_counted(tmp_path):
    catalog = _catalog(tmp_path, HEADER + "\n" + GOOD + "RX7,2019-01-01,8,6\n")
    aside = catalog.load_source("s").set_aside.set_index("reason")["rows"]
    assert aside["trust with no footprint: ambulance trust"] == 1
