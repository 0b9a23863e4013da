"""Peer groups and RightCare-style opportunity for the latest period of each indicator.

Each area's peers are its 10 nearest areas of the set by the catalogue's peer variables
(z-scores, weighted Euclidean distance: :func:`methods.nearest_peers`). On the latest area rows
``peer_best5_mean`` is the mean of the best 5 of the 10 peers' values
(:func:`methods.peer_best_mean`) and ``opportunity`` is the gap to it in events
(:func:`methods.opportunity`, volume = the row's denominator), counted only on the worse side
and only where the area's CI excludes the peer best-5 mean (:func:`methods.compare`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from stp_analytics import methods

if TYPE_CHECKING:
    from stp_analytics.data.catalog import PeerVariable

N_PEERS = 10
N_BEST = 5
PEER_COLUMNS = ["area_code", "peer_code", "peer_rank", "distance"]


def peer_variable_table(
    rows: pd.DataFrame, peer_variables: list[PeerVariable]
) -> pd.DataFrame:
    """Area x variable values of the peer variables (log-transformed where asked)."""
    areas = rows.loc[rows["area_role"].eq("area")]
    columns = {}
    for variable in peer_variables:
        pick = areas.loc[areas["indicator"].eq(variable.indicator)
                         & areas["period"].eq(str(variable.period))
                         & areas["sex"].eq(variable.sex)]
        values = pick.drop_duplicates("area_code").set_index("area_code")["value"]
        if variable.transform == "log":
            values = np.log(values.where(values > 0))
        columns[variable.indicator] = values
    table = pd.DataFrame(columns).reindex(sorted(areas["area_code"].unique()))
    table.index.name = "area_code"
    return table


def peer_groups(
    rows: pd.DataFrame, peer_variables: list[PeerVariable], n: int = N_PEERS
) -> pd.DataFrame:
    """DataFrame[area_code, peer_code, peer_rank, distance]: each area's n nearest areas.

    Areas missing a peer variable get no peers; with fewer than n + 1 complete areas every
    other area is a peer. Empty when the catalogue has no peer variables.
    """
    empty = pd.DataFrame({c: pd.Series(dtype="float64" if c == "distance" else "str")
                          for c in PEER_COLUMNS})
    if not peer_variables:
        return empty
    table = peer_variable_table(rows, peer_variables).dropna()
    if len(table) < 2:
        return empty
    weights = {v.indicator: float(v.weight) for v in peer_variables}
    return methods.nearest_peers(table, n=min(n, len(table) - 1), weights=weights)


def add_peers(rows: pd.DataFrame, peers: pd.DataFrame) -> pd.DataFrame:
    """peer_best5_mean and opportunity on the latest area rows of each indicator."""
    best5 = pd.Series(np.nan, index=rows.index)
    opportunity = pd.Series(np.nan, index=rows.index)
    latest = rows.loc[rows["area_role"].eq("area") & rows["is_latest"]
                      & rows["polarity"].ne("none")]
    if peers.empty:
        return rows.assign(peer_best5_mean=best5, opportunity=opportunity)
    for (_, _, _, polarity, multiplier), block in latest.groupby(
        ["indicator", "period", "sex", "polarity", "multiplier"], sort=True
    ):
        values = block.set_index("area_code")["value"]
        means = methods.peer_best_mean(values, peers, polarity, best=N_BEST)
        best = block["area_code"].map(means).to_numpy(dtype="float64")
        best5[block.index] = best
        significance = methods.compare(
            block["value"].to_numpy(), block["lower"].to_numpy(), block["upper"].to_numpy(),
            best, polarity, method="single",
        )
        gained = methods.opportunity(
            block["value"].to_numpy(), best, block["denominator"].to_numpy(),
            significance.to_numpy(), polarity, multiplier=float(multiplier),
        )
        opportunity[block.index] = gained["opportunity"].to_numpy(dtype="float64")
    return rows.assign(peer_best5_mean=best5, opportunity=opportunity)
