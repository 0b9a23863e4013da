"""Property tests (hypothesis) for the methods: limits bracket the value, stay in range, widen
with confidence; zero and missing inputs give defined results; invalid input raises ValueError.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stp_analytics.methods import (
    ESP2013,
    POINT_TYPES,
    dsr,
    funnel_proportion_limits,
    isr,
    mean_ci,
    proportion,
    quintile,
    rank_areas,
    rate,
    spiegelhalter_limits,
    xmr,
)

SETTINGS = settings(max_examples=150, deadline=None)
LEVELS = st.sampled_from([0.9, 0.95, 0.99, 0.998])


@st.composite
def numerator_denominator(draw, max_size=20):
    denominators = draw(st.lists(st.integers(1, 10**7), min_size=1, max_size=max_size))
    numerators = [draw(st.integers(0, n)) for n in denominators]
    return np.array(numerators, dtype=float), np.array(denominators, dtype=float)


def _brackets(result):
    values = result[["lower", "value", "upper"]].to_numpy()
    return bool((values[:, 0] <= values[:, 1]).all() and (values[:, 1] <= values[:, 2]).all())


def _wider(narrow, wide):
    return bool(
        (wide["lower"].to_numpy() <= narrow["lower"].to_numpy()).all()
        and (wide["upper"].to_numpy() >= narrow["upper"].to_numpy()).all()
    )


@SETTINGS
@given(numerator_denominator(), LEVELS, st.sampled_from([1, 100, 1000]))
def test_proportion_limits_bracket_value_and_stay_in_range(counts, level, multiplier):
    x, n = counts
    result = proportion(x, n, level, multiplier)
    assert _brackets(result)
    assert (result["lower"] >= 0).all() and (result["upper"] <= multiplier).all()


@SETTINGS
@given(numerator_denominator())
def test_proportion_wider_at_99_8_than_95(counts):
    x, n = counts
    assert _wider(proportion(x, n, 0.95), proportion(x, n, 0.998))


@SETTINGS
@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=20),
    st.integers(1, 10**8),
    LEVELS,
)
def test_rate_limits_bracket_value_and_widen(counts, denominator, level):
    result = rate(counts, denominator, level)
    assert _brackets(result)
    assert (result["lower"] >= 0).all()
    assert _wider(rate(counts, denominator, 0.95), rate(counts, denominator, 0.998))


@st.composite
def standardisation_table(draw):
    bands = len(ESP2013)
    counts = draw(st.lists(st.integers(0, 500), min_size=bands, max_size=bands))
    pops = draw(st.lists(st.integers(1, 10**5), min_size=bands, max_size=bands))
    return pd.DataFrame({"count": counts, "pop": pops})


@SETTINGS
@given(standardisation_table())
def test_dsr_limits_bracket_value_widen_and_suppress_small_counts(table):
    narrow = dsr(table, "count", "pop", ESP2013, confidence=0.95)
    wide = dsr(table, "count", "pop", ESP2013, confidence=0.998)
    if table["count"].sum() < 10:
        assert narrow[["value", "lower", "upper"]].isna().all(axis=None)
        assert narrow["note"].iloc[0] != ""
    else:
        assert _brackets(narrow) and _brackets(wide)
        assert _wider(narrow, wide)


@SETTINGS
@given(standardisation_table(), st.sampled_from(["ratio", "rate"]))
def test_isr_limits_bracket_value_and_widen(table, kind):
    reference_count = np.arange(1, len(ESP2013) + 1) * 100.0
    reference_pop = np.full(len(ESP2013), 50_000.0)
    narrow = isr(table, "count", "pop", reference_count, reference_pop, kind=kind)
    wide = isr(table, "count", "pop", reference_count, reference_pop, kind=kind, confidence=0.998)
    assert _brackets(narrow) and _wider(narrow, wide)


@SETTINGS
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=40))
def test_mean_limits_bracket_value_and_widen(values):
    narrow, wide = mean_ci(values, 0.95), mean_ci(values, 0.998)
    assert narrow["lower"] <= narrow["value"] <= narrow["upper"]
    assert wide["lower"] <= narrow["lower"] and wide["upper"] >= narrow["upper"]


@SETTINGS
@given(st.lists(st.integers(1, 10**6), min_size=1, max_size=20), st.floats(0, 1), LEVELS)
def test_funnel_limits_within_range_around_baseline(denominators, baseline, level):
    narrow = funnel_proportion_limits(denominators, baseline, level, multiplier=100)
    assert (narrow["lower"] >= 0).all() and (narrow["upper"] <= 100).all()
    assert (narrow["lower"] <= narrow["baseline"] + 1e-12).all()
    assert (narrow["baseline"] <= narrow["upper"] + 1e-12).all()
    assert _wider(narrow, funnel_proportion_limits(denominators, baseline, 0.998, 100))


@SETTINGS
@given(st.lists(st.floats(0.01, 1e5), min_size=1, max_size=20))
def test_spiegelhalter_limits_contain_target_and_widen(expected):
    narrow = spiegelhalter_limits(expected, target=1)
    assert (narrow["lower"] < 1).all() and (narrow["upper"] > 1).all()
    assert _wider(narrow, spiegelhalter_limits(expected, target=1, confidence=0.998))


@SETTINGS
@given(
    st.lists(st.one_of(st.floats(-1e4, 1e4), st.just(np.nan)), min_size=0, max_size=40),
    st.sampled_from([None, "increase", "decrease"]),
    st.booleans(),
)
def test_xmr_is_defined_for_any_series(values, improvement, screen):
    chart = xmr(values, improvement=improvement, screen_outliers=screen)
    assert len(chart) == len(values)
    assert set(chart["point_type"].dropna()) <= set(POINT_TYPES)
    limits = chart[["lpl", "mean", "upl"]].dropna()
    assert (limits["lpl"] <= limits["mean"]).all() and (limits["mean"] <= limits["upl"]).all()


@SETTINGS
@given(
    st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(np.nan)), min_size=0, max_size=50),
    st.sampled_from(["high_is_good", "low_is_good", "none"]),
)
def test_quintiles_and_ranks_are_defined(values, polarity):
    categories = quintile(values, polarity).dropna()
    assert categories.between(1, 5).all()
    ranks = rank_areas(values, polarity)
    valid = int(np.sum(~np.isnan(np.asarray(values, dtype=float))))
    assert ranks["rank"].dropna().between(1, max(valid, 1)).all()
    assert ranks["rank"].notna().sum() == valid


@SETTINGS
@given(st.integers(1, 10**6), LEVELS)
def test_zero_and_missing_inputs_give_defined_results(denominator, level):
    zero = proportion(0, denominator, level)
    assert zero["value"].iloc[0] == 0 and zero["lower"].iloc[0] == 0
    assert zero["upper"].iloc[0] > 0
    assert rate(0, denominator, level)["lower"].iloc[0] == 0
    for result in (
        proportion(np.nan, denominator, level),
        proportion(1, np.nan, level),
        rate(np.nan, denominator, level),
        rate(5, np.nan, level),
    ):
        assert result[["value", "lower", "upper"]].isna().all(axis=None)
        assert result["note"].iloc[0] != ""


@SETTINGS
@given(st.integers(-10**6, -1), st.integers(0, 5))
def test_negative_counts_raise_naming_argument_and_position(negative, position):
    counts = [1.0] * 6
    counts[position] = negative
    message = (
        f"numerator must be greater than or equal to zero "
        f"\\(got {negative} at position {position}\\)"
    )
    with pytest.raises(ValueError, match=message):
        proportion(counts, 10**7)
    with pytest.raises(ValueError, match="count must be greater than or equal to zero"):
        rate(counts, 100)


@SETTINGS
@given(st.integers(1, 10**6), st.integers(-5, 0))
def test_zero_or_negative_denominator_raises(numerator, denominator):
    for method in (proportion, rate):
        with pytest.raises(ValueError, match="denominator must be greater than zero"):
            method(numerator, denominator)


@SETTINGS
@given(st.integers(1, 10**6), st.integers(1, 10**6))
def test_numerator_above_denominator_raises_for_proportions_only(denominator, excess):
    with pytest.raises(
        ValueError, match="numerator must be less than or equal to denominator for a proportion"
    ):
        proportion(denominator + excess, denominator)
    assert not rate(denominator + excess, denominator)["value"].isna().any()


@SETTINGS
@given(st.floats(allow_nan=False).filter(lambda level: not 0.9 <= level < 1))
def test_confidence_outside_range_raises(level):
    with pytest.raises(ValueError, match="confidence must be between 0.9 and 1"):
        proportion(1, 10, level)
