"""Crude rates against PHEindicatormethods' workbooks (tests/reference/phe)."""

import numpy as np
import pandas as pd
import pytest
from phe_reference import LEVELS, PHE, assert_close

from stp_analytics.methods import rate


@pytest.mark.parametrize(
    ("level", "lower_column", "upper_column"),
    [(level, *columns) for level, columns in LEVELS.items()],
)
def test_every_row_of_rate_csv(level, lower_column, upper_column):
    cases = pd.read_csv(PHE / "rate.csv")
    for multiplier, rows in cases.groupby("multiplier"):
        result = rate(rows["Numerator"], rows["Denominator"], level, multiplier)
        assert_close(result["value"], rows["value"])
        assert_close(result["lower"], rows[lower_column])
        assert_close(result["upper"], rows[upper_column])
        assert (result["statistic"] == rows["statistic"]).all()
        assert list(result["method"]) == list(rows["method"].fillna(""))


def test_every_row_of_rate_grouped_csv():
    expected = pd.read_csv(PHE / "rate_grouped.csv").set_index("Area")
    single = pd.read_csv(PHE / "rate.csv").query("multiplier == 100000")
    doubled = pd.concat([single.query("Area != 'Area12'")] * 2 + [single.query("Area == 'Area12'")])
    result = rate(doubled["Numerator"], doubled["Denominator"], 0.95, by=doubled["Area"])
    result = result.loc[expected.index]
    assert_close(result["value"], expected["value"])
    assert_close(result["lower"], expected["lowercl"])
    assert_close(result["upper"], expected["uppercl"])
    assert list(result["method"]) == list(expected["method"].fillna(""))


def test_count_above_denominator_is_allowed_and_zero_count_has_zero_lower():
    result = rate([250, 0], [220, 1000])
    assert result["value"].iloc[0] == pytest.approx(250 / 220 * 100_000)
    assert result["lower"].iloc[1] == 0
    assert result["upper"].iloc[1] > 0


def test_missing_count_gives_missing_row():
    result = rate([np.nan], [100])
    assert result[["value", "lower", "upper"]].isna().all(axis=None)
    assert result["note"].iloc[0] == "count or denominator missing"


@pytest.mark.parametrize(
    ("count", "denominator", "message"),
    [
        ([5, -1], 10, r"count must be greater than or equal to zero \(got -1 at position 1\)"),
        (5, 0, "denominator must be greater than zero"),
        (np.inf, 10, "count must be a finite number"),
    ],
)
def test_invalid_inputs_raise(count, denominator, message):
    with pytest.raises(ValueError, match=message):
        rate(count, denominator)
