"""Making Data Count SPC state of every point of a monthly indicator, per area (methods.xmr).

Improvement direction comes from the indicator's polarity (high_is_good -> "increase",
low_is_good -> "decrease", none -> neutral) and the target from the catalogue. One XmR chart per
indicator x area x sex; a part in two areas is charted once and its state copied to both rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics import methods
from stp_analytics.metrics.notes import join_notes

IMPROVEMENT = {"high_is_good": "increase", "low_is_good": "decrease"}
SERIES = ["indicator", "area_role", "area_code", "sex"]
TRIAL_NOTE = "SPC: trial limits (fewer than 13 points)"


def add_spc(rows: pd.DataFrame) -> pd.DataFrame:
    """Fill spc_point_type, spc_mean, spc_lpl, spc_upl for monthly indicators ("" / NaN else)."""
    monthly = rows.loc[rows["frequency"].eq("monthly")]  # missing months break runs
    # one chart per series: a split part's duplicate rows (two parents) share it
    unique = monthly.drop_duplicates([*SERIES, "period"]).sort_values([*SERIES, "period_start"])
    unique = unique.reset_index(drop=True)
    columns = ["spc_point_type", "spc_mean", "spc_lpl", "spc_upl"]
    states = unique.loc[:, [*SERIES, "period"]]
    point_type = np.full(len(unique), "", dtype=object)
    trial = np.zeros(len(unique), dtype=bool)
    limits = np.full((len(unique), 3), np.nan)
    values = unique["value"].to_numpy(dtype="float64")
    polarity = unique["polarity"].to_numpy()
    target = unique["target"].to_numpy(dtype="float64")
    starts = np.flatnonzero(~unique.duplicated(SERIES).to_numpy())
    ends = np.append(starts[1:], len(unique))[: len(starts)]
    for start, end in zip(starts, ends, strict=True):
        chart = methods.xmr(
            values[start:end],
            improvement=IMPROVEMENT.get(polarity[start]),
            target=None if np.isnan(target[start]) else float(target[start]),
        )
        point_type[start:end] = np.asarray(chart["point_type"], dtype=object)
        limits[start:end] = chart[["mean", "lpl", "upl"]].to_numpy(dtype="float64")
        trial[start:end] = bool(chart.attrs.get("trial_limits", False))
    states = states.assign(spc_point_type=point_type, spc_mean=limits[:, 0],
                           spc_lpl=limits[:, 1], spc_upl=limits[:, 2], spc_trial=trial)
    out = rows.drop(columns=[c for c in columns if c in rows]).merge(
        states, on=[*SERIES, "period"], how="left", validate="many_to_one"
    )
    out.index = rows.index
    out["spc_point_type"] = out["spc_point_type"].fillna("").astype("str")
    trial_note = pd.Series(np.where(out["spc_trial"].eq(True), TRIAL_NOTE, ""), index=out.index)
    out["note"] = join_notes(out["note"], trial_note)
    out = out.drop(columns="spc_trial")
    for column in columns[1:]:
        out[column] = out[column].astype("float64")
    return out
