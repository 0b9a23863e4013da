"""Statistical process control: the NHS "Making Data Count" XmR chart (NHSRplotthedots v0.2.2).

Limits: x̄ over the baseline points; mR_i = |y_i − y_{i−1}|, mR̄ their mean; optional
screening drops mR_i >= 3.267·mR̄ and recomputes mR̄ (on by default as in NHSRplotthedots; off in
the NHS England Excel tool). Process limits x̄ ± 2.66·mR̄; 2σ lines x̄ ± (2/3)·2.66·mR̄.

Special-cause rules (any of):
1. a point beyond a process limit;
2. ``run_length`` (7, or 6) points strictly rising or falling (a tie breaks it; all flagged);
3. 2 of 3 consecutive points beyond the same 2σ line (points beyond the process limit count as
   beyond the 2σ line; all three on the same side of the mean; only those beyond flagged);
4. ``run_length`` points on one side of the mean (a point on the mean breaks it; every point of
   the run is flagged, as NHSRplotthedots does).

A flagged point is "special_cause_improvement" or "special_cause_concern" by the side of the
mean it is on (as NHSRplotthedots); a point flagged only by a trend takes the trend's direction,
and a point in both a rising and a falling trend shows improvement (Making Data Count
single-chart tool). Without a
direction it is "special_cause_neutral_high"/"_low". Variation = the last point's type.
Assurance (needs a target and a direction): target beyond the upper limit -> consistent fail
when higher is better (consistent pass when lower is better), mirrored for the lower limit,
otherwise inconsistent. Fewer than 13 points -> trial limits (``attrs["trial_limits"]``).

The rule primitives (:func:`seven_point_one_side_mean`, :func:`part_of_seven_trend`,
:func:`seven_point_trend`, :func:`two_in_three`, :func:`part_of_two_in_three`) follow
NHSRplotthedots' internal functions and are tested case by case (spc/rule_unit_cases.csv).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from stp_analytics.errors import ParameterError
from stp_analytics.methods._validate import as_float, check_finite, check_int

LIMIT = 2.66
CLOSE_LIMIT = 2 * LIMIT / 3
SCREEN = 3.267
TRIAL_BELOW = 13
RUN_LENGTHS = (6, 7)
IMPROVEMENTS: tuple[str | None, ...] = (None, "increase", "decrease", "neutral")
POINT_TYPES: tuple[str, ...] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
ASSURANCE_TYPES: tuple[str, ...] = ("consistent_pass", "consistent_fail", "inconsistent")


def _vector(values: Any) -> np.ndarray:
    return np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)


def _windows(values: np.ndarray, width: int) -> np.ndarray:
    return sliding_window_view(values, width) if len(values) >= width else np.empty((0, width))


def seven_point_one_side_mean(relative_to_mean: Any, run_length: int = 7) -> np.ndarray:
    """1 at each point that completes ``run_length`` consecutive points on one side of the mean.

    ``relative_to_mean`` is sign(y − mean): +1, −1, or 0 (on the mean, or missing: breaks a run).
    """
    side = _vector(relative_to_mean)
    flags = np.zeros(len(side))
    windows = _windows(side, run_length)
    if len(windows):
        same = (windows == windows[:, -1:]).all(axis=1) & (windows[:, -1] != 0)
        flags[run_length - 1 :] = same
    return flags


def part_of_seven_trend(flags: Any, run_length: int = 7) -> np.ndarray:
    """1 at a flagged point and at the ``run_length − 1`` points before it (back-fill a run)."""
    marked = _vector(flags) != 0
    padded = np.concatenate([marked, np.zeros(run_length - 1, dtype=bool)])
    return _windows(padded, run_length).any(axis=1).astype(float)


def seven_point_trend(y: Any, run_length: int = 7) -> np.ndarray:
    """+1 / −1 at the last of ``run_length`` points strictly rising / falling, else 0."""
    values = np.asarray(y, dtype=float)
    flags = np.zeros(len(values))
    steps = np.sign(np.diff(values)) if len(values) > 1 else np.empty(0)
    windows = _windows(steps, run_length - 1)
    if len(windows):
        rising = (windows == 1).all(axis=1)
        falling = (windows == -1).all(axis=1)
        flags[run_length - 1 :] = np.where(rising, 1.0, np.where(falling, -1.0, 0.0))
    return flags


def two_in_three(close_to_limits: Any, relative_to_mean: Any) -> np.ndarray:
    """1 at every point of a 3-point window with >= 2 points beyond 2σ, all 3 on one side.

    ``close_to_limits`` is 1 for a point beyond the 2σ line, ``relative_to_mean`` its side (±1).
    """
    close = _vector(close_to_limits)
    side = _vector(relative_to_mean)
    if len(close) == 0:
        return np.zeros(0)
    padded_close = np.concatenate([[0, 0], close, [0, 0]])
    padded_side = np.concatenate([[0, 0], side, [0, 0]])
    window_close = _windows(padded_close, 3).sum(axis=1)
    window_side = np.abs(_windows(padded_side, 3).sum(axis=1))
    qualifying = (window_close >= 2) & (window_side == 3)
    # point i belongs to the windows starting at padded positions i, i+1, i+2
    return _windows(qualifying, 3).any(axis=1).astype(float)


def part_of_two_in_three(close_to_limits: Any, relative_to_mean: Any) -> np.ndarray:
    """Points flagged by the two-in-three rule: beyond the 2σ line AND in a qualifying window.

    Of the three points in a window only those beyond the 2σ line are flagged.
    """
    in_window = two_in_three(close_to_limits, relative_to_mean) == 1
    return (in_window & (np.abs(_vector(close_to_limits)) == 1)).astype(float)


def assurance_type(lpl: float, upl: float, target: float | None, improvement: str | None) -> Any:
    """'consistent_pass' | 'consistent_fail' | 'inconsistent', or None without target/direction."""
    if improvement not in IMPROVEMENTS:
        raise ParameterError(
            f"improvement must be one of None, 'increase', 'decrease' (got {improvement!r})"
        )
    if target is None or improvement in (None, "neutral") or pd.isna(target):
        return None
    increasing = improvement == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


def _limits(values: np.ndarray, screen_outliers: bool) -> tuple[float, float, np.ndarray]:
    """Mean, mean moving range (screened if asked) and the moving ranges of the baseline."""
    moving_range = np.abs(np.diff(values, prepend=np.nan))
    if np.isnan(values).all():
        return np.nan, np.nan, moving_range
    mean = float(np.nanmean(values))
    valid_ranges = moving_range[~np.isnan(moving_range)]
    if len(valid_ranges) == 0:
        return mean, np.nan, moving_range
    average = float(valid_ranges.mean())
    if screen_outliers:
        kept = valid_ranges[valid_ranges < SCREEN * average]
        average = float(kept.mean()) if len(kept) else average
    return mean, average, moving_range


def _point_types(high: np.ndarray, low: np.ndarray, side: np.ndarray, improvement: str | None):
    """Label each point from its high/low signals and the improvement direction."""
    if improvement in ("increase", "decrease"):
        good, bad = (high, low) if improvement == "increase" else (low, high)
        return np.where(
            good,
            "special_cause_improvement",
            np.where(bad, "special_cause_concern", "common_cause"),
        )
    neutral_high = high & ~(low & (side < 0))
    return np.where(
        neutral_high,
        "special_cause_neutral_high",
        np.where(low, "special_cause_neutral_low", "common_cause"),
    )


def xmr(
    values: Any,
    improvement: str | None = None,
    target: float | None = None,
    screen_outliers: bool = True,
    run_length: int = 7,
    baseline: int | None = None,
) -> pd.DataFrame:
    """XmR chart of a series in time order, with Making Data Count point types.

    Args:
        values: the series, oldest first (list, array or Series; missing values allowed and
            break runs).
        improvement: "increase" or "decrease" (which way is better), None/"neutral" if neither.
        target: optional target, for assurance.
        screen_outliers: drop moving ranges >= 3.267·mR̄ before the limits (NHSRplotthedots).
        run_length: 7 (default) or 6 points for the trend and shift rules.
        baseline: number of leading points the limits are computed from (None = all).

    Returns:
        DataFrame aligned with the input: value, moving_range, mean, lpl, upl, lower_2s,
        upper_2s, point_type (POINT_TYPES; missing for missing values) and rule (the rules a
        point breaks, comma-separated: outside_limits, trend, two_in_three, shift).
        ``attrs``: variation (last point's type), assurance, trial_limits (bool), n_points
        (points behind the limits), improvement, target, note.
    """
    if improvement not in IMPROVEMENTS:
        raise ParameterError(
            f"improvement must be one of None, 'increase', 'decrease', 'neutral' "
            f"(got {improvement!r})"
        )
    if run_length not in RUN_LENGTHS:
        raise ParameterError(f"run_length must be 6 or 7 (got {run_length!r})")
    if not isinstance(screen_outliers, (bool, np.bool_)):
        raise ParameterError(f"screen_outliers must be True or False (got {screen_outliers!r})")
    y, index = as_float("values", values)
    index = index if index is not None else pd.RangeIndex(len(y))
    check_finite("values", y, index)
    if target is not None:
        target_array, _ = as_float("target", target)
        if len(target_array) != 1:
            raise ParameterError("target must be a single number")
        target = float(target_array[0])
    points = len(y) if baseline is None else check_int("baseline", baseline, 2)
    mean, average_range, _ = _limits(y[:points], screen_outliers)
    moving_range = np.abs(np.diff(y, prepend=np.nan))
    lpl, upl = mean - LIMIT * average_range, mean + LIMIT * average_range
    lower_2s, upper_2s = mean - CLOSE_LIMIT * average_range, mean + CLOSE_LIMIT * average_range

    present = ~np.isnan(y)
    with np.errstate(invalid="ignore"):
        side = np.where(present, np.sign(y - mean), 0.0)
        outside = (y > upl) | (y < lpl)
        beyond_2s = ((y > upper_2s) | (y < lower_2s)).astype(float)
    trend = seven_point_trend(y, run_length)
    rising = part_of_seven_trend(trend == 1, run_length) == 1
    falling = part_of_seven_trend(trend == -1, run_length) == 1
    shift = part_of_seven_trend(seven_point_one_side_mean(side, run_length), run_length) == 1
    paired = part_of_two_in_three(beyond_2s, side) == 1
    by_side = outside | paired | shift
    # side-of-mean rules give the direction; a point flagged only by a trend takes its direction
    high = np.where(by_side, side > 0, rising)
    low = np.where(by_side, side < 0, falling)
    point_type = np.where(
        present & ~np.isnan(average_range),
        _point_types(high, low, side, improvement),
        None,
    ).astype(object)
    rules = np.array(
        [
            ",".join(
                name
                for name, flagged in zip(
                    ("outside_limits", "trend", "two_in_three", "shift"), flags, strict=True
                )
                if flagged
            )
            for flags in zip(outside, rising | falling, paired, shift, strict=True)
        ],
        dtype=object,
    )
    result = pd.DataFrame(
        {
            "value": y,
            "moving_range": moving_range,
            "mean": mean,
            "lpl": lpl,
            "upl": upl,
            "lower_2s": lower_2s,
            "upper_2s": upper_2s,
            "point_type": pd.array(point_type, dtype="str"),
            "rule": rules,
        },
        index=index,
    )
    n_points = int(present[:points].sum())
    last_types = [label for label in point_type if label is not None]
    notes = []
    if n_points < TRIAL_BELOW:
        notes.append(f"trial limits: {n_points} points (fewer than {TRIAL_BELOW})")
    if np.isnan(average_range):
        notes.append("too few points for process limits")
    has_limits = not np.isnan(average_range)
    result.attrs.update(
        variation=str(last_types[-1]) if last_types else None,
        assurance=assurance_type(lpl, upl, target, improvement) if has_limits else None,
        trial_limits=n_points < TRIAL_BELOW,
        n_points=n_points,
        improvement=improvement,
        target=target,
        note="; ".join(notes),
    )
    return result
