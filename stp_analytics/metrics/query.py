"""Small read-only queries on the metric store for notebooks, charts and narrative.

``indicator_status`` lets a pack show "data not supplied" or "suppressed" for an indicator instead
of failing when the catalogue lists it but the store has no usable value for the area.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from stp_analytics import schema
from stp_analytics.errors import UnknownAreaError

if TYPE_CHECKING:
    from stp_analytics.data.catalog import Catalog

#: an indicator's status for one area (:func:`indicator_status`), as a pack names it
STATUS_OK = schema.STATUS_OK
STATUS_NOT_SUPPLIED = "data not supplied"
STATUS_SUPPRESSED = "suppressed (fewer than 10 events)"


def area_rows(store: pd.DataFrame, area_code: str, *, role: str | None = None) -> pd.DataFrame:
    """Rows whose area is ``area_code`` (optionally of one role), in store order."""
    mask = store["area_code"].eq(area_code)
    if role is not None:
        mask &= store["area_role"].eq(role)
    return store.loc[mask]


def store_for_area(store: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """Everything a pack for one area needs: the area, its parts, its region and England.

    Raises UnknownAreaError when ``area_code`` is not an area of the store.
    """
    areas = store.loc[store["area_role"].eq("area")]
    if not areas["area_code"].eq(area_code).any():
        known = sorted(areas["area_code"].unique())
        raise UnknownAreaError(f"area {area_code!r} is not in the metric store "
                               f"({len(known)} areas, e.g. {', '.join(known[:3])})")
    region = areas.loc[areas["area_code"].eq(area_code), "region_code"].iloc[0]
    mask = (
        (store["area_role"].eq("area") & store["area_code"].eq(area_code))
        | (store["area_role"].eq("part") & store["parent_code"].eq(area_code))
        | (store["area_role"].eq("region") & store["area_code"].eq(region))
        | store["area_role"].eq("england")
    )
    return store.loc[mask]


def latest(
    store: pd.DataFrame,
    indicator: str,
    *,
    role: str | None = "area",
    sex: str = "Persons",
    area_code: str | None = None,
) -> pd.DataFrame:
    """The latest-period rows of one indicator (default: every area of the set, Persons)."""
    mask = store["indicator"].eq(indicator) & store["is_latest"] & store["sex"].eq(sex)
    if role is not None:
        mask &= store["area_role"].eq(role)
    if area_code is not None:
        mask &= store["area_code"].eq(area_code)
    return store.loc[mask]


def england_row(
    store: pd.DataFrame, indicator: str, period: str | None = None, sex: str = "Persons"
) -> pd.Series | None:
    """England's row for an indicator (latest period unless given), or None if absent."""
    rows = store.loc[store["indicator"].eq(indicator) & store["area_role"].eq("england")
                     & store["sex"].eq(sex)]
    pick = rows["period"].eq(period) if period is not None else rows["is_latest"]
    rows = rows.loc[pick]
    return None if rows.empty else rows.iloc[-1]


def indicator_status(store: pd.DataFrame, catalog: Catalog, area_code: str) -> pd.DataFrame:
    """Per catalogue indicator (catalogue order): status, latest period and a reason.

    status is "ok", "data not supplied" (no default source, or no rows for this area) or
    "suppressed (fewer than 10 events)" (the latest value is missing for a small count).
    """
    rows = store.loc[store["area_role"].eq("area") & store["area_code"].eq(area_code)
                     & store["is_latest"]]
    records = []
    for indicator_id, indicator in catalog.indicators.items():
        mine = rows.loc[rows["indicator"].eq(indicator_id)]
        persons = mine.loc[mine["sex"].eq("Persons")]
        mine = persons if len(persons) else mine
        if not indicator.has_data:
            status, period, reason = STATUS_NOT_SUPPLIED, "", "no default data source"
        elif mine.empty:
            status, period, reason = STATUS_NOT_SUPPLIED, "", "no data for this area"
        else:
            row = mine.iloc[-1]
            period = row["period"]
            if pd.notna(row["value"]):
                status, reason = STATUS_OK, row["note"]
            elif row["status"] == schema.STATUS_SUPPRESSED:
                status, reason = STATUS_SUPPRESSED, row["note"]
            else:
                status, reason = STATUS_NOT_SUPPLIED, row["note"] or "no value for this area"
        records.append({"indicator": indicator_id, "name": indicator.name,
                        "status": status, "period": period, "reason": reason})
    return pd.DataFrame(records, columns=["indicator", "name", "status", "period", "reason"])
