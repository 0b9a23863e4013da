"""Inequality inside each area: its practices by national deprivation quantile, SII and RII.

Pure functions on three tables (issue 20 item 3):

* ``counts``: ``practice_code, numerator, denominator`` (e.g. QOF diabetes register and list
  size 17+, or women screened and eligible);
* ``scores``: ``practice_code, imd_score`` (Fingertips 93553, IMD 2019 score of each practice);
* ``lookup``: ``practice_code, area_code`` (a practice in one area, e.g. the stp2017 practice
  lookup).

Quantiles are **national** and count **practices**: the practices that have both counts and a
score are ranked on their score across England and split into ``n`` groups of (nearly) equal
numbers of practices with PHE's ``phe_quantile`` rule (:func:`methods.quantile_groups`, ties take
the lower rank), quantile 1 holding the highest scores, i.e. the **most deprived** practices.
This is PHE's unweighted convention for practice deprivation quantiles (population does not set
the cut points; it enters the SII through each quantile's population share).

Each area's practices are then summed per quantile (Σ numerator, Σ denominator, number of
practices), each quantile's proportion gets Wilson limits (:func:`methods.proportion`), and the
area's slope and relative index of inequality come from :func:`methods.sii` with
``value_type="proportion"``, the quantile denominators as populations and the 95% Wilson limits
for the standard errors. England (``E92000001``) is every counted practice with a score.

Default ``multiplier=-100``, as in PHE's own worked example for a prevalence (NCMP): the SII is
in percentage points and **positive when the most deprived quantile has the higher value**, and
the RII is the fitted most-deprived value divided by the fitted least-deprived value. Practices
with no score, no area, or missing counts are not dropped silently: :func:`set_aside_practices`
lists them with the reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics import methods
from stp_analytics.errors import DataValidationError
from stp_analytics.methods._validate import check_int, require_columns
from stp_analytics.methods.proportions import wilson_limits
from stp_analytics.methods.sii import SE_CONFIDENCE, SII_SEED, missing_sii
from stp_analytics.metrics.geo import ENGLAND_CODE

QUANTILE_LABELS = {5: "quintile", 10: "decile"}
NO_SCORE = "no IMD 2019 score for the practice (closed or merged before the score's list)"
NO_AREA = "practice not in the area lookup"
NO_COUNTS = "numerator or denominator missing"
COUNT_COLUMNS = ["area_code", "quantile", "practices", "numerator", "denominator"]


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype(str).str.strip()


def _numbers(frame: pd.DataFrame, column: str, argument: str) -> pd.Series:
    """A column as floats; text that is not a number raises, naming the row."""
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError(
            f"{argument}: non-numeric value {frame[column].iloc[position]!r} (expected a number)",
            row=position, column=column,
        )
    return values.astype(float)


def _unique(codes: pd.Series, argument: str, meaning: str) -> None:
    duplicated = codes.duplicated(keep=False)
    if duplicated.any():
        positions = np.flatnonzero(duplicated.to_numpy())
        first = codes.iloc[positions[0]]
        rows = [str(p) for p in positions if codes.iloc[p] == first]
        raise DataValidationError(
            f"{argument}: practice {first!r} appears in rows {', '.join(rows)} ({meaning})",
            row=int(positions[1]), column="practice_code",
        )


def _clean_counts(counts: pd.DataFrame) -> pd.DataFrame:
    require_columns(counts, ["practice_code", "numerator", "denominator"], "counts")
    frame = pd.DataFrame({
        "practice_code": _text(counts, "practice_code"),
        "numerator": _numbers(counts, "numerator", "counts"),
        "denominator": _numbers(counts, "denominator", "counts"),
    }).reset_index(drop=True)
    _unique(frame["practice_code"], "counts", "one row per practice expected")
    for column in ("numerator", "denominator"):
        negative = frame[column] < 0
        if negative.any():
            position = int(np.flatnonzero(negative.to_numpy())[0])
            raise DataValidationError(
                f"counts: {column} {frame[column].iloc[position]:g} is below zero",
                row=position, column=column)
    above = frame["numerator"] > frame["denominator"]
    if above.any():
        position = int(np.flatnonzero(above.to_numpy())[0])
        raise DataValidationError(
            f"counts: numerator {frame['numerator'].iloc[position]:g} is above the denominator "
            f"{frame['denominator'].iloc[position]:g} for practice "
            f"{frame['practice_code'].iloc[position]!r}", row=position, column="numerator")
    return frame


def _clean_scores(scores: pd.DataFrame) -> pd.DataFrame:
    require_columns(scores, ["practice_code", "imd_score"], "scores")
    frame = pd.DataFrame({
        "practice_code": _text(scores, "practice_code"),
        "imd_score": _numbers(scores, "imd_score", "scores"),
    }).reset_index(drop=True)
    _unique(frame["practice_code"], "scores", "one score per practice expected")
    return frame.dropna(subset=["imd_score"])


def _clean_lookup(lookup: pd.DataFrame) -> pd.DataFrame:
    require_columns(lookup, ["practice_code", "area_code"], "lookup")
    frame = pd.DataFrame({
        "practice_code": _text(lookup, "practice_code"),
        "area_code": _text(lookup, "area_code"),
    }).reset_index(drop=True)
    _unique(frame["practice_code"], "lookup", "a practice must lie in one area")
    return frame


def practice_quantiles(scores: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """National quantile (1 = most deprived = highest IMD score) of each scored practice.

    Equal numbers of practices per quantile (PHE ``phe_quantile``; ties take the lower rank).
    Returns ``practice_code, imd_score, quantile`` (quantile as int64), sorted by practice.
    """
    frame = _clean_scores(scores)
    if len(frame) < n:
        raise DataValidationError(
            f"scores: {len(frame)} practices with a score cannot form {n} quantiles")
    frame["quantile"] = methods.quantile_groups(frame["imd_score"], n, invert=True).to_numpy(
        dtype="int64")
    return frame.sort_values("practice_code", ignore_index=True)


def set_aside_practices(
    counts: pd.DataFrame, scores: pd.DataFrame, lookup: pd.DataFrame
) -> pd.DataFrame:
    """Counted practices left out of the quantiles or of every area, with the reason.

    Returns ``practice_code, numerator, denominator, reason``: missing counts and no score leave
    a practice out of everything; no area leaves it in England's quantiles only.
    """
    frame = _clean_counts(counts)
    scored = set(_clean_scores(scores)["practice_code"])
    placed = set(_clean_lookup(lookup)["practice_code"])
    reason = np.select(
        [frame[["numerator", "denominator"]].isna().any(axis=1),
         ~frame["practice_code"].isin(scored), ~frame["practice_code"].isin(placed)],
        [NO_COUNTS, NO_SCORE, NO_AREA], default="")
    frame["reason"] = reason
    return frame[frame["reason"] != ""].sort_values("practice_code", ignore_index=True)


def quantile_counts(
    counts: pd.DataFrame, scores: pd.DataFrame, lookup: pd.DataFrame, n: int = 5
) -> pd.DataFrame:
    """Σ numerator, Σ denominator and number of practices per area x national quantile.

    Every area of ``lookup`` gets all ``n`` quantiles (0 practices where it has none), and
    England (``E92000001``) is added. Returns ``area_code, quantile, practices, numerator,
    denominator`` sorted by area and quantile.
    """
    frame = _clean_counts(counts).dropna(subset=["numerator", "denominator"])
    scored = _clean_scores(scores)
    scored = scored[scored["practice_code"].isin(frame["practice_code"])]
    ranked = practice_quantiles(scored, n)
    practices = frame.merge(ranked[["practice_code", "quantile"]], on="practice_code",
                            how="inner", validate="one_to_one")
    areas = _clean_lookup(lookup)
    in_areas = practices.merge(areas, on="practice_code", how="inner", validate="one_to_one")
    both = pd.concat([in_areas, practices.assign(area_code=ENGLAND_CODE)], ignore_index=True)
    sums = both.groupby(["area_code", "quantile"]).agg(
        practices=("practice_code", "size"), numerator=("numerator", "sum"),
        denominator=("denominator", "sum"))
    codes = sorted(set(areas["area_code"]) | {ENGLAND_CODE})
    grid = pd.MultiIndex.from_product([codes, range(1, n + 1)], names=["area_code", "quantile"])
    sums = sums.reindex(grid, fill_value=0).reset_index()
    sums["practices"] = sums["practices"].astype("int64")
    return sums[COUNT_COLUMNS]


def quantile_proportions(
    counts: pd.DataFrame,
    scores: pd.DataFrame,
    lookup: pd.DataFrame,
    n: int = 5,
    *,
    confidence: float = 0.95,
    multiplier: float = 100,
) -> pd.DataFrame:
    """:func:`quantile_counts` with each quantile's proportion and Wilson limits.

    Adds ``value, lower, upper, confidence, statistic, method, note``; a quantile with no
    practices (or a zero denominator) has a missing value and the note says why.
    """
    table = quantile_counts(counts, scores, lookup, n)
    empty = table["denominator"] <= 0
    result = methods.proportion(
        table["numerator"].where(~empty), table["denominator"].where(~empty),
        confidence=confidence, multiplier=multiplier)
    label = QUANTILE_LABELS.get(n, "quantile")
    result["note"] = np.where(empty, f"no practices in this {label}", result["note"])
    return pd.concat([table, result], axis=1)


def area_sii(
    table: pd.DataFrame,
    *,
    multiplier: float = -100,
    transform: bool = False,
    confidence: float = 0.95,
    repetitions: int = 100_000,
    seed: int = SII_SEED,
    min_quantiles: int | None = None,
) -> pd.DataFrame:
    """SII and RII of each area from its quantile counts (:func:`quantile_counts` output).

    The value of each quantile is Σnumerator/Σdenominator (a proportion), its population the
    Σdenominator and its standard error PHE's, from the 95% Wilson limits. By default (PHE's
    rule) an area missing a quantile (no practices) gets NaN and a note. With
    ``min_quantiles=k`` an area with at least k non-empty quantiles is fitted on those (relative
    ranks from its own population, as always) and the note names the quantiles left out. No
    events in a quantile (logit undefined) gives NaN and a note.
    Returns ``area_code`` plus the columns of :func:`methods.sii`, sorted by area.
    """
    require_columns(table, ["area_code", "quantile", "numerator", "denominator"], "table")
    if min_quantiles is not None:
        check_int("min_quantiles", min_quantiles, 2)
    rows = []
    for area_code, group in table.sort_values(["area_code", "quantile"]).groupby(
            "area_code", sort=True):
        label = QUANTILE_LABELS.get(len(group), "quantile")
        empty = group["denominator"].to_numpy(dtype=float) <= 0
        fitted_note = ""
        if empty.any() and min_quantiles is not None and (~empty).sum() >= min_quantiles:
            left_out = ", ".join(str(q) for q in group["quantile"].to_numpy()[empty])
            fitted_note = (f"fitted on {(~empty).sum()} of {len(group)} {label}s "
                           f"(no practices in {label} {left_out})")
            group = group[~empty]
        x = group["numerator"].to_numpy(dtype=float)
        n = group["denominator"].to_numpy(dtype=float)
        quantiles = group["quantile"].to_numpy()
        problem = ""
        if (n <= 0).any():
            problem = f"no practices in {label} {quantiles[n <= 0][0]}: SII not computed"
        elif (x <= 0).any() or (x >= n).any():
            bad = quantiles[(x <= 0) | (x >= n)][0]
            problem = f"proportion of 0 or 1 in {label} {bad}: SII not computed (logit undefined)"
        if problem:
            result = missing_sii(problem, quantiles=len(group), value_type="proportion",
                                 transform=transform, multiplier=multiplier,
                                 confidence=confidence, repetitions=repetitions)
        else:
            lower, upper = wilson_limits(x, n, SE_CONFIDENCE)
            result = methods.sii(
                quantiles, n, x / n, value_type="proportion", transform=transform,
                lower=lower, upper=upper, multiplier=multiplier, confidence=confidence,
                repetitions=repetitions, seed=seed,
                min_quantiles=min(len(group), 5) if fitted_note else 5)
            result["note"] = fitted_note
        rows.append(result.assign(area_code=area_code))
    if not rows:
        raise DataValidationError("table has no rows (expected area x quantile counts)")
    frame = pd.concat(rows, ignore_index=True)
    return frame[["area_code", *[c for c in frame.columns if c != "area_code"]]]
