"""Quintiles (type-7 bounds, 1 = best) and PHE quantile groups."""

import numpy as np
import pandas as pd
import pytest

from stp_analytics.methods import quantile_groups, quintile


def test_quintile_bounds_are_type7_quantiles_and_1_is_best():
    values = pd.Series([10.0, 20, 30, 40, 50, 60, 70, 80, 90, 100], index=list("abcdefghij"))
    # bounds: 10, 28, 46, 64, 82, 100 -> categories by "first k with value <= bound_k"
    low_good = quintile(values, "low_is_good")
    assert list(low_good) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert low_good.index.equals(values.index)
    assert list(quintile(values, "high_is_good")) == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert list(quintile(values, "none")) == list(low_good)


def test_value_on_a_bound_takes_the_lower_category():
    # 5 values 1..5: bounds 1, 1.8, 2.6, 3.4, 4.2, 5
    assert list(quintile([1, 2, 3, 4, 5], "low_is_good")) == [1, 2, 3, 4, 5]
    # 0..50 by 10: bounds 0, 10, 20, 30, 40, 50, so 10 sits on bound 1 and is quintile 1
    assert list(quintile([0, 10, 20, 30, 40, 50], "low_is_good")) == [1, 1, 2, 3, 4, 5]


def test_quintile_missing_and_too_few_values():
    result = quintile([1, np.nan, 3, 4, 5, 6], "low_is_good")
    assert result.isna().tolist() == [False, True, False, False, False, False]
    assert quintile([1, 2, 3, 4], "low_is_good").isna().all()
    assert str(result.dtype) == "Int64"


def test_quantile_groups_follow_phe_formula():
    values = list(range(1, 11))
    assert list(quantile_groups(values, 5)) == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert list(quantile_groups(values, 5, invert=False)) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # ties take the lowest rank: the two 10s share rank 1 (invert) -> both quantile 1
    assert list(quantile_groups([10, 10, 5, 4, 3], 5)) == [1, 1, 3, 4, 5]
    # N=7, Q=3: q = floor(4 - ceil((8 - rank) / (7/3)))
    expected = [int(np.floor(4 - np.ceil((8 - r) / (7 / 3)))) or 1 for r in range(1, 8)]
    assert list(quantile_groups(range(1, 8), 3, invert=False)) == expected


def test_quantile_groups_missing_and_too_few():
    assert quantile_groups([1, 2], 5).isna().all()
    assert quantile_groups([1, None, 3, 4, 5, 6], 5).isna().tolist() == [
        False, True, False, False, False, False
    ]


def test_invalid_arguments():
    with pytest.raises(ValueError, match="polarity must be one of"):
        quintile([1, 2, 3, 4, 5], "up")
    with pytest.raises(ValueError, match="n must be at least 1"):
        quantile_groups([1, 2], 0)
