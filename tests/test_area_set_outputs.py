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
