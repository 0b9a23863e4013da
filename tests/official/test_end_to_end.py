"""From downloaded official files to a pack: `stp-packs inspect FILE --add` writes a user
catalogue (the shipped one plus the entries for the DM01 and CWT samples), `stp-packs validate`
accepts it, and one Greater Manchester pack (HTML only) built with it shows diagnostics (6
weeks) for March 2025 and cancer 62 days for March 2025 (the extract's Oct 2024-Mar 2025), with
England the files' own totals and both publications in the annex.

Area set stp2017: every trust reorganisation in Greater Manchester between 2017 and 2025 stayed
inside the footprint (Central Manchester and South Manchester into Manchester University, R0A,
in 2017; North Manchester General from Pennine Acute to R0A in 2021), and each 2025 code of its
acute trusts is a 2017 lookup code, so its trusts map without a guess. (icb2022 would place the
same 2017 acute trusts by their 2024 headquarters and Greater Manchester ICB lost Glossop; it
adds nothing here.) The same pack without the files ("data not supplied" with the pointer to
the official publication and the commands) is checked on the shipped catalogue's build in
tests/test_notebooks.py::test_standards_without_data_say_not_supplied, so no second pack is
built for it.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
import yaml

from stp_analytics import cli

from .conftest import sample_path

pytestmark = [pytest.mark.official, pytest.mark.slow]

GM = "E54000007"
DM01_PUBLICATION = ("NHS England, Monthly Diagnostic Waiting Times and Activity (DM01), "
                    "provider web file")
CWT_PUBLICATION = "NHS England, Cancer Waiting Times, provider data extract (CRS)"


@pytest.fixture(scope="module")
def user_catalog(tmp_path_factory) -> Path:
    """The shipped catalogue plus what `inspect --add` writes for the DM01 and CWT samples."""
    path = tmp_path_factory.mktemp("user") / "my_catalog.yml"
    for key in ("dm01", "cwt"):
        assert cli.main(["inspect", str(sample_path(key)), "--add", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def built(user_catalog: Path, tmp_path_factory) -> str:
    """The text of one Greater Manchester pack built with the user catalogue (HTML only)."""
    from stp_analytics import metrics
    from stp_analytics.build import runner

    root = tmp_path_factory.mktemp("build")
    store = metrics.load_or_build_store(user_catalog, area_set="stp2017", cache_dir=root)
    result = runner.build(runner.BuildConfig(
        areas=(GM,), formats=("html",), out_dir=root / "out", store_path=store,
        catalog_path=user_catalog, workers=1, progress=False, allow_outside=True))
    assert not result.failed, result
    html = next((root / "out" / "three_gaps").glob(f"{GM}-*/pack.html")).read_text()
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).replace("\u200b", "")


def test_inspect_add_fills_the_standards_and_refuses_twice(user_catalog: Path, capsys) -> None:
    document = yaml.safe_load(user_catalog.read_text(encoding="utf-8"))
    indicators = document["indicators"]
    assert indicators["diagnostics_6_weeks"]["source"] == "dm01_provider_2025_03"
    assert indicators["cancer_62_day"]["source"] == "cwt_crs_provider_2024_10"
    assert indicators["rtt_18_weeks"]["source"] is None  # still no RTT file
    for source in document["sources"].values():  # every path still points at a file
        files = source.get("files") or [source["file"]]
        for item in files:
            name = item["path"] if isinstance(item, dict) else item
            assert (user_catalog.parent / name).is_file(), name
    before = user_catalog.read_bytes()
    assert cli.main(["inspect", str(sample_path("dm01")), "--add", str(user_catalog)]) == 2
    assert "already in the catalogue; nothing written" in capsys.readouterr().err
    assert user_catalog.read_bytes() == before


def test_validate_maps_2025_codes_through_the_successor_table(user_catalog, built, capsys):
    """After the build (``built``), so the catalogue's sources loaded for the store are reused
    (``load_catalog`` returns the same object for an unchanged file)."""
    assert cli.main(["validate", "--catalog", str(user_catalog)]) == 0
    out = capsys.readouterr().out
    block = re.split(r"\n  (?=\S)", out.split("  dm01_provider_2025_03:", 1)[1], maxsplit=1)[0]
    assert re.search(r"\d+ mapped through the successor table", block)
    assert "R0D" in block and "rows set aside" in block  # University Hospitals Dorset (2020)


def test_pack_shows_diagnostics_and_cancer_with_the_files_periods(built: str) -> None:
    care = built  # the care indicator table is in the technical annex, after the chapters
    diagnostics = re.search(r"Diagnostic waits of 6 weeks or more 2025-03 (\d+\.\d) % waiting "
                            r"6\+ weeks (\d+\.\d)", care)
    cancer = re.search(r"Cancer 62-day standard \(combined routes\) 2025-03 (\d+\.\d) % within "
                       r"the standard (\d+\.\d)", care)
    assert diagnostics and cancer, care[:2000]
    # England is each file's own total: 18.4% waiting 6+ weeks (DM01), 71.4% in 62 days (CWT)
    assert (diagnostics.group(2), cancer.group(2)) == ("18.4", "71.4"), care[:3000]
    # the detail table names its sources in the caption; each publication and its period are
    # a row of the Sources table
    assert "(sources: the Sources table)" in care
    assert f"{DM01_PUBLICATION} 2025-03" in care, care[:3000]
    assert f"{CWT_PUBLICATION} 2024-10 to 2025-03" in care
    not_supplied = care.split("Standards with no data supplied", 1)[1].split(
        "Finance and efficiency gap", 1)[0]  # to the next chapter
    assert "Diagnostic waits" not in not_supplied and "Cancer 62-day" not in not_supplied
    assert "Referral to treatment within 18 weeks" in not_supplied  # still missing, with pointer
    assert "stp-packs inspect FILE" in not_supplied


def test_annex_lists_both_sources(built: str) -> None:
    annex = built.rsplit("Annex", 1)[1]
    assert f"{DM01_PUBLICATION} 2025-03" in annex
    assert f"{CWT_PUBLICATION} 2024-10 to 2025-03" in annex
    assert "NHSE_DM01_diagnostics_provider_web_file_March-2025" in annex
    assert "NHSE_CWT_CRS_provider_data_extract_Oct-2024_to_Mar-2025" in annex
    for publication in (DM01_PUBLICATION, CWT_PUBLICATION):  # the rows no area holds, counted
        assert re.search(re.escape(publication) + r": [\d,]+ rows set aside when loaded, "
                         r"counted in England but in no footprint", annex), publication
