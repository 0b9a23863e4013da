"""Student's t means against PHEindicatormethods' workbook (tests/reference/phe)."""

import numpy as np
import pandas as pd
import pytest
from phe_reference import LEVELS, PHE

from stp_analytics.methods import mean_ci

INPUT = pd.read_csv(PHE / "mean_input.csv")
EXPECTED = pd.read_csv(PHE / "mean_expected.csv").set_index("area")
COLUMNS = ["value_sum", "value_count", "stdev", "value"]


@pytest.mark.parametrize("level", LEVELS)
def test_every_row_of_mean_expected(level):
    lower_column, upper_column = LEVELS[level]
    grouped = mean_ci(INPUT["values"], level, by=INPUT["area"])
    overall = mean_ci(INPUT["values"], level)
    actual = pd.concat([grouped, overall.to_frame("No grouping").T])
    expected = EXPECTED[[*COLUMNS, lower_column, upper_column]]
    np.testing.assert_allclose(
        actual.loc[expected.index, [*COLUMNS, "lower", "upper"]].to_numpy(dtype=float),
        expected.to_numpy(dtype=float),
        rtol=1e-9,
    )
    assert set(actual["method"]) == set(EXPECTED["method"])
    assert set(actual["statistic"]) == {"mean"}


def test_missing_values_are_ignored_and_small_samples_are_defined():
    assert mean_ci([1.0, np.nan, 3.0])["value"] == 2
    single = mean_ci([5.0])
    assert single["value"] == 5 and np.isnan(single["lower"])
    assert single["note"] == "one value: no confidence interval"
    empty = mean_ci([np.nan])
    assert np.isnan(empty["value"]) and empty["note"] == "no values"


def test_invalid_inputs_raise():
    with pytest.raises(ValueError, match="values must be numeric"):
        mean_ci([1, "x"])
    with pytest.raises(ValueError, match="confidence must be between 0.9 and 1"):
        mean_ci([1, 2], confidence=1.5)
    with pytest.raises(ValueError, match="by must give one group label per value"):
        mean_ci([1, 2], by=["a"])
