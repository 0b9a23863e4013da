"""Means with Student's t confidence limits (PHEindicatormethods ``phe_mean``).

x̄ ± |t_{α/2, n−1}|·s/√n, with s the sample standard deviation (n − 1 divisor).
Missing values are left out; fewer than two values give missing limits.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from stp_analytics.errors import ParameterError
from stp_analytics.methods._output import result_frame
from stp_analytics.methods._validate import as_float, check_confidence, check_finite

METHOD = "Student's t-distribution"


def _summaries(values: np.ndarray, labels: np.ndarray | None) -> pd.DataFrame:
    """count, sum and sd (n - 1) of the non-missing values, per group or overall."""
    if labels is None:
        valid = values[~np.isnan(values)]
        return pd.DataFrame(
            {
                "value_sum": [valid.sum()],
                "value_count": [len(valid)],
                "stdev": [valid.std(ddof=1) if len(valid) > 1 else np.nan],
            }
        )
    frame = pd.DataFrame({"values": values, "group": labels})
    grouped = frame.groupby("group", sort=True)["values"]
    return pd.DataFrame(
        {"value_sum": grouped.sum(), "value_count": grouped.count(), "stdev": grouped.std(ddof=1)}
    )


def mean_ci(values: Any, confidence: float = 0.95, *, by: Any = None) -> pd.Series | pd.DataFrame:
    """Mean of values with a Student's t confidence interval.

    Args:
        values: numbers (scalar, list, array or Series); missing values are ignored.
        confidence: two-sided level in [0.9, 1).
        by: optional group labels, one per value: one result per group.

    Returns:
        Without ``by`` a Series [value_sum, value_count, stdev, value, lower, upper, confidence,
        statistic ("mean"), method ("Student's t-distribution"), note]; with ``by`` a DataFrame
        of those columns indexed by group. No values -> NaN value; one value -> NaN limits
        (both with a note).
    """
    level = check_confidence(confidence)
    numbers, index = as_float("values", values)
    check_finite("values", numbers, index)
    labels = None
    if by is not None:
        labels = np.asarray(by.to_numpy() if isinstance(by, pd.Series) else list(by), dtype=object)
        if len(labels) != len(numbers):
            raise ParameterError(
                f"by must give one group label per value (got {len(labels)} for {len(numbers)})"
            )
    summary = _summaries(numbers, labels)
    count = summary["value_count"].to_numpy(dtype=float)
    stdev = summary["stdev"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(count > 0, summary["value_sum"].to_numpy(dtype=float) / count, np.nan)
        t_value = np.abs(stats.t.ppf((1 - level) / 2, np.where(count > 1, count - 1, 1)))
        half_width = np.where(count > 1, t_value * stdev / np.sqrt(count), np.nan)
    note = np.where(
        count == 0, "no values", np.where(count == 1, "one value: no confidence interval", "")
    ).astype(object)
    result = result_frame(
        summary.index if by is not None else pd.RangeIndex(1),
        mean,
        mean - half_width,
        mean + half_width,
        level,
        "mean",
        METHOD,
        note,
        leading={
            "value_sum": summary["value_sum"].to_numpy(dtype=float),
            "value_count": count,
            "stdev": stdev,
        },
    )
    return result if by is not None else result.iloc[0]
