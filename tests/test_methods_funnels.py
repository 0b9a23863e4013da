"""Funnel limits and significance (PHE method) and Spiegelhalter limits with overdispersion."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.optimize import brentq

from stp_analytics.methods import (
    FUNNEL_LABELS,
    funnel_proportion_limits,
    funnel_significance,
    overdispersion_tau2,
    spiegelhalter_limits,
)
from stp_analytics.methods.proportions import wilson_limits


def _phe_sigma_adjustment(p, population, average, side):
    """PHEindicatormethods' sigma_adjustment (R/Funnels.R), transcribed as an independent check."""
    q = stats.norm.ppf(p) ** 2
    first = average * (population / q + 1)
    adj = np.sqrt(
        (-8 * average * (population / q + 1)) ** 2
        - 64 * (1 / q + 1 / population) * average
        * (population * (average * (population / q + 2) - 1) + q * (average - 1))
    )
    last = 1 / q + 1 / population
    return ((first - adj / 8) if side == "low" else (first + adj / 8)) / last / population


@pytest.mark.parametrize("level, p", [(0.95, 0.975), (0.998, 0.999)])
@pytest.mark.parametrize("baseline", [0.02, 0.3, 0.75])
def test_limits_match_phe_sigma_adjustment_and_invert_wilson(level, p, baseline):
    denominators = np.array([50.0, 400, 5000, 120000])
    limits = funnel_proportion_limits(denominators, baseline, level)
    expected_low = np.clip(_phe_sigma_adjustment(p, denominators, baseline, "low"), 0, 1)
    expected_high = _phe_sigma_adjustment(p, denominators, baseline, "high")
    np.testing.assert_allclose(limits["lower"], expected_low, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(limits["upper"], expected_high, rtol=1e-9)
    # the upper control limit is the proportion whose Wilson lower limit equals the baseline
    for n, upper in zip(denominators, limits["upper"], strict=True):
        def gap(x, n=n):
            return wilson_limits([x * n], [n], level)[0][0] - baseline

        solved = brentq(gap, baseline, 1)
        assert upper == pytest.approx(solved, rel=1e-8)


def test_limits_clipped_and_scaled_by_multiplier():
    limits = funnel_proportion_limits([5, 10_000], 0.05, 0.998, multiplier=100)
    assert limits["lower"].iloc[0] == 0
    assert (limits["upper"] <= 100).all()
    assert limits["baseline"].iloc[1] == pytest.approx(5)


def test_proportion_significance_against_phe_example():
    numerator = pd.Series([10232, 12321, 15123, 13213], index=list("ABCD"))
    denominator = pd.Series([15232, 16123, 17932, 18475], index=list("ABCD"))
    labels = funnel_significance(numerator, denominator)
    average = numerator.sum() / denominator.sum()
    observed = numerator / denominator
    expected = []
    for x, n in zip(observed, denominator, strict=True):
        if x < _phe_sigma_adjustment(0.999, n, average, "low"):
            expected.append("Low (0.001)")
        elif x < _phe_sigma_adjustment(0.975, n, average, "low"):
            expected.append("Low (0.025)")
        elif x > _phe_sigma_adjustment(0.999, n, average, "high"):
            expected.append("High (0.001)")
        elif x > _phe_sigma_adjustment(0.975, n, average, "high"):
            expected.append("High (0.025)")
        else:
            expected.append("Not significant")
    assert list(labels) == expected
    assert labels.index.tolist() == list("ABCD")
    assert set(labels) <= set(FUNNEL_LABELS)


def test_all_five_labels_and_missing():
    # baseline 0.5 on 10,000 each: z*sqrt(.25/1e4) = 0.0098 (95%), 0.0155 (99.8%)
    numerator = [5200, 5120, 5000, 4880, 4800, np.nan] + [5000] * 20
    labels = funnel_significance(numerator, 10_000)
    assert list(labels[:5]) == list(FUNNEL_LABELS)
    assert pd.isna(labels.iloc[5])


def test_ratio_significance_uses_exact_or_byars_limits_of_o_over_e():
    labels = funnel_significance([30, 14, 5, 100, 3], [1, 1, 1, 1, 1], kind="ratio",
                                 expected=[10, 10, 10, 100, 12])
    assert list(labels) == ["High (0.001)", "Not significant", "Not significant",
                            "Not significant", "Low (0.025)"]


@pytest.mark.parametrize("kind", ["ratio", "rate"])
def test_ratio_with_expected_needs_no_denominator(kind):
    # issue 20 item 7: a None denominator with E given used to give all-missing labels silently
    observed, expected = [30, 14, 5, 100, 3], [10, 10, 10, 100, 12]
    without = funnel_significance(observed, None, kind=kind, expected=expected)
    with_ones = funnel_significance(observed, [1, 1, 1, 1, 1], kind=kind, expected=expected)
    pd.testing.assert_series_equal(without, with_ones)
    assert without.notna().all()
    # a missing denominator on one row does not matter either when E is given
    gaps = funnel_significance(observed, [1, np.nan, 1, 1, 1], kind=kind, expected=expected)
    pd.testing.assert_series_equal(gaps, with_ones)
    # but a missing E does
    assert pd.isna(funnel_significance(observed, None, kind=kind,
                                       expected=[10, np.nan, 10, 100, 12]).iloc[1])


@pytest.mark.parametrize("kind, expected, needs", [
    ("proportion", None, "kind='proportion'"),
    ("ratio", None, "expected=None"),
    ("rate", None, "expected=None"),
    ("proportion", [1, 1], "kind='proportion'"),
])
def test_missing_denominator_without_expected_raises(kind, expected, needs):
    with pytest.raises(ValueError, match=f"denominator is required with {needs} \\(got None\\)"):
        funnel_significance([1, 2], None, kind=kind, expected=expected)


def test_rate_significance_expected_from_overall_rate():
    labels = funnel_significance([200, 100, 40], [1000, 1000, 1000], kind="rate")
    assert labels.iloc[0].startswith("High") and labels.iloc[2].startswith("Low")


def test_spiegelhalter_poisson_limits():
    limits = spiegelhalter_limits([1.0, 10, 1000], target=1, confidence=0.95)
    assert limits["lower"].iloc[1] == pytest.approx(stats.chi2.ppf(0.025, 20) / 20)
    assert limits["upper"].iloc[1] == pytest.approx(stats.chi2.ppf(0.975, 22) / 20)
    assert ((limits["lower"] < 1) & (limits["upper"] > 1)).all()
    assert (np.diff(limits["upper"]) < 0).all()  # the funnel narrows as E grows
    hundred = spiegelhalter_limits([10], target=100)
    assert hundred["upper"].iloc[0] == pytest.approx(100 * limits["upper"].iloc[1])


def test_overdispersion_tau2_hand_computed_and_wider_limits():
    observed, expected = [100, 150, 50], [100, 100, 100]
    z = 10 * np.log(np.array([1.0, 1.5, 0.5]))
    low = z[2] + 0.2 * (z[0] - z[2])  # type-7 10th percentile of (z2, z0, z1)
    high = z[0] + 0.8 * (z[1] - z[0])  # 90th percentile
    clipped = np.clip(z, low, high)
    phi = np.sum(clipped**2) / 3
    expected_tau2 = (3 * phi - 2) / (300 - 30000 / 300)
    tau2 = overdispersion_tau2(observed, expected)
    assert tau2 == pytest.approx(expected_tau2)
    wide = spiegelhalter_limits([100], overdispersion=tau2)
    narrow = spiegelhalter_limits([100], overdispersion=0)
    assert wide["upper"].iloc[0] > narrow["upper"].iloc[0]
    assert wide["lower"].iloc[0] < narrow["lower"].iloc[0]
    assert narrow["upper"].iloc[0] == pytest.approx(np.exp(1.959964 * np.sqrt(0.01)), rel=1e-6)
    assert overdispersion_tau2([10, 10], [10, 10]) == 0


def test_invalid_inputs_raise():
    with pytest.raises(ValueError, match="baseline must be a proportion between 0 and 1"):
        funnel_proportion_limits([10], 1.5, 0.95)
    with pytest.raises(ValueError, match="denominators must be greater than zero"):
        funnel_proportion_limits([10, 0], 0.5, 0.95)
    with pytest.raises(ValueError, match="kind must be one of 'proportion', 'ratio', 'rate'"):
        funnel_significance([1], [2], kind="mean")
    with pytest.raises(ValueError, match="numerator must be less than or equal to denominator"):
        funnel_significance([3], [2])
    with pytest.raises(ValueError, match="expected must be greater than zero"):
        spiegelhalter_limits([0])
    with pytest.raises(ValueError, match="overdispersion must be None or a number >= 0"):
        spiegelhalter_limits([1], overdispersion=-1)
