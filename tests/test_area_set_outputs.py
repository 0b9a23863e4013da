"""Look-alike codes: E54000008 is a 2017 STP and a 2022 ICB; their packs, manifests, indexes and
stores never share a file when both sets are built into one output folder."""

from __future__ import annotations

import json

import pytest
from build_fixtures import helpers

from stp_analytics.build import manifest, runner
from stp_analytics.build.config import INDEX_NAME
from stp_analytics.errors import BuildError
from stp_analytics.metrics import cache

SHARED_CODE = "E54000008"  # Cheshire and Merseyside: STP in 2017, ICB in 2022


def test_pack_folder_names_carry_the_area_set():
    assert runner.pack_folder_name("three_gaps", "stp2017") == "three_gaps"
    assert runner.pack_folder_name("three_gaps", "icb2022") == "three_gaps-icb2022"
    assert runner.pack_folder_name("three_gaps", "ccg2017") == "three_gaps-ccg2017"


def test_a_manifest_of_another_area_set_is_refused(tmp_path):
    path = tmp_path / runner.MANIFEST_NAME
    manifest.check_same_area_set({"packs": {}}, "icb2022", path)  # a new folder is fine
    manifest.check_same_area_set({"packs": {}, "area_set": "icb2022"}, "icb2022", path)
    with pytest.raises(BuildError, match="records packs of area set 'stp2017', not 'icb2022'"):
        manifest.check_same_area_set({"packs": {}, "area_set": "stp2017"}, "icb2022", path)


def test_store_cache_names_and_keys_differ_by_area_set():
    stp = cache.store_hash(None, "stp2017")
    icb = cache.store_hash(None, "icb2022")
    assert stp != icb


@pytest.mark.slow
def test_stp2017_and_icb2022_packs_in_one_output_folder_never_mix(tmp_path):
    out = tmp_path / "out"
    stores = {name: helpers.make_store(tmp_path / name / "store.parquet", (SHARED_CODE,))
              for name in ("stp2017", "icb2022")}
    built = {}
    for name in ("stp2017", "icb2022"):
        config = helpers.config(out, stores[name], pack=str(helpers.TEXT_PACK), area_set=name,
                                areas=(SHARED_CODE,), workers=1)
        built[name] = runner.build(config)
        assert built[name].exit_code == 0, runner.summary_lines(built[name])
    stp_dir, icb_dir = out / "text", out / "text-icb2022"
    manifests = {name: json.loads((folder / runner.MANIFEST_NAME).read_text())
                 for name, folder in (("stp2017", stp_dir), ("icb2022", icb_dir))}
    assert manifests["stp2017"]["area_set"] == "stp2017"
    assert manifests["icb2022"]["area_set"] == "icb2022"
    stp_entry = manifests["stp2017"]["packs"][SHARED_CODE]
    icb_entry = manifests["icb2022"]["packs"][SHARED_CODE]
    assert stp_entry["area_name"] == "Cheshire and Merseyside"
    assert icb_entry["area_name"] == "NHS Cheshire and Merseyside Integrated Care Board"
    stp_page = (stp_dir / stp_entry["folder"] / "pack.html").read_text(encoding="utf-8")
    icb_page = (icb_dir / icb_entry["folder"] / "pack.html").read_text(encoding="utf-8")
    assert "Integrated Care Board" in icb_page and "Integrated Care Board" not in stp_page
    stp_index = (stp_dir / INDEX_NAME).read_text(encoding="utf-8")
    assert "Integrated Care Board" not in stp_index
    assert icb_entry["area_name"] in (icb_dir / INDEX_NAME).read_text(encoding="utf-8")
    # the stp2017 build is untouched by the icb2022 build: rebuilding it executes nothing
    again = runner.build(helpers.config(out, stores["stp2017"], pack=str(helpers.TEXT_PACK),
                                        areas=(SHARED_CODE,), workers=1))
    assert [o.status for o in again.outcomes] == ["skipped"]


