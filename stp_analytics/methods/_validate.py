"""Shared argument handling for the methods: conversion, broadcasting and plain-English checks.

Every public method accepts scalars, lists, numpy arrays or pandas Series. These helpers turn
them into float arrays of one common length, remember the index of the first Series given (so
results line up with the caller's rows), and raise :class:`ValueError` subclasses whose messages
name the argument, the rule and the offending value, e.g.
``numerator must be greater than or equal to zero (got -1 at position 3)``.

Order of checks (STYLE.md): arguments and options first, then types, then domain rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.schema import POLARITIES  # noqa: F401 - re-exported

"""Which way is good for an indicator (Fingertips polarity)."""

CONFIDENCE_RANGE: tuple[float, float] = (0.9, 1.0)


def _position_text(position: int, index: pd.Index | None) -> str:
    """'at position 3', plus the index label when the caller gave labelled rows."""
    text = f"at position {position}"
    if index is not None and not isinstance(index, pd.RangeIndex):
        text += f", index {index[position]!r}"
    return text


def _format_value(value: Any) -> str:
    """Show a number without a trailing '.0' for whole numbers (-1, not -1.0)."""
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def to_series(name: str, values: Any) -> pd.Series:
    """Wrap a scalar, list, array or Series as a Series (a Series keeps its index)."""
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, pd.DataFrame):
        raise ParameterError(f"{name} must be a scalar, list, array or Series (got a DataFrame)")
    if values is None or np.ndim(values) == 0:
        return pd.Series([values])
    if np.ndim(values) > 1:
        raise ParameterError(f"{name} must be one-dimensional (got shape {np.shape(values)})")
    return pd.Series(list(values) if not isinstance(values, np.ndarray) else values)


def as_float(name: str, values: Any) -> tuple[np.ndarray, pd.Index | None]:
    """Convert to a float array (missing -> NaN); return it with the Series index if one was given.

    Raises ParameterError naming the first value that is not a number.
    """
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "fiu":
        return values.astype(float), None  # fast path: already numeric
    if isinstance(values, (int, float, np.integer, np.floating)) and not isinstance(values, bool):
        return np.array([float(values)]), None
    series = to_series(name, values)
    numeric = pd.to_numeric(series, errors="coerce")
    bad = numeric.isna().to_numpy() & series.notna().to_numpy()
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        label_index = series.index if isinstance(values, pd.Series) else None
        raise ParameterError(
            f"{name} must be numeric (got {series.iloc[position]!r} "
            f"{_position_text(position, label_index)})"
        )
    array = numeric.to_numpy(dtype=float, na_value=np.nan)
    return array, (series.index if isinstance(values, pd.Series) else None)


def broadcast(**named: Any) -> tuple[dict[str, np.ndarray], pd.Index]:
    """Convert every named input to floats and broadcast them to one length.

    Inputs of length 1 (scalars) are repeated; other lengths must agree. The returned index is
    that of the first Series of the full length, else a RangeIndex.
    """
    arrays: dict[str, np.ndarray] = {}
    indexes: dict[str, pd.Index | None] = {}
    for name, values in named.items():
        arrays[name], indexes[name] = as_float(name, values)
    length = max(len(array) for array in arrays.values())
    for name, array in arrays.items():
        if len(array) not in (1, length):
            others = ", ".join(f"{key} has {len(value)}" for key, value in arrays.items())
            raise ParameterError(
                f"{name} must have the same length as the other inputs or be a single value "
                f"({others})"
            )
        if len(array) == 1 and length != 1:
            arrays[name] = np.repeat(array, length)
    index: pd.Index = pd.RangeIndex(length)
    for name in named:
        candidate = indexes[name]
        if candidate is not None and len(candidate) == length:
            index = candidate
            break
    return arrays, index


def _first_failure(name: str, values: np.ndarray, failed: np.ndarray, index: pd.Index | None):
    position = int(np.flatnonzero(failed)[0])
    return position, _format_value(values[position]), _position_text(position, index)


def check_non_negative(name: str, values: np.ndarray, index: pd.Index | None = None) -> None:
    """Raise unless every non-missing value is >= 0."""
    failed = values < 0
    if failed.any():
        _, shown, where = _first_failure(name, values, failed, index)
        raise DataValidationError(
            f"{name} must be greater than or equal to zero (got {shown} {where})"
        )


def check_positive(name: str, values: np.ndarray, index: pd.Index | None = None) -> None:
    """Raise unless every non-missing value is > 0 (missing values are allowed)."""
    failed = values <= 0
    if failed.any():
        _, shown, where = _first_failure(name, values, failed, index)
        raise DataValidationError(f"{name} must be greater than zero (got {shown} {where})")


def check_finite(name: str, values: np.ndarray, index: pd.Index | None = None) -> None:
    """Raise on +/-infinity (missing values are allowed)."""
    failed = np.isinf(values)
    if failed.any():
        _, shown, where = _first_failure(name, values, failed, index)
        raise DataValidationError(f"{name} must be a finite number (got {shown} {where})")


def check_not_above(
    name: str,
    values: np.ndarray,
    limit_name: str,
    limits: np.ndarray,
    statistic: str,
    index: pd.Index | None = None,
) -> None:
    """Raise where values > limits, e.g. a numerator above its denominator for a proportion."""
    failed = values > limits
    if failed.any():
        position, shown, where = _first_failure(name, values, failed, index)
        raise DataValidationError(
            f"{name} must be less than or equal to {limit_name} for a {statistic} "
            f"(got {shown} > {_format_value(limits[position])} {where})"
        )


def check_counts(
    count_name: str, count: Any, denominator: Any, **others: Any
) -> tuple[dict[str, np.ndarray], pd.Index]:
    """Broadcast events, denominators and any other inputs (:func:`broadcast`), then check them.

    Every input must be finite, the events (named ``count_name``) >= 0 and the denominators > 0;
    missing values pass. Returns the arrays keyed by name and the result index.
    """
    arrays, index = broadcast(**{count_name: count, "denominator": denominator}, **others)
    for name, values in arrays.items():
        check_finite(name, values, index)
    check_non_negative(count_name, arrays[count_name], index)
    check_positive("denominator", arrays["denominator"], index)
    return arrays, index


def check_confidence(confidence: Any) -> float:
    """Return confidence as a float in [0.9, 1); raise a ParameterError otherwise."""
    try:
        level = float(confidence)
    except (TypeError, ValueError):
        raise ParameterError(
            f"confidence must be between 0.9 and 1, e.g. 0.95 or 0.998 (got {confidence!r})"
        ) from None
    low, high = CONFIDENCE_RANGE
    if not (low <= level < high):
        raise ParameterError(
            f"confidence must be between 0.9 and 1, e.g. 0.95 or 0.998 "
            f"(got {_format_value(level)})"
        )
    return level


def check_multiplier(multiplier: Any, name: str = "multiplier") -> float:
    """Return the multiplier as a positive float (1 = proportion, 100 = percentage, ...)."""
    try:
        value = float(multiplier)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a positive number (got {multiplier!r})") from None
    if not (np.isfinite(value) and value > 0):
        raise ParameterError(f"{name} must be a positive number (got {_format_value(value)})")
    return value


def check_choice(name: str, value: Any, allowed: Sequence[str]) -> str:
    """Return value if it is one of the allowed labels; otherwise list them in the error."""
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(option) for option in allowed)
        raise ParameterError(f"{name} must be one of {options} (got {value!r})")
    return value


def check_choices(name: str, values: Any, allowed: Sequence[str], length: int) -> np.ndarray:
    """Validate a label or an array of labels (one per row); return an object array of length."""
    if isinstance(values, str) or values is None or np.ndim(values) == 0:
        return np.repeat(np.array([check_choice(name, values, allowed)], dtype=object), length)
    labels = np.asarray(list(values), dtype=object)
    if len(labels) != length:
        raise ParameterError(
            f"{name} must be one label or one per row (got {len(labels)} labels for {length} rows)"
        )
    for position, label in enumerate(labels):
        if not isinstance(label, str) or label not in allowed:
            options = ", ".join(repr(option) for option in allowed)
            raise ParameterError(
                f"{name} must be one of {options} (got {label!r} at position {position})"
            )
    return labels


def check_int(name: str, value: Any, minimum: int) -> int:
    """Return value as an int >= minimum (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{name} must be a whole number (got {value!r})")
    if value < minimum:
        raise ParameterError(f"{name} must be at least {minimum} (got {value})")
    return int(value)


def require_columns(df: pd.DataFrame, columns: Iterable[str], argument: str = "df") -> None:
    """Raise DataValidationError naming any missing column and the columns that exist."""
    missing = [column for column in columns if column not in df.columns]
    if missing:
        raise DataValidationError(
            f"{argument} has no column {missing[0]!r} (columns: {', '.join(map(str, df.columns))})"
        )
