"""Adult smoking 2019 with counts (issue 20 item 2): the APS reader, the combined survey
estimate, East Suffolk's apportioning, and Greater Manchester's value and CI by hand from the raw
Fingertips file."""

from __future__ import annotations

import csv
import gzip
import math

import numpy as np
import pandas as pd
import pytest

from stp_analytics.data.geography import lad_code_changes, load_area_set
from stp_analytics.data.loaders.aps_smoking import APS_SMOKING_FILE, read_aps_smoking
from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.methods.survey import combined_estimate
from stp_analytics.metrics.smoking import area_smoking
from stp_analytics.paths import sources_dir

Z95 = 1.959963984540054
GM_DISTRICTS = ["E08000001", "E08000002", "E08000003", "E08000004", "E08000005", "E08000006",
                "E08000007", "E08000008", "E08000009", "E08000010"]
HIGH_PEAK = "E07000037"  # Glossop: Tameside and Glossop CCG, so part of the GM footprint


def test_combined_estimate_by_hand():
    # districts of 1,000 and 3,000 adults at 10% (CI 8-12) and 20% (CI 16-24):
    # value = (100 + 600) / 4,000 = 17.5%; SE = sqrt(0.25² (4/2z)² + 0.75² (8/2z)²)
    result = combined_estimate([10, 20], [8, 16], [12, 24], [1000, 3000])
    se = math.sqrt(0.25 ** 2 * (4 / (2 * Z95)) ** 2 + 0.75 ** 2 * (8 / (2 * Z95)) ** 2)
    assert result["value"] == pytest.approx(17.5)
    assert result["se"] == pytest.approx(se)
    assert result["lower"] == pytest.approx(17.5 - Z95 * se)
    assert result["upper"] == pytest.approx(17.5 + Z95 * se)
    # a suppressed district (no value) is left out with its weight
    again = combined_estimate([10, 20, np.nan], [8, 16, np.nan], [12, 24, np.nan],
                              [1000, 3000, 500])
    assert again["value"] == pytest.approx(17.5) and again["parts"] == 2
    assert np.isnan(combined_estimate([np.nan], [np.nan], [np.nan], [1.0])["value"])
    with pytest.raises(ParameterError, match="same length"):
        combined_estimate([10], [8], [12], [1, 2])
    with pytest.raises(ParameterError, match="lower <= upper"):
        combined_estimate([10], [12], [8], [1])


def districts_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "area_code": ["E92000001", "E07000244", "E07000203"],
        "area_name": ["England", "East Suffolk", "Mid Suffolk"],
        "area_type": ["england", "lad", "lad"],
        "value": [14.0, 20.0, 10.0], "lower": [13.8, 16.0, 6.0], "upper": [14.2, 24.0, 14.0],
        "count": [6e6, 40_000.0, 8_000.0], "population": [43e6, 200_000.0, 80_000.0],
        "suppressed": False})


def test_east_suffolk_is_apportioned_by_population_share():
    changes = pd.DataFrame({"new_code": ["E07000244", "E07000244"],
                            "new_name": ["East Suffolk"] * 2,
                            "old_code": ["E07000205", "E07000206"], "weight": [0.6, 0.4]})
    lookup = pd.DataFrame({"part_code": ["E07000205", "E07000203", "E07000206"],
                           "area_code": ["A", "A", "B"], "share": 1.0})
    result = area_smoking(districts_frame(), lookup, changes).set_index("area_code")
    # A: 60% of East Suffolk (120,000 adults at 20%) + Mid Suffolk (80,000 at 10%)
    assert result.loc["A", "value"] == pytest.approx((24_000 + 8_000) / 200_000 * 100)
    assert result.loc["A", "population"] == pytest.approx(200_000)
    assert result.loc["B", "value"] == pytest.approx(20.0)
    assert result.loc["B", "count"] == pytest.approx(16_000)
    assert result.loc["A", "split"] == "East Suffolk" and result.loc["B", "split"] == "East Suffolk"
    assert result.loc["B", "comparison"] == "Worse"  # 20% (16.0-24.0) against England's 14%
    assert result.loc["E92000001", "value"] == 14.0


