"""`stp-packs footprints`: the registry printed as a table or CSV, through cli.main(argv)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from stp_analytics import cli
from stp_analytics.paths import sources_dir


def qof_england_total() -> int:
    """Sum of one TOTAL list size per practice in the raw QOF 2017-18 prevalence file."""
    prevalence = pd.read_csv(sources_dir() / "QOF_PREVALENCE_1718.csv.gz")
    total = prevalence[prevalence["PATIENT_LIST_TYPE"] == "TOTAL"]
    return int(total.drop_duplicates("PRACTICE_CODE")["PATIENT_LIST_SIZE"].sum())


def test_default_table_lists_the_44_footprints(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["footprints"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Code", "Name", "Region", "Registered", "population"]
    rows = [line for line in lines if line.startswith("E54")]
    assert [row.split()[0] for row in rows] == [f"E540000{n:02d}" for n in range(5, 49)]
    gm = next(row for row in rows if row.startswith("E54000007"))
    assert "Greater Manchester" in gm and "North of England" in gm
    assert lines[-1] == (
        f"44 footprints; registered population {qof_england_total():,} "
        "(QOF 2017-18 practice list sizes)"
    )


def test_csv_output_sums_to_the_qof_england_total(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["footprints", "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"area_code": str})
    assert table.columns.tolist() == [
        "area_code",
        "area_name",
        "region_code",
        "region_name",
        "registered_population",
    ]
    assert len(table) == 44
    assert table["area_code"].is_unique
    assert int(table["registered_population"].sum()) == qof_england_total()


def test_ccg_area_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["footprints", "--areas", "ccg2017", "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(table) == 207 and table["area_code"].str.startswith("E38").all()
    assert cli.main(["footprints", "--areas", "ccg2017"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("207 CCGs; registered population")


def test_output_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["footprints"])
    first = capsys.readouterr().out
    cli.main(["footprints"])
    assert capsys.readouterr().out == first


def test_unknown_area_set_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["footprints", "--areas", "icb2030"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("stp-packs footprints: error: unknown area set 'icb2030'")
    assert "ccg2017, icb2022, stp2017" in captured.err


def test_unknown_format_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["footprints", "--format", "xml"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err
