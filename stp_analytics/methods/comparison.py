"""Benchmarking an area against a comparator, as Fingertips does.

* ``method="single"`` (Fingertips default): the area's CI against the comparator's *point
  value*: L <= B <= U -> "Similar"; otherwise value > B -> "Better" when high is good ("Worse"
  when low is good), mirrored below; indicators with polarity "none" say "Higher"/"Lower".
* ``method="double"``: the area's CI against the comparator's CI: overlapping -> "Similar";
  otherwise the same labels by which side the area's CI lies.
* ``method="none"``: every row "Not compared".

Missing value, CI or comparator -> "Not compared". The confidence level is the one the CIs were
computed at (set per indicator: 95% or 99.8%).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.errors import ParameterError
from stp_analytics.methods._validate import POLARITIES, broadcast, check_choice, check_choices
from stp_analytics.schema import COMPARISON_LABELS, SIGNIFICANT_LABELS  # noqa: F401 - re-exported

COMPARISON_METHODS: tuple[str, ...] = ("single", "double", "none")


def direction_labels(above: np.ndarray, below: np.ndarray, polarity: np.ndarray) -> np.ndarray:
    """Labels for rows significantly above / below a comparator given each row's polarity."""
    high_good = polarity == "high_is_good"
    low_good = polarity == "low_is_good"
    above_label = np.where(high_good, "Better", np.where(low_good, "Worse", "Higher"))
    below_label = np.where(high_good, "Worse", np.where(low_good, "Better", "Lower"))
    return np.where(above, above_label, np.where(below, below_label, "Similar")).astype(object)


def compare(
    value: Any,
    lower: Any,
    upper: Any,
    benchmark: Any,
    polarity: Any,
    method: str = "single",
    benchmark_lower: Any = None,
    benchmark_upper: Any = None,
) -> pd.Series:
    """Fingertips significance label of each area against a comparator (e.g. England).

    Args:
        value, lower, upper: the area's value and confidence limits (aligned arrays/Series).
        benchmark: comparator value (one, or one per row).
        polarity: "high_is_good", "low_is_good" or "none" (one, or one per row).
        method: "single" (CI vs comparator value), "double" (CI vs comparator CI) or "none".
        benchmark_lower, benchmark_upper: comparator CI, needed for "double".

    Returns:
        Series of labels from COMPARISON_LABELS aligned with the input index.
    """
    check_choice("method", method, COMPARISON_METHODS)
    if method == "double" and (benchmark_lower is None or benchmark_upper is None):
        raise ParameterError('method "double" needs benchmark_lower and benchmark_upper')
    inputs = {"value": value, "lower": lower, "upper": upper, "benchmark": benchmark}
    if method == "double":
        inputs.update(benchmark_lower=benchmark_lower, benchmark_upper=benchmark_upper)
    arrays, index = broadcast(**inputs)
    polarities = check_choices("polarity", polarity, POLARITIES, len(index))
    missing = np.zeros(len(index), dtype=bool)
    for values in arrays.values():
        missing |= np.isnan(values)
    area_value, area_lower, area_upper = arrays["value"], arrays["lower"], arrays["upper"]
    if method == "single":
        point = arrays["benchmark"]
        similar = (area_lower <= point) & (point <= area_upper)
        above = ~similar & (area_value > point)
        below = ~similar & ~above
    elif method == "double":
        above = area_lower > arrays["benchmark_upper"]
        below = area_upper < arrays["benchmark_lower"]
    else:
        above = below = missing = np.ones(len(index), dtype=bool)
    labels = direction_labels(above, below, polarities)
    return pd.Series(np.where(missing, "Not compared", labels), index=index, name="comparison")
