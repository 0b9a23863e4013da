"""District-level comparisons for approximate indicators (issue 20 item 1): the verdict reader,
the counts, and Greater Manchester's adult smoking 2018 count checked by hand in the raw file."""

from __future__ import annotations

import csv
import gzip

import numpy as np
import pandas as pd
import pytest

from stp_analytics.data.geography import lad_code_changes, load_area_set
from stp_analytics.data.loaders.district_verdicts import read_district_verdicts
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics import district_comparisons as dc
from stp_analytics.paths import sources_dir

SMOKING = "PHE_fingertips_via_trafford_smoking_adults.csv.gz"


def test_greater_manchester_smoking_2018_counts_by_hand():
    with gzip.open(sources_dir() / SMOKING, "rt", encoding="utf-8") as handle:
        raw = [row for row in csv.DictReader(handle) if row["period"] == "2018"]
    ten = {f"E080000{n:02d}" for n in range(1, 11)}  # the ten Greater Manchester districts
    by_hand = [row["significance"] for row in raw if row["area_code"] in ten]
    assert len(by_hand) == 10
    verdicts = read_district_verdicts(sources_dir() / SMOKING)
    verdicts = verdicts[verdicts["period"] == "2018"]
    lookup = load_area_set("stp2017").part_lookup("lad")
    districts = dc.area_districts(lookup, "E54000007")
    assert set(districts) == ten  # High Peak (36% in GM, through Glossop) is not counted
    codes = dc.published_codes(districts, set(verdicts["area_code"]), lad_code_changes())
    counts = dc.district_verdict_counts(verdicts, codes)
    assert counts["worse"] == by_hand.count("Worse") == 4  # Manchester, Oldham, Salford, Tameside
    assert counts["similar"] == by_hand.count("Similar") == 6
    assert counts["better"] == 0 and counts["districts"] == 10
    assert dc.counts_sentence(counts) == (
        "4 of 10 districts significantly worse than England, 0 better, 6 similar (each "
        "district's own published comparison)")
    assert dc.same_area_code(districts) == "E47000001"
    published = verdicts[verdicts["area_code"] == "E47000001"].iloc[0]
    assert (published["value"], published["verdict"]) == (16.2, "Worse")


def test_merged_district_is_counted_once_with_its_published_verdict():
    changes = pd.DataFrame({"new_code": ["N1", "N1"], "old_code": ["O1", "O2"]})
    lookup = pd.DataFrame({"part_code": ["O1", "O2", "D3", "D4"], "area_code": ["A"] * 4,
                           "share": [1.0, 1.0, 1.0, 0.3]})
    districts = dc.area_districts(lookup, "A")
    assert districts == ["D3", "O1", "O2"]  # D4: only 30% in A
    codes = dc.published_codes(districts, {"N1", "D3"}, changes)
    assert codes == ["D3", "N1"]
    verdicts = pd.DataFrame({"area_code": ["N1", "D3"], "value": [1.0, np.nan],
                             "verdict": ["Worse", "Not compared"]})
    counts = dc.district_verdict_counts(verdicts, codes)
    assert counts == {"districts": 2, "worse": 1, "better": 0, "similar": 0, "higher": 0,
                      "lower": 0, "not_compared": 0, "no_value": 1}
    assert dc.counts_sentence(counts).endswith("0 better, 1 without a value (each district's "
                                               "own published comparison)")
    assert dc.same_area_code(districts) is None


def write(tmp_path, header: str, rows: list[str]):
    path = tmp_path / "extract.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


HEADER = "area_code,area_name,period,value,indicator,measure,unit,significance"
ROW = "E08000001,Bolton,2018,15.3,Smoking,Proportion,Persons,Similar"


def test_reader_reads_either_verdict_column_and_the_sex(tmp_path):
    header = "area_code,area_name,area_type,period,indicator,measure,unit,value,compared_to_England"
    path = write(tmp_path, header, ["E08000001,Bolton,LA,2016 - 18,U75,Rate,Male,250.1,Worse"])
    frame = read_district_verdicts(path, "unit")
    assert frame.iloc[0][["period", "sex", "value", "verdict"]].tolist() == [
        "2016-18", "Male", 250.1, "Worse"]


@pytest.mark.parametrize("header, rows, message", [
    (HEADER.replace(",significance", ""), [ROW.replace(",Similar", "")], "no verdict column"),
    (HEADER, [ROW.replace("Similar", "Worst")], "verdict 'Worst' is not one of"),
    (HEADER, [ROW, ROW], "E08000001"),
    (HEADER, [ROW.replace("15.3", "15.3%")], "non-numeric value '15.3%'"),
    (HEADER.replace("period", "year"), [ROW], "missing column"),
])
def test_reader_bad_data(tmp_path, header, rows, message):
    with pytest.raises(DataValidationError, match=message):
        read_district_verdicts(write(tmp_path, header, rows))
