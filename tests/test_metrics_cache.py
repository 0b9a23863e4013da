"""The parquet cache: atomic write, reuse on a hit, new hash when a source changes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from metrics_synthetic import all_observations, make_catalog, make_geography

import stp_analytics.metrics.store as store_module
from stp_analytics.data.catalog import Catalog
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics import load_or_build_store, read_store, store_hash
from stp_analytics.metrics.cache import set_aside_path
from stp_analytics.schema import STORE_COLUMNS


@pytest.fixture()
def catalog(tmp_path: Path) -> Catalog:
    """The synthetic catalogue written at tmp_path, its source file ``synthetic.csv`` beside."""
    (tmp_path / "synthetic.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    catalog_file = tmp_path / "catalog.yml"
    catalog_file.write_text("version: 1\n", encoding="utf-8")
    return make_catalog(catalog_file)


def build(catalog, cache_dir):
    return load_or_build_store(catalog, "stp2017", cache_dir, observations=all_observations(),
                               geography=make_geography())


def test_cache_writes_then_reuses(catalog, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    path = build(catalog, cache)
    assert path.parent == cache and path.name.startswith("store-stp2017-")
    assert path.suffix == ".parquet"
    # the store and its set-aside counts, no temporary files left
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [path.name, set_aside_path(path).name])
    store = read_store(path)
    assert tuple(store.columns) == STORE_COLUMNS and len(store) > 0

    def must_not_build(*args, **kwargs):
        raise AssertionError("cache hit must not rebuild")

    monkeypatch.setattr(store_module, "build_store", must_not_build)
    before = path.stat().st_mtime_ns
    assert build(catalog, cache) == path
    assert path.stat().st_mtime_ns == before


def test_changed_source_changes_the_hash(catalog, tmp_path):
    first = store_hash(catalog)
    assert store_hash(catalog) == first
    catalog.sources["src"].path.write_text("a,b\n1,3\n", encoding="utf-8")
    assert store_hash(catalog) != first
    assert store_hash(catalog, "ccg2017") != store_hash(catalog)


def test_changed_catalogue_changes_the_hash(catalog):
    first = store_hash(catalog)
    Path(catalog.path).write_text("version: 2\n", encoding="utf-8")
    assert store_hash(catalog) != first


def test_written_store_round_trips(catalog, tmp_path):
    path = build(catalog, tmp_path)
    direct = store_module.build_store(catalog, observations=all_observations(),
                                      geography=make_geography())
    pd.testing.assert_frame_equal(read_store(path), direct)


def test_read_store_checks_columns(tmp_path):
    bad = tmp_path / "bad.parquet"
    pd.DataFrame({"x": [1]}).to_parquet(bad)
    with pytest.raises(DataValidationError, match="bad.parquet"):
        read_store(bad)
    with pytest.raises(DataValidationError, match="not found"):
        read_store(tmp_path / "missing.parquet")


def test_catalogue_path_is_accepted(tmp_path):
    from stp_analytics.data.catalog import load_catalog
    from stp_analytics.paths import default_catalog_path

    path = default_catalog_path()
    assert store_hash(str(path)) == store_hash(load_catalog(path)) == store_hash(None)
    built = load_or_build_store(str(path), "stp2017", tmp_path,
                                observations=all_observations(), geography=make_geography())
    assert read_store(built).empty  # synthetic indicators are not in the real catalogue


def test_same_store_gives_the_same_bytes(tmp_path):
    from stp_analytics.metrics import write_store

    store = store_module.build_store(make_catalog(), observations=all_observations(),
                                     geography=make_geography())
    first = write_store(store, tmp_path / "a.parquet").read_bytes()
    again = store_module.build_store(make_catalog(), observations=all_observations(),
                                     geography=make_geography())
    assert write_store(again, tmp_path / "b.parquet").read_bytes() == first
