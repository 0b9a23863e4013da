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
from stp_analytics.metrics.rows import (  # noqa: F401 - re-exported for the chart modules
    area_name,
    numeric_series,
    ordered_periods,
    require_columns,
    resolve_period,
    select_rows,
)
from stp_analytics.schema import POLARITIES  # noqa: F401 - re-exported

if TYPE_CHECKING:
    from stp_analytics.data.catalog import Catalog

INFO_COLUMNS: tuple[str, ...] = ("name", "short_name", "unit", "polarity", "source")


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
