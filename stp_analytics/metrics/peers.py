"""Peer groups and RightCare-style opportunity (methods.nearest_peers, methods.opportunity).

Each area's peers are its 10 nearest areas of the set by the catalogue's peer variables
(standardised, weighted Euclidean distance). For the latest period of each indicator the
peer best-5 mean is the mean of the best 5 of those 10 values (by polarity) and the opportunity
is what closing the gap to it would mean in events, counted only on the worse side and only
where the difference is significant (methods.opportunity).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from stp_analytics import methods

N_PEERS = 10
N_BEST = 5


def peer_variable_table(rows: pd.DataFrame, peer_variables: list[Any]) -> pd.DataFrame:
    """Area x variable table of the peer variables' values (transformed), one column each."""
    areas = rows.loc[rows["area_role"].eq("area")]
    columns = {}
    for variable in peer_variables:
        pick = areas.loc[areas["indicator"].eq(variable.indicator)
                         & areas["period"].eq(str(variable.period))
                         & areas["sex"].eq(getattr(variable, "sex", "Persons"))]
        values = pick.set_index("area_code")["value"]
        values = values[~values.index.duplicated()]
        if getattr(variable, "transform", "none") == "log":
            values = np.log(values.where(values > 0))
        columns[variable.indicator] = values
    table = pd.DataFrame(columns).reindex(sorted(areas["area_code"].unique()))
    table.index.name = "area_code"
    return table


def peer_groups(rows: pd.DataFrame, peer_variables: list[Any], n: int = N_PEERS) -> pd.DataFrame:
    """DataFrame[area_code, peer_code, distance, peer_rank] from methods.nearest_peers."""
    empty = pd.DataFrame({"area_code": pd.Series(dtype="str"), "peer_code": pd.Series(dtype="str"),
                          "distance": pd.Series(dtype="float64"),
                          "peer_rank": pd.Series(dtype="int64")})
    if not peer_variables:
        return empty
    table = peer_variable_table(rows, peer_variables)
    if table.empty or table.shape[1] == 0:
        return empty
    weights = {v.indicator: float(v.weight) for v in peer_variables}
    peers = methods.nearest_peers(table, n=n, weights=weights)
    return pd.DataFrame(peers).reset_index(drop=True)


def add_peers(rows: pd.DataFrame, peers: pd.DataFrame) -> pd.DataFrame:
    """peer_best5_mean and opportunity on the latest area rows of each indicator."""
    best5 = pd.Series(np.nan, index=rows.index)
    opportunity = pd.Series(np.nan, index=rows.index)
    latest = rows.loc[rows["area_role"].eq("area") & rows["is_latest"]
                      & rows["polarity"].ne("none")]
    if latest.empty or peers.empty:
        return rows.assign(peer_best5_mean=best5, opportunity=opportunity)
    keys = ["indicator", "period", "sex"]
    values = latest.loc[:, [*keys, "area_code", "value", "polarity"]].dropna(subset=["value"])
    pairs = latest.loc[:, [*keys, "area_code"]].reset_index().merge(
        peers.loc[:, ["area_code", "peer_code"]], on="area_code"
    ).merge(values.rename(columns={"area_code": "peer_code", "value": "peer_value"}),
            on=[*keys, "peer_code"])
    score = pairs["peer_value"].where(pairs["polarity"].eq("low_is_good"), -pairs["peer_value"])
    pairs = pairs.assign(score=score).sort_values(["index", "score", "peer_code"])
    best = pairs.groupby("index").head(N_BEST)
    counts = best.groupby("index")["peer_value"].count()
    means = best.groupby("index")["peer_value"].mean().where(counts >= N_BEST)
    best5[means.index] = means
    target = rows.loc[means.index]
    result = methods.opportunity(
        target["value"].to_numpy(), target["lower"].to_numpy(), target["upper"].to_numpy(),
        means.to_numpy(), target["polarity"].to_numpy(),
        denominator=target["denominator"].to_numpy(), multiplier=target["multiplier"].to_numpy(),
    )
    opportunity[means.index] = np.asarray(result, dtype="float64")
    return rows.assign(peer_best5_mean=best5, opportunity=opportunity)
