"""Bad parameters are rejected before any kernel starts, with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from stp_analytics import cli, paths

pytestmark = pytest.mark.reliability

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINI = str(FIXTURES / "packs" / "mini.yml")


def run_build(tmp_path, capsys, *extra: str) -> tuple[int, str]:
    store = tmp_path / "no-store-needed.parquet"
    status = cli.main(["build", "--pack", MINI, "--store", str(store), "--out",
                       str(tmp_path / "out"), "--no-progress", *extra])
    return status, capsys.readouterr().err


def test_unknown_footprint_lists_the_closest(tmp_path, capsys):
    status, err = run_build(tmp_path, capsys, "--footprint", "West Yorkshre")
    assert status == 2
    assert "West Yorkshire" in err and "closest" in err
    assert not (tmp_path / "out").exists()


def test_unknown_footprint_code(tmp_path, capsys):
    status, err = run_build(tmp_path, capsys, "--footprint", "E54000099")
    assert status == 2 and "E54000099" in err and "closest" in err


def test_wrong_type_is_named(tmp_path, capsys):
    status, err = run_build(tmp_path, capsys, "-p", "years=many")
    assert status == 2 and "'years'" in err and "expected int" in err
    assert not (tmp_path / "out").exists()


def test_unknown_parameter_lists_valid_ones(tmp_path, capsys):
    status, err = run_build(tmp_path, capsys, "-p", "demand_grwth=0.1")
    assert status == 2 and "'demand_grwth'" in err and "valid parameters" in err


@pytest.mark.parametrize("value", ['"; import os; os.system(\'x\')', "x\nimport os",
                                   "'; print(1); '"])
def test_code_in_a_string_parameter_is_rejected(tmp_path, capsys, value):
    status, err = run_build(tmp_path, capsys, "-p", f"fail_for={value}")
    assert status == 2 and "'fail_for'" in err and "not allowed" in err
    assert not (tmp_path / "out").exists()


def test_runner_owned_parameter_cannot_be_overridden(tmp_path, capsys):
    status, err = run_build(tmp_path, capsys, "-p", "footprint=E54000005")
    assert status == 2 and "--footprint" in err


def test_output_outside_project_with_dotdot_is_refused(tmp_path, capsys):
    escape = Path(paths.project_root()) / ".." / "stp-packs-escape-test"
    status = cli.main(["build", "--pack", MINI, "--out", str(escape), "--no-progress"])
    err = capsys.readouterr().err
    assert status == 2 and "--allow-outside" in err
    assert not escape.exists()


def test_unknown_executor(tmp_path, capsys):
    status, err = run_build(tmp_path, capsys, "--executor", "spark", "--footprint", "E54000005")
    assert status == 2 and "'spark' is unknown" in err and "dask, process" in err
