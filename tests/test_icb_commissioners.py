"""Sources by commissioner (CCG) re-aggregated to the 42 ICBs (issue 23, item 2): the Monthly
Activity Return by each CCG's share of 2011 LSOAs in each ICB, the GP Patient Survey's dental
questions by the compiler's ICB22CD; by hand from the raw files, bad data, and the stp2017
store unchanged."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict

import pytest
from care_fixtures import (
    assert_stp2017_store_ignores_icb_rows,
    one_source_catalog,
    raw_rows,
    row_of,
    shipped_store,
)

from stp_analytics.data.loaders.ccg_icb import ccg_icbs
from stp_analytics.data.loaders.trust_icb import icb_list_sizes
from stp_analytics.errors import DataValidationError
from stp_analytics.paths import data_catalog_dir, sources_dir

MAR_FILE = "NHSE_MAR_commissioner_monthly_2015-04_to_2019-12_extract.csv.gz"
DENTAL_FILE = "StrategyUnit_GPPS_dental_results_by_CCG_2013-2022_q3_extract.csv.gz"
CCG17_STP_FILE = "ONS_CCG17_to_STP17_lookup_April2017_v3.csv.gz"
ADMISSIONS = "Total Non-elective G&A Admissions (FFCEs)"
GM_ICB, GM_STP = "E54000057", "E54000007"
TAMESIDE_GLOSSOP = "01Y"  # split: Glossop moved to Derbyshire ICB in 2022
INDICATORS = ["emergency_admissions_per_1000", "emergency_admissions_mar",
              "gp_referrals_per_1000", "gp_referrals_mar", "dentist_access"]


@pytest.fixture(scope="module")
def icb_store():
    return shipped_store(INDICATORS, "icb2022")


@pytest.fixture(scope="module")
def icb_shares() -> dict[str, dict[str, float]]:
    """CCG ODS code -> {ICB: share} read by hand from the ICB set's CCG crosswalk
    (``areas/icb2022/ccg.csv``, ONS CCG codes) and the ONS CCG17 file (ODS codes)."""
    ods = {}
    with gzip.open(sources_dir() / CCG17_STP_FILE, "rt", encoding="utf-8-sig",
                   newline="") as handle:
        for row in csv.DictReader(handle):
            ods[row["CCG17CD"]] = row["CCG17CDH"]
    shares: dict[str, dict[str, float]] = defaultdict(dict)
    with open(data_catalog_dir() / "areas" / "icb2022" / "ccg.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            shares[ods[row["part_code"]]][row["area_code"]] = float(row["share"])
    return shares


def test_ccg17_shares_are_the_icb_sets_own_ccg_crosswalk(icb_shares):
    lookup = ccg_icbs(data_catalog_dir() / "areas" / "ccg_successors_2018_2019.csv")
    ccg17 = lookup[lookup["era"] == "ccg17"]
    for code, icbs in icb_shares.items():
        mine = ccg17[ccg17["org_code"] == code].set_index("area_code")["share"].to_dict()
        assert mine == pytest.approx(icbs), code
    assert icb_shares[TAMESIDE_GLOSSOP][GM_ICB] == pytest.approx(0.87037, abs=1e-5)
    assert lookup.groupby(["era", "org_code"])["share"].sum().round(12).eq(1).all()


def test_gm_icb_emergency_admissions_march_2019_by_hand(icb_store, icb_shares):
    """GM ICB: its CCGs' admissions times their LSOA share (Tameside and Glossop's 87%);
    GM STP had the whole of Tameside and Glossop, so the two differ by Glossop's part."""
    month = {r["org_code"]: float(r[ADMISSIONS]) for r in raw_rows(MAR_FILE)
             if r["month"] == "2019-03"}
    gm = {code: icbs[GM_ICB] for code, icbs in icb_shares.items() if GM_ICB in icbs}
    assert len(gm) == 10 and gm[TAMESIDE_GLOSSOP] < 1
    expected = sum(month[code] * share for code, share in gm.items())
    icb = row_of(icb_store, "emergency_admissions_mar", GM_ICB, "2019-03")
    assert icb["value"] == pytest.approx(expected)
    stp = row_of(shipped_store(["emergency_admissions_mar"]), "emergency_admissions_mar",
                 GM_STP, "2019-03")
    glossop = month[TAMESIDE_GLOSSOP] * (1 - gm[TAMESIDE_GLOSSOP])
    assert stp["value"] - icb["value"] == pytest.approx(glossop)
    rate = row_of(icb_store, "emergency_admissions_per_1000", GM_ICB, "2019-03")
    assert rate["denominator"] == pytest.approx(icb_list_sizes("2017/18")[GM_ICB])
    assert rate["value"] == pytest.approx(1000 * expected / rate["denominator"])


