"""Quintiles (Fingertips) and PHE deprivation-style quantile groups.

* :func:`quintile`: bounds are type-7 quantiles (0, .2, ..., 1) of the valid values; category =
  first k with value <= bound_k; fewer than 5 values -> no category. When high is good the
  category is 6 - k, so quintile 1 is always best (for polarity "none", 1 = lowest values).
* :func:`quantile_groups` (PHEindicatormethods ``phe_quantile``): rank with ties taking the
  lowest rank, q = floor((Q+1) - ceil(((N+1) - rank)/(N/Q))), 0 becomes 1, all missing if N < Q.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from stp_analytics.methods._validate import POLARITIES, as_float, check_choice, check_int

QUINTILES = 5


def _as_int_series(categories: np.ndarray, index: pd.Index, name: str) -> pd.Series:
    """Float categories (NaN = none) as a nullable Int64 Series."""
    return pd.Series(categories, index=index, name=name).astype("Int64")


def quintile(values: Any, polarity: str) -> pd.Series:
    """Quintile 1..5 of each value among all given values (1 = best when polarity says so).

    Returns a nullable Int64 Series aligned with the input; <NA> for missing values, or for
    every row when fewer than 5 values are present.
    """
    check_choice("polarity", polarity, POLARITIES)
    numbers, index = as_float("values", values)
    index = index if index is not None else pd.RangeIndex(len(numbers))
    valid = ~np.isnan(numbers)
    categories = np.full(len(numbers), np.nan)
    if valid.sum() >= QUINTILES:
        bounds = np.quantile(numbers[valid], np.linspace(0, 1, QUINTILES + 1))
        # first k (1..5) with value <= bound_k
        k = np.searchsorted(bounds[1:], numbers[valid], side="left") + 1
        categories[valid] = QUINTILES + 1 - k if polarity == "high_is_good" else k
    return _as_int_series(categories, index, "quintile")


def quantile_groups(values: Any, n: int, invert: bool = True) -> pd.Series:
    """PHE quantile number of each value (e.g. deprivation deciles with n=10).

    invert=True (PHE default): quantile 1 holds the highest values; False: the lowest.
    Returns a nullable Int64 Series aligned with the input; all <NA> when fewer than n values.
    """
    groups = check_int("n", n, 1)
    numbers, index = as_float("values", values)
    index = index if index is not None else pd.RangeIndex(len(numbers))
    valid = ~np.isnan(numbers)
    count = int(valid.sum())
    categories = np.full(len(numbers), np.nan)
    if count >= groups and count > 0:
        ordered = -numbers[valid] if invert else numbers[valid]
        rank = stats.rankdata(ordered, method="min")
        quantile = np.floor((groups + 1) - np.ceil(((count + 1) - rank) / (count / groups)))
        categories[valid] = np.where(quantile == 0, 1, quantile)
    return _as_int_series(categories, index, "quantile")
