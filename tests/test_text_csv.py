"""read_text_csv: the one reader of hand-kept CSVs (area-set lookups, hand-match tables)."""

from __future__ import annotations

import pytest

from stp_analytics.data import name_matching
from stp_analytics.data.text_csv import read_text_csv
from stp_analytics.errors import DataValidationError


def test_reads_every_column_as_text(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("code,share,extra\n007,0.5,\n", encoding="utf-8")
    frame = read_text_csv(path, ("code", "share"), what="lookup file")
    assert frame.to_dict("records") == [{"code": "007", "share": "0.5", "extra": ""}]


def test_missing_file_and_missing_column_are_named(tmp_path):
    with pytest.raises(DataValidationError, match="lookup file not found") as error:
        read_text_csv(tmp_path / "absent.csv", ("code",), what="lookup file")
    assert error.value.file == str(tmp_path / "absent.csv")
    path = tmp_path / "lookup.csv"
    path.write_text("code\nA\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"missing column\(s\) share") as error:
        read_text_csv(path, ("code", "share"), what="lookup file", label="lookup.csv",
                      header_row=1)
    assert (error.value.file, error.value.row) == ("lookup.csv", 1)


def test_hand_match_table_reports_its_header_row(tmp_path, monkeypatch):
    monkeypatch.setattr(name_matching, "name_matches_dir", lambda: tmp_path)
    (tmp_path / "bad.csv").write_text("source_name,code\nA,B\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="missing column") as error:
        name_matching.read_hand_matches("bad.csv")
    assert (error.value.file, error.value.row) == ("bad.csv", 1)
    with pytest.raises(DataValidationError, match="hand-match table not found"):
        name_matching.read_hand_matches("absent.csv")
