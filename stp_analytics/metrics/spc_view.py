"""What an SPC chart (Making Data Count XmR) shows for one area: the stored series and its icons.

The store holds, per month, the value, mean, process limits and point type (``metrics.spc``,
``methods.xmr``). :func:`spc_series` picks one area's series in period order and adds, as
``attrs``, the variation (type of the last point and its side of the mean), the assurance of
the latest limits against the target (``methods.assurance_type``) and whether the limits are
trial limits. ``charts.spc`` only draws it (reference/methods/README.md).
"""

from __future__ import annotations

import pandas as pd

from stp_analytics import methods
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics.rows import area_name, numeric_series, require_columns, select_rows
from stp_analytics.schema import SPC_POINT_TYPES, SPC_SERIES_COLUMNS, SPC_TRIAL_LIMIT_POINTS

SPC_DATA_COLUMNS = SPC_SERIES_COLUMNS
#: indicator polarity -> Making Data Count improvement direction (none: neutral)
IMPROVEMENT: dict[str, str] = {"high_is_good": "increase", "low_is_good": "decrease"}


def assurance_state(lpl: float, upl: float, target: float, polarity: str) -> str | None:
    """Making Data Count assurance of the limits against the target (``methods`` rule)."""
    return methods.assurance_type(lpl, upl, target, IMPROVEMENT.get(polarity))


def spc_series(
    store: pd.DataFrame,
    area_code: str,
    indicator: str,
    *,
    polarity: str = "none",
    sex: str = "Persons",
    area_role: str | None = None,
) -> pd.DataFrame:
    """The monthly series (:data:`SPC_DATA_COLUMNS`) of one indicator for one area.

    ``attrs``: indicator, area_code, area_name, variation, variation_side (high | low),
    assurance (``methods.assurance_type``; None without a target), trial_limits, target.
    """
    require_columns(store, ("indicator", "area_code", "sex", *SPC_DATA_COLUMNS), "SPC chart")
    rows = select_rows(store, indicator=indicator, area_code=area_code, sex=sex,
                       area_role=area_role)
    rows = rows[rows["spc_point_type"].fillna("").astype(str) != ""]
    if rows.empty:
        raise DataValidationError(
            f"SPC chart: no rows with SPC columns for indicator {indicator!r}, area "
            f"{area_code!r}, sex {sex!r} in the metric store", column="spc_point_type")
    unknown = sorted(set(rows["spc_point_type"].astype(str)) - set(SPC_POINT_TYPES))
    if unknown:
        raise DataValidationError(
            f"SPC chart: unknown point type(s) {unknown}; expected {SPC_POINT_TYPES}",
            column="spc_point_type")
    data = numeric_series(rows, SPC_DATA_COLUMNS,
                          ("value", "spc_mean", "spc_lpl", "spc_upl", "target"))
    last = data.iloc[-1]
    targets = data["target"].dropna()
    target = float(targets.iloc[-1]) if not targets.empty else float("nan")
    data.attrs.update(
        indicator=indicator, area_code=area_code, area_name=area_name(store, area_code),
        variation=str(last["spc_point_type"]),
        variation_side="high" if last["value"] >= last["spc_mean"] else "low",
        assurance=assurance_state(
            float(last["spc_lpl"]), float(last["spc_upl"]), target, polarity),
        trial_limits=len(data) < SPC_TRIAL_LIMIT_POINTS, target=target,
    )
    return data
