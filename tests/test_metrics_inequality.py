"""Practices by national deprivation quintile, per-area proportions and SII (issue 20 item 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stp_analytics import methods
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics import inequality as iq
from stp_analytics.metrics.geo import ENGLAND_CODE

# Eleven scored practices with counts. Ranked on score (highest = most deprived = rank 1),
# PHE's phe_quantile rule q = floor(6 - ceil((N + 1 - rank) / (N / 5))) with N = 11, N/5 = 2.2:
# ranks 1-3 -> 1, 4-5 -> 2, 6-7 -> 3, 8-9 -> 4, 10-11 -> 5. So P01 P02 P03 are quintile 1,
# P04 P05 -> 2, P06 P07 -> 3, P08 P09 -> 4, P10 P13 -> 5. P11 has counts but no score (set
# aside); P12 has a score but no counts (not ranked); P13 is in no area (England only).
SCORES = pd.DataFrame({
    "practice_code": ["P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09", "P10",
                      "P12", "P13"],
    "imd_score": [50, 45, 40, 35, 30, 25, 20, 15, 10, 5, 60, 2.0],
})
COUNTS = pd.DataFrame({
    "practice_code": ["P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09", "P10",
                      "P11", "P13"],
    "numerator": [30, 25, 40, 20, 18, 15, 12, 10, 9, 8, 5, 6.0],
    "denominator": [300, 250, 500, 250, 300, 300, 300, 250, 300, 320, 100, 200.0],
})
LOOKUP = pd.DataFrame({
    "practice_code": ["P01", "P03", "P05", "P07", "P09", "P02", "P04", "P06", "P08", "P10",
                      "P11"],
    "area_code": ["A"] * 5 + ["B"] * 5 + ["A"],
})


def test_national_quintiles_follow_phe_rule_most_deprived_first():
    ranked = iq.practice_quantiles(SCORES[SCORES["practice_code"] != "P12"])
    expected = {"P01": 1, "P02": 1, "P03": 1, "P04": 2, "P05": 2, "P06": 3, "P07": 3,
                "P08": 4, "P09": 4, "P10": 5, "P13": 5}
    assert dict(zip(ranked["practice_code"], ranked["quantile"], strict=True)) == expected


def test_quantile_counts_sum_practices_per_area_and_england():
    table = iq.quantile_counts(COUNTS, SCORES, LOOKUP).set_index(["area_code", "quantile"])
    # Area A: P01 (q1), P03 (q1), P05 (q2), P07 (q3), P09 (q4); P11 has no score.
    assert table.loc[("A", 1), ["practices", "numerator", "denominator"]].tolist() == [2, 70, 800]
    assert table.loc[("A", 5), ["practices", "numerator", "denominator"]].tolist() == [0, 0, 0]
    # Area B: one practice in each quintile.
    assert table.loc["B", "numerator"].tolist() == [25, 20, 15, 10, 8]
    assert table.loc["B", "denominator"].tolist() == [250, 250, 300, 250, 320]
    # England: every ranked practice, including P13 (no area): q1 = 30+25+40 = 95 of
    # 300+250+500 = 1050; q5 = P10 + P13 = 8+6 = 14 of 320+200 = 520.
    assert table.loc[(ENGLAND_CODE, 1), ["numerator", "denominator"]].tolist() == [95, 1050]
    assert table.loc[(ENGLAND_CODE, 5), ["numerator", "denominator"]].tolist() == [14, 520]
    assert table.loc[ENGLAND_CODE, "practices"].sum() == 11


def test_quantile_proportions_are_wilson_and_empty_quintiles_say_so():
    table = iq.quantile_proportions(COUNTS, SCORES, LOOKUP)
    b = table[table["area_code"] == "B"]
    wilson = methods.proportion(b["numerator"], b["denominator"], multiplier=100)
    np.testing.assert_allclose(b["value"], [10, 8, 5, 4, 2.5])
    np.testing.assert_allclose(b[["lower", "upper"]], wilson[["lower", "upper"]])
    empty = table[(table["area_code"] == "A") & (table["quantile"] == 5)].iloc[0]
    assert np.isnan(empty["value"]) and empty["note"] == "no practices in this quintile"


def test_set_aside_practices_name_the_reason():
    gone = iq.set_aside_practices(COUNTS, SCORES, LOOKUP).set_index("practice_code")["reason"]
    assert gone.to_dict() == {"P11": iq.NO_SCORE, "P13": iq.NO_AREA}
    with_gap = COUNTS.assign(numerator=COUNTS["numerator"].where(COUNTS["practice_code"] != "P02"))
    assert iq.set_aside_practices(with_gap, SCORES, LOOKUP).set_index(
        "practice_code").loc["P02", "reason"] == iq.NO_COUNTS


def test_area_sii_matches_a_hand_weighted_fit_and_flags_missing_quintiles():
    table = iq.quantile_counts(COUNTS, SCORES, LOOKUP)
    result = iq.area_sii(table, repetitions=2000).set_index("area_code")
    # Area B: populations 250, 250, 300, 250, 320 (total 1370), proportions .1, .08, .05, .04,
    # .025. Relative ranks are the cumulative-share midpoints; the weighted fit of the
    # proportions on them (weights = shares) has slope β, and with multiplier -100 the SII is
    # -100·β percentage points (positive: the most deprived have the higher prevalence).
    population = np.array([250, 250, 300, 250, 320.0])
    share = population / population.sum()
    rank = np.cumsum(share) - share / 2
    slope, intercept = np.polyfit(rank, [0.1, 0.08, 0.05, 0.04, 0.025], 1, w=np.sqrt(share))
    assert result.loc["B", "sii"] == pytest.approx(-100 * slope, rel=1e-9)
    assert result.loc["B", "rii"] == pytest.approx(intercept / (intercept + slope), rel=1e-9)
    assert result.loc["B", "sii"] > 0 and result.loc["B", "rii"] > 1
    assert result.loc["B", "sii_lower"] < result.loc["B", "sii"] < result.loc["B", "sii_upper"]
    assert np.isnan(result.loc["A", "sii"])
    assert result.loc["A", "note"] == "no practices in quintile 5: SII not computed"
    assert result.loc[ENGLAND_CODE, "note"] == ""


def test_area_sii_zero_events_in_a_quintile_is_missing_not_an_error():
    table = iq.quantile_counts(COUNTS.assign(numerator=COUNTS["numerator"].where(
        COUNTS["practice_code"] != "P10", 0)), SCORES, LOOKUP)
    result = iq.area_sii(table, repetitions=2000).set_index("area_code")
    assert np.isnan(result.loc["B", "sii"])
    assert "proportion of 0 or 1 in quintile 5" in result.loc["B", "note"]


def test_deciles_need_ten_practices_with_scores():
    with pytest.raises(DataValidationError, match="11 practices with a score cannot form 12"):
        iq.practice_quantiles(SCORES[SCORES["practice_code"] != "P12"], 12)
    deciles = iq.quantile_counts(COUNTS, SCORES, LOOKUP, n=10)
    assert sorted(deciles["quantile"].unique()) == list(range(1, 11))


@pytest.mark.parametrize("frame, argument, change, message", [
    ("counts", "counts", lambda f: f.drop(columns="denominator"),
     "counts has no column 'denominator'"),
    ("counts", "counts", lambda f: f.assign(numerator=["x"] + list(f["numerator"][1:])),
     "counts: non-numeric value 'x'"),
    ("counts", "counts", lambda f: pd.concat([f, f.iloc[[0]]]),
     "counts: practice 'P01' appears in rows 0, 12"),
    ("counts", "counts", lambda f: f.assign(numerator=f["denominator"] + 1),
     "numerator 301 is above the denominator 300"),
    ("counts", "counts", lambda f: f.assign(denominator=-f["denominator"]),
     "denominator -300 is below zero"),
    ("scores", "scores", lambda f: f.assign(imd_score=["high"] + list(f["imd_score"][1:])),
     "scores: non-numeric value 'high'"),
    ("scores", "scores", lambda f: pd.concat([f, f.iloc[[1]]]),
     "scores: practice 'P02' appears in rows 1, 12"),
    ("lookup", "lookup", lambda f: pd.concat([f, f.iloc[[0]].assign(area_code="B")]),
     "practice 'P01' appears in rows 0, 11 \\(a practice must lie in one area\\)"),
    ("lookup", "lookup", lambda f: f.rename(columns={"area_code": "stp"}),
     "lookup has no column 'area_code'"),
])
def test_bad_inputs_raise_clear_errors(frame, argument, change, message):
    tables = {"counts": COUNTS, "scores": SCORES, "lookup": LOOKUP}
    tables[frame] = change(tables[frame].copy())
    with pytest.raises(DataValidationError, match=message):
        iq.quantile_counts(tables["counts"], tables["scores"], tables["lookup"])


def test_area_sii_can_fit_on_the_quintiles_an_area_has_and_says_so():
    # Area A has no practice in quintile 5; with min_quantiles=4 it is fitted on quintiles
    # 1-4: populations 800, 300, 300, 300 and proportions 70/800, 18/300, 12/300, 9/300.
    table = iq.quantile_counts(COUNTS, SCORES, LOOKUP)
    result = iq.area_sii(table, repetitions=2000, min_quantiles=4).set_index("area_code")
    population = np.array([800, 300, 300, 300.0])
    share = population / population.sum()
    rank = np.cumsum(share) - share / 2
    slope, _ = np.polyfit(rank, np.array([70, 18, 12, 9]) / population, 1, w=np.sqrt(share))
    assert result.loc["A", "sii"] == pytest.approx(-100 * slope, rel=1e-9)
    assert result.loc["A", "quantiles"] == 4
    assert result.loc["A", "note"] == "fitted on 4 of 5 quintiles (no practices in quintile 5)"
    default = iq.area_sii(table, repetitions=2000).set_index("area_code")
    assert result.loc["B", "sii"] == default.loc["B", "sii"]  # complete areas are unchanged
    assert result.loc["B", "note"] == ""
    with pytest.raises(ValueError, match="min_quantiles must be at least 2"):
        iq.area_sii(table, min_quantiles=1)
