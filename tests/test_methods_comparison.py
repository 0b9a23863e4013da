"""Fingertips comparisons: every case of fingertips/single_overlapping_ci_cases.csv, plus double."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stp_analytics.methods import compare

FINGERTIPS = Path(__file__).parent / "reference" / "fingertips"
# "None" is a label here, not a missing value: only empty cells are missing
CASES = pd.read_csv(
    FINGERTIPS / "single_overlapping_ci_cases.csv", keep_default_na=False, na_values=[""]
)
# the upstream file writes polarity as "low_is_good(0)" and uses "Same"/"None" for our labels
POLARITY = {"low_is_good(0)": "low_is_good", "high_is_good(1)": "high_is_good"}
LABEL = {"Same": "Similar", "None": "Not compared", "Better": "Better", "Worse": "Worse"}


@pytest.mark.parametrize("row", CASES.to_dict("records"), ids=str)
def test_every_single_overlapping_case(row):
    label = compare(
        row["value"], row["lower_ci"], row["upper_ci"], row["benchmark_value"],
        POLARITY[row["polarity"]],
    )
    assert label.iloc[0] == LABEL[row["expected"]]


def test_vectorised_over_cases_with_per_row_polarity_keeps_index():
    frame = CASES.set_index(pd.Index([f"r{i}" for i in range(len(CASES))]))
    labels = compare(
        frame["value"], frame["lower_ci"], frame["upper_ci"], frame["benchmark_value"],
        frame["polarity"].map(POLARITY),
    )
    assert labels.index.equals(frame.index)
    assert list(labels) == list(frame["expected"].map(LABEL))


def test_no_polarity_says_higher_or_lower():
    labels = compare([5, 1, 3], [4, 0.5, 2], [6, 1.5, 4], 3, "none")
    assert list(labels) == ["Higher", "Lower", "Similar"]


def test_double_overlap_method():
    labels = compare(
        [5, 5, 1, 5], [4.5, 4, 0.5, 4], [5.5, 6, 1.5, 6], [3, 3, 3, 3], "high_is_good",
        method="double",
        benchmark_lower=[2.9, 2, 2.9, np.nan],
        benchmark_upper=[3.1, 4.2, 3.1, 3.1],
    )
    assert list(labels) == ["Better", "Similar", "Worse", "Not compared"]


def test_method_none_and_missing_benchmark():
    assert list(compare([1, 2], [0, 1], [2, 3], 1, "high_is_good", method="none")) == [
        "Not compared", "Not compared"
    ]
    assert compare(1, 0, 2, np.nan, "low_is_good").iloc[0] == "Not compared"


def test_unknown_labels_are_refused_with_the_allowed_values():
    allowed = "polarity must be one of 'high_is_good', 'low_is_good', 'none'"
    with pytest.raises(ValueError, match=allowed):
        compare(1, 0, 2, 1, "up")
    with pytest.raises(ValueError, match="method must be one of 'single', 'double', 'none'"):
        compare(1, 0, 2, 1, "none", method="triple")
    with pytest.raises(ValueError, match="needs benchmark_lower and benchmark_upper"):
        compare(1, 0, 2, 1, "none", method="double")
