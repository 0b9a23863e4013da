"""Catalogue indicators as one table of the fields the metric store uses.

Reads :class:`stp_analytics.data.catalog.Indicator` objects (or any object with the same attributes)
into a DataFrame with one row per indicator, so the store can merge metadata onto observations
instead of looping over indicators.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from stp_analytics.errors import CatalogError

SPEC_COLUMNS = (
    "indicator", "name", "statistic", "multiplier", "geography", "aggregation", "frequency",
    "polarity", "comparison_method", "confidence", "target",
)
STATISTICS = ("proportion", "rate", "published", "count", "mean")
AGGREGATIONS = ("sum_counts", "population_weighted_mean", "sum")


def _first(obj: Any, names: tuple[str, ...], default: Any = None) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def _comparison(ind: Any) -> tuple[str, float]:
    """(method, confidence) from the indicator's comparison settings."""
    comparison = _first(ind, ("comparison",))
    method = _first(ind, ("comparison_method", "method"))
    confidence = _first(ind, ("confidence", "comparison_confidence"))
    if comparison is not None and not isinstance(comparison, str):
        method = method or _first(comparison, ("method",))
        confidence = confidence or _first(comparison, ("confidence",))
    elif isinstance(comparison, str):
        method = method or comparison
    return str(method or "single"), float(confidence or 0.95)


def indicator_specs(catalog: Any) -> pd.DataFrame:
    """One row per catalogue indicator with the fields in ``SPEC_COLUMNS``, in catalogue order.

    Raises CatalogError naming the indicator when its statistic or aggregation is unknown.
    """
    rows = []
    for key, ind in catalog.indicators.items():
        method, confidence = _comparison(ind)
        target = _first(ind, ("target",))
        target = _first(target, ("value",), target) if target is not None else None
        row = {
            "indicator": str(_first(ind, ("id",), key)),
            "name": str(_first(ind, ("name", "title"), key)),
            "statistic": str(_first(ind, ("statistic",), "published")),
            "multiplier": float(_first(ind, ("multiplier",), 1) or 1),
            "geography": str(_first(ind, ("geography", "area_type"), "")),
            "aggregation": str(_first(ind, ("aggregation",), "population_weighted_mean")),
            "frequency": str(_first(ind, ("frequency",), "annual")),
            "polarity": str(_first(ind, ("polarity",), "none") or "none"),
            "comparison_method": method,
            "confidence": confidence,
            "target": float(target) if target is not None else float("nan"),
        }
        if row["statistic"] not in STATISTICS:
            raise CatalogError(
                f"indicator {row['indicator']!r}: statistic {row['statistic']!r} is not one of "
                f"{', '.join(STATISTICS)}"
            )
        if row["aggregation"] not in AGGREGATIONS:
            raise CatalogError(
                f"indicator {row['indicator']!r}: aggregation {row['aggregation']!r} is not one "
                f"of {', '.join(AGGREGATIONS)}"
            )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(SPEC_COLUMNS))
    return frame.astype({"multiplier": "float64", "confidence": "float64", "target": "float64"})
