"""Trust-level sources re-aggregated to the 42 ICBs (issue 23, item 2): staff FTE, sickness
absence and bed occupancy by the ICB of each trust's ODS headquarters; by hand, bad data, and
the stp2017 store unchanged."""

from __future__ import annotations

import pytest
from care_fixtures import (
    assert_stp2017_store_ignores_icb_rows,
    one_source_catalog,
    raw_rows,
    row_of,
    shipped_store,
)

from stp_analytics.data.geography import icb_sources
from stp_analytics.data.geography.icb_derive import TRUSTS_BY_HAND
from stp_analytics.data.loaders.trust_icb import NOT_IN_LOOKUP, icb_list_sizes
from stp_analytics.errors import DataValidationError

WORKFORCE_FILE = "NHSD_workforce_FTE_by_organisation_monthly_2015-03_to_2020-03_extract.csv.gz"
PEER_FILE = "NHSE_trust_peer_finder_Raw_data_1920.csv.gz"
CC_FILE = "NHSE_critical_care_sitrep_monthly_adult_beds_by_trust_2015-01_2020-01_extract.csv.gz"
GM_ICB, GM_ODS = "E54000057", "QOP"
INDICATORS = ["staff_fte", "staff_fte_per_1000", "staff_sickness_absence",
              "critical_care_occupancy", "ga_bed_occupancy_winter"]


@pytest.fixture(scope="module")
def icb_store():
    return shipped_store(INDICATORS, "icb2022")


@pytest.fixture(scope="module")
def gm_trusts():
    """Greater Manchester ICB's trusts read from the raw ODS trust file (headquarters' ICB)
    plus the trusts placed there by hand (not in the ODS file)."""
    etr = icb_sources.etr()
    by_ods = set(etr.loc[etr["icb_ods_code"].eq(GM_ODS), "trust_code"])
    return by_ods | {code for code, (icb, _) in TRUSTS_BY_HAND.items() if icb == GM_ICB}


def test_gm_icb_staff_march_2019_summed_by_hand(icb_store, gm_trusts):
    workforce = {r["organisation_code"]: r for r in raw_rows(WORKFORCE_FILE)}
    staffed = gm_trusts & set(workforce)
    assert {"R0A", "RM3", "RW6", "RXV", "TAE"} <= staffed  # acute, mental health, care trust
    assert "RX7" in gm_trusts  # North West Ambulance Service: headquarters in GM, not counted
    expected = sum(float(workforce[c]["2019-03"]) for c in staffed - {"RX7"})
    assert expected > 40_000
    assert row_of(icb_store, "staff_fte", GM_ICB, "2019-03")["value"] == pytest.approx(expected)
    rate = row_of(icb_store, "staff_fte_per_1000", GM_ICB, "2019-03")
    assert rate["denominator"] == pytest.approx(2_999_254)  # QOF 2017-18 list, GM ICB practices
    assert rate["value"] == pytest.approx(1000 * expected / 2_999_254)


def test_icbs_add_up_to_england_and_every_icb_has_staff(icb_store):
    areas = icb_store[(icb_store["indicator"] == "staff_fte") & icb_store["area_role"].eq("area")
                      & (icb_store["period"] == "2019-03")]
    assert len(areas) == 42 and areas["value"].gt(0).all()
    england = row_of(icb_store, "staff_fte", "E92000001", "2019-03")["value"]
    assert areas["value"].sum() == pytest.approx(england)


def test_gm_icb_sickness_absence_is_the_fte_weighted_mean_of_its_trusts(icb_store, gm_trusts):
    rows = [r for r in raw_rows(PEER_FILE) if r["Procode"].strip() in gm_trusts]
    assert len(rows) >= 8
    lost = sum(float(r["FTE staff"]) * float(r["Absence Rate"]) for r in rows)
    fte = sum(float(r["FTE staff"]) for r in rows)
    row = row_of(icb_store, "staff_sickness_absence", GM_ICB, "2019/20")
    assert row["value"] == pytest.approx(100 * lost / fte)


def test_gm_icb_critical_care_january_2019_summed_by_hand(icb_store, gm_trusts):
    rows = [r for r in raw_rows(CC_FILE)
            if r["Code"].strip() in gm_trusts and r["Date"].startswith("2019-01")]
    assert rows
    occupied = sum(float(r["adult_beds_occupied"]) for r in rows)
    available = sum(float(r["adult_beds_open"]) for r in rows)
    row = row_of(icb_store, "critical_care_occupancy", GM_ICB, "2019-01")
    assert row["value"] == pytest.approx(100 * occupied / available)


