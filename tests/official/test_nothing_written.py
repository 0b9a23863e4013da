"""Bad input writes nothing: `stp-packs inspect --add` on a truncated file or a refused entry
leaves the user catalogue as it was (or absent) and no temporary file, and a metric store
whose official source is broken is not written to the cache."""

from __future__ import annotations

import pytest
import yaml

from stp_analytics import cli
from stp_analytics.data.official.user_catalog import add_entries
from stp_analytics.errors import CatalogError, DataValidationError

from .conftest import SAMPLES, unzipped

pytestmark = pytest.mark.official

ENTRY = """\
sources:
  ae_2025_03:
    file: ae.csv
    format: csv
    publisher: NHS England, A&E Attendances and Emergency Admissions, monthly CSV
    period: 2025-03
    licence: Open Government Licence v3.0
    provenance: as published
    loader: official_nhs
    options: {layout: ae_monthly, successor_codes: map}
indicators:
  ae_four_hour_user:
    name: A&E 4-hour performance
    gap: care
    domain: Urgent care
    unit: '%'
    polarity: high_is_good
    statistic: proportion
    multiplier: 100
    source: ae_2025_03
    select: {measure: ae_four_hour_all}
    geography: trust
    aggregation: sum_counts
    frequency: monthly
    definition: Attendances seen within 4 hours.
"""


def _truncated_ae(folder):
    path = unzipped("ae", folder)
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:150]) + "\n", encoding="utf-8")
    return path


def test_inspect_add_on_a_truncated_file_creates_nothing(tmp_path, capsys):
    data = _truncated_ae(tmp_path)
    target = tmp_path / "out" / "my_catalog.yml"
    target.parent.mkdir()
    assert cli.main(["inspect", str(data), "--add", str(target)]) == 2
    assert "cut off" in capsys.readouterr().err
    assert list(target.parent.iterdir()) == []


def test_refused_entries_leave_the_catalogue_byte_for_byte(tmp_path):
    target = tmp_path / "my_catalog.yml"
    data = tmp_path / "ae.csv"
    data.write_text("x\n", encoding="utf-8")
    add_entries(target, ENTRY, data)
    before = target.read_bytes()
    document = yaml.safe_load(before)
    assert document["indicators"]["ae_four_hour_user"]["source"] == "ae_2025_03"
    assert document["sources"]["qof_prevalence"]["files"]  # the shipped catalogue, re-based
    again = ENTRY.replace("ae_2025_03", "ae_other")
    with pytest.raises(CatalogError, match="'ae_four_hour_user' already has data.*nothing written"):
        add_entries(target, again, data)  # the indicator holds data from the first file
    with pytest.raises(CatalogError, match="'ae_four_hour_all' already has data"):
        add_entries(target, again.replace("ae_four_hour_user:", "ae_four_hour_all:"), data)
    with pytest.raises(CatalogError, match="source 'ae_2025_03' is already"):
        add_entries(target, ENTRY, data)
    renamed = again.replace("ae_four_hour_user:", "ae_four_hour_again:")
    with pytest.raises(CatalogError, match="polarity 'up' is not allowed"):
        add_entries(target, renamed.replace("high_is_good", "up"), data)  # fails the schema
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ae.csv", "my_catalog.yml"]


def test_store_with_a_broken_official_file_is_not_written(tmp_path):
    from stp_analytics import metrics

    data = _truncated_ae(tmp_path)
    catalog = yaml.safe_load(ENTRY)
    catalog["sources"]["ae_2025_03"]["file"] = data.name
    catalog["version"] = 1
    path = tmp_path / "catalog.yml"
    path.write_text(yaml.safe_dump(catalog, sort_keys=False), encoding="utf-8")
    cache = tmp_path / "cache"
    with pytest.raises(DataValidationError, match="cut off") as caught:
        metrics.load_or_build_store(path, area_set="stp2017", cache_dir=cache)
    assert caught.value.file == SAMPLES["ae"].removesuffix(".gz")
    assert not cache.exists() or list(cache.iterdir()) == []
