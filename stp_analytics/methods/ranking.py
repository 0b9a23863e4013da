"""Ranks among the areas, RightCare-style peer groups and opportunity, and gaps to targets.

* :func:`rank_areas`: 1 = best; ties share the lowest rank; missing values are not ranked.
* :func:`nearest_peers`: each area's most similar areas by standardised (z-score) variables and
  (weighted) Euclidean distance; ties broken by area code so the result is deterministic.
* :func:`peer_best_mean`: mean of the best ``best`` (5) values among an area's peers (10).
* :func:`opportunity`: (area value − peer best-5 mean) counted only on the worse side and only
  where the difference is significant, in indicator units and in events (× volume). An STP's
  opportunity is the sum over its parts (NHS RightCare "Where to look" packs).
* :func:`target_gap`: distance from a target, positive when short of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.methods._validate import (
    POLARITIES,
    as_float,
    broadcast,
    check_choice,
    check_choices,
    check_int,
    check_multiplier,
    check_non_negative,
)
from stp_analytics.methods.comparison import SIGNIFICANT_LABELS

DISTANCE_DECIMALS = 12
"""Distances are compared after rounding to this many decimals, so floating-point noise cannot
reorder equally distant peers; equal distances are then ordered by area code."""


def rank_areas(values: Any, polarity: str) -> pd.DataFrame:
    """Rank of each area's value among all the values given (1 = best).

    Args:
        values: one value per area (Series indexed by area code, list or array).
        polarity: "high_is_good" (highest ranks 1), "low_is_good" (lowest ranks 1) or "none"
            (highest ranks 1: a ranking by size, not by merit).

    Returns:
        DataFrame[rank, rank_of] (nullable Int64) aligned with the input: ties share the lowest
        rank (1, 1, 3); missing values have no rank; rank_of = number of areas ranked.
    """
    check_choice("polarity", polarity, POLARITIES)
    numbers, index = as_float("values", values)
    index = index if index is not None else pd.RangeIndex(len(numbers))
    series = pd.Series(numbers, index=index)
    rank = series.rank(method="min", ascending=polarity == "low_is_good", na_option="keep")
    ranked = int(series.notna().sum())
    return pd.DataFrame(
        {"rank": rank.astype("Int64"), "rank_of": pd.array([ranked] * len(series), dtype="Int64")},
        index=index,
    )


def _feature_weights(columns: pd.Index, weights: Mapping[str, float] | Sequence[float] | None):
    if weights is None:
        return np.ones(len(columns))
    if isinstance(weights, Mapping):
        unknown = [key for key in weights if key not in columns]
        if unknown:
            raise ParameterError(
                f"weights names {unknown[0]!r}, which is not a feature "
                f"(features: {', '.join(map(str, columns))})"
            )
        values = np.array([float(weights.get(column, 0.0)) for column in columns])
    else:
        values, _ = as_float("weights", list(weights))
        if len(values) != len(columns):
            raise ParameterError(
                f"weights must give one weight per feature ({len(columns)}), got {len(values)}"
            )
    check_non_negative("weights", values)
    if not (np.isfinite(values).all() and values.sum() > 0):
        raise ParameterError("weights must be finite and not all zero")
    return values


def _standardised(features: pd.DataFrame) -> np.ndarray:
    """z-scores per column (population SD); a constant column contributes nothing."""
    matrix = np.empty(features.shape)
    for position, column in enumerate(features.columns):
        values, _ = as_float(str(column), features[column])
        missing = np.isnan(values)
        if missing.any():
            area = features.index[int(np.flatnonzero(missing)[0])]
            raise DataValidationError(
                f"peer feature is missing for area {area!r}; every area needs every feature",
                column=str(column),
            )
        spread = values.std()
        matrix[:, position] = (values - values.mean()) / spread if spread > 0 else 0.0
    return matrix


def nearest_peers(
    features: pd.DataFrame,
    n: int = 10,
    weights: Mapping[str, float] | Sequence[float] | None = None,
) -> pd.DataFrame:
    """The ``n`` most similar areas to each area.

    Args:
        features: one row per area (index = area code), one numeric column per variable (e.g.
            demographic and deprivation measures); no missing values.
        n: peers per area (10 as RightCare; must be less than the number of areas).
        weights: None for equal weights, or one weight per column (list, or {column: weight};
            columns left out of a mapping get weight 0).

    Returns:
        Long DataFrame[area_code, peer_code, peer_rank (1 = nearest), distance], sorted by area
        code then peer_rank. Distance = √Σ w_j (z_aj − z_pj)² on z-scores (population SD);
        equal distances are ordered by peer code.
    """
    if not isinstance(features, pd.DataFrame):
        raise ParameterError("features must be a DataFrame indexed by area code")
    if features.index.has_duplicates:
        duplicate = features.index[features.index.duplicated()][0]
        raise DataValidationError(f"features has area {duplicate!r} more than once")
    count = check_int("n", n, 1)
    if count >= len(features):
        raise ParameterError(
            f"n must be less than the number of areas ({len(features)}), got {count}"
        )
    weight = _feature_weights(features.columns, weights)
    # work in area-code order, so the result does not depend on the order of the rows
    ordered = features.iloc[np.argsort(features.index.astype(str), kind="stable")]
    scores = _standardised(ordered)
    differences = scores[:, None, :] - scores[None, :, :]
    distances = np.sqrt((differences**2 * weight).sum(axis=2))
    codes = ordered.index.to_numpy()
    rows = []
    for area_position in range(len(codes)):
        others = np.flatnonzero(np.arange(len(codes)) != area_position)
        rounded = np.round(distances[area_position, others], DISTANCE_DECIMALS)
        chosen = others[np.lexsort((others, rounded))][:count]
        for peer_rank, peer_position in enumerate(chosen, start=1):
            rows.append(
                (codes[area_position], codes[peer_position], peer_rank,
                 float(distances[area_position, peer_position]))
            )
    return pd.DataFrame(rows, columns=["area_code", "peer_code", "peer_rank", "distance"])


def _peer_lists(peers: pd.DataFrame | Mapping[Any, Sequence[Any]]) -> dict[Any, list[Any]]:
    if isinstance(peers, pd.DataFrame):
        missing = [c for c in ("area_code", "peer_code") if c not in peers.columns]
        if missing:
            raise DataValidationError(
                f"peers needs columns area_code and peer_code (as nearest_peers returns); "
                f"missing {missing[0]!r}"
            )
        ordered = peers.sort_values(["area_code", "peer_rank"]) if "peer_rank" in peers else peers
        return {area: list(group["peer_code"]) for area, group in ordered.groupby("area_code")}
    if isinstance(peers, Mapping):
        return {area: list(codes) for area, codes in peers.items()}
    raise ParameterError("peers must be the DataFrame from nearest_peers or {area: [peer codes]}")


def peer_best_mean(
    values: pd.Series,
    peers: pd.DataFrame | Mapping[Any, Sequence[Any]],
    polarity: str,
    best: int = 5,
) -> pd.Series:
    """Mean of the best ``best`` values among each area's peers (RightCare: best 5 of 10).

    Args:
        values: Series of indicator values indexed by area code (peers missing from it, or with
            a missing value, are skipped).
        peers: the DataFrame from :func:`nearest_peers`, or {area: [peer codes]}.
        polarity: "high_is_good" (best = highest) or "low_is_good" (best = lowest); "none"
            has no best, so every result is NaN.
        best: how many of the best peer values to average.

    Returns:
        Series "peer_best_mean" indexed by area code; NaN when fewer than ``best`` peers have a
        value.
    """
    check_choice("polarity", polarity, POLARITIES)
    count = check_int("best", best, 1)
    if not isinstance(values, pd.Series):
        raise ParameterError("values must be a Series indexed by area code")
    numbers, _ = as_float("values", values)
    lookup = pd.Series(numbers, index=values.index).dropna()
    if lookup.index.has_duplicates:
        raise DataValidationError("values has an area code more than once")
    means = {}
    for area, codes in _peer_lists(peers).items():
        peer_values = lookup.reindex([code for code in codes if code in lookup.index]).to_numpy()
        if polarity == "none" or len(peer_values) < count:
            means[area] = np.nan
            continue
        ordered = np.sort(peer_values)
        chosen = ordered[-count:] if polarity == "high_is_good" else ordered[:count]
        means[area] = float(chosen.mean())
    result = pd.Series(means, name="peer_best_mean", dtype=float)
    result.index.name = "area_code"
    return result


def _significance_flags(significance: Any, length: int) -> tuple[np.ndarray, np.ndarray]:
    """(significant, known) from booleans or comparison labels (see :func:`opportunity`)."""
    if isinstance(significance, (bool, np.bool_, str)) or significance is None:
        significance = [significance] * length
    items = list(significance.to_numpy() if isinstance(significance, pd.Series) else significance)
    if len(items) != length:
        raise ParameterError(
            f"significance must be one value or one per row (got {len(items)} for {length} rows)"
        )
    significant = np.zeros(length, dtype=bool)
    known = np.ones(length, dtype=bool)
    for position, item in enumerate(items):
        if isinstance(item, (bool, np.bool_)):
            significant[position] = bool(item)
        elif isinstance(item, str) and item in SIGNIFICANT_LABELS | {"Similar"}:
            significant[position] = item in SIGNIFICANT_LABELS
        elif item is None or item == "Not compared" or (isinstance(item, float) and np.isnan(item)):
            known[position] = False
        else:
            raise ParameterError(
                "significance must be True/False or a comparison label (Better, Similar, Worse, "
                f"Higher, Lower, Not compared); got {item!r} at position {position}"
            )
    return significant, known


def opportunity(
    value: Any,
    best_mean: Any,
    volume: Any,
    significance: Any,
    polarity: Any,
    multiplier: float = 1,
) -> pd.DataFrame:
    """RightCare opportunity: how far an area is from its peers' best, on the worse side only.

    Args:
        value: the area's indicator value.
        best_mean: the peer best-5 mean (:func:`peer_best_mean`).
        volume: population or activity the indicator is expressed per (e.g. registered
            population for a rate per 100,000, with multiplier=100_000).
        significance: whether the area differs significantly from ``best_mean``: booleans, or
            labels from :func:`compare` (area CI against best_mean): Better/Worse/Higher/Lower
            are significant, Similar is not, Not compared/None means unknown.
        polarity: "high_is_good" or "low_is_good" (one, or one per row); "none" has no worse
            side and gives NaN.
        multiplier: the indicator's multiplier (1 proportion, 100 percentage, 100000 rate).

    Returns:
        DataFrame[gap, opportunity, note] aligned with the input: gap = worse-side difference
        in indicator units (>= 0; 0 when better or not significant); opportunity = gap × volume /
        multiplier, in events. NaN (with a note) where an input or the significance is unknown.
    """
    scale = check_multiplier(multiplier)
    arrays, index = broadcast(value=value, best_mean=best_mean, volume=volume)
    check_non_negative("volume", arrays["volume"], index)
    polarities = check_choices("polarity", polarity, POLARITIES, len(index))
    significant, known = _significance_flags(significance, len(index))
    area, best = arrays["value"], arrays["best_mean"]
    shortfall = np.where(polarities == "high_is_good", best - area, area - best)
    gap = np.where(significant, np.maximum(shortfall, 0.0), 0.0)
    values_missing = np.isnan(area) | np.isnan(best)
    no_side = polarities == "none"
    unknown = values_missing | no_side | ~known
    gap = np.where(unknown, np.nan, gap)
    note = np.select(
        [values_missing, no_side, ~known, np.isnan(arrays["volume"])],
        [
            "value or peer best mean missing",
            "no polarity: no worse side",
            "significance not known",
            "volume missing",
        ],
        default="",
    ).astype(object)
    return pd.DataFrame(
        {"gap": gap, "opportunity": gap * arrays["volume"] / scale, "note": note}, index=index
    )


def target_gap(value: Any, target: Any, polarity: Any) -> pd.Series:
    """Distance from a target, positive when short of it (schema ``target_gap``).

    high_is_good: target − value; low_is_good: value − target; "none": NaN (no "short").
    Missing value or target gives NaN. Returns a Series "target_gap" aligned with the input.
    """
    arrays, index = broadcast(value=value, target=target)
    polarities = check_choices("polarity", polarity, POLARITIES, len(index))
    area, goal = arrays["value"], arrays["target"]
    gap = np.select(
        [polarities == "high_is_good", polarities == "low_is_good"],
        [goal - area, area - goal],
        default=np.nan,
    )
    return pd.Series(gap, index=index, name="target_gap")
