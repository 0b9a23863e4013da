"""Out-of-area placements (item 7) and NHS dentist access (item 8): store against raw, bad data."""

from __future__ import annotations

import pytest
from care_fixtures import one_source_catalog, raw_rows, row_of, shipped_store

from stp_analytics.errors import DataValidationError

OAPS_FILE = "NHSD_OAPs_open_data_feb-2017_STP_rows_extract.csv.gz"
DENTAL_FILE = "StrategyUnit_GPPS_dental_results_by_CCG_2013-2022_q3_extract.csv.gz"
ACTIVE = "OAPs active at period end"
GM = "E54000007"


@pytest.fixture(scope="module")
def store():
    return shipped_store(["oaps_active_per_100k", "dentist_access"])



def test_oaps_england_and_greater_manchester_are_the_files_rows(store):
    rows = {r["Breakdown1Code"]: r for r in raw_rows(OAPS_FILE) if r["Question"] == ACTIVE}
    assert row_of(store, "oaps_active_per_100k", "E92000001", "2017-02")["numerator"] == 681
    gm = row_of(store, "oaps_active_per_100k", GM, "2017-02")
    assert gm["numerator"] == float(rows[GM]["value"])
    assert gm["value"] == pytest.approx(1e5 * gm["numerator"] / gm["denominator"])


def test_dentist_access_england_and_cumbria_with_its_repeated_row_once(store):
    rows = raw_rows(DENTAL_FILE)
    (england,) = [r for r in rows if r["period"] == "2017" and r["area_type"] == "England"]
    row = row_of(store, "dentist_access", "E92000001", "2017")
    assert row["value"] == pytest.approx(100 * float(england["q3_yes"]) / float(england["q3_resp"]))
    assert round(row["value"], 1) == 92.6  # published
    cumbria = [r for r in rows if r["period"] == "2017" and r["area_code_NHS"] == "01H"]
    assert len(cumbria) == 2 and cumbria[0]["q3_yes"] == cumbria[1]["q3_yes"]  # a repeat
    got = row_of(store, "dentist_access", "E54000047", "2017")
    assert got["numerator"] == pytest.approx(float(cumbria[0]["q3_yes"]))


def test_dental_split_ccg_parts_are_summed_back(store):
    rows = raw_rows(DENTAL_FILE)
    parts = [r for r in rows if r["period"] == "2018" and r["area_code_NHS"] == "01Y"]
    assert len(parts) == 2 and parts[0]["ICB22CD"] != parts[1]["ICB22CD"]
    gm_ccgs = {r["CCG17CDH"] for r in raw_rows("ONS_CCG17_to_STP17_lookup_April2017_v3.csv.gz")
               if r["STP17CD"] == GM}
    expected = sum(float(r["q3_yes"]) for r in rows if r["period"] == "2018"
                   and r["area_type"] == "CCG" and r["area_code_NHS"] in gm_ccgs)
    assert row_of(store, "dentist_access", GM, "2018")["numerator"] == pytest.approx(expected)


OAPS_HEADER = "PublicationPeriod,Question,Breakdown1,Breakdown1Code,Breakdown2,value"
OAPS_GOOD = (f"2017/02,{ACTIVE},Stp,England,,681\n"
             f"2017/02,{ACTIVE},Stp,E54000007,,45\n")
QOF = ("PRACTICE_CODE,INDICATOR_GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PATIENT_LIST_SIZE\n"
       "P82001,DEP,100,18OV,5000\n")


@pytest.mark.parametrize(("text", "pattern"), [
    (OAPS_HEADER.replace(",value", "") + f"\n2017/02,{ACTIVE},Stp,England,\n",
     r"data\.csv, row 1, column 'value': missing column"),
    (OAPS_HEADER + "\n" + OAPS_GOOD + f"2017/02,{ACTIVE},Stp,E54000008,,4O\n",
     r"data\.csv, row 4, column 'value': non-numeric value '4O'"),
    (OAPS_HEADER + "\n" + OAPS_GOOD + f"2017/02,{ACTIVE},Stp,E54000099,,40\n",
     r"data\.csv, row 4, column 'area_code': unknown stp code 'E54000099'"),
    (OAPS_HEADER + "\n" + OAPS_GOOD + f"2017/02,{ACTIVE},Stp,E54000007,,40\n",
     r"data\.csv, row 4, column 'Breakdown1Code': duplicate key .*'E54000007'.* rows 3, 4"),
])
def test_bad_oaps_file(tmp_path, text, pattern):
    catalog = one_source_catalog(
        tmp_path, "oaps_stp", text,
        {"o": {"statistic": "rate", "multiplier": 100000, "frequency": "monthly",
               "select": {"question": ACTIVE, "per_100k": True}}},
        {"adults_file": "qof.csv", "adults_period": "2016/17"}, {"qof.csv": QOF})
    with pytest.raises(DataValidationError, match=pattern):
        catalog.observations()


DENTAL_HEADER = "period,area_code_NHS,area_type,ICB22CD,q3_resp,q3_yes"
DENTAL_GOOD = "2017,NA,England,NA,1000,900\n2017,14L,CCG,E54000057,100,90\n"
SUCCESSORS = "new_code,new_name,first_month,old_code,old_name\n15F,Leeds,2018-04,02V,Leeds N\n"


@pytest.mark.parametrize(("text", "pattern"), [
    (DENTAL_HEADER.replace(",q3_yes", "") + "\n2017,14L,CCG,E54000057,100\n",
     r"data\.csv, row 1, column 'q3_yes': missing column"),
    (DENTAL_HEADER + "\n" + DENTAL_GOOD + "2017,00W,CCG,E54000057,100,9O\n",
     r"data\.csv, row 4, column 'q3_yes': non-numeric value '9O'"),
    (DENTAL_HEADER + "\n" + DENTAL_GOOD + "2017,ZZZ,CCG,E54000057,100,90\n",
     r"data\.csv, row 4, column 'area_code_NHS': unknown CCG code 'ZZZ' in wave 2017"),
    (DENTAL_HEADER + "\n" + DENTAL_GOOD + "2017,14L,CCG,E54000057,100,80\n",
     r"data\.csv, row 4, column 'area_code_NHS': duplicate key period='2017', "
     r"area_code_NHS='14L', ICB22CD='E54000057' appears in rows 3, 4 with different values"),
])
def test_bad_dental_file(tmp_path, text, pattern):
    catalog = one_source_catalog(
        tmp_path, "gpps_dental", text,
        {"d": {"select": {"numerator": "q3_yes", "denominator": "q3_resp"}}},
        {"first_period": "2016", "last_period": "2019", "successors_file": "s.csv"},
        {"s.csv": SUCCESSORS})
    with pytest.raises(DataValidationError, match=pattern):
        catalog.observations()
