"""Slope and relative index of inequality (PHE phe_sii): hand-worked fits, properties, edges."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.methods import sii

QUINTILES = [1, 2, 3, 4, 5]
EQUAL = [200, 200, 200, 200, 200]


def _row(frame: pd.DataFrame) -> pd.Series:
    assert len(frame) == 1
    return frame.iloc[0]


def test_equal_populations_straight_line_is_fitted_exactly():
    # Equal populations: each share a = 0.2, relative ranks b = 0.1, 0.3, 0.5, 0.7, 0.9.
    # Values 10, 9, 8, 7, 6 lie on y = 10.5 - 5b (b = 0.1 -> 10, b = 0.9 -> 6), so the slope
    # (SII) is -5, the fitted value at b = 0 (intercept) is 10.5 and
    # RII = (10.5 - 5) / 10.5 = 11/21.
    row = _row(sii(QUINTILES, EQUAL, [10, 9, 8, 7, 6], se=[0.5] * 5, repetitions=2000))
    assert row["sii"] == pytest.approx(-5, rel=1e-12)
    assert row["intercept"] == pytest.approx(10.5, rel=1e-12)
    assert row["rii"] == pytest.approx(11 / 21, rel=1e-12)
    assert row["note"] == ""
    assert row["quantiles"] == 5


def test_unequal_populations_weighted_least_squares_by_hand():
    # Populations 100, 300, 200, 200, 200 (total 1000): shares a = .1, .3, .2, .2, .2;
    # cumulative .1, .4, .6, .8, 1; midpoints b = .05, .25, .5, .7, .9.
    # Weighted means: b̄ = Σab = .005 + .075 + .1 + .14 + .18 = .5;
    #                 ȳ = Σay = 1.2 + 3 + 1.8 + 1.4 + 1.2 = 8.6 for y = 12, 10, 9, 7, 6.
    # Sxy = Σa(b - b̄)(y - ȳ) = .1(-.45)(3.4) + .3(-.25)(1.4) + 0 + .2(.2)(-1.6) + .2(.4)(-2.6)
    #     = -.153 - .105 - .064 - .208 = -.53
    # Sxx = Σa(b - b̄)² = .02025 + .01875 + 0 + .008 + .032 = .079
    # slope = -.53/.079 = -530/79; intercept = 8.6 + (530/79)(.5) = 8.6 + 265/79.
    slope = -530 / 79
    intercept = 8.6 + 265 / 79
    row = _row(sii(QUINTILES, [100, 300, 200, 200, 200], [12, 10, 9, 7, 6], se=[0.4] * 5,
                   repetitions=2000))
    assert row["sii"] == pytest.approx(slope, rel=1e-12)
    assert row["intercept"] == pytest.approx(intercept, rel=1e-12)
    assert row["rii"] == pytest.approx((intercept + slope) / intercept, rel=1e-12)


def test_quantiles_are_sorted_before_the_fit():
    shuffled = sii([3, 1, 5, 2, 4], [200, 100, 200, 300, 200], [9, 12, 6, 10, 7], se=0.4,
                   repetitions=2000)
    ordered = sii(QUINTILES, [100, 300, 200, 200, 200], [12, 10, 9, 7, 6], se=0.4,
                  repetitions=2000)
    pd.testing.assert_frame_equal(shuffled, ordered)


def test_multiplier_scales_sii_and_intercept_and_negative_inverts_rii():
    # Multiplier 100: SII -5 -> -500 and intercept 10.5 -> 1050; RII unchanged.
    # Multiplier -100: SII +500, RII 21/11 (the inverse), intercept still 1050 (|m|).
    base = _row(sii(QUINTILES, EQUAL, [10, 9, 8, 7, 6], se=0.5, repetitions=2000))
    hundred = _row(sii(QUINTILES, EQUAL, [10, 9, 8, 7, 6], se=0.5, multiplier=100,
                       repetitions=2000))
    minus = _row(sii(QUINTILES, EQUAL, [10, 9, 8, 7, 6], se=0.5, multiplier=-100,
                     repetitions=2000))
    assert hundred["sii"] == pytest.approx(-500)
    assert hundred["intercept"] == pytest.approx(1050)
    assert hundred["rii"] == pytest.approx(base["rii"])
    assert minus["sii"] == pytest.approx(500)
    assert minus["rii"] == pytest.approx(21 / 11)
    assert minus["intercept"] == pytest.approx(1050)
    # same draws: the limits swap ends and change sign (to within one order statistic: PHE's
    # positions round(R·0.025) and round(R·0.975) are not mirror images of each other)
    assert minus["sii_lower"] == pytest.approx(-100 * base["sii_upper"], rel=0.01)
    assert minus["sii_upper"] == pytest.approx(-100 * base["sii_lower"], rel=0.01)
    assert minus["rii_lower"] == pytest.approx(1 / base["rii_upper"], rel=0.01)
    assert minus["rii_upper"] == pytest.approx(1 / base["rii_lower"], rel=0.01)


def test_log_transform_of_an_exponential_profile_by_hand():
    # Rates exp(2 - b) with equal populations: on the log scale the fit is exactly
    # log y = 2 - b, so back-transformed SII = e^(2-1) - e^2 = e - e², RII = e/e² = 1/e,
    # intercept e². With multiplier -1 the SII changes sign and the RII becomes e.
    b = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    rates = np.exp(2 - b)
    row = _row(sii(QUINTILES, EQUAL, rates, value_type="rate", transform=True,
                   lower=rates * 0.9, upper=rates * 1.1, repetitions=2000))
    assert row["sii"] == pytest.approx(np.e - np.e**2, rel=1e-12)
    assert row["rii"] == pytest.approx(1 / np.e, rel=1e-12)
    assert row["intercept"] == pytest.approx(np.e**2, rel=1e-12)
    assert row["transform"] == "log"
    inverted = _row(sii(QUINTILES, EQUAL, rates, value_type="rate", transform=True,
                        lower=rates * 0.9, upper=rates * 1.1, multiplier=-1, repetitions=2000))
    assert inverted["sii"] == pytest.approx(np.e**2 - np.e, rel=1e-12)
    assert inverted["rii"] == pytest.approx(np.e, rel=1e-12)
    assert inverted["sii_lower"] <= inverted["sii"] <= inverted["sii_upper"]
    assert inverted["rii_lower"] <= inverted["rii"] <= inverted["rii_upper"]


def test_logit_transform_of_a_logistic_profile_by_hand():
    # Proportions expit(-1 - 2b): logit-scale fit is -1 - 2b exactly, so
    # SII = expit(-3) - expit(-1), RII = expit(-3)/expit(-1), intercept expit(-1).
    b = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    p = 1 / (1 + np.exp(1 + 2 * b))

    def expit(x):
        return 1 / (1 + np.exp(-x))

    row = _row(sii(QUINTILES, EQUAL, p, value_type="proportion", transform=True,
                   lower=p * 0.95, upper=p * 1.05, multiplier=100, repetitions=2000))
    assert row["sii"] == pytest.approx(100 * (expit(-3) - expit(-1)), rel=1e-12)
    assert row["rii"] == pytest.approx(expit(-3) / expit(-1), rel=1e-12)
    assert row["intercept"] == pytest.approx(100 * expit(-1), rel=1e-12)
    assert row["transform"] == "logit"


def test_se_derived_from_95_limits_as_phe_does():
    # For value_type "other" PHE takes se = (upper - lower) / (2 × 1.959964): limits of
    # value ± 1.959964 × 0.5 give exactly the same simulation as se = 0.5.
    values = np.array([10, 9, 8, 7, 6.0])
    half = stats.norm.ppf(0.975) * 0.5
    from_se = sii(QUINTILES, EQUAL, values, se=0.5, repetitions=5000)
    from_limits = sii(QUINTILES, EQUAL, values, lower=values - half, upper=values + half,
                      repetitions=5000)
    pd.testing.assert_frame_equal(from_se, from_limits)


def test_simulated_limits_match_the_normal_theory_interval():
    # For value_type "other" the simulated slope is normal with variance [(XᵀX)⁻¹XᵀΣX(XᵀX)⁻¹]
    # restricted to the slope, Σ = diag(a·se²) (the draws are multiplied by √a), so the
    # simulated 95% limits should be within about 1% of slope ± 1.96·sd with 100,000 reps.
    population = np.array([100, 300, 200, 200, 200.0])
    se = np.array([0.4, 0.3, 0.5, 0.2, 0.6])
    a = population / population.sum()
    b = np.cumsum(a) - a / 2
    design = np.column_stack([np.sqrt(a), b * np.sqrt(a)])
    hat = np.linalg.solve(design.T @ design, design.T)
    sd = np.sqrt((hat @ np.diag(a * se**2) @ hat.T)[1, 1])
    row = _row(sii(QUINTILES, population, [12, 10, 9, 7, 6], se=se))
    z = stats.norm.ppf(0.975)
    assert row["sii_lower"] == pytest.approx(row["sii"] - z * sd, rel=0.01)
    assert row["sii_upper"] == pytest.approx(row["sii"] + z * sd, rel=0.01)


@pytest.mark.parametrize("value_type, transform", [
    ("other", False), ("rate", False), ("rate", True), ("proportion", False),
    ("proportion", True),
])
def test_confidence_interval_contains_the_estimate(value_type, transform):
    values = np.array([0.12, 0.10, 0.09, 0.07, 0.06])
    row = _row(sii(QUINTILES, [5000, 8000, 7000, 6000, 4000], values, value_type=value_type,
                   transform=transform, lower=values * 0.9, upper=values * 1.1,
                   repetitions=5000))
    assert row["sii_lower"] < row["sii"] < row["sii_upper"]
    assert row["rii_lower"] < row["rii"] < row["rii_upper"]
    wider = _row(sii(QUINTILES, [5000, 8000, 7000, 6000, 4000], values, value_type=value_type,
                     transform=transform, lower=values * 0.9, upper=values * 1.1,
                     confidence=0.998, repetitions=5000))
    assert wider["sii_lower"] < row["sii_lower"] and wider["sii_upper"] > row["sii_upper"]


def test_deterministic_with_the_seed_and_seed_matters():
    args = (QUINTILES, [100, 300, 200, 200, 200], [12, 10, 9, 7, 6])
    first = sii(*args, se=0.4, repetitions=3000)
    again = sii(*args, se=0.4, repetitions=3000)
    other = sii(*args, se=0.4, repetitions=3000, seed=7)
    pd.testing.assert_frame_equal(first, again)
    assert first.loc[0, "sii"] == other.loc[0, "sii"]
    assert first.loc[0, "sii_lower"] != other.loc[0, "sii_lower"]


def test_flat_profile_has_zero_sii_and_unit_rii():
    row = _row(sii(QUINTILES, [100, 300, 200, 250, 150], [7.5] * 5, se=0.3, repetitions=2000))
    assert row["sii"] == pytest.approx(0, abs=1e-12)
    assert row["rii"] == pytest.approx(1, abs=1e-12)
    assert row["intercept"] == pytest.approx(7.5)


def test_scaling_values_and_errors_scales_sii_but_not_rii():
    base = _row(sii(QUINTILES, [100, 300, 200, 200, 200], [12, 10, 9, 7, 6], se=0.4,
                    repetitions=2000))
    scaled = _row(sii(QUINTILES, [100, 300, 200, 200, 200], [36, 30, 27, 21, 18], se=1.2,
                      repetitions=2000))
    assert scaled["sii"] == pytest.approx(3 * base["sii"])
    assert scaled["sii_lower"] == pytest.approx(3 * base["sii_lower"])
    assert scaled["rii"] == pytest.approx(base["rii"])


def test_reversing_the_order_flips_the_sign():
    # Relabelling quantile q as 6 - q maps b to 1 - b, so the slope changes sign exactly.
    values = [12, 10, 9, 7, 6]
    population = [100, 300, 200, 200, 200]
    forward = _row(sii(QUINTILES, population, values, se=0.4, repetitions=2000))
    backward = _row(sii([5, 4, 3, 2, 1], population, values, se=0.4, repetitions=2000))
    assert backward["sii"] == pytest.approx(-forward["sii"], rel=1e-12)


def test_deciles_are_accepted():
    deciles = list(range(1, 11))
    values = np.linspace(80, 75, 10)
    row = _row(sii(deciles, [1000] * 10, values, se=0.5, repetitions=2000))
    # equal tenths: b = .05 ... .95, values fall 5/9 per decile = 5/0.9 per unit of b
    assert row["sii"] == pytest.approx(-5 / 0.9, rel=1e-12)
    assert row["quantiles"] == 10


@pytest.mark.parametrize("name", ["value", "se", "population"])
def test_missing_input_gives_missing_result_with_note(name):
    inputs = {"value": [12.0, 10, 9, 7, 6], "se": [0.4] * 5, "population": [100.0, 300, 200,
                                                                             200, 200]}
    inputs[name][2] = np.nan
    row = _row(sii(QUINTILES, inputs["population"], inputs["value"], se=inputs["se"],
                   repetitions=2000))
    assert np.isnan(row[["sii", "sii_lower", "sii_upper", "rii", "intercept"]].astype(float)).all()
    assert row["note"] == f"{name} missing for quantile 3"


def test_one_quantile_is_refused():
    with pytest.raises(DataValidationError, match=r"between 5 and 100 quantiles.*\(got 1\)"):
        sii([1], [1000], [7.5], se=[0.2])


def test_missing_limit_gives_missing_result():
    row = _row(sii(QUINTILES, EQUAL, [10, 9, 8, 7, 6], lower=[9, 8, np.nan, 6, 5],
                   upper=[11, 10, 9, 8, 7], repetitions=2000))
    assert np.isnan(row["sii"]) and row["note"] == "lower missing for quantile 3"


@pytest.mark.parametrize("kwargs, error, message", [
    ({"quantile": [1, 2, 3, 4], "population": [1, 2, 3, 4], "value": [4, 3, 2, 1],
      "se": [0.1] * 4}, DataValidationError, r"between 5 and 100 quantiles.*\(got 4\)"),
    ({"quantile": [1, 2, 3, 4]}, ParameterError, "same length"),
    ({"quantile": [1, 2, 2, 4, 5]}, DataValidationError,
     r"unique within the area \(quantile 2 appears 2 times\)"),
    ({"quantile": [1, 2, np.nan, 4, 5]}, DataValidationError, "quantile must not be missing"),
    ({"population": [100, 0, 100, 100, 100]}, DataValidationError,
     "population must be greater than zero .*got 0 at position 1"),
    ({"population": [100, "many", 100, 100, 100]}, ParameterError, "population must be numeric"),
    ({"se": [0.1, -0.1, 0.1, 0.1, 0.1]}, DataValidationError, "se must be greater than or equal"),
    ({"value_type": "ratio"}, ParameterError, "value_type must be one of"),
    ({"transform": True}, ParameterError, "transform=True needs value_type"),
    ({"transform": "yes"}, ParameterError, "transform must be True or False"),
    ({"value_type": "rate", "transform": True}, ParameterError, "se must not be given"),
    ({"se": None}, ParameterError, "either se, or both lower and upper"),
    ({"multiplier": 0}, ParameterError, "multiplier must be a non-zero number"),
    ({"confidence": 95}, ParameterError, "confidence must be between 0.9 and 1"),
    ({"repetitions": 999}, ParameterError, "repetitions must be at least 1000"),
    ({"value": [10, 9, np.inf, 7, 6]}, DataValidationError, "value must be a finite number"),
])
def test_bad_input_raises_plain_english_errors(kwargs, error, message):
    arguments = {"quantile": QUINTILES, "population": EQUAL, "value": [10, 9, 8, 7, 6],
                 "se": [0.5] * 5, "repetitions": 2000}
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        sii(arguments.pop("quantile"), arguments.pop("population"), arguments.pop("value"),
            **arguments)


def test_proportions_must_be_strictly_between_zero_and_one():
    with pytest.raises(DataValidationError, match="strictly between 0 and 1.*got 12"):
        sii(QUINTILES, EQUAL, [12, 10, 9, 7, 6], value_type="proportion", se=0.1)
    with pytest.raises(DataValidationError, match="upper must be a proportion.*got 1 at"):
        sii(QUINTILES, EQUAL, [0.5] * 5, value_type="proportion", lower=[0.4] * 5,
            upper=[1, 0.6, 0.6, 0.6, 0.6])


def test_rates_must_be_positive_and_limits_ordered():
    with pytest.raises(DataValidationError, match="value must be greater than zero"):
        sii(QUINTILES, EQUAL, [10, 0, 8, 7, 6], value_type="rate", se=0.1)
    with pytest.raises(DataValidationError, match="lower must be less than or equal to upper"):
        sii(QUINTILES, EQUAL, [10, 9, 8, 7, 6], lower=[9, 10, 7, 6, 5], upper=[11, 9.5, 9, 8, 7])


def test_min_quantiles_lets_a_caller_fit_fewer_quantiles():
    # Three equal quantiles: b = 1/6, 1/2, 5/6; values 9, 8, 7 lie on y = 9.5 - 3b.
    row = _row(sii([1, 2, 3], [100, 100, 100], [9, 8, 7], se=0.2, min_quantiles=3,
                   repetitions=2000))
    assert row["sii"] == pytest.approx(-3, rel=1e-12)
    assert row["quantiles"] == 3
    with pytest.raises(DataValidationError, match=r"between 4 and 100 quantiles \(got 3\)"):
        sii([1, 2, 3], [100, 100, 100], [9, 8, 7], se=0.2, min_quantiles=4)