def test_icb_rows_leave_the_stp2017_store_unchanged():
    assert_stp2017_store_ignores_icb_rows(INDICATORS)


def test_icb_list_sizes_sum_to_england_less_the_set_aside_practices():
    sizes = icb_list_sizes("2017/18")
    england = sizes.pop("E92000001")
    assert len(sizes) == 42
    assert sizes.sum() == pytest.approx(58_186_676)  # docs/area_sets.md
    assert england == pytest.approx(58_383_266)


# ---------------------------------------------------------------- bad data

LOOKUP = ("trust_code,trust_name,area_code,icb22_code,hq_postcode,basis\n"
          "RNL,North Cumbria,E54000047,,,test\nRNN,Cumbria Partnership,E54000047,,,test\n"
          "RX7,NWAS,,,,ambulance trust\n")
ICB_LOOKUP = ("trust_code,trust_name,area_code,basis\nRNL,North Cumbria,E54000050,test\n"
              "RX7,NWAS,,ambulance trust\n")
HEADER = "sheet_row,organisation_code,organisation_name,2019-02,2019-03"
GOOD = ("7,ENGLAND,England,37,38\n8,RNL,North Cumbria,20,21\n9,RNN,Cumbria Partnership,7,7\n"
        "10,RX7,NWAS,10,10\n")


def _catalog(tmp_path, icb_lookup=ICB_LOOKUP):
    return one_source_catalog(
        tmp_path, "workforce_fte", HEADER + "\n" + GOOD,
        {"w": {"statistic": "count", "frequency": "monthly", "unit": "FTE"}},
        {"lookup_file": "lookup.csv", "icb_lookup_file": "icb.csv"},
        {"lookup.csv": LOOKUP, "icb.csv": icb_lookup})


def test_trust_with_no_icb_is_set_aside_and_counted_with_its_reason(tmp_path):
    catalog = _catalog(tmp_path)
    aside = catalog.load_source("s").set_aside.set_index("reason")["rows"]
    assert aside[NOT_IN_LOOKUP] == 2  # RNN, two months
    assert aside["trust with no footprint: ambulance trust"] == 2  # counted once, not per set
    observations = catalog.observations()
    icb = observations[observations["area_type"] == "icb"]
    assert list(icb["area_code"]) == ["E54000050", "E54000050"]
    assert list(icb["numerator"]) == [20.0, 21.0]  # RNN not in it
    footprint = observations[observations["area_type"] == "stp"]
    assert list(footprint["numerator"]) == [27.0, 28.0]


def test_trust_blank_in_the_icb_lookup_gives_its_basis(tmp_path):
    blank = ICB_LOOKUP + "RNN,Cumbria Partnership,,moved out of England (test)\n"
    aside = _catalog(tmp_path, blank).load_source("s").set_aside.set_index("reason")["rows"]
    assert aside["trust with no ICB: moved out of England (test)"] == 2


def test_duplicate_trust_in_the_icb_lookup_is_an_error(tmp_path):
    duplicate = ICB_LOOKUP + "RNL,North Cumbria again,E54000048,test\n"
    with pytest.raises(DataValidationError, match=r"icb\.csv, row 4, column 'trust_code': "
                       "duplicate key trust_code='RNL'"):
        _catalog(tmp_path, duplicate).observations()


def test_unknown_icb_code_in_the_lookup_is_an_error(tmp_path):
    wrong = ICB_LOOKUP + "RNN,Cumbria Partnership,E54000047,a 2017 footprint not an ICB\n"
    with pytest.raises(DataValidationError, match=r"icb\.csv, row 4, column 'area_code': "
                       "unknown ICB code 'E54000047'"):
        _catalog(tmp_path, wrong).observations()


@pytest.mark.parametrize(("text", "pattern"), [
    ("trust_code,trust_name,basis\nRNL,North Cumbria,test\n",
     r"icb\.csv, row 1, column 'area_code': missing column"),
])
def test_icb_lookup_missing_column_is_an_error(tmp_path, text, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        _catalog(tmp_path, text).observations()
