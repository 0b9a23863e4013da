"""Wilson proportions against PHEindicatormethods' workbooks (tests/reference/phe)."""

import numpy as np
import pandas as pd
import pytest
from phe_reference import LEVELS, PHE, assert_close

from stp_analytics.methods import RESULT_COLUMNS, proportion


@pytest.mark.parametrize(
    ("level", "lower_column", "upper_column"),
    [(level, *columns) for level, columns in LEVELS.items()],
)
def test_every_row_of_proportion_csv(level, lower_column, upper_column):
    cases = pd.read_csv(PHE / "proportion.csv")
    for multiplier, rows in cases.groupby("multiplier"):
        result = proportion(rows["Numerator"], rows["Denominator"], level, multiplier)
        assert result.index.equals(rows.index)
        assert_close(result["value"], rows["value"])
        assert_close(result["lower"], rows[lower_column])
        assert_close(result["upper"], rows[upper_column])
        assert (result["statistic"] == rows["statistic"]).all()
        assert (result["method"] == rows["method"]).all()
        assert (result["confidence"] == level).all()


def test_every_row_of_proportion_grouped_csv():
    expected = pd.read_csv(PHE / "proportion_grouped.csv").set_index("Area")
    single = pd.read_csv(PHE / "proportion.csv").query("multiplier == 1")
    doubled = pd.concat([single, single])  # each area twice: grouped sums are 2x, 2n
    result = proportion(doubled["Numerator"], doubled["Denominator"], 0.95, by=doubled["Area"])
    result = result.loc[expected.index]
    assert_close(result["value"], expected["value"])
    assert_close(result["lower"], expected["lowercl"])
    assert_close(result["upper"], expected["uppercl"])


def test_scalar_and_list_inputs():
    scalar = proportion(65, 100)
    assert tuple(scalar.columns) == RESULT_COLUMNS
    assert scalar["value"].iloc[0] == pytest.approx(0.65)
    assert proportion([65, 5], 100).shape[0] == 2


def test_zero_numerator_gives_lower_zero_and_full_numerator_upper_one():
    result = proportion([0, 100], [100, 100], multiplier=100)
    assert result["lower"].iloc[0] == 0
    assert result["upper"].iloc[1] == 100


def test_missing_inputs_give_all_missing_row_with_note():
    result = proportion(pd.Series([np.nan, 3], index=["a", "b"]), [10, np.nan])
    assert result.loc["a", ["value", "lower", "upper"]].isna().all()
    assert result.loc["b", ["value", "lower", "upper"]].isna().all()
    assert result.loc["a", "note"] == "numerator or denominator missing"


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [
        (
            [1, 2, 3, -1],
            10,
            r"numerator must be greater than or equal to zero \(got -1 at position 3\)",
        ),
        (1, [10, 0], r"denominator must be greater than zero \(got 0 at position 1\)"),
        (11, 10, "numerator must be less than or equal to denominator for a proportion"),
        ("a", 10, "numerator must be numeric"),
        ([1, 2], [3, 4, 5], "must have the same length"),
    ],
)
def test_invalid_inputs_raise_clear_value_errors(numerator, denominator, message):
    with pytest.raises(ValueError, match=message):
        proportion(numerator, denominator)


def test_invalid_options_raise():
    with pytest.raises(ValueError, match="confidence must be between 0.9 and 1"):
        proportion(1, 10, confidence=0.5)
    with pytest.raises(ValueError, match="multiplier must be a positive number"):
        proportion(1, 10, multiplier=0)


def test_error_names_index_label_for_labelled_series():
    with pytest.raises(ValueError, match="index 'E2'"):
        proportion(pd.Series([1, -2], index=["E1", "E2"]), 10)
