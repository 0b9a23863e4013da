"""Picking rows of the metric store: column checks, row filters, the period to show, period order.

Shared by the metrics views (``funnel_view``, ``spc_view``) and the charts (re-exported by
``charts.data``): each helper fails with a DataValidationError naming the missing column,
indicator, area or period. No statistics here, so the chart layer may import it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from stp_analytics.errors import DataValidationError


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise DataValidationError naming the first column ``what`` needs that is missing."""
    for column in columns:
        if column not in frame.columns:
            raise DataValidationError(
                f"{what} needs column {column!r} in the metric store (see schema.STORE_COLUMNS)",
                column=column,
            )


def select_rows(
    store: pd.DataFrame,
    *,
    indicator: str | None = None,
    area_role: str | None = None,
    sex: str | None = None,
    area_code: str | None = None,
    parent_code: str | None = None,
) -> pd.DataFrame:
    """Rows of the store matching every given filter (None means any)."""
    mask = pd.Series(True, index=store.index)
    for column, wanted in (
        ("indicator", indicator), ("area_role", area_role), ("sex", sex),
        ("area_code", area_code), ("parent_code", parent_code),
    ):
        if wanted is not None:
            require_columns(store, (column,), "chart row selection")
            mask &= store[column] == wanted
    return store.loc[mask]


def resolve_period(rows: pd.DataFrame, period: str | None, what: str) -> str:
    """The period to draw: the one asked for, else the latest (by period_start, then label)."""
    if rows.empty:
        raise DataValidationError(f"{what}: no rows in the metric store")
    periods = rows["period"].astype(str)
    if period is not None:
        if period not in set(periods):
            raise DataValidationError(
                f"{what}: period {period!r} not in the metric store; "
                f"available: {sorted(set(periods))}",
                column="period",
            )
        return period
    order = pd.DataFrame({"_period": periods})
    if "period_start" in rows.columns and rows["period_start"].notna().any():
        order["period_start"] = rows["period_start"]
        order = order.drop_duplicates().sort_values(["period_start", "_period"],
                                                    na_position="first")
    else:
        order = order.drop_duplicates().sort_values("_period")
    return str(order["_period"].iloc[-1])


def ordered_periods(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by period_start (then period label) for time series charts."""
    keys = [c for c in ("period_start", "period") if c in rows.columns]
    return rows.sort_values(keys, kind="mergesort").reset_index(drop=True)


def numeric_series(rows: pd.DataFrame, columns: Iterable[str],
                   numeric: Iterable[str]) -> pd.DataFrame:
    """``columns`` of the rows in period order (:func:`ordered_periods`), ``numeric`` ones as
    floats (anything unreadable becomes NaN)."""
    data = ordered_periods(rows.loc[:, list(columns)])
    for column in numeric:
        data[column] = pd.to_numeric(data[column], errors="coerce").astype(float)
    return data


def area_name(store: pd.DataFrame, area_code: str) -> str:
    """The name the store gives an area code, or the code itself."""
    if "area_name" in store.columns:
        names = store.loc[store["area_code"] == area_code, "area_name"].dropna()
        if not names.empty:
            return str(names.iloc[0])
    return area_code

