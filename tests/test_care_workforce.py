"""NHS trust staff FTE per footprint (issue 18, item 5): a footprint summed by hand, bad data."""

from __future__ import annotations

import csv

import pytest
from care_fixtures import one_source_catalog, raw_rows

from stp_analytics.data.catalog import load_catalog
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics import build_store
from stp_analytics.paths import data_catalog_dir

WORKFORCE_FILE = "NHSD_workforce_FTE_by_organisation_monthly_2015-03_to_2020-03_extract.csv.gz"
CUMBRIA = "E54000047"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def store(catalog):
    return build_store(catalog, observations=catalog.observations(["staff_fte",
                                                                   "staff_fte_per_1000"]))


@pytest.fixture(scope="module")
def workforce():
    return {r["organisation_code"]: r for r in raw_rows(WORKFORCE_FILE)}


@pytest.fixture(scope="module")
def lookup():
    with open(data_catalog_dir() / "areas" / "nhs_trust_footprint.csv",
              encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _value(store, indicator, code, period):
    (row,) = store[(store["indicator"] == indicator) & (store["area_code"] == code)
                   & (store["period"] == period)
                   & store["area_role"].isin(["area", "england"])].to_dict("records")
    return row


def test_cumbria_staff_march_2019_summed_by_hand(workforce, lookup, store):
    # North Cumbria University Hospitals (acute) and Cumbria Partnership (community, mental health)
    trusts = {"RNL", "RNN"}
    assert {r["trust_code"] for r in lookup if r["area_code"] == CUMBRIA} == trusts
    expected = float(workforce["RNL"]["2019-03"]) + float(workforce["RNN"]["2019-03"])
    assert expected == pytest.approx(3527.89343 + 2964.02576)
    assert _value(store, "staff_fte", CUMBRIA, "2019-03")["value"] == pytest.approx(expected)
    rate = _value(store, "staff_fte_per_1000", CUMBRIA, "2019-03")
    assert rate["value"] == pytest.approx(1000 * expected / rate["denominator"])


def test_organisations_sum_to_the_files_england_row(workforce):
    for month in ("2016-03", "2019-03"):
        total = sum(float(r[month]) for code, r in workforce.items() if code != "ENGLAND")
        assert total == pytest.approx(float(workforce["ENGLAND"][month]), rel=1e-12)
    assert round(float(workforce["ENGLAND"]["2019-03"])) == 1_093_638  # published


def test_england_is_every_mapped_trust_and_footprints_add_up_to_it(workforce, lookup, store):
    mapped = {r["trust_code"] for r in lookup if r["area_code"]}
    expected = sum(float(workforce[c]["2019-03"]) for c in mapped)
    england = _value(store, "staff_fte", "E92000001", "2019-03")["value"]
    assert england == pytest.approx(expected)
    areas = store[(store["indicator"] == "staff_fte") & store["area_role"].eq("area")
                  & (store["period"] == "2019-03")]
    assert areas["value"].sum() == pytest.approx(england)


def test_every_staffed_trust_is_in_the_lookup_and_unmapped_ones_are_reported(catalog, lookup):
    unmapped = [r for r in lookup if not r["area_code"]]
    assert {r["trust_code"] for r in unmapped} == {"RRU", "RX6", "RX7", "RX8", "RX9", "RYA",
                                                    "RYC", "RYD", "RYE", "RYF"}
    assert all("ambulance" in r["basis"] for r in unmapped)
    acute = {r["part_code"]: r["area_code"]
             for r in csv.DictReader(open(data_catalog_dir() / "areas" / "stp2017" / "trust.csv",
                                          encoding="utf-8"))}
    assert all(r["area_code"] == acute[r["trust_code"]] for r in lookup
               if r["trust_code"] in acute)
    aside = catalog.load_source("workforce").set_aside.set_index("reason")["rows"]
    assert aside["trust with no footprint: ambulance trust: serves several footprints, "
                 "not mapped"] == 10 * 61 * 2  # trusts x months x indicators


# ---------------------------------------------------------------- bad data

LOOKUP = ("trust_code,trust_name,area_code,icb22_code,hq_postcode,basis\n"
          "RNL,North Cumbria,E54000047,,,test\nRX7,NWAS,,,,ambulance trust\n")
HEADER = "sheet_row,organisation_code,organisation_name,2019-02,2019-03"
GOOD = "7,ENGLAND,England,30,31\n8,RNL,North Cumbria,20,21\n9,RX7,NWAS,10,10\n"


def _catalog(tmp_path, text, lookup=LOOKUP):
    return one_source_catalog(
        tmp_path, "workforce_fte", text,
        {"w": {"statistic": "count", "frequency": "monthly", "unit": "FTE"}},
        {"lookup_file": "lookup.csv"}, {"lookup.csv": lookup})


@pytest.mark.parametrize(("text", "pattern"), [
    ("sheet_row,organisation_name,2019-03\n7,England,31\n",
     r"data\.csv, row 1, column 'organisation_code': missing column"),
    (HEADER + "\n" + GOOD + "10,RYK,Dudley,5,5a\n",
     r"data\.csv, row 5, column '2019-03': non-numeric value '5a'"),
    (HEADER + "\n" + GOOD + "10,ZZZ,Nowhere Trust,5,5\n",
     r"data\.csv, row 5, column 'organisation_code': unknown organisation code 'ZZZ' "
     r"\(Nowhere Trust\) has staff"),
    (HEADER + "\n" + GOOD + "10,RNL,North Cumbria,5,5\n",
     r"data\.csv, row 5, column 'organisation_code': duplicate key organisation_code='RNL' "
     r"appears in rows 3, 5"),
    (HEADER + "\n" + GOOD + "10,RYK,Dudley,-5,5\n",
     r"data\.csv, row 5, column '2019-02': negative count -5"),
])
def test_bad_workforce_file_names_file_row_and_column(tmp_path, text, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        _catalog(tmp_path, text).observations()


def test_duplicate_trust_in_the_lookup_is_an_error(tmp_path):
    lookup = LOOKUP + "RNL,North Cumbria again,E54000048,,,test\n"
    with pytest.raises(DataValidationError, match=r"lookup\.csv, row 4, column 'trust_code': "
                       "duplicate key trust_code='RNL'"):
        _catalog(tmp_path, HEADER + "\n" + GOOD, lookup).observations()


def test_ccgs_and_ambulance_trusts_are_set_aside_and_counted(tmp_path):
    text = HEADER + "\n" + GOOD + "10,00C,NHS Darlington CCG,3,3\n"
    catalog = _catalog(tmp_path, text)
    aside = catalog.load_source("s").set_aside.set_index("reason")["rows"]
    assert aside["clinical commissioning group (not a trust)"] == 2
    assert aside["trust with no footprint: ambulance trust"] == 2
    observations = catalog.observations()
    england = observations[observations["area_type"] == "england"]
    assert list(england["numerator"]) == [20.0, 21.0]  # the mapped trusts, not the file's row


# ---------------------------------------------------------------- sickness absence 2019/20

PEER_FILE = "NHSE_trust_peer_finder_Raw_data_1920.csv.gz"


def test_cumbria_sickness_absence_is_the_fte_weighted_mean_of_its_trusts(lookup, catalog):
    rows = {r["Procode"]: r for r in raw_rows(PEER_FILE)}
    trusts = [r["trust_code"] for r in lookup if r["area_code"] == CUMBRIA and r["trust_code"]
              in rows]
    lost = sum(float(rows[t]["Absence Rate"]) * float(rows[t]["FTE staff"]) for t in trusts)
    fte = sum(float(rows[t]["FTE staff"]) for t in trusts)
    store = build_store(catalog, observations=catalog.observations(["staff_sickness_absence"]))
    row = _value(store, "staff_sickness_absence", CUMBRIA, "2019/20")
    assert row["value"] == pytest.approx(100 * lost / fte)
    assert pd_isna(row["lower"])


def pd_isna(value) -> bool:
    return value != value


PEER_HEADER = "Procode,FTE staff,Absence Rate"


@pytest.mark.parametrize(("text", "pattern"), [
    ("Procode,FTE staff\nRNL,100\n", r"data\.csv, row 1, column 'Absence Rate': missing column"),
    (PEER_HEADER + "\nRNL,100,0.05\nRX7,50,O.04\n",
     r"data\.csv, row 3, column 'Absence Rate': non-numeric value 'O.04'"),
    (PEER_HEADER + "\nRNL,100,0.05\nZZZ,50,0.04\n",
     r"data\.csv, row 3, column 'Procode': unknown trust code 'ZZZ'"),
    (PEER_HEADER + "\nRNL,100,0.05\nRNL,50,0.04\n",
     r"data\.csv, row 3, column 'Procode': duplicate key Procode='RNL' appears in rows 2, 3"),
    (PEER_HEADER + "\nRNL,100,4.5\n",
     r"data\.csv, row 2, column 'Absence Rate': absence rate 4.5 is above 1"),
])
def test_bad_peer_finder_file(tmp_path, text, pattern):
    catalog = one_source_catalog(
        tmp_path, "trust_peer_finder", text, {"a": {"statistic": "mean"}},
        {"lookup_file": "lookup.csv", "period": "2019/20"}, {"lookup.csv": LOOKUP})
    with pytest.raises(DataValidationError, match=pattern):
        catalog.observations()
