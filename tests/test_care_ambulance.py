"""Ambulance response times (issue 18, item 6): England row, one footprint, lookup, bad data."""

from __future__ import annotations

import csv

import pytest
from care_fixtures import one_source_catalog, raw_rows, row_of, shipped_store

from stp_analytics.data.loaders.ambulance import footprint_services, read_service_lookup
from stp_analytics.errors import DataValidationError
from stp_analytics.paths import data_catalog_dir

FILE = "NHSE_AmbSYS_response_times_2017-08_to_2020-03_extract.csv.gz"
COUNTS = ("A8", "A10", "A24", "A30")


@pytest.fixture(scope="module")
def store():
    return shipped_store(["ambulance_c1_mean", "ambulance_c2_mean"])


def _month(year: str, month: str) -> list[dict[str, str]]:
    return [r for r in raw_rows(FILE) if (r["Year"], r["Month"]) == (year, month)]


def _lookup() -> list[dict[str, str]]:
    path = data_catalog_dir() / "areas" / "ambulance_service_ccg2017.csv"
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_england_march_2019_is_the_files_england_row(store):
    (england,) = [r for r in _month("2019", "3") if r["Org Code"] == "Eng"]
    c1 = row_of(store, "ambulance_c1_mean", "E92000001", "2019-03")
    c2 = row_of(store, "ambulance_c2_mean", "E92000001", "2019-03")
    assert (c1["numerator"], c1["denominator"]) == (float(england["A24"]), float(england["A8"]))
    assert (c2["numerator"], c2["denominator"]) == (float(england["A30"]), float(england["A10"]))
    # the file's published mean (A25, whole seconds) agrees with total time / incidents
    assert c1["value"] * 60 == pytest.approx(float(england["A25"]), abs=0.5)
    assert c2["value"] * 60 == pytest.approx(float(england["A31"]), abs=0.5)
    assert round(c1["value"], 2) == 6.99 and c1["denominator"] == 59560


def test_england_row_is_the_sum_of_the_trust_rows_every_month():
    rows = raw_rows(FILE)
    months = sorted({(r["Year"], r["Month"]) for r in rows})
    assert len(months) == 32  # August 2017 to March 2020
    for month in months:
        mine = [r for r in rows if (r["Year"], r["Month"]) == month]
        (england,) = [r for r in mine if r["Org Code"] == "Eng"]
        for code in COUNTS:
            assert sum(float(r[code]) for r in mine if r["Org Code"] != "Eng") == float(
                england[code]), (month, code)


def test_greater_manchester_is_north_west_ambulance_service(store):
    (nwas,) = [r for r in _month("2019", "3") if r["Org Code"] == "RX7"]
    row = row_of(store, "ambulance_c1_mean", "E54000007", "2019-03")
    assert row["value"] == pytest.approx(float(nwas["A24"]) / float(nwas["A8"]) / 60)
    assert row["target"] == 7


def test_footprint_with_two_services_says_so():
    services = footprint_services(read_service_lookup(
        data_catalog_dir() / "areas" / "ambulance_service_ccg2017.csv")).set_index("area_code")
    assert services.loc["E54000007", "note"] == "figure for the whole area of NWAS (RX7)"
    hiow = services.loc["E54000042"]
    assert (hiow["trust_code"], hiow["services"]) == ("RYE", 2)
    assert "also served by Isle of Wight (R1F, 8% of the footprint's LSOAs)" in hiow["note"]
    assert sorted(services.index[services["services"] > 1]) == [
        "E54000006", "E54000009", "E54000024", "E54000042", "E54000045"]


def test_lookup_covers_every_2017_ccg_once_and_every_footprint():
    lookup = _lookup()
    assert len(lookup) == len({r["ccg_code"] for r in lookup}) == 207
    assert len({r["area_code"] for r in lookup}) == 44
    by_hand = [r for r in lookup if r["basis"].startswith("by hand")]
    assert len(by_hand) == 9


def test_months_before_a_trust_reported_are_set_aside(store):
    # August 2017: only RX7 and RX9 reported under the new standards (West Yorkshire is YAS)
    assert not ((store["indicator"] == "ambulance_c1_mean") & (store["area_code"] == "E54000005")
                & (store["period"] == "2017-08") & store["value"].notna()).any()
    assert row_of(store, "ambulance_c1_mean", "E54000005", "2018-08")["value"] > 0


HEADER = "Year,Month,Region,Org Code,Org Name,A0,A1,A8,A10,A24,A25,A30,A31"
GOOD = "2019,3,,Eng,England,1,1,10,20,3000,300,24000,1200\n" \
       "2019,3,Y62,RX7,NWAS,1,1,10,20,3000,300,24000,1200\n"
LOOKUP = ("ccg_code,ccg_ods_code,ccg_name,area_code,n_lsoa11,trust_code,service,basis\n"
          "E38000001,01A,A,E54000007,10,RX7,NWAS,test\n")


def _catalog(tmp_path, text, lookup=LOOKUP):
    return one_source_catalog(
        tmp_path, "ambsys_response", text,
        {"a": {"frequency": "monthly", "statistic": "mean", "multiplier": 1 / 60,
               "select": {"measure": "ambulance_c1_mean"}}},
        {"lookup_file": "lookup.csv"}, {"lookup.csv": lookup})


def test_good_file_gives_footprint_and_england(tmp_path):
    observations = _catalog(tmp_path, HEADER + "\n" + GOOD).observations()
    assert sorted(observations["area_code"]) == ["E54000007", "E92000001"]


@pytest.mark.parametrize(("text", "pattern"), [
    ("Year,Month,Region,Org Code,Org Name,A0,A1,A8,A10,A24,A25,A30\n1,1,,Eng,E,1,1,1,1,1,1,1\n",
     r"A31"),
    (HEADER + "\n" + GOOD + "2019,4,Y62,RX7,NWAS,1,1,1O,20,3000,300,24000,1200\n",
     r"data\.csv.*row 4.*column 'A8.*'1O'"),
    (HEADER + "\n" + GOOD + "2019,3,Y62,RZZ,Other,1,1,10,20,3000,300,24000,1200\n",
     r"data\.csv, row 4, column 'Org Code': ambulance trust 'RZZ' is not in the service lookup"),
    (HEADER + "\n" + GOOD + "2019,3,Y62,RX7,NWAS,1,1,10,20,3000,300,24000,1200\n",
     r"data\.csv.*row 4.*duplicate key"),
])
def test_bad_ambulance_file_names_file_row_and_column(tmp_path, text, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        _catalog(tmp_path, text).observations()


def test_bad_lookup_count_is_an_error(tmp_path):
    lookup = LOOKUP.replace(",10,RX7", ",ten,RX7")
    with pytest.raises(DataValidationError, match=r"lookup\.csv, row 2, column 'n_lsoa11'"):
        _catalog(tmp_path, HEADER + "\n" + GOOD, lookup).observations()


def test_unknown_measure_is_a_catalogue_error(tmp_path):
    from stp_analytics.errors import CatalogError

    catalog = one_source_catalog(
        tmp_path, "ambsys_response", HEADER + "\n" + GOOD,
        {"a": {"frequency": "monthly", "statistic": "mean", "select": {"measure": "c3"}}},
        {"lookup_file": "lookup.csv"}, {"lookup.csv": LOOKUP})
    with pytest.raises(CatalogError, match=r"select measure 'c3' is not allowed; expected one "
                                           r"of: ambulance_c1_mean, ambulance_c2_mean"):
        catalog.observations()
