"""The health chapter's inequality and detection-gap sections and the index's SII ranking, on
small hand-made frames (the national tables themselves are tested in test_metrics_inequality*
and test_metrics_detection)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from stp_analytics.content import index_page
from stp_analytics.content import sections_health as sh
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics import health_tables
from stp_analytics.schema import ENGLAND_CODE


def fit(sii: float, lower: float, upper: float, rii: float = 1.2, note: str = "") -> pd.Series:
    return pd.Series({"sii": sii, "sii_lower": lower, "sii_upper": upper, "rii": rii,
                      "note": note})


@pytest.mark.parametrize("area, england, ending", [
    (fit(2.53, 2.41, 2.65), fit(2.98, 2.95, 3.00), "The gap is smaller in A (the intervals "
                                                   "do not overlap)."),
    # both negative: -18.4 is the larger gap, although it is the smaller number
    (fit(-18.39, -18.84, -17.93), fit(-10.75, -10.86, -10.65), "The gap is larger in A (the "
                                                               "intervals do not overlap)."),
    (fit(1.0, 0.5, 1.5), fit(1.2, 1.1, 1.3), "The intervals overlap: no clear difference from "
                                             "England's gap."),
    (fit(-1.0, -1.5, -0.5), fit(1.2, 1.1, 1.3), "The gradient in A runs the other way from "
                                                "England's."),
])
def test_sii_sentence_compares_the_size_of_the_gap_with_england(area, england, ending):
    text = sh.sii_sentence("X", "A", area, england)
    assert text.endswith(ending)
    assert ("higher among the more deprived" in text) == (area["sii"] > 0)
    assert f"{area['sii']:.2f} percentage points (95% CI {area['sii_lower']:.2f} to" in text


def test_sii_sentence_without_a_fit_says_why():
    missing = fit(np.nan, np.nan, np.nan, np.nan, "no practices in quintile 1")
    assert sh.sii_sentence("X", "A", missing, None) == (
        "X: no slope index of inequality for A (no practices in quintile 1).")


def test_quintile_rows_name_the_ends_and_empty_quintiles():
    table = pd.DataFrame({"quantile": [2, 1], "practices": [3, 0], "denominator": [1200.0, 0],
                          "value": [7.25, np.nan], "lower": [6.8, np.nan],
                          "upper": [7.7, np.nan]})
    rows = sh.quintile_rows(table)
    assert [r["quintile"] for r in rows] == ["1 (most deprived)", "2"]
    assert rows[0]["value"] == "no practices" and rows[0]["interval"] == ""
    assert rows[1] == {"quintile": "2", "practices": "3", "denominator": "1,200",
                       "value": "7.2", "interval": "6.8 to 7.7"}


def tables(detection_coverage: float = 1.0, note: str = "") -> dict[str, pd.DataFrame]:
    sii = pd.DataFrame({"indicator": "qof_diabetes_prevalence", "area_code": ["A", ENGLAND_CODE],
                        "sii": [2.0, 3.0], "sii_lower": [1.5, 2.9], "sii_upper": [2.5, 3.1],
                        "rii": [1.3, 1.5], "note": [note, ""]})
    detection = pd.DataFrame({"area_code": ["A"], "coverage": [detection_coverage]})
    return {"sii": sii, "detection": detection}


def test_caveats_name_a_missing_quintile_and_missing_practices():
    pack = SimpleNamespace(area_code="A", area_name="Area A")
    plain = sh.inequality_caveats(pack, tables())
    assert len(plain) == 1 and "closed or merged" in plain[0]
    notes = sh.inequality_caveats(pack, tables(0.71, "fitted on 4 of 5 quintiles (no "
                                                      "practices in quintile 1)"))
    assert notes[0].startswith("Area A has no practice in national quintile 1")
    assert "fitted on 4 of 5 quintiles" in notes[0]
    assert "list 71% of its modelled adult population" in notes[1]


def gap_row(**values) -> pd.Series:
    row = {"estimated": 203820.47, "recorded": 173257.0, "undiagnosed": 30563.47,
           "detection_rate": 0.850047, "note": "", "england_published": np.nan}
    return pd.Series({**row, **values})


def test_detection_sentence_rounds_to_about_tens_and_gives_england():
    england = gap_row(estimated=4080029.2, recorded=3196124.0, undiagnosed=883905.2,
                      detection_rate=0.783358, england_published=4032505.6)
    text = sh.detection_sentence("GM", gap_row(), england)
    assert "about 203,820 people aged 16+ with diabetes in GM" in text
    assert "173,257 are on practice registers" in text
    assert "about 30,560 people with diabetes not yet diagnosed, a detection rate of 85.0%" in text
    assert text.endswith("England: about 883,910 undiagnosed, detection rate 78.3%.")
    caveat = sh.detection_caveat(england)
    assert "(4,080,029 summed against 4,032,506 published for 2017)" in caveat
    assert "population share" in caveat


def test_withheld_detection_gap_says_why():
    row = gap_row(undiagnosed=np.nan, detection_rate=np.nan, note="not computed: the QOF list "
                  "sizes cover 71% of the modelled population")
    assert sh.detection_sentence("B", row, None) == (
        "Undiagnosed diabetes in B: data not supplied: not computed: the QOF list sizes cover "
        "71% of the modelled population.")
    assert sh.detection_rows(row, "B")["detection_rate"] == "not computed"


def test_index_ranks_areas_fitted_on_every_quintile_first():
    sii = pd.DataFrame({
        "indicator": ["qof_diabetes_prevalence"] * 5 + ["cervical_screening_25_49"],
        "area_code": ["A", "B", "C", "D", ENGLAND_CODE, "A"],
        "sii": [2.0, 5.8, 3.0, np.nan, 2.9, -10.0], "sii_lower": [1.9, 5.5, 2.8, np.nan, 2.8, -11],
        "sii_upper": [2.1, 6.1, 3.2, np.nan, 3.0, -9.0],
        "note": ["", "fitted on 4 of 5 quintiles", "", "no practices", "", ""]})
    rows = index_page.sii_ranking_rows(sii, {"A": "Area A"})
    assert [(r["rank"], r["code"]) for r in rows] == [
        ("1", "C"), ("2", "A"), ("", "B"), ("", "D"), ("", ENGLAND_CODE)]
    assert rows[1]["name"] == "Area A" and rows[0]["name"] == "C"
    assert rows[1]["screening"] == "-10.00 (-11.00 to -9.00)"
    assert rows[0]["screening"] == "not computed" and rows[3]["diabetes"] == "not computed"


def test_health_tables_are_computed_once_and_read_back(tmp_path, monkeypatch):
    calls = []

    def fake_build(catalog, area_set):
        calls.append(area_set)
        return {name: pd.DataFrame({"area_code": ["A"], "value": [1.0]})
                for name in health_tables.TABLES}

    monkeypatch.setattr(health_tables, "build_health_tables", fake_build)
    monkeypatch.setattr(health_tables, "health_tables_key", lambda catalog, area_set: "k")
    monkeypatch.setattr(health_tables, "_MEMORY", {})
    with pytest.raises(DataValidationError, match="health tables not computed"):
        health_tables.load_or_build_health_tables(object(), "set", tmp_path, build=False)
    first = health_tables.load_or_build_health_tables(object(), "set", tmp_path)
    monkeypatch.setattr(health_tables, "_MEMORY", {})  # a new process: read from disk
    again = health_tables.load_or_build_health_tables(object(), "set", tmp_path, build=False)
    assert calls == ["set"]
    assert sorted(p.name for p in (tmp_path / "health-set-k").iterdir()) == [
        "detection.parquet", "quantiles.parquet", "sii.parquet"]
    pd.testing.assert_frame_equal(first["sii"], again["sii"])


def test_a_failed_build_is_not_retried_in_the_same_process(tmp_path, monkeypatch):
    calls = []

    def failing_build(catalog, area_set):
        calls.append(area_set)
        raise DataValidationError("no practice lookup")

    monkeypatch.setattr(health_tables, "build_health_tables", failing_build)
    monkeypatch.setattr(health_tables, "health_tables_key", lambda catalog, area_set: "k")
    monkeypatch.setattr(health_tables, "_MEMORY", {})
    monkeypatch.setattr(health_tables, "_FAILED", {})
    for _ in range(2):
        with pytest.raises(DataValidationError, match="no practice lookup"):
            health_tables.load_or_build_health_tables(object(), "set", tmp_path)
    assert calls == ["set"]
