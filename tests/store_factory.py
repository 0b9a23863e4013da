"""A tiny hand-made metric store (schema.STORE_COLUMNS) for narrative and display unit tests."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from stp_analytics.metrics.store import row_status
from stp_analytics.schema import STORE_COLUMNS

DEFAULTS: dict[str, Any] = {
    "area_set": "stp2017",
    "area_role": "area",
    "area_type": "stp",
    "parent_code": "E40000001",
    "period": "2016/17",
    "period_start": pd.Timestamp("2016-04-01"),
    "sex": "Persons",
    "numerator": math.nan,
    "denominator": math.nan,
    "lower": math.nan,
    "upper": math.nan,
    "confidence": 0.95,
    "method": "Wilson",
    "approximate": False,
    "note": "",
    "england_value": math.nan,
    "england_lower": math.nan,
    "england_upper": math.nan,
    "region_code": "E40000001",
    "region_value": math.nan,
    "comparison": "Not compared",
    "quintile": pd.NA,
    "rank": math.nan,
    "rank_of": math.nan,
    "peer_best5_mean": math.nan,
    "opportunity": math.nan,
    "target": math.nan,
    "target_gap": math.nan,
    "spc_point_type": "",
    "spc_mean": math.nan,
    "spc_lpl": math.nan,
    "spc_upl": math.nan,
    "is_latest": True,
}


def make_store(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Store rows from partial dicts (each needs indicator, area_code, area_name, value)."""
    records = [{**DEFAULTS, **row} for row in rows]
    store = pd.DataFrame.from_records(records, columns=list(STORE_COLUMNS))
    given = pd.Series([row.get("status") for row in rows], index=store.index, dtype="object")
    store["status"] = given.fillna(row_status(store))  # as the store builder derives it
    return store
