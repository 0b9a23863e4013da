"""The one output shape every metric returns, and grouping of counts before a statistic.

STYLE.md: "every metric returns the same columns" — ``value, lower, upper, confidence,
statistic, method`` plus ``note`` (why a value is missing, "" when nothing to say). A value a
method suppresses (e.g. a DSR with fewer than 10 events) is NaN with the reason in ``note``,
never zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.errors import ParameterError

RESULT_COLUMNS: tuple[str, ...] = (
    "value",
    "lower",
    "upper",
    "confidence",
    "statistic",
    "method",
    "note",
)


def format_number(number: float) -> str:
    """100000.0 -> '100000', 0.5 -> '0.5' (for statistic labels such as 'rate per 100000')."""
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def text_column(values: Any, length: int) -> np.ndarray:
    """A text label (or one per row) as an object array of the given length."""
    if isinstance(values, str):
        return np.full(length, values, dtype=object)
    return np.asarray(values, dtype=object)


def result_frame(
    index: pd.Index,
    value: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    confidence: float,
    statistic: Any,
    method: Any,
    note: Any = "",
    leading: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Assemble the standard result columns (optionally after some leading columns)."""
    length = len(index)
    columns: dict[str, Any] = dict(leading or {})
    columns.update(
        value=np.asarray(value, dtype=float),
        lower=np.asarray(lower, dtype=float),
        upper=np.asarray(upper, dtype=float),
        confidence=np.full(length, float(confidence)),
        statistic=text_column(statistic, length),
        method=text_column(method, length),
        note=text_column(note, length),
    )
    return pd.DataFrame(columns, index=index)


def grouped_sums(by: Any, index: pd.Index, **arrays: np.ndarray) -> tuple[dict, pd.Index]:
    """Sum arrays within groups of ``by`` (one label per row); groups come out sorted.

    A group with any missing value sums to NaN (an incomplete total is unknown, not smaller).
    Returns the summed arrays and the group index.
    """
    labels = by if isinstance(by, pd.Series) else pd.Series(np.asarray(by, dtype=object))
    if len(labels) != len(index):
        raise ParameterError(
            f"by must give one group label per row (got {len(labels)} labels for {len(index)} rows)"
        )
    frame = pd.DataFrame(arrays, index=pd.RangeIndex(len(index)))
    frame["__group__"] = labels.to_numpy(dtype=object)
    sums = frame.groupby("__group__", sort=True).sum(min_count=1)
    has_missing = frame.drop(columns="__group__").isna().groupby(frame["__group__"]).any()
    sums = sums.mask(has_missing)
    group_index = pd.Index(sums.index, name=labels.name if labels.name is not None else "group")
    return {name: sums[name].to_numpy(dtype=float) for name in arrays}, group_index


def count_totals(
    by: Any, index: pd.Index, count: np.ndarray, denominator: np.ndarray
) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Counts and denominators as given when ``by`` is None, else their :func:`grouped_sums`.

    Returns the counts, the denominators and the index they carry (the groups, when grouped).
    """
    if by is None:
        return count, denominator, index
    sums, group_index = grouped_sums(by, index, count=count, denominator=denominator)
    return sums["count"], sums["denominator"], group_index
