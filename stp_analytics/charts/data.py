"""Reading the metric store for charts: column checks, indicator labels, period selection.

Charts only read the store (``schema.STORE_COLUMNS``, contract in docs/ARCHITECTURE.md); these
helpers pick the rows a chart needs and fail with a message naming the missing column, indicator,
area or period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.schema import POLARITIES  # noqa: F401 - re-exported

if TYPE_CHECKING:
    from stp_analytics.data.catalog import Catalog

INFO_COLUMNS: tuple[str, ...] = ("name", "short_name", "unit", "polarity", "source")


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise DataValidationError naming the first column ``what`` needs that is missing."""
    for column in columns:
        if column not in frame.columns:
            raise DataValidationError(
                f"{what} needs column {column!r} in the metric store (see schema.STORE_COLUMNS)",
                column=column,
            )


def _info_record(indicator: str, entry: Any) -> dict[str, str]:
    def getter(key: str) -> Any:
        value = entry.get(key) if isinstance(entry, Mapping) else getattr(entry, key, None)
        return None if value is None or (isinstance(value, float) and value != value) else value

    name = getter("name") or getter("short_name") or indicator
    unit = getter("unit") or ""
    polarity = str(getter("polarity") or "none")
    if polarity not in POLARITIES:
        raise DataValidationError(
            f"indicator {indicator!r}: polarity {polarity!r} is not one of {POLARITIES}",
            column="polarity",
        )
    source = getter("source") or ""
    return {
        "indicator": indicator, "name": str(name),
        "short_name": str(getter("short_name") or name), "unit": str(unit),
        "polarity": polarity, "source": str(source),
    }


def catalog_info_frame(catalog: Catalog) -> pd.DataFrame:
    """Indicator information from a Catalog, each source as "publisher (period)"."""
    rows = []
    for indicator_id, indicator in catalog.indicators.items():
        source = catalog.sources.get(indicator.source) if indicator.source else None
        rows.append({
            "indicator": indicator_id, "name": indicator.name,
            "short_name": indicator.short_name or indicator.name,
            "unit": indicator.unit, "polarity": indicator.polarity,
            "source": f"{source.publisher} ({source.period})" if source is not None else "",
            "multiplier": indicator.multiplier,
            "statistic": indicator.statistic,
            "gap": indicator.gap,
        })
    return pd.DataFrame(rows)


def indicator_info_table(info: Any, indicators: Iterable[str]) -> pd.DataFrame:
    """Name, unit and polarity of each indicator, indexed by indicator id.

    ``info`` is a Catalog (sources then read "publisher (period)"); a DataFrame with columns
    indicator, name, unit, polarity (optional short_name, source); a mapping of indicator id to
    a mapping/object with those attributes (e.g. ``Catalog.indicators``, whose ``source`` is
    then the source id); or None. Indicators without information get their id as name, no
    unit and polarity "none".
    """
    records: dict[str, dict[str, str]] = {}
    if hasattr(info, "indicators") and hasattr(info, "sources"):
        info = catalog_info_frame(info)
    if isinstance(info, pd.DataFrame):
        require_columns(info, ("indicator",), "indicator information")
        for row in info.to_dict("records"):
            records[str(row["indicator"])] = _info_record(str(row["indicator"]), row)
    elif isinstance(info, Mapping):
        for key, entry in info.items():
            records[str(key)] = _info_record(str(key), entry)
    elif info is not None:
        raise ParameterError(
            f"indicator_info: expected a DataFrame, a mapping or None, got {type(info).__name__}"
        )
    rows = [records.get(i) or _info_record(i, {}) for i in indicators]
    table = pd.DataFrame(rows, columns=["indicator", *INFO_COLUMNS])
    return table.set_index("indicator")


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


def area_name(store: pd.DataFrame, area_code: str) -> str:
    """The name the store gives an area code, or the code itself."""
    if "area_name" in store.columns:
        names = store.loc[store["area_code"] == area_code, "area_name"].dropna()
        if not names.empty:
            return str(names.iloc[0])
    return area_code


def first_value(rows: pd.DataFrame, column: str) -> float:
    """The first non-missing number of a column, NaN when none."""
    if column not in rows.columns:
        return float("nan")
    values = pd.to_numeric(rows[column], errors="coerce").dropna()
    return float(values.iloc[0]) if not values.empty else float("nan")


OGL_NOTE = ". Open data under the Open Government Licence v3.0"


def source_text(info: pd.DataFrame, source: str | None) -> str:
    """The source line: the caller's text, else the indicators' sources, else the metric store."""
    if source:
        return source
    named = [s for s in dict.fromkeys(info["source"]) if s] if "source" in info else []
    origin = "; ".join(named) if named else "stp-packs metric store"
    return f"{origin}{OGL_NOTE}"


def combine_sources(sources: Iterable[str]) -> str:
    """Several charts' source lines as one, each origin once, the licence note once."""
    origins: dict[str, None] = {}
    for text in sources:
        for origin in str(text).removesuffix(OGL_NOTE).split("; "):
            if origin:
                origins[origin] = None
    return "; ".join(origins) + OGL_NOTE
