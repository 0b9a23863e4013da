"""RTT England context (issue 18, item 10) and workforce growth against population (item 5)."""

from __future__ import annotations

import pandas as pd
import pytest
from care_fixtures import one_source_catalog, raw_rows, row_of, shipped_store

from stp_analytics.data.geography.population import area_population, lad_population
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics.workforce_growth import workforce_growth

FILE = "NHSE_RTT_overview_England_incomplete_2015-01_to_2019-12_extract.csv.gz"


@pytest.fixture(scope="module")
def store():
    return shipped_store(["rtt_18_weeks_england"])


def test_rtt_england_march_2019_from_the_raw_rows(store):
    (raw,) = [r for r in raw_rows(FILE) if r["month"] == "2019-03"]
    row = row_of(store, "rtt_18_weeks_england", "E92000001", "2019-03")
    assert (row["numerator"], row["denominator"]) == (3670437, 4233414)
    assert row["numerator"] == float(raw["incomplete__no_within_18_weeks"])
    assert round(row["value"], 1) == 86.7 and row["target"] == 92


def test_rtt_may_2015_equals_the_commissioner_files_national_total(store):
    # the May 2015 commissioner xls (official sample) sums to 3,172,627 and 2,965,989
    row = row_of(store, "rtt_18_weeks_england", "E92000001", "2015-05")
    assert (row["denominator"], row["numerator"]) == (3172627, 2965989)


def test_rtt_is_england_only_60_months(store):
    assert set(store["area_role"]) == {"england"}
    assert store["period"].nunique() == 60
    assert store["spc_point_type"].ne("").all()


HEADER = ("overview_csv_line,fin_year,month,incomplete__no_within_18_weeks,"
          "incomplete__total_waiting_mil,incomplete__pct_within_18_weeks")
GOOD = "1,2018/19,2019-03,90,100,0.9\n"


def _catalog(tmp_path, text):
    return one_source_catalog(tmp_path, "rtt_england_overview", text,
                              {"r": {"frequency": "monthly", "geography": "england"}})


def test_good_rtt_file(tmp_path):
    observations = _catalog(tmp_path, HEADER + "\n" + GOOD).observations()
    assert observations["value"].isna().all() and observations["numerator"].tolist() == [90]


@pytest.mark.parametrize(("text", "pattern"), [
    ("month,incomplete__no_within_18_weeks,incomplete__total_waiting_mil\n2019-03,1,2\n",
     r"data\.csv, row 1, column 'incomplete__pct_within_18_weeks': missing column"),
    (HEADER + "\n" + GOOD + "2,2018/19,2019-04,9O,100,0.9\n",
     r"data\.csv, row 3, column 'incomplete__no_within_18_weeks': non-numeric value '9O'"),
    (HEADER + "\n" + GOOD + "2,2018/19,2019-13,90,100,0.9\n",
     r"data\.csv, row 3, column 'month': month '2019-13' is not YYYY-MM"),
    (HEADER + "\n" + GOOD + "2,2018/19,2019-03,90,100,0.9\n",
     r"data\.csv, row 3, column 'month': duplicate key month='2019-03'"),
    (HEADER + "\n" + GOOD + "2,2018/19,2019-04,90,100,0.8\n",
     r"data\.csv, row 3, column 'incomplete__pct_within_18_weeks': published share 0\.8"),
])
def test_bad_rtt_file_names_file_row_and_column(tmp_path, text, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        _catalog(tmp_path, text).observations()


def _staff(code: str, values: dict[str, float]) -> list[dict]:
    role = "england" if code == "E92000001" else "area"
    return [{"indicator": "staff_fte", "area_code": code, "area_role": role, "sex": "Persons",
             "period": period, "value": value} for period, value in values.items()]


def test_workforce_growth_against_population():
    store = pd.DataFrame(_staff("E54000007", {"2016-03": 100.0, "2018-03": 110.0,
                                              "2020-03": 121.0})
                         + _staff("E92000001", {"2016-03": 1000.0, "2018-03": 1010.0}))
    growth = workforce_growth(store, "E54000007", area_name="GM").set_index(["area", "end"])
    assert growth.loc[("GM", "2018-03"), "growth_percent"] == pytest.approx(10)
    assert growth.loc[("GM", "2020-03"), "growth_percent"] == pytest.approx(21)
    gm = area_population("stp2017", 2016)["E54000007"], area_population("stp2017", 2018)[
        "E54000007"]
    assert growth.loc[("GM", "mid-2018"), "growth_percent"] == pytest.approx(
        (gm[1] / gm[0] - 1) * 100)
    england = lad_population(2018).sum() / lad_population(2016).sum() - 1
    assert growth.loc[("England", "mid-2018"), "growth_percent"] == pytest.approx(england * 100)
    assert ("England", "2020-03") not in growth.index  # England has no March 2020 here


def test_workforce_growth_without_march_2016_is_empty():
    store = pd.DataFrame(_staff("E54000007", {"2017-03": 1.0}))
    assert workforce_growth(store, "E54000007").empty
