"""A small user catalogue in a temporary folder: one Fingertips-layout CSV and one indicator.

Used by tests/test_validate.py and tests/reliability/test_bad_data.py to feed the catalogue
one bad input at a time. Area codes are real LAD17 codes (Trafford, Bolton, Manchester).
"""

from __future__ import annotations

from pathlib import Path

import yaml

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
