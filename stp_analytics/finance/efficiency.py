"""Efficiency context for the finance chapter: each of the area's acute trusts' operating cost per
patient, adjusted for the market forces factor, against all acute trusts (2019/20).

Measure: operating expenses (£) / MFF payment index / patients, from NHS England's Trust Peer
Finder inputs for 2019/20 (:mod:`stp_analytics.data.peer_costs`). Dividing by the market forces
factor takes out the unavoidable differences in local costs (staff, land, buildings) that the
NHS pays for. The unit of activity is the patient (the file's ``Patients``): it counts the
people a trust treated in every setting, so it is less sensitive than ``Attendances`` to how a
trust counts and records follow-up outpatient contacts; cost per attendance is shown beside it.
Neither is adjusted for case mix: a specialist or teaching trust treats costlier patients, so a
high cost per patient is a question to ask, not a finding of inefficiency.

Peers: the file has no peer-group column, so the peers are every acute trust in it (the trusts
of the Health Foundation's acute trust lookup); mental health and community trusts are left out
because their activity is not comparable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics.data.peer_costs import PERIOD, read_peer_costs

#: the trust lookup column that places trusts in each area set's areas
AREA_COLUMNS = {"stp2017": "area_code", "icb2022": "icb22_code"}
COLUMNS = ("trust_code", "trust_name", "cost_per_patient", "cost_per_attendance", "rank",
           "peers", "quartile", "peer_median_per_patient", "period")


def acute_peer_costs(costs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every acute trust with cost_per_patient and cost_per_attendance (£, MFF-adjusted), rank
    (1 = lowest cost per patient; ties by trust code), peers (their number) and quartile
    (1 = lowest quarter)."""
    costs = read_peer_costs() if costs is None else costs
    acute = costs[costs["acute"]].copy()
    adjusted = acute["operating_expenses_gbp"] / acute["mff_index"]
    acute["cost_per_patient"] = adjusted / acute["patients"]
    acute["cost_per_attendance"] = adjusted / acute["attendances"]
    acute = acute.sort_values(["cost_per_patient", "trust_code"], ignore_index=True)
    acute["rank"] = np.arange(1, len(acute) + 1)
    acute["peers"] = len(acute)
    acute["quartile"] = np.minimum(4, 1 + (4 * (acute["rank"] - 1)) // max(len(acute), 1))
    acute["peer_median_per_patient"] = float(acute["cost_per_patient"].median())
    acute["period"] = PERIOD
    return acute


def area_trust_costs(area_code: str, area_set: str = "stp2017",
                     costs: pd.DataFrame | None = None) -> pd.DataFrame:
    """The area's acute trusts (DataFrame with :data:`COLUMNS`), lowest cost per patient first;
    empty when none of its trusts is in the file or the area set places no trusts (CCGs)."""
    column = AREA_COLUMNS.get(area_set)
    peers = acute_peer_costs(costs)
    if column is None:
        return peers.iloc[0:0].loc[:, list(COLUMNS)]
    return peers[peers[column] == area_code].loc[:, list(COLUMNS)].reset_index(drop=True)


def area_summary(area_code: str, area_set: str = "stp2017",
                 costs: pd.DataFrame | None = None) -> dict[str, float]:
    """The area's acute trusts together against all acute trusts together: MFF-adjusted cost per
    patient of each (£, total cost / total patients) and the number of trusts."""
    peers = acute_peer_costs(costs)
    column = AREA_COLUMNS.get(area_set)
    mine = peers[peers[column] == area_code] if column else peers.iloc[0:0]

    def pooled(rows: pd.DataFrame) -> float:
        total = (rows["operating_expenses_gbp"] / rows["mff_index"]).sum()
        return float(total / rows["patients"].sum()) if len(rows) else float("nan")

    return {"area_cost_per_patient": pooled(mine), "all_acute_cost_per_patient": pooled(peers),
            "area_trusts": float(len(mine)), "acute_trusts": float(len(peers))}


__all__ = ["COLUMNS", "acute_peer_costs", "area_summary", "area_trust_costs"]