def test_a_district_without_data_raises():
    lookup = pd.DataFrame({"part_code": ["E07000999"], "area_code": ["A"], "share": 1.0})
    with pytest.raises(DataValidationError, match="no 2019 value for district 'E07000999'"):
        area_smoking(districts_frame(), lookup, lad_code_changes())


def test_greater_manchester_value_and_ci_by_hand_from_the_raw_file():
    with gzip.open(sources_dir() / APS_SMOKING_FILE, "rt", encoding="utf-8-sig") as handle:
        raw = {row["Area Code"]: row for row in csv.DictReader(handle)}
    lookup = load_area_set("stp2017").part_lookup("lad")
    shares = dict.fromkeys(GM_DISTRICTS, 1.0)
    shares[HIGH_PEAK] = float(lookup.loc[lookup["part_code"] == HIGH_PEAK, "share"].iloc[0])
    smokers = adults = 0.0
    parts = []
    for code, share in shares.items():
        value = float(raw[code]["Value"])
        count = float(raw[code]["Count"].replace(",", "")) * share
        population = count / value * 100
        smokers, adults = smokers + count, adults + population
        se = (float(raw[code]["Upper CI 95.0 limit"])
              - float(raw[code]["Lower CI 95.0 limit"])) / (2 * Z95)
        parts.append((population, se))
    value = smokers / adults * 100
    se = math.sqrt(sum((population / adults) ** 2 * s ** 2 for population, s in parts))
    districts = read_aps_smoking(sources_dir() / APS_SMOKING_FILE)
    gm = area_smoking(districts, lookup, lad_code_changes()).set_index("area_code").loc[
        "E54000007"]
    assert gm["value"] == pytest.approx(value, rel=1e-12)  # 15.95%
    assert gm["lower"] == pytest.approx(value - Z95 * se, rel=1e-12)  # 15.05
    assert gm["upper"] == pytest.approx(value + Z95 * se, rel=1e-12)  # 16.84
    assert gm["districts"] == 11
    england = float(raw["E92000001"]["Value"])  # 13.88
    assert gm["lower"] > england and gm["comparison"] == "Worse"


def write(tmp_path, rows: list[str]):
    path = tmp_path / "aps.csv"
    header = ("Indicator ID,Area Code,AreaName,Area Type,Time period,Value,Lower CI 95.0 limit,"
              "Upper CI 95.0 limit,Count")
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


GOOD = ['92443,E92000001,England,England,2019,13.9,13.6,14.1,"6,144,703"',
        '92443,E08000016,Barnsley,LTLA,2019,18.2875,15.5155,21.0595,"35,804"',
        "92443,E06000053,Isles of Scilly,LTLA,2019,,,,-"]


def test_reader_strips_separators_and_keeps_suppressed_districts(tmp_path):
    table = read_aps_smoking(write(tmp_path, GOOD)).set_index("area_code")
    assert table.loc["E08000016", "count"] == 35_804
    assert table.loc["E08000016", "population"] == pytest.approx(35_804 / 18.2875 * 100)
    assert table.loc["E06000053", "suppressed"] and not table.loc["E08000016", "suppressed"]
    assert table.loc["E92000001", "area_type"] == "england"


@pytest.mark.parametrize("rows, message, column", [
    ([GOOD[0].replace("13.9,", "13.9x,")], "non-numeric value '13.9x'", "Value"),
    ([GOOD[1].replace("E08000016", "E38000016")], "is not a district", "Area Code"),
    ([GOOD[1], GOOD[1]], "E08000016", "Area Code"),
    ([GOOD[1].replace('"35,804"', "")], "a value without a count", "Count"),
    ([GOOD[1].replace("92443", "92304")], "indicator '92304' is not 92443", "Indicator ID"),
    ([GOOD[1].replace("18.2875", "118.2")], "is not a percentage", "Value"),
])
def test_reader_bad_data(tmp_path, rows, message, column):
    with pytest.raises(DataValidationError, match=message) as raised:
        read_aps_smoking(write(tmp_path, rows))
    assert raised.value.column == column and raised.value.file == "aps.csv"


def test_reader_missing_column(tmp_path):
    path = tmp_path / "aps.csv"
    path.write_text("Indicator ID,Area Code\n92443,E92000001\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="missing column"):
        read_aps_smoking(path)
