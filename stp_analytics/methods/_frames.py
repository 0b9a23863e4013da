"""Table inputs for the standardised methods (DSR, ISR): columns, per-band vectors and groups.

A standardised method takes a long table (one row per group x age band). Standard or reference
populations may be given as a column of that table or as one vector of per-band values that is
matched by position within every group (as PHEindicatormethods' ``stdpoptype = "vector"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.methods._validate import as_float, require_columns


def by_columns(df: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    """The grouping columns as a list (checked to exist)."""
    if by is None:
        return []
    columns = [by] if isinstance(by, str) else list(by)
    require_columns(df, columns)
    return columns


def group_codes(df: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.Index]:
    """Integer group number per row (sorted by group key) and the index of group keys.

    Rows whose group key is missing are refused (their group would be unknown).
    """
    if not columns:
        return np.zeros(len(df), dtype=int), pd.RangeIndex(1)
    keys = df[columns]
    if keys.isna().any(axis=None):
        position = int(np.flatnonzero(keys.isna().any(axis=1).to_numpy())[0])
        raise DataValidationError(f"group key is missing at position {position}", column=columns[0])
    grouped = df.groupby(columns, sort=True)
    codes = grouped.ngroup().to_numpy()
    index = pd.MultiIndex.from_frame(grouped.size().index.to_frame(index=False))
    if len(columns) == 1:
        index = index.get_level_values(0)
    return codes, index


def numeric_column(df: pd.DataFrame, column: str) -> np.ndarray:
    """A column of df as floats (missing -> NaN), with a clear error when absent or not numeric."""
    require_columns(df, [column])
    values, _ = as_float(column, df[column])
    return values


def column_or_bands(
    df: pd.DataFrame, spec: Any, codes: np.ndarray, argument: str
) -> np.ndarray:
    """Values per row from a column name, or from a per-band vector matched by position in group.

    A vector must have exactly as many values as every group has rows.
    """
    if isinstance(spec, str):
        return numeric_column(df, spec)
    bands, _ = as_float(argument, spec)
    sizes = np.bincount(codes)
    if (sizes != len(bands)).any():
        raise ParameterError(
            f"{argument} has {len(bands)} values but the groups have "
            f"{sorted(set(sizes.tolist()))} rows; give one value per row of each group "
            f"or the name of a column"
        )
    position = pd.Series(codes).groupby(codes).cumcount().to_numpy()
    return bands[position]


def group_sum(values: np.ndarray, codes: np.ndarray, groups: int) -> np.ndarray:
    """Sum per group, treating missing values as 0."""
    return np.bincount(codes, weights=np.nan_to_num(values, nan=0.0), minlength=groups)


def group_any(flags: np.ndarray, codes: np.ndarray, groups: int) -> np.ndarray:
    """True per group where any row's flag is true."""
    return np.bincount(codes, weights=flags.astype(float), minlength=groups) > 0
