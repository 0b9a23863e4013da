"""The "data not supplied" pointer kept as data (``official_source:`` in the catalogue): the
schema's rules, `validate` refusing a layout stp-packs does not read, and the notice's words."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from catalog_fixtures import small_catalog

from stp_analytics.content.official_notice import (
    fill_pointer,
    not_supplied_reason,
    set_aside_notes,
)
from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.official import layout_by_key
from stp_analytics.data.validation_report import official_source_errors
from stp_analytics.errors import CatalogError
from stp_analytics.metrics.cache import _set_aside_csv, read_set_aside, set_aside_path

pytestmark = pytest.mark.official

STANDARDS = ("rtt_18_weeks", "cancer_62_day", "diagnostics_6_weeks", "iapt_access",
             "cqc_good_or_outstanding")


def test_every_standard_without_data_names_its_official_source() -> None:
    catalog = load_catalog()
    for indicator_id in STANDARDS:
        indicator = catalog.indicators[indicator_id]
        assert indicator.source is None and indicator.official_source is not None
        official = indicator.official_source
        if official.layout:  # a layout inspect recognises, publishing what the pointer says
            assert layout_by_key(official.layout).publication in official.publication \
                or indicator_id == "rtt_18_weeks"
        else:
            assert official.reason
    cqc = catalog.indicators["cqc_good_or_outstanding"].official_source
    assert not cqc.layout and "no sample" in cqc.reason
    assert official_source_errors(catalog) == []


def test_pointer_names_the_publication_and_the_commands() -> None:
    catalog = load_catalog()
    dm01 = fill_pointer(catalog.indicators["diagnostics_6_weeks"])
    assert "Monthly Diagnostic Waiting Times and Activity (DM01), provider web file" in dm01
    assert "stp-packs inspect FILE --add my_catalog.yml" in dm01
    assert "stp-packs validate --catalog my_catalog.yml" in dm01
    cqc = not_supplied_reason(catalog.indicators["cqc_good_or_outstanding"])
    assert cqc.startswith("data not supplied. The official source is Care Quality Commission")
    assert "stp-packs inspect" not in cqc  # nothing to inspect: the reason instead
    with_data = catalog.indicators["iapt_recovery"]
    assert fill_pointer(with_data) == "" and not_supplied_reason(with_data) == "data not supplied"


def test_official_source_needs_a_layout_or_a_reason() -> None:
    with pytest.raises(CatalogError, match="needs 'layout'.*or 'reason'"):
        small_catalog({"x": {"official_source": {"publication": "NHS England, a file"}}})
    with pytest.raises(CatalogError, match="missing required key 'publication'"):
        small_catalog({"x": {"official_source": {"layout": "dm01_provider"}}})  # no publication
    with pytest.raises(CatalogError, match="unknown key"):
        small_catalog({"x": {"official_source": {"publication": "p", "reason": "r", "url": 1}}})


def test_validate_refuses_a_layout_stp_packs_does_not_read() -> None:
    catalog = small_catalog({"x": {"official_source": {"publication": "NHS England, DM02",
                                                       "layout": "dm02_provider"}}})
    errors = official_source_errors(catalog)
    assert len(errors) == 1 and "'dm02_provider' is not a layout stp-packs reads" in errors[0]
    assert "dm01_provider" in errors[0]  # the known layouts are listed


def test_annex_counts_rows_of_official_files_set_aside(tmp_path) -> None:
    """The counts written beside a store are read back into one annex sentence per official
    source (``successor_codes: map``); other sources and a store without counts give none."""
    catalog = small_catalog(
        {"x": {"source": "dm01"}, "y": {"source": "plain"}},
        {"dm01": {"publisher": "NHS England, DM01", "loader": "official_nhs",
                  "options": {"successor_codes": "map"}},
         "plain": {"publisher": "a plain file"}})
    counts = pd.DataFrame({"source": ["plain", "dm01", "dm01"], "file": "f.xls",
                           "reason": ["elsewhere", "not in the lookup", "merged elsewhere"],
                           "rows": [7, 600, 50], "examples": ["A", "AAH, NT2", "RT3"]})
    store = tmp_path / "store-stp2017-abc.parquet"
    set_aside_path(store).write_bytes(_set_aside_csv(SimpleNamespace(set_aside=lambda: counts)))
    assert read_set_aside(store)["rows"].tolist() == [50, 600, 7]  # sorted by source, reason
    pack = SimpleNamespace(catalog=catalog, store_path=str(store), label="footprint")
    assert set_aside_notes(pack) == [
        "NHS England, DM01: 650 rows set aside when loaded, counted in England but in no "
        "footprint: 50 for merged elsewhere (e.g. RT3); 600 for not in the lookup (e.g. AAH, "
        "NT2)."]
    assert set_aside_notes(SimpleNamespace(catalog=catalog, store_path=str(tmp_path / "s.parquet"),
                                           label="footprint"))[0].endswith("no rows set aside "
                                                                           "when loaded.")
