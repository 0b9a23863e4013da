"""Readers for the practice IMD 2019 scores (Fingertips 93553) and the NCVIN diabetes model."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from stp_analytics.data.loaders.ncvin import (
    LSOA_CCG16_FILE,
    NCVIN_DIABETES_FILE,
    read_lsoa_ccg16,
    read_ncvin_diabetes,
)
from stp_analytics.data.loaders.practice_imd import PRACTICE_IMD_FILE, read_practice_imd
from stp_analytics.errors import DataValidationError
from stp_analytics.paths import sources_dir

IMD_HEADER = "Indicator ID,Indicator Name,Area Code,Area Name,Area Type,Value\n"
IMD_ROWS = [
    "93553,Deprivation score (IMD 2019),E92000001,England,England,21.72\n",
    "93553,Deprivation score (IMD 2019),A81001,The Densham Surgery,GP,32.36\n",
    "93553,Deprivation score (IMD 2019),A81002,Queens Park Medical Centre,GP,31.92\n",
]
NCVIN_HEADER = "org_name,org_code,numerator,value,period,denominator,multiplier\n"
NCVIN_ROWS = [
    "England,E92000001,3921071.2,0.0843,2015,46505645.2,1\n",
    "NHS Ashford CCG,E38000002,8229.2,0.0814,2015,101136.6,1\n",
    "NHS Coastal West Sussex CCG,E38000036,35000.5,0.082,2015,426115.7,1\n",
]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_practice_imd_reads_practices_only(tmp_path):
    scores = read_practice_imd(_write(tmp_path, "imd.csv", IMD_HEADER + "".join(IMD_ROWS)))
    assert scores["practice_code"].tolist() == ["A81001", "A81002"]
    assert scores["imd_score"].tolist() == [32.36, 31.92]


@pytest.mark.parametrize("rows, message", [
    (IMD_ROWS[:2] + [IMD_ROWS[2].replace("31.92", "high")],
     "row 4, column 'Value': non-numeric value 'high'"),
    (IMD_ROWS + [IMD_ROWS[1]], "row 5, column 'Area Code': duplicate key .*'A81001'"),
    (IMD_ROWS[:2] + [IMD_ROWS[2].replace("31.92", "")],
     "row 4, column 'Value': deprivation score is blank"),
    (IMD_ROWS[:2] + [IMD_ROWS[2].replace("31.92", "-1")], "deprivation score -1 is below zero"),
    (IMD_ROWS[:2] + [IMD_ROWS[2].replace("93553", "90366")],
     "row 4, column 'Indicator ID': indicator '90366' is not 93553"),
    (IMD_ROWS[:1], "no rows with Area Type 'GP'"),
])
def test_practice_imd_bad_data(tmp_path, rows, message):
    with pytest.raises(DataValidationError, match=message):
        read_practice_imd(_write(tmp_path, "imd.csv", IMD_HEADER + "".join(rows)))


def test_practice_imd_missing_column(tmp_path):
    text = IMD_HEADER.replace(",Value", ",Score") + "".join(IMD_ROWS)
    with pytest.raises(DataValidationError, match="missing column\\(s\\) Value"):
        read_practice_imd(_write(tmp_path, "imd.csv", text))


def test_ncvin_reads_and_maps_old_ccg_codes(tmp_path):
    table = read_ncvin_diabetes(_write(tmp_path, "dm.csv", NCVIN_HEADER + "".join(NCVIN_ROWS)))
    assert table["ccg16_code"].tolist() == ["E92000001", "E38000002", "E38000213"]
    assert table["is_england"].tolist() == [True, False, False]
    assert table["period"].tolist() == [2015] * 3


@pytest.mark.parametrize("rows, message", [
    (NCVIN_ROWS + [NCVIN_ROWS[1]], "row 5, column 'org_code': duplicate key"),
    (NCVIN_ROWS[:2] + [NCVIN_ROWS[2].replace("35000.5", "n/k")],
     "row 4, column 'numerator': non-numeric value 'n/k'"),
    (NCVIN_ROWS[:2] + [NCVIN_ROWS[2].replace("35000.5", "")],
     "row 4, column 'numerator': blank value"),
    (NCVIN_ROWS[:2] + [NCVIN_ROWS[2].replace("E38000036", "W11000024")],
     "row 4, column 'org_code': org_code 'W11000024' is neither a CCG"),
    (NCVIN_ROWS[:2] + [NCVIN_ROWS[2].replace("0.082", "-0.082")],
     "row 4, column 'value': negative value"),
])
def test_ncvin_bad_data(tmp_path, rows, message):
    with pytest.raises(DataValidationError, match=message):
        read_ncvin_diabetes(_write(tmp_path, "dm.csv", NCVIN_HEADER + "".join(rows)))


def test_ncvin_missing_column(tmp_path):
    text = NCVIN_HEADER.replace("denominator", "population") + "".join(NCVIN_ROWS)
    with pytest.raises(DataValidationError, match="missing column\\(s\\) denominator"):
        read_ncvin_diabetes(_write(tmp_path, "dm.csv", text))


def test_vendored_files_read_and_reproduce_the_documented_figures():
    scores = read_practice_imd(sources_dir() / PRACTICE_IMD_FILE)
    assert len(scores) == 6545
    assert scores["imd_score"].min() == pytest.approx(3.404973, abs=1e-6)
    assert scores["imd_score"].max() == pytest.approx(68.721015, abs=1e-6)
    ncvin = read_ncvin_diabetes(sources_dir() / NCVIN_DIABETES_FILE)
    assert len(ncvin) == 1890
    year = ncvin[ncvin["period"] == 2017]
    assert year.loc[~year["is_england"], "estimated"].sum() == pytest.approx(4_080_029.18,
                                                                           abs=0.01)
    assert year.loc[year["is_england"], "estimated"].iloc[0] == pytest.approx(4_032_505.61,
                                                                             abs=0.01)
    # the CCG denominators (implied registered population 16+) do sum to England's
    assert year.loc[~year["is_england"], "population"].sum() == pytest.approx(
        year.loc[year["is_england"], "population"].iloc[0], rel=1e-9)
    lsoas = read_lsoa_ccg16(sources_dir() / LSOA_CCG16_FILE)
    assert set(year.loc[~year["is_england"], "ccg16_code"]) == set(lsoas["ccg_code"])


def test_lsoa_ccg16_duplicate_lsoa(tmp_path):
    path = tmp_path / "lookup.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("LSOA11CD,CCG16CD\nE01000001,E38000001\nE01000001,E38000002\n")
    with pytest.raises(DataValidationError, match="duplicate key LSOA11CD='E01000001'"):
        read_lsoa_ccg16(path)
