"""Tests for stp_analytics.content.annex: data-quality notes and the reproducibility block."""

from __future__ import annotations

import re

from pack_fixtures import care_store, lookup_pack, make_pack

from stp_analytics.content import annex


def test_data_quality_notes_aggregate_by_rule_not_by_indicator() -> None:
    store = care_store()
    store.loc[store["indicator"] == "diabetes", "approximate"] = True
    html = str(annex.data_quality_notes(lookup_pack(store)))
    assert "Suppressed: fewer than 10 events (Trust A): 1 indicator, A&amp;E 4-hour." in html
    assert "Approximate (population-weighted mean" in html and "Diabetes prevalence" in html
    assert "Districts split between CCGs" in html and "High Peak" in html


def test_a_rule_shared_by_indicators_is_one_note_counting_them() -> None:
    store = care_store()
    store["note"] = ""
    store.loc[store["area_code"] == "E54000007", "note"] = "approximate: weighted; split: High Peak"
    notes = annex.quality_notes(make_pack(store))
    assert notes[:2] == [
        "Approximate: weighted (Greater Manchester): 2 indicators, A&E 4-hour; Diabetes "
        "prevalence.",
        "Split: High Peak (Greater Manchester): 2 indicators, A&E 4-hour; Diabetes prevalence."]
    assert sum("Diabetes prevalence" in note for note in notes) == 2


def test_reproducibility_has_no_timestamps_and_is_stable() -> None:
    pack = make_pack(care_store())
    pack.catalog.sources = {}
    first = str(annex.reproducibility(pack, {"footprint": "E54000007", "x": 0.02}))
    assert first == str(annex.reproducibility(pack, {"footprint": "E54000007", "x": 0.02}))
    assert "stp_analytics version" in first and "parameter footprint" in first
    assert not re.search(r"\d{2}:\d{2}:\d{2}|20\d\d-\d\d-\d\dT", first)


def test_reproducibility_store_hash_is_the_store_files_digest(tmp_path) -> None:
    """The annex's store hash identifies the numbers (the store file), not the library code."""
    import hashlib

    store_file = tmp_path / "store.parquet"
    store_file.write_bytes(b"the numbers")
    pack = make_pack(care_store())
    pack.catalog.sources = {}
    pack.store_path = str(store_file)
    html = str(annex.reproducibility(pack, {}))
    assert hashlib.sha256(b"the numbers").hexdigest()[:16] in html
    store_file.write_bytes(b"other numbers")
    assert hashlib.sha256(b"other numbers").hexdigest()[:16] in str(annex.reproducibility(pack, {}))


def test_sources_list_the_files_the_health_sections_read_themselves() -> None:
    from stp_analytics.data.loaders.ncvin import NCVIN_DIABETES_FILE
    from stp_analytics.data.loaders.practice_imd import PRACTICE_IMD_FILE
    from stp_analytics.paths import data_catalog_dir

    rows = annex.sources_rows(make_pack(care_store()))
    files = [row["file"] for row in rows]
    assert files[-2:] == [f"sources/{PRACTICE_IMD_FILE}", f"sources/{NCVIN_DIABETES_FILE}"]
    for name in files[-2:]:
        assert (data_catalog_dir() / name).is_file()
    assert all(row["licence"] == "Open Government Licence v3.0" for row in rows[-2:])