def test_icb_admissions_add_up_to_england_less_direct_commissioning(icb_store):
    month = {r["org_code"]: float(r[ADMISSIONS]) for r in raw_rows(MAR_FILE)
             if r["month"] == "2019-03"}
    areas = icb_store[(icb_store["indicator"] == "emergency_admissions_mar")
                      & icb_store["area_role"].eq("area") & (icb_store["period"] == "2019-03")]
    assert len(areas) == 42
    assert areas["value"].sum() == pytest.approx(month["ENG"] - month["X24"])


def test_gm_icb_dentist_access_2019_by_hand(icb_store):
    with gzip.open(sources_dir() / DENTAL_FILE, "rt", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["period"] == "2019"
                and r["area_type"] == "CCG" and r["ICB22CD"] == GM_ICB]
    assert len(rows) >= 10
    yes = sum(float(r["q3_yes"]) for r in rows)
    asked = sum(float(r["q3_resp"]) for r in rows)
    row = row_of(icb_store, "dentist_access", GM_ICB, "2019")
    assert row["value"] == pytest.approx(100 * yes / asked)


def test_icb_rows_leave_the_stp2017_store_unchanged():
    assert_stp2017_store_ignores_icb_rows(INDICATORS)


# ---------------------------------------------------------------- bad data

DENTAL_HEADER = "period,area_code_NHS,area_type,ICB22CD,q3_resp,q3_yes\n"
DENTAL_GOOD = "2019,NA,England,NA,1000,800\n2019,00C,CCG,E54000050,100,90\n"


def _real_successors(folder) -> None:
    """The shipped table of the 2018-19 CCG mergers, beside a test catalogue."""
    (folder / "successors.csv").write_bytes(
        (data_catalog_dir() / "areas" / "ccg_successors_2018_2019.csv").read_bytes())


def _dental_catalog(tmp_path, text: str):
    _real_successors(tmp_path)
    return one_source_catalog(
        tmp_path, "gpps_dental", text,
        {"d": {"select": {"numerator": "q3_yes", "denominator": "q3_resp"}}},
        {"first_period": "2019", "last_period": "2019", "successors_file": "successors.csv",
         "icb_rows": True})


def test_dental_icb_rows_come_from_the_files_icb_code(tmp_path):
    observations = _dental_catalog(tmp_path, DENTAL_HEADER + DENTAL_GOOD).observations()
    icb = observations[observations["area_type"] == "icb"]
    assert list(zip(icb["area_code"], icb["numerator"], icb["denominator"],
                    strict=True)) == [
        ("E54000050", 90.0, 100.0)]


@pytest.mark.parametrize(("code", "shown"), [("E54000007", "'E54000007'"), ("NA", "'NA'")])
def test_dental_ccg_with_no_2022_icb_code_is_an_error(tmp_path, code, shown):
    text = DENTAL_HEADER + DENTAL_GOOD + f"2019,00D,CCG,{code},50,40\n"
    with pytest.raises(DataValidationError, match=rf"data\.csv, row 4, column 'ICB22CD': "
                       rf"ICB22CD {shown} of CCG '00D' \(wave 2019\) is not a 2022 ICB code"):
        _dental_catalog(tmp_path, text).observations()


def test_mar_unknown_commissioner_is_an_error_before_any_icb_sum(tmp_path):
    _real_successors(tmp_path)
    text = (f"month,fin_year,org_code,{ADMISSIONS}\n2019-03,2018-19,ENG,10\n"
            "2019-03,2018-19,ZZZ,5\n")
    catalog = one_source_catalog(
        tmp_path, "mar_commissioner", text,
        {"m": {"statistic": "count", "frequency": "monthly", "unit": "admissions",
               "select": {"column": ADMISSIONS}}},
        {"successors_file": "successors.csv", "icb_rows": True})
    with pytest.raises(DataValidationError, match=r"data\.csv, row 3, column 'org_code': "
                       "unknown commissioner code 'ZZZ'"):
        catalog.observations()
