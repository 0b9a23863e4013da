"""District comparisons in the spine chart and the health tile (issue 20 item 1).

An approximate footprint value (population-weighted mean of district values) has no interval
and no test of its own. Where the pack shows a comparison with England for it, it shows instead
how many of the footprint's districts PHE found significantly worse or better than England
(:func:`stp_analytics.content.sections_districts.comparison_rows`), always labelled
"districts", so no one reads it as a test of the footprint:

* :func:`spine_labels` - the spine chart's "vs England" text for each approximate indicator,
  e.g. ``"Of 10 districts: 4 worse, 0 better"``;
* :func:`district_totals` / :func:`health_tile` - the health tile keeps the footprint-level
  count as its headline and adds the district count of the approximate indicators to its
  detail line.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pandas as pd

from stp_analytics.content import narrative
from stp_analytics.content.display import GapTile
from stp_analytics.errors import StpPacksError

if TYPE_CHECKING:
    from stp_analytics.content.pack_content import PackContext

LOGGER = logging.getLogger(__name__)
SPINE_COLUMN = "comparison_text"


def district_records(pack: PackContext) -> list[dict[str, Any]]:
    """The district comparison records of the approximate health indicators; none (logged)
    when they cannot be read, so a chart or tile never fails for want of them."""
    from stp_analytics.content.sections_districts import comparison_rows

    try:
        return comparison_rows(pack)
    except (StpPacksError, OSError, LookupError, ValueError):
        LOGGER.exception("district comparisons could not be computed")
        return []


def spine_label(record: dict[str, Any]) -> str:
    """Short "vs England" text of one record: ``"Of 10 districts: 4 worse, 0 better"``."""
    return (f"Of {record['districts']} districts: {record['worse']} worse, "
            f"{record['better']} better")


def spine_labels(records: list[dict[str, Any]], sex: str = "Persons"
                 ) -> dict[tuple[str, str], str]:
    """(indicator, period) -> spine text, for the records of ``sex``."""
    return {(r["indicator"], str(r["period"])): spine_label(r) for r in records
            if r["sex"] == sex}


def with_district_labels(data: pd.DataFrame, labels: dict[tuple[str, str], str]
                         ) -> pd.DataFrame:
    """Spine data with :data:`SPINE_COLUMN`: the district text where the row's indicator and
    period have one and the row is not compared (an approximate value), else empty."""
    keys = zip(data["indicator"].astype(str), data["period"].astype(str), strict=True)
    text = [labels.get(key, "") for key in keys]
    compared = data["comparison"].isin(narrative.SIGNIFICANT + ("Similar",))
    out = data.assign(**{SPINE_COLUMN: [("" if done else t) for t, done in
                                        zip(text, compared, strict=True)]})
    out.attrs.update(data.attrs)
    return out


def district_totals(records: list[dict[str, Any]]) -> dict[str, int]:
    """Indicators and district results over the records: ``indicators, results, worse,
    better`` (a district result = one district's published comparison for one indicator
    and sex)."""
    return {"indicators": len({r["indicator"] for r in records}),
            "results": sum(int(r["districts"]) - int(r["no_value"]) for r in records),
            "worse": sum(int(r["worse"]) for r in records),
            "better": sum(int(r["better"]) for r in records)}


def health_tile(pack: PackContext, tile: GapTile, records: list[dict[str, Any]]) -> GapTile:
    """The footprint-level tile, its detail saying how many indicators were tested, then the
    districts' count of the approximate indicators: "of 10 indicators compared with England
    (the footprint's own tests); for 12 approximate indicators (no test of the footprint), the
    districts' own comparisons: 23 worse, 4 better of 118 district results"."""
    totals = district_totals(records)
    if not totals["indicators"]:
        return tile
    latest = narrative.area_rows(pack.store, pack.area_code)
    latest = latest[latest["indicator"].isin(pack.indicators("health")) & latest["value"].notna()]
    compared = int(latest["comparison"].isin(narrative.SIGNIFICANT + ("Similar",)).sum())
    detail = (f"of {compared} indicators compared with England (the {pack.label}'s own tests); "
              f"for {totals['indicators']} approximate indicators (no test of the "
              f"{pack.label}), the districts' own comparisons with England: {totals['worse']} "
              f"worse, {totals['better']} better of {totals['results']} district results")
    return GapTile(tile.title, tile.headline, detail, tile.status)
