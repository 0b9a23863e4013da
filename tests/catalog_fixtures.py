"""Small catalogues for tests.

:func:`write_catalog`: a user catalogue in a temporary folder, one Fingertips-layout CSV and one
indicator, used by tests/test_validate.py and tests/reliability/test_bad_data.py to feed the
catalogue one bad input at a time. Area codes are real LAD17 codes (Trafford, Bolton,
Manchester). :func:`small_catalog`: a real :class:`Catalog` in memory from a few entries, for
tests of code that reads a catalogue (no stand-in objects).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from stp_analytics.data.catalog import Catalog, parse_catalog

HEADER = ("Indicator ID,Area Code,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
          "Count,Denominator")
GOOD_ROWS = (
    "900,E08000009,2016/17,20.0,,,40,200",
    "900,E08000001,2016/17,25.0,,,50,200",
    "900,E08000003,2016/17,10.0,,,30,300",
)


def good_csv(rows: tuple[str, ...] = GOOD_ROWS, header: str = HEADER) -> str:
    """CSV text in the Fingertips export layout."""
    return "\n".join([header, *rows]) + "\n"


def indicator_entry(**overrides: object) -> dict:
    """A catalogue indicator reading Indicator ID 900 from the user source."""
    entry = {
        "name": "Test proportion",
        "gap": "health",
        "domain": "Tests",
        "unit": "%",
        "polarity": "low_is_good",
        "comparison": {"method": "single", "confidence": 0.95},
        "statistic": "proportion",
        "multiplier": 100,
        "source": "user_data",
        "select": {"indicator_id": "900"},
        "geography": "lad",
        "aggregation": "sum_counts",
        "frequency": "annual",
        "definition": "A test indicator.",
    }
    entry.update(overrides)
    return entry


def write_catalog(
    folder: Path,
    data: str | bytes | None = None,
    *,
    file_name: str = "user_data.csv",
    indicator: dict | None = None,
    area_type: str = "lad",
) -> Path:
    """Write ``data`` (text or bytes; None = no file) and a catalogue naming it; return its path."""
    if data is not None:
        target = folder / file_name
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    catalog = {
        "version": 1,
        "sources": {
            "user_data": {
                "file": file_name,
                "format": "csv",
                "publisher": "a test",
                "period": "2016/17",
                "licence": "OGL v3",
                "provenance": "written by the test",
                "loader": "fingertips_csv",
                "options": {"area_type": area_type},
            }
        },
        "indicators": {"user_indicator": indicator or indicator_entry()},
    }
    path = folder / "catalog.yml"
    path.write_text(yaml.safe_dump(catalog, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- real catalogues in memory

#: what a test indicator is when the test does not say (every required catalogue key)
INDICATOR_DEFAULTS = {
    "gap": "health", "domain": "Tests", "unit": "%", "polarity": "low_is_good",
    "statistic": "proportion", "source": None, "geography": "lad", "aggregation": "sum_counts",
    "definition": "A test indicator.",
}
SOURCE_DEFAULTS = {
    "format": "csv", "publisher": "a test", "period": "2016/17", "licence": "OGL v3",
    "provenance": "written by the test", "loader": "fingertips_csv",
}


def small_catalog(
    indicators: dict[str, dict],
    sources: dict[str, dict] | None = None,
    *,
    peer_variables: list[dict] | None = None,
    path: Path = Path("small_catalog.yml"),
) -> Catalog:
    """A real :class:`Catalog`, parsed and checked as ``catalog.yml`` is, from a few entries.

    Keys a test leaves out get :data:`INDICATOR_DEFAULTS` / :data:`SOURCE_DEFAULTS` (a source's
    file is ``<id>.csv``, never read unless the test loads observations); ``name`` defaults to
    the id.
    """
    document = {
        "version": 1,
        "sources": {key: {"file": f"{key}.csv", **SOURCE_DEFAULTS, **entry}
                    for key, entry in (sources or {}).items()},
        "indicators": {key: {"name": key, **INDICATOR_DEFAULTS, **entry}
                       for key, entry in indicators.items()},
    }
    if peer_variables is not None:
        document["peer_variables"] = {"method": "test", "variables": peer_variables}
    return parse_catalog(document, Path(path).resolve())
