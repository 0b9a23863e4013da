"""Areas reconcile to England, from the metric store: for each count-based indicator, the sum of
the areas' numerators against England's in the latest period both have, and what explains the
difference (the source's ``england_difference`` option: organisations not mapped, NHS England
direct commissioning, suppression, rounding...). The pack's annex shows it; ``stp-packs
validate`` reports the same comparison from the observations
(:mod:`stp_analytics.data.reconcile`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from stp_analytics.data.reconcile import COUNTED, UNEXPLAINED, explain

if TYPE_CHECKING:
    from stp_analytics.data.catalog import Catalog

ADD_UP = "none: the areas add up to England"
RECONCILE_COLUMNS = ("indicator", "period", "areas", "areas_sum", "england", "difference",
                     "difference_percent", "explanation")


def areas_against_england(store: pd.DataFrame, catalog: Catalog, indicators: list[str],
                          area_word: str = "area") -> pd.DataFrame:
    """One row per count-based indicator with area and England numerators (in given order);
    ``area_word`` is how the explanation names one of the areas ("footprint", "ICB")."""
    rows = []
    persons = store[store["sex"].eq("Persons") & store["numerator"].notna()]
    for indicator in indicators:
        entry = catalog.indicators.get(indicator)
        if entry is None or entry.statistic not in COUNTED or entry.source is None:
            continue
        mine = persons[persons["indicator"].eq(indicator)]
        areas = mine[mine["area_role"].eq("area")]
        england = mine[mine["area_role"].eq("england")]
        periods = sorted(set(areas["period"]) & set(england["period"]),
                         key=lambda p: areas.loc[areas["period"].eq(p), "period_start"].iloc[0])
        if not periods:
            continue
        latest = periods[-1]
        total = float(areas.loc[areas["period"].eq(latest), "numerator"].sum())
        england_total = float(england.loc[england["period"].eq(latest), "numerator"].iloc[0])
        source = catalog.sources[entry.source]
        difference = england_total - total
        rows.append({
            "indicator": indicator, "period": latest,
            "areas": int(areas["period"].eq(latest).sum()), "areas_sum": total,
            "england": england_total, "difference": difference,
            "difference_percent": difference / england_total * 100 if england_total else None,
            "explanation": (ADD_UP if abs(difference) <= 0.5 else
                            explain(str((source.options or {}).get("england_difference")
                                        or UNEXPLAINED), area_word)),
        })
    return pd.DataFrame(rows, columns=list(RECONCILE_COLUMNS))
