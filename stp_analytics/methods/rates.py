"""Crude rates with Poisson confidence limits (PHEindicatormethods ``phe_rate``).

value = x/n·m; limits = (exact if x < 10 else Byar's)(x)/n·m. x > n is allowed for rates.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.methods._output import count_totals, format_number, result_frame
from stp_analytics.methods._validate import check_confidence, check_counts, check_multiplier
from stp_analytics.methods.confidence import poisson_limits


def rate(
    count: Any,
    denominator: Any,
    confidence: float = 0.95,
    multiplier: float = 100_000,
    *,
    by: Any = None,
) -> pd.DataFrame:
    """Crude rate x/n·multiplier with exact (x < 10) or Byar's (x >= 10) limits.

    Args:
        count: events x (scalar, list, array or Series); >= 0, may be missing.
        denominator: population n; > 0 (0 raises), may be missing. x may exceed n.
        confidence: two-sided level in [0.9, 1).
        multiplier: rate per this many (default per 100,000).
        by: optional group labels, one per row: x and n are summed within groups first.

    Returns:
        DataFrame[value, lower, upper, confidence, statistic ("rate per 100000"),
        method ("Exact" | "Byars" | "" when x is missing), note] aligned with the input index.
        Missing x or n gives NaN value and limits.
    """
    level = check_confidence(confidence)
    scale = check_multiplier(multiplier)
    arrays, index = check_counts("count", count, denominator)
    x, n, index = count_totals(by, index, arrays["count"], arrays["denominator"])
    lower, upper, method = poisson_limits(x, level)
    missing = np.isnan(x) | np.isnan(n)
    note = np.where(missing, "count or denominator missing", "").astype(object)
    return result_frame(
        index,
        x / n * scale,
        lower / n * scale,
        upper / n * scale,
        level,
        f"rate per {format_number(scale)}",
        method,
        note,
    )
