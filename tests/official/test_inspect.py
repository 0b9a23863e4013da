"""inspect_file / format_inspect and the official_nhs loader adapter, on the vendored samples."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import yaml

from stp_analytics.data.catalog import parse_catalog
from stp_analytics.data.loaders import get_loader
from stp_analytics.data.official import layout_by_key
from stp_analytics.data.official.inspect import catalog_entries, format_inspect, inspect_file
from stp_analytics.errors import CatalogError, DataValidationError

from .conftest import read_sample, sample_path

pytestmark = pytest.mark.official

LOOKUP = {"RF4": "E54000027", "R1H": "E54000029", "RW3": "E54000007", "RM2": "E54000007",
          "RD3": "E54000041", "RDZ": "E54000099"}


@pytest.fixture(scope="module")
def dm01_report():
    return inspect_file(sample_path("dm01"), LOOKUP)


def test_report_keys_and_england(dm01_report):
    report = dm01_report
    assert report["layout"] == "dm01_provider"
    assert report["periods"] == ["2025-03"]
    assert report["rows"] == 447 and report["organisations"] == 446  # + the Total row
    assert report["england"] == {"waiting": 1_703_242, "waiting_6_plus_weeks": 312_744,
                                 "waiting_13_plus_weeks": 103_422, "pct_6_plus_weeks": 18.4}
    json.dumps(report)  # JSON-ready for `--format json`


def test_mapping_through_successors_and_reasons(dm01_report):
    mapped = {m["code"]: m for m in dm01_report["mapped"]}
    assert set(mapped) == {"RF4", "R1H", "R0A"}
    assert mapped["R0A"]["area_code"] == "E54000007"
    unmapped = {u["code"]: u["reason"] for u in dm01_report["unmapped"]}
    assert len(unmapped) == 446 - 3
    assert "formed from organisations in different areas" in unmapped["R0D"]
    assert unmapped["NT457"].startswith("not in the area set's lookup")


def test_catalogue_entries_parse_and_fill_the_placeholder(dm01_report, tmp_path):
    document = yaml.safe_load(dm01_report["catalog_entries"])
    catalog = parse_catalog(document, tmp_path / "user_catalog.yml")
    indicator = catalog.indicators["diagnostics_6_weeks"]
    assert indicator.target == 1 and indicator.polarity == "low_is_good"
    assert indicator.select == {"measure": "dm01_waiting_6_plus_weeks"}
    source = catalog.sources[indicator.source]
    assert source.loader == "official_nhs" and source.options["layout"] == "dm01_provider"
    assert source.options["max_unknown_share"] == 1.0  # 443 of 446 providers not in LOOKUP


@pytest.mark.parametrize("key, indicator, target", [
    ("rtt_legacy", "rtt_18_weeks", 92), ("cwt", "cancer_62_day", 85),
    ("ae", "ae_four_hour_all", 95), ("ambsys_csv", "ambulance_c1_mean", 7),
    ("ambsys_csv", "ambulance_c2_mean", 18)])
def test_standards_in_catalogue_entries(key, indicator, target, tmp_path):
    data = read_sample(key)
    text = catalog_entries(layout_by_key(data.layout), data)
    catalog = parse_catalog(yaml.safe_load(text), tmp_path / "c.yml")
    assert catalog.indicators[indicator].target == target


def test_inspect_without_a_lookup_maps_nothing():
    report = inspect_file(sample_path("ae"))
    assert report["layout"] == "ae_monthly" and report["england"]["pct_within_4_hours"] == 75.0
    assert report["mapped"] == [] and report["unmapped"] == []
    assert report["area_lookup"] is False
    assert "no area lookup given" in format_inspect(report)


def test_format_inspect_text(dm01_report):
    text = format_inspect(dm01_report)
    assert text.startswith(f"{sample_path('dm01').name}: DM01 provider (layout dm01_provider)")
    assert "pct_6_plus_weeks: 18.4" in text
    assert "waiting: 1,703,242" in text
    assert "R0A (through its predecessors' codes)" in text
    assert "diagnostics_6_weeks:" in text


def _indicator(id_, measure, statistic="proportion"):
    return SimpleNamespace(id=id_, select={"measure": measure}, statistic=statistic)


def test_loader_adapter_selects_measures():
    loader = get_loader("official_nhs")
    source = SimpleNamespace(id="dm01", options={"layout": "dm01_provider"})
    frame = loader(sample_path("dm01"), source,
                   [_indicator("diagnostics_6_weeks", "dm01_waiting_6_plus_weeks")])
    assert set(frame["indicator"]) == {"diagnostics_6_weeks"}
    trusts = frame[frame["area_type"] == "trust"]
    assert trusts["numerator"].sum() == 312_744 and trusts["denominator"].sum() == 1_703_242
    # England is the file's own total row (1,703,242 waiting, 18.4% at 6+ weeks), one per period
    england = frame[frame["area_type"] == "england"]
    assert england[["area_code", "period"]].values.tolist() == [["E92000001", "2025-03"]]
    assert england["numerator"].item() == 312_744 and england["denominator"].item() == 1_703_242
    published = get_loader("official_nhs")(
        sample_path("dm01"), source, [_indicator("x", "dm01_waiting_6_plus_weeks", "published")])
    assert not published["area_type"].eq("england").any()  # published values do not add up


def test_loader_adapter_errors():
    loader = get_loader("official_nhs")
    with pytest.raises(DataValidationError, match="the file is a DM01 provider file"):
        loader(sample_path("dm01"), SimpleNamespace(id="x", options={"layout": "kh03_beds"}),
               [_indicator("a", "dm01_waiting_list")])
    with pytest.raises(CatalogError, match="it has: dm01_waiting_6_plus_weeks, "
                                           "dm01_waiting_list"):
        loader(sample_path("dm01"), SimpleNamespace(id="x", options={}),
               [_indicator("a", "waiting_list")])
