"""Making Data Count XmR charts: NHSRplotthedots rule cases, assurance cases and the MDC demo."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stp_analytics.methods import spc, xmr
from stp_analytics.methods.spc import POINT_TYPES, assurance_type

SPC = Path(__file__).parent / "reference" / "spc"
RULES = pd.read_csv(SPC / "rule_unit_cases.csv")
ASSURANCE = pd.read_csv(SPC / "assurance_cases.csv", keep_default_na=False)
DEMO = pd.read_csv(SPC / "xmr_mdc_demo_input.csv")


def _numbers(text: str) -> list[float]:
    return [float(part) for part in text.split(";")]


@pytest.mark.parametrize("row", RULES.to_dict("records"), ids=lambda r: r["function"])
def test_every_rule_unit_case(row):
    function = getattr(spc, row["function"])
    arguments = [_numbers(row["input"])]
    if isinstance(row["input2"], str):
        arguments.append(_numbers(row["input2"]))
    assert list(function(*arguments)) == _numbers(row["expected"])


@pytest.mark.parametrize("row", ASSURANCE.to_dict("records"), ids=str)
def test_every_assurance_case(row):
    expected = None if row["expected_assurance"] == "NA" else row["expected_assurance"]
    direction = row["improvement_direction"]
    assert assurance_type(row["lpl"], row["upl"], row["target"], direction) == expected


def test_mdc_demo_mean_limits_and_point_beyond_a_limit():
    chart = xmr(DEMO["y"])
    assert chart["mean"].iloc[0] == pytest.approx(76.67, abs=0.005)
    assert chart["lpl"].iloc[0] == pytest.approx(57, abs=0.5)
    assert chart["upl"].iloc[0] == pytest.approx(96, abs=0.5)
    beyond = (chart["value"] > chart["upl"]) | (chart["value"] < chart["lpl"])
    assert list(beyond) == list(DEMO["expected_outside_limits"])
    assert DEMO.loc[beyond.to_numpy(), "i"].tolist() == [12]
    assert chart["point_type"].iloc[11] == "special_cause_neutral_low"
    assert chart["rule"].iloc[11] == "outside_limits"
    assert chart.attrs["variation"] == "common_cause"
    assert chart.attrs["trial_limits"] is False


def test_improvement_direction_gives_concern_and_assurance_uses_the_limits():
    chart = xmr(DEMO["y"], improvement="increase", target=95)
    assert chart["point_type"].iloc[11] == "special_cause_concern"
    assert chart.attrs["assurance"] == "inconsistent"
    assert xmr(DEMO["y"], improvement="increase", target=99).attrs["assurance"] == "consistent_fail"
    assert xmr(DEMO["y"], improvement="decrease", target=99).attrs["assurance"] == "consistent_pass"
    assert xmr(DEMO["y"], improvement="decrease").attrs["assurance"] is None


def test_screening_drops_large_moving_ranges():
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 60, 10, 11, 10, 11]
    screened = xmr(values)
    unscreened = xmr(values, screen_outliers=False)
    assert screened["upl"].iloc[0] < unscreened["upl"].iloc[0]
    ranges = np.abs(np.diff(values))
    kept = ranges[ranges < 3.267 * ranges.mean()]
    assert screened["upl"].iloc[0] == pytest.approx(np.mean(values) + 2.66 * kept.mean())


def test_shift_flags_every_point_of_the_run_and_trend_all_seven():
    shift = xmr([4, 6, 4, 6, 4, 6, 4, 6, 4] + [5.5] * 7 + [4], improvement="increase")
    flagged = shift["rule"].str.contains("shift")
    assert flagged.tolist() == [False] * 9 + [True] * 7 + [False]
    assert set(shift["point_type"][flagged]) == {"special_cause_improvement"}
    trend = xmr([5, 1, 2, 3, 4, 5, 6, 7, 3, 4, 3, 4, 3], improvement="decrease")
    rising = trend["rule"].str.contains("trend")
    assert rising.tolist() == [False] + [True] * 7 + [False] * 5
    assert trend["point_type"][2] == "special_cause_concern"


def test_run_length_six_option():
    values = [5, 1, 2, 3, 4, 5, 6, 3, 4, 3, 4, 3, 4]
    assert not xmr(values)["rule"].str.contains("trend").any()
    assert xmr(values, run_length=6)["rule"].str.contains("trend").sum() == 6


def test_two_in_three_beyond_the_same_2_sigma_line():
    values = [10, 10.5] * 10 + [11.4, 10.5, 11.4, 10.2, 10.3]
    chart = xmr(values)
    paired = chart["rule"].str.contains("two_in_three")
    assert chart["upper_2s"].iloc[0] < 11.4 < chart["upl"].iloc[0]
    # points 20 and 22 are beyond the upper 2-sigma line; 21 is in the window but not flagged
    assert paired.tolist() == [False] * 20 + [True, False, True] + [False] * 2
    # the same two points either side of the mean do not count
    mirrored = xmr([10, 10.5] * 10 + [11.4, 10.5, 9.3, 10.2, 10.3])
    assert not mirrored["rule"].str.contains("two_in_three").any()


def test_baseline_and_trial_limits():
    chart = xmr(DEMO["y"], baseline=10)
    assert chart["mean"].iloc[0] == pytest.approx(DEMO["y"][:10].mean())
    assert chart.attrs["trial_limits"] is True
    assert "trial limits" in chart.attrs["note"]


def test_missing_values_and_tiny_series_are_defined():
    chart = xmr(pd.Series([1.0, np.nan, 2, 3], index=list("abcd")))
    assert chart.index.tolist() == list("abcd")
    assert pd.isna(chart.loc["b", "point_type"])
    assert set(chart["point_type"].dropna()) <= set(POINT_TYPES)
    single = xmr([4.0])
    assert single["point_type"].isna().all()
    assert single.attrs["variation"] is None
    assert "too few points" in single.attrs["note"]
    assert xmr([]).empty


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"improvement": "up"}, "improvement must be one of"),
        ({"run_length": 8}, "run_length must be 6 or 7"),
        ({"baseline": 1}, "baseline must be at least 2"),
        ({"screen_outliers": "yes"}, "screen_outliers must be True or False"),
    ],
)
def test_invalid_options_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        xmr([1, 2, 3], **kwargs)
