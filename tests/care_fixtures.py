"""Helpers for the care-source tests: raw vendored files read independently, one-source catalogues.

The raw readers use only :mod:`csv` and :mod:`gzip` (not the loaders), so a test that compares
the metric store with a figure computed here checks the loader, not the loader against itself.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import yaml

from stp_analytics.data.catalog import load_catalog
from stp_analytics.paths import sources_dir


def raw_rows(file_name: str) -> list[dict[str, str]]:
    """Every row of a vendored (gzip) CSV as a dict of text."""
    with gzip.open(sources_dir() / file_name, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def one_source_catalog(folder: Path, loader: str, text: str, indicators: dict,
                       options: dict | None = None, extra_files: dict | None = None):
    """A catalogue in ``folder`` with one source (``data.csv`` holding ``text``) and indicators.

    ``indicators`` maps id -> entry overrides on a care proportion; ``extra_files`` maps a file
    name to its text (files the source's options name).
    """
    (folder / "data.csv").write_text(text, encoding="utf-8")
    for name, content in (extra_files or {}).items():
        (folder / name).write_text(content, encoding="utf-8")
    base = {"name": "i", "gap": "care", "domain": "d", "unit": "%", "polarity": "none",
            "statistic": "proportion", "multiplier": 100, "source": "s", "geography": "stp",
            "aggregation": "sum_counts", "definition": "d"}
    document = {
        "sources": {"s": {"file": "data.csv", "format": "csv", "publisher": "test",
                          "period": "test", "licence": "OGL", "provenance": "test",
                          "loader": loader, "options": options or {}}},
        "indicators": {key: {**base, **entry} for key, entry in indicators.items()},
    }
    path = folder / "catalog.yml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return load_catalog(path)


def shipped_store(indicators: list[str], area_set: str = "stp2017"):
    """The metric store of the shipped catalogue for these indicators only."""
    from stp_analytics.data.catalog import load_catalog
    from stp_analytics.metrics import build_store

    catalog = load_catalog()
    return build_store(catalog, area_set, observations=catalog.observations(indicators))


def assert_stp2017_store_ignores_icb_rows(indicators: list[str]) -> None:
    """The shipped observations of ``indicators`` include ICB rows, and the stp2017 store built
    with them equals the one built without them."""
    import pandas as pd

    from stp_analytics.data.catalog import load_catalog
    from stp_analytics.metrics import build_store

    catalog = load_catalog()
    observations = catalog.observations(indicators)
    footprints_only = observations[observations["area_type"].ne("icb")]
    assert len(footprints_only) < len(observations)
    with_icbs = build_store(catalog, "stp2017", observations=observations)
    without = build_store(catalog, "stp2017", observations=footprints_only)
    pd.testing.assert_frame_equal(with_icbs, without)


def row_of(store, indicator: str, code: str, period: str) -> dict:
    """The one row of an area or England for an indicator and period (fails if not one)."""
    (row,) = store[(store["indicator"] == indicator) & (store["area_code"] == code)
                   & (store["period"] == period)
                   & store["area_role"].isin(["area", "england"])].to_dict("records")
    return row
