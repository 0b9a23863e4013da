"""Catalogue indicators as one table of the fields the metric store uses.

Reads the :class:`stp_analytics.data.catalog.Indicator` entries of a catalogue into a DataFrame
with one row per indicator, so the store can merge metadata onto observations instead of looping
over indicators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from stp_analytics.errors import CatalogError
from stp_analytics.schema import AGGREGATIONS, STATISTICS  # noqa: F401 - re-exported

if TYPE_CHECKING:
    from stp_analytics.data.catalog import Catalog

SPEC_COLUMNS = (
    "indicator", "name", "statistic", "multiplier", "geography", "aggregation", "frequency",
    "polarity", "comparison_method", "confidence", "target",
)


def indicator_specs(catalog: Catalog) -> pd.DataFrame:
    """One row per catalogue indicator with the fields in ``SPEC_COLUMNS``, in catalogue order.

    Raises CatalogError naming the indicator when its statistic or aggregation is unknown.
    """
    rows = []
    for ind in catalog.indicators.values():
        row = {
            "indicator": ind.id,
            "name": ind.name,
            "statistic": ind.statistic,
            "multiplier": float(ind.multiplier or 1),
            "geography": ind.geography,
            "aggregation": ind.aggregation,
            "frequency": ind.frequency,
            "polarity": ind.polarity or "none",
            "comparison_method": ind.method,
            "confidence": float(ind.confidence),
            "target": float(ind.target) if ind.target is not None else float("nan"),
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
