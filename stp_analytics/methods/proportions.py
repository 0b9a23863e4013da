"""Proportions with Wilson score confidence limits (PHEindicatormethods ``phe_proportion``).

L, U = [2x + z² ∓ z·√(z² + 4x(1 − x/n))] / [2(n + z²)], times the multiplier
(Wilson 1927; Newcombe & Altman 2000). Missing x or n gives an all-missing row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.methods._output import count_totals, format_number, result_frame
from stp_analytics.methods._validate import (
    check_confidence,
    check_counts,
    check_multiplier,
    check_not_above,
)
from stp_analytics.methods.confidence import z_value


def wilson_limits(
    numerator: np.ndarray, denominator: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score limits of x/n as fractions in [0, 1] (no validation; NaN in, NaN out).

    At x = 0 the lower limit is exactly 0 and at x = n the upper limit is exactly 1 (the formula's
    values there, without floating-point rounding).
    """
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = z * np.sqrt(z * z + 4 * x * (1 - x / n))
        scale = 2 * (n + z * z)
        lower = (2 * x + z * z - spread) / scale
        upper = (2 * x + z * z + spread) / scale
    lower = np.where(x == 0, 0.0, np.clip(lower, 0.0, 1.0))
    upper = np.where(x == n, 1.0, np.clip(upper, 0.0, 1.0))
    return lower, upper


def proportion_statistic(multiplier: float) -> str:
    """PHE's statistic label: 'proportion of 1', 'percentage' or 'proportion of <m>'."""
    return "percentage" if multiplier == 100 else f"proportion of {format_number(multiplier)}"


def proportion(
    numerator: Any,
    denominator: Any,
    confidence: float = 0.95,
    multiplier: float = 1,
    *,
    by: Any = None,
) -> pd.DataFrame:
    """Proportion x/n with Wilson score confidence limits.

    Args:
        numerator: events x (scalar, list, array or Series); >= 0, may be missing.
        denominator: population n; > 0 (0 raises), may be missing; x <= n.
        confidence: two-sided level in [0.9, 1), e.g. 0.95 or 0.998.
        multiplier: 1 for a proportion, 100 for a percentage.
        by: optional group labels, one per row: x and n are summed within each group first
            (a group with any missing x or n is missing).

    Returns:
        DataFrame[value, lower, upper, confidence, statistic, method, note] aligned with the input
        index (or indexed by group when ``by`` is given). Missing x or n gives NaN value and
        limits with note "numerator or denominator missing". Limits lie in [0, multiplier].

    Raises:
        ValueError (DataValidationError/ParameterError): negative numerator, denominator <= 0,
        numerator > denominator, confidence outside [0.9, 1), multiplier <= 0.
    """
    level = check_confidence(confidence)
    scale = check_multiplier(multiplier)
    arrays, index = check_counts("numerator", numerator, denominator)
    x, n = arrays["numerator"], arrays["denominator"]
    check_not_above("numerator", x, "denominator", n, "proportion", index)
    x, n, index = count_totals(by, index, x, n)
    lower, upper = wilson_limits(x, n, level)
    value = x / n
    missing = np.isnan(x) | np.isnan(n)
    note = np.where(missing, "numerator or denominator missing", "").astype(object)
    return result_frame(
        index,
        value * scale,
        np.where(missing, np.nan, lower * scale),
        np.where(missing, np.nan, upper * scale),
        level,
        proportion_statistic(scale),
        "Wilson",
        note,
    )
