"""`stp-packs inspect FILE`: the official DM01 sample recognised by its header, its own England
totals, the footprints' trusts mapped, and a file of no known layout refused clearly."""

from __future__ import annotations

import gzip
import json

import pytest

from stp_analytics import cli
from stp_analytics.paths import data_catalog_dir

pytestmark = pytest.mark.official

DM01 = ("NHSE_DM01_diagnostics_provider_web_file_March-2025__Monthly-Diagnostics-Web-File-"
        "Provider-March-2025_SW40K.xls.gz")


def test_inspect_names_the_layout_and_the_files_own_totals(tmp_path, capsys):
    path = tmp_path / "downloaded.xls"  # the name says nothing: the header decides
    path.write_bytes(gzip.decompress((data_catalog_dir() / "official_samples" / DM01).read_bytes()))
    assert cli.main(["inspect", str(path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["layout"] == "dm01_provider" and report["periods"] == ["2025-03"]
    assert report["england"]["waiting"] == 1703242
    assert report["england"]["pct_6_plus_weeks"] == 18.4
    assert report["mapped"] and report["unmapped"]  # trusts of footprints; independent sector
    assert "diagnostics_6_weeks" in report["catalog_entries"]
    assert cli.main(["inspect", str(path)]) == 0
    assert "DM01 provider" in capsys.readouterr().out


def test_inspect_refuses_a_file_of_no_known_layout(tmp_path, capsys):
    path = tmp_path / "notes.csv"
    path.write_text("Organisation,Count\nRBV,3\n", encoding="utf-8")
    assert cli.main(["inspect", str(path)]) == 2
    assert "not a layout stp-packs knows" in capsys.readouterr().err
