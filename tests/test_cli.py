"""The stp-packs command line: help, version, and one-line errors instead of tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from stp_analytics import __version__
from stp_analytics.cli import app as cli
from stp_analytics.errors import StpPacksError


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert name in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert __version__ in capsys.readouterr().out


def test_every_command_module_loads_its_options() -> None:
    parser = cli.build_parser()
    choices = parser._subparsers._group_actions[0].choices
    assert set(choices) == set(cli.COMMANDS)
    assert all(sub.get_default("_run") for sub in choices.values())


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 1
    assert "usage: stp-packs" in capsys.readouterr().out


def test_library_errors_become_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def failing_run(args: object) -> int:
        raise StpPacksError("file x.csv, row 3, column 'Value': not a number")

    parser = cli.build_parser("footprints")
    monkeypatch.setattr(cli, "build_parser", lambda selected=None: parser)
    parser._subparsers._group_actions[0].choices["footprints"].set_defaults(_run=failing_run)
    assert cli.main(["footprints"]) == 2
    err = capsys.readouterr().err
    expected = "stp-packs footprints: error: file x.csv, row 3, column 'Value': not a number"
    assert err.strip() == expected
    assert "Traceback" not in err


def test_console_script_is_installed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stp_analytics.cli", "--version"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0
    assert f"stp-packs {__version__}" in result.stdout
