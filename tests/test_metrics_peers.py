"""Peer groups, peer best-5 mean and opportunity in the synthetic store."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from metrics_synthetic import AREAS, all_observations, make_catalog, make_geography, obs_frame

from stp_analytics import methods
from stp_analytics.data.catalog import PeerVariable
from stp_analytics.metrics import build_store, peer_groups


def peer_inputs():
    """A 'size' indicator per area (direct STP values) and a proportion with counts."""
    catalog = make_catalog()
    del catalog.indicators["ae"]
    catalog.peer_variables = [PeerVariable(indicator="smoke", weight=1.0, period="2017",
                                              sex="Persons", transform="none")]
    obs = all_observations()
    return catalog, obs[obs["indicator"].ne("ae")]


@pytest.fixture(scope="module")
def store() -> pd.DataFrame:
    catalog, obs = peer_inputs()
    return build_store(catalog, observations=obs, geography=make_geography())


def test_peer_groups_use_methods_nearest_peers(store):
    catalog, _ = peer_inputs()
    peers = peer_groups(store, catalog.peer_variables)
    table = store[store["indicator"].eq("smoke") & store["area_role"].eq("area")]
    table = table.set_index("area_code")[["value"]].rename(columns={"value": "smoke"})
    expected = methods.nearest_peers(table.sort_index(), n=len(AREAS) - 1,
                                     weights={"smoke": 1.0})
    pd.testing.assert_frame_equal(peers.reset_index(drop=True), expected.reset_index(drop=True))
    assert set(peers["area_code"]) == set(AREAS)


def test_peer_best5_mean_and_opportunity(store):
    rows = store[store["indicator"].eq("prev") & store["area_role"].eq("area")
                 & store["is_latest"]].set_index("area_code")
    catalog, _ = peer_inputs()
    peers = peer_groups(store, catalog.peer_variables)
    for area in AREAS:
        mine = peers.loc[peers["area_code"].eq(area), "peer_code"]
        best = np.sort(rows.loc[mine, "value"].to_numpy())[:5]  # low is good
        assert rows.loc[area, "peer_best5_mean"] == pytest.approx(best.mean(), rel=1e-12)
        row = rows.loc[area]
        worse = row["value"] > row["peer_best5_mean"] and row["lower"] > row["peer_best5_mean"]
        expected = ((row["value"] - row["peer_best5_mean"]) * row["denominator"] / 100
                    if worse else 0.0)
        assert row["opportunity"] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert (rows["opportunity"] > 0).any()  # the example has real opportunity


def test_peers_only_on_latest_area_rows(store):
    others = store[~(store["area_role"].eq("area") & store["is_latest"])]
    assert others["peer_best5_mean"].isna().all()
    no_polarity = store[store["indicator"].eq("days")]
    assert no_polarity["peer_best5_mean"].isna().all()


def test_no_peer_variables_gives_no_peers():
    catalog, obs = peer_inputs()
    catalog.peer_variables = []
    result = build_store(catalog, observations=obs, geography=make_geography())
    assert result["peer_best5_mean"].isna().all() and result["opportunity"].isna().all()


def test_area_missing_a_peer_variable_gets_no_peers(store):
    catalog, obs = peer_inputs()
    obs = pd.concat([obs[~(obs["indicator"].eq("smoke") & obs["area_code"].eq("L4"))],
                     obs_frame([])], ignore_index=True)
    result = build_store(catalog, observations=obs, geography=make_geography())
    peers = peer_groups(result, catalog.peer_variables)
    assert "E54000003" not in set(peers["area_code"]) | set(peers["peer_code"])
