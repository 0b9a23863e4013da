"""Making Data Count SPC state of every point of a monthly indicator, per area (methods.xmr).

Improvement direction comes from the indicator's polarity (high_is_good -> "increase",
low_is_good -> "decrease", none -> neutral) and the target from the catalogue. One XmR chart per
indicator x area x sex; a part in two areas is charted once and its state copied to both rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics import methods

IMPROVEMENT = {"high_is_good": "increase", "low_is_good": "decrease"}
SERIES = ["indicator", "area_role", "area_code", "sex"]


def add_spc(rows: pd.DataFrame) -> pd.DataFrame:
    """Fill spc_point_type, spc_mean, spc_lpl, spc_upl for monthly indicators ("" / NaN else)."""
    monthly = rows.loc[rows["frequency"].eq("monthly") & rows["value"].notna()]
    # one chart per series: a split part's duplicate rows (two parents) share it
    unique = monthly.drop_duplicates([*SERIES, "period"]).sort_values([*SERIES, "period_start"])
    charts = [_chart(series) for _, series in unique.groupby(SERIES, sort=True)]
    columns = ["spc_point_type", "spc_mean", "spc_lpl", "spc_upl"]
    if charts:
        states = pd.concat(charts, ignore_index=True)
    else:
        states = pd.DataFrame(columns=[*SERIES, "period", *columns])
    out = rows.drop(columns=[c for c in columns if c in rows]).merge(
        states, on=[*SERIES, "period"], how="left", validate="many_to_one"
    )
    out.index = rows.index
    out["spc_point_type"] = out["spc_point_type"].fillna("").astype("str")
    for column in columns[1:]:
        out[column] = out[column].astype("float64")
    return out


def _chart(series: pd.DataFrame) -> pd.DataFrame:
    """XmR states for one area's monthly series (rows sorted by period)."""
    first = series.iloc[0]
    target = first["target"]
    chart = methods.xmr(
        series["value"].to_numpy(),
        improvement=IMPROVEMENT.get(first["polarity"]),
        target=None if pd.isna(target) else float(target),
    )
    states = series.loc[:, [*SERIES, "period"]].reset_index(drop=True)
    states["spc_point_type"] = np.asarray(chart["point_type"], dtype="object").astype("str")
    for column in ("mean", "lpl", "upl"):
        states[f"spc_{column}"] = np.asarray(chart[column], dtype="float64")
    return states
