"""The summary's three tiles, one per gap: health and care count the area's comparisons with
England (with the districts' own verdicts for approximate health indicators and the care
standards missed); finance shows the model's do-nothing gap when the model ran."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from stp_analytics.content import narrative
from stp_analytics.content.display import GapTile
from stp_analytics.content.pack_content import PackContext

if TYPE_CHECKING:
    from stp_analytics.finance import FinanceResult


def comparison_tile(
    title: str, store: pd.DataFrame, area_code: str, indicators: Iterable[str]
) -> GapTile:
    """A tile counting the area's indicators significantly worse / better than England."""
    indicators = list(indicators)
    latest = narrative.area_rows(store, area_code)
    latest = latest[latest["indicator"].isin(indicators) & latest["value"].notna()]
    worse = int((latest["comparison"] == "Worse").sum())
    better = int((latest["comparison"] == "Better").sum())
    if latest.empty:
        return GapTile(title, narrative.NOT_SUPPLIED, f"0 of {len(indicators)} indicators supplied")
    status = "worse" if worse > better else "better" if better > worse else "neutral"
    return GapTile(
        title=title,
        headline=f"{worse} worse, {better} better",
        detail=(
            f"of {len(latest)} indicators with data, compared with England "
            f"({len(indicators) - len(latest)} not supplied)"
        ),
        status=status,
    )


def standards_missed(pack: PackContext) -> str:
    """'; 4 of 7 standards missed (latest 12 months or year)' for the care tile ('' if none)."""
    from stp_analytics.metrics.care_headline import care_headlines
    from stp_analytics.metrics.specs import indicator_specs

    specs = indicator_specs(pack.catalog)
    directed = specs["target"].notna() & specs["polarity"].isin(["high_is_good", "low_is_good"])
    wanted = [i for i in pack.indicators("care") if i in set(specs.loc[directed, "indicator"])]
    headlines = care_headlines(pack.store, specs, pack.area_code, wanted)
    if headlines.empty:
        return ""
    missed = int((headlines["target_gap"] > 0).sum())
    return f"; {missed} of {len(headlines)} standards missed (latest 12 months or year)"


def three_gap_tiles(
    pack: PackContext, finance_result: FinanceResult | None = None
) -> list[GapTile]:
    """The three tiles: health and care count comparisons with England; finance shows the
    model's do-nothing gap in the final year when the finance model ran (``finance_result`` not
    None), else its indicators."""
    from stp_analytics.content import district_summary

    health = comparison_tile("Health and wellbeing gap", pack.store, pack.area_code,
                             pack.indicators("health"))
    tiles = [
        district_summary.health_tile(pack, health, district_summary.district_records(pack)),
        comparison_tile("Care and quality gap", pack.store, pack.area_code,
                        pack.indicators("care")),
    ]
    tiles[1] = dataclasses.replace(tiles[1], detail=tiles[1].detail + standards_missed(pack))
    gap = finance_result.do_nothing_gap_gbp_m if finance_result is not None else None
    if gap is not None and not narrative.is_missing(gap):
        per_head = finance_result.do_nothing_gap_per_head
        word = "gap" if gap >= 0 else "surplus"
        year = str(finance_result.projection["year"].iloc[-1])
        tiles.append(GapTile(
            "Finance and efficiency gap", f"£{abs(gap):,.0f}m {word} in {year}",
            f"£{abs(per_head):,.0f} per head if nothing changed (a model, not a forecast)",
            "worse" if gap > 0 else "better"))
    else:
        tiles.append(comparison_tile("Finance and efficiency gap", pack.store, pack.area_code,
                                     pack.indicators("finance")))
    return tiles
