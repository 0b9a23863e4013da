"""The catalogue's schema: the published JSON schema is the models' and accepts catalog.yml;
schema errors name file, line, entry and key; the catalogue modules import in one direction."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
import yaml
from catalog_fixtures import good_csv, indicator_entry, small_catalog, write_catalog

from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.catalog_schema import SCHEMA_FILE_NAME, catalog_json_schema
from stp_analytics.errors import CatalogError
from stp_analytics.paths import data_catalog_dir


def test_committed_json_schema_is_the_generated_one() -> None:
    committed = (data_catalog_dir() / SCHEMA_FILE_NAME).read_text(encoding="utf-8")
    assert committed == catalog_json_schema(), (
        "data_catalog/catalog.schema.json is out of date: run "
        "`python -m stp_analytics.data.catalog_schema`")
    assert catalog_json_schema() == catalog_json_schema()  # deterministic text


def test_json_schema_accepts_the_catalogue_and_refuses_what_the_loader_refuses() -> None:
    schema = json.loads(catalog_json_schema())
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)
    document = yaml.safe_load((data_catalog_dir() / "catalog.yml").read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(document))
    document["indicators"]["smoking_prevalence"]["polarity"] = "up"
    document["indicators"]["smoking_prevalence"]["polarty"] = "up"
    messages = sorted(error.message for error in validator.iter_errors(document))
    assert any("'up' is not one of" in m for m in messages)
    assert any("'polarty' was unexpected" in m for m in messages)


def test_schema_errors_name_the_line_of_the_key(tmp_path) -> None:
    path = write_catalog(tmp_path, good_csv(), indicator=indicator_entry(polarity="up"))
    line = next(number for number, text in enumerate(path.read_text().splitlines(), start=1)
                if text.strip().startswith("polarity:"))
    with pytest.raises(CatalogError, match=rf"^catalog\.yml line {line}: indicator "
                       r"'user_indicator': polarity 'up' is not allowed"):
        load_catalog(path)


@pytest.mark.parametrize(("change", "message"), [
    ({"target": {"value": "high"}}, "target value 'high' is not a number"),
    ({"target": {"value": 95, "lable": "x"}},
     r"unknown key\(s\) lable; allowed: kind, label, source, value"),
    ({"target": {"value": 85, "kind": "guide"}},
     "kind 'guide' is not allowed; expected one of: standard, reference"),
    ({"multiplier": "lots"}, "multiplier 'lots' is not a number"),
    ({"name": None}, "missing required key 'name'"),
    ({"select": "all"}, "select: expected a mapping, got str"),
    ({"comparison": {"method": "single", "level": 0.95}}, r"unknown key\(s\) level"),
])
def test_bad_indicator_values_are_named(tmp_path, change, message) -> None:
    path = write_catalog(tmp_path, good_csv(), indicator=indicator_entry(**change))
    with pytest.raises(CatalogError, match=rf"indicator 'user_indicator'.*{message}"):
        load_catalog(path)


def test_bad_sources_and_peers_are_named() -> None:
    entry = {"format": "csv", "publisher": "p", "period": "2017", "licence": "OGL",
             "provenance": "test", "loader": "fingertips_csv"}
    with pytest.raises(CatalogError, match="source 's': needs 'file' .* or 'files'"):
        small_catalog({"i": {"source": "s"}}, {"s": {"file": None, **entry}})
    with pytest.raises(CatalogError, match="source 's': each entry of 'files'.*'path'"):
        small_catalog({"i": {"source": "s"}}, {"s": {"files": [{"period": "x"}], **entry}})
    with pytest.raises(CatalogError, match="variable 1: weight must be positive, got -1.0"):
        small_catalog({"i": {}}, peer_variables=[{"indicator": "i", "weight": -1,
                                                  "period": "2017"}])
    with pytest.raises(CatalogError, match="variable 1: transform 'sqrt' is not allowed; "
                       "expected one of: none, log"):
        small_catalog({"i": {}}, peer_variables=[{"indicator": "i", "weight": 1,
                                                  "period": "2017", "transform": "sqrt"}])


def test_per_file_options_and_short_target_are_read() -> None:
    catalog = small_catalog(
        {"i": {"source": "s", "target": 95, "short_name": ""}},
        {"s": {"files": ["a.csv", {"path": "b.csv", "period": "2018"}]}})
    source = catalog.sources["s"]
    assert source.files == ("a.csv", "b.csv") and source.file_options == ({}, {"period": "2018"})
    indicator = catalog.indicators["i"]
    assert (indicator.target, indicator.short_name, indicator.method) == (95.0, "i", "none")
    assert indicator.target_kind == "standard"
    reference = small_catalog({"i": {"source": "s", "target": {"value": 85, "kind": "reference"}}},
                              {"s": {"file": "a.csv"}}).indicators["i"]
    assert (reference.target, reference.target_kind) == (85.0, "reference")


def test_catalogue_modules_import_in_one_direction() -> None:
    """validation (row checks) does not import the catalogue: no catalog <-> validation cycle."""
    code = ("import sys; import stp_analytics.data.validation; "
            "print('stp_analytics.data.catalog' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