@pytest.mark.slow
def test_real_icb_pack_says_icb_and_shares_no_file_with_the_stp_of_the_same_code(tmp_path,
                                                                                 real_packs):
    """The real three gaps pack, HTML only: Greater Manchester ICB (E54000057) and Cheshire and
    Merseyside (E54000008, an ICB code and a 2017 STP code) of icb2022, into an output folder
    that already holds the stp2017 packs of the shared build (``real_packs``); that two packs
    of one code in two area sets never share a file is
    :func:`test_stp2017_and_icb2022_packs_in_one_output_folder_never_mix`."""
    import re
    import shutil
    from html import unescape

    out = tmp_path / "out"
    shutil.copytree(real_packs.pack_dir, out / "three_gaps")  # the stp2017 packs, built
    stores = {"icb2022": cache.load_or_build_store(area_set="icb2022"),
              "stp2017": real_packs.store_path}
    config = runner.BuildConfig(area_set="icb2022", areas=("E54000057", SHARED_CODE),
                                formats=("html",), out_dir=out, store_path=stores["icb2022"],
                                workers=2, progress=False)
    result = runner.build(config)
    assert result.exit_code == 0, runner.summary_lines(result)
    icb_dir, stp_dir = out / "three_gaps-icb2022", out / "three_gaps"
    manifests = {name: runner.read_manifest(folder / runner.MANIFEST_NAME)
                 for name, folder in (("icb2022", icb_dir), ("stp2017", stp_dir))}
    assert {m["area_set"] for m in manifests.values()} == {"icb2022", "stp2017"}
    assert sorted(manifests["icb2022"]["packs"]) == ["E54000008", "E54000057"]
    assert real_packs.manifest["packs"] == manifests["stp2017"]["packs"]  # left as they were
    assert stores["icb2022"].name.startswith("store-icb2022-")
    assert stores["stp2017"].name.startswith("store-stp2017-")

    def text(folder, code, name):
        entry = manifests[name]["packs"][code]
        html = (folder / entry["folder"] / "pack.html").read_text(encoding="utf-8")
        body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
        return unescape(re.sub(r"<[^>]+>", " ", body)), entry

    gm, gm_entry = text(icb_dir, "E54000057", "icb2022")
    cm_icb, _ = text(icb_dir, SHARED_CODE, "icb2022")
    gm_stp, _ = text(stp_dir, "E54000007", "stp2017")
    assert gm_entry["area_name"] == "NHS Greater Manchester Integrated Care Board"
    for page in (gm, cm_icb):
        assert "About this ICB" in page and re.search(r"of 42 ICBs", page)
        # the ICB is never called a footprint or an STP; the 2017 model is named as such
        said = re.sub(r"44 STP footprints of 2017|footprint model|parameter footprint|"
                      r"2017 footprints \(STP rows\)|the source is by STP footprint only|"
                      r"rows\s+with\s+no\s+STP\s+recorded\s+\(UNKNOWN\)\s+and\s+"
                      r"footprint\s+counts", "",
                      page)  # the last: a notice naming a source's own geography
        assert not re.search(r"\bSTPs?\b|\b[Ff]ootprints?\b", said), re.findall(
            r".{0,60}(?:\bSTPs?\b|\b[Ff]ootprints?\b).{0,60}", said, re.S)[:5]
        assert "Finance for ICBs" in page and "Do-nothing gap (£m)" not in page
        assert "2024/25" in page  # IAPT recovery, the latest year, by the ICB's own rows
    assert "Tameside and Glossop CCG (87% of its 2011 LSOAs lie in this ICB)" in gm
    assert "Integrated Care Board" not in gm_stp and "2024/25" not in gm_stp
    assert "About this footprint" in gm_stp
    index = (icb_dir / INDEX_NAME).read_text(encoding="utf-8")
    assert 'alt="League heat map of 42 areas' in index  # every ICB, not only those built
    assert "2 packs, one for each ICB of the area set icb2022" in index
    assert "Integrated Care Board" not in (stp_dir / INDEX_NAME).read_text(encoding="utf-8")
