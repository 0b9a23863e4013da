"""Ranks, nearest peers, peer best-5 means, opportunity and target gaps."""

import numpy as np
import pandas as pd
import pytest

from stp_analytics.methods import (
    compare,
    nearest_peers,
    opportunity,
    peer_best_mean,
    rank_areas,
    target_gap,
)

CODES = [f"E540000{number:02d}" for number in range(5, 49)]


def test_ranks_with_ties_and_missing():
    values = pd.Series([10, 30, 30, np.nan, 5], index=list("abcde"))
    high = rank_areas(values, "high_is_good")
    assert high["rank"].tolist() == [3, 1, 1, pd.NA, 4]
    assert set(high["rank_of"]) == {4}
    low = rank_areas(values, "low_is_good")
    assert low["rank"].tolist() == [2, 3, 3, pd.NA, 1]
    assert rank_areas(values, "none")["rank"].tolist() == high["rank"].tolist()
    assert str(high["rank"].dtype) == "Int64"
    assert high.index.equals(values.index)


def test_all_missing_ranks_nothing():
    result = rank_areas([np.nan, np.nan], "low_is_good")
    assert result["rank"].isna().all() and set(result["rank_of"]) == {0}


def _features(seed=3):
    generator = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "over_65": generator.normal(18, 3, len(CODES)),
            "imd_score": generator.normal(22, 8, len(CODES)),
            "population": generator.normal(1.2e6, 4e5, len(CODES)),
        },
        index=pd.Index(CODES, name="area_code"),
    )


def test_nearest_peers_standardised_euclidean_distance():
    features = _features()
    peers = nearest_peers(features, n=10)
    assert list(peers.columns) == ["area_code", "peer_code", "peer_rank", "distance"]
    assert len(peers) == 44 * 10
    assert (peers.groupby("area_code")["peer_rank"].apply(list) == [list(range(1, 11))] * 44).all()
    assert not (peers["area_code"] == peers["peer_code"]).any()
    scores = (features - features.mean()) / features.std(ddof=0)
    first = peers.iloc[0]
    difference = scores.loc[first["area_code"]] - scores.loc[first["peer_code"]]
    expected = np.sqrt((difference**2).sum())
    assert first["distance"] == pytest.approx(expected)
    all_distances = np.sqrt(
        ((scores.loc[first["area_code"]] - scores.drop(first["area_code"])) ** 2).sum(axis=1)
    )
    chosen = peers.query("area_code == @first.area_code")["peer_code"].tolist()
    assert chosen == all_distances.sort_values().index[:10].tolist()
    assert peers["distance"].groupby(peers["area_code"]).is_monotonic_increasing.all()


def test_scale_free_weights_and_deterministic_ties():
    features = _features()
    rescaled = features.assign(population=features["population"] / 1000)
    pd.testing.assert_frame_equal(nearest_peers(features), nearest_peers(rescaled))
    weighted = nearest_peers(features, weights={"imd_score": 1})
    only_imd = nearest_peers(features[["imd_score"]])
    pd.testing.assert_frame_equal(weighted, only_imd)
    # four areas at the same distance from "a": peers ordered by code
    tied = pd.DataFrame({"x": [0.0, 1, 1, -1, -1]}, index=["a", "e", "c", "d", "b"])
    assert nearest_peers(tied, n=4).query("area_code == 'a'")["peer_code"].tolist() == [
        "b", "c", "d", "e"
    ]
    assert nearest_peers(features).equals(nearest_peers(features.iloc[::-1]))


def test_peer_validation():
    features = _features()
    with pytest.raises(ValueError, match="n must be less than the number of areas"):
        nearest_peers(features, n=44)
    gap = features.copy()
    gap.iloc[3, 1] = np.nan
    with pytest.raises(ValueError, match="peer feature is missing for area 'E54000008'"):
        nearest_peers(gap)
    with pytest.raises(ValueError, match="weights names 'age'"):
        nearest_peers(features, weights={"age": 1})
    with pytest.raises(ValueError, match="weights must give one weight per feature"):
        nearest_peers(features, weights=[1, 2])


def test_peer_best_mean_best_five_of_ten():
    values = pd.Series(np.arange(1.0, 12.0), index=[f"p{i}" for i in range(11)])
    peers = {"p0": [f"p{i}" for i in range(1, 11)]}  # values 2..11
    best_high = peer_best_mean(values, peers, "high_is_good")["p0"]
    assert best_high == pytest.approx(np.mean([7, 8, 9, 10, 11]))
    best_low = peer_best_mean(values, peers, "low_is_good")["p0"]
    assert best_low == pytest.approx(np.mean([2, 3, 4, 5, 6]))
    assert np.isnan(peer_best_mean(values, peers, "none")["p0"])
    sparse = values.where(values.index.isin(["p1", "p2", "p3", "p4"]))
    assert np.isnan(peer_best_mean(sparse, peers, "high_is_good")["p0"])


def test_peer_best_mean_from_nearest_peers_frame():
    features = _features()
    peers = nearest_peers(features)
    values = pd.Series(np.linspace(50, 80, 44), index=CODES)
    result = peer_best_mean(values, peers, "high_is_good")
    area = CODES[0]
    own = values[peers.query("area_code == @area")["peer_code"]].sort_values()
    assert result[area] == pytest.approx(own.iloc[-5:].mean())
    assert result.index.tolist() == sorted(CODES)


def test_opportunity_worse_side_and_significant_only():
    result = opportunity(
        value=[60, 60, 80, 60, np.nan, 60],
        best_mean=[70, 70, 70, 70, 70, 70],
        volume=[1000, 1000, 1000, 1000, 1000, 1000],
        significance=["Worse", "Similar", "Better", "Not compared", "Worse", True],
        polarity=["high_is_good"] * 5 + ["low_is_good"],
        multiplier=100,
    )
    assert result["gap"].iloc[0] == 10 and result["opportunity"].iloc[0] == 100
    assert result["gap"].iloc[1] == 0 and result["gap"].iloc[2] == 0
    assert np.isnan(result["gap"].iloc[3]) and result["note"].iloc[3] == "significance not known"
    assert np.isnan(result["opportunity"].iloc[4])
    assert result["gap"].iloc[5] == 0  # low is good and 60 < 70: better side


def test_opportunity_with_compare_labels_for_rates_in_events():
    labels = compare([250.0], [230.0], [270.0], [200.0], "low_is_good")
    result = opportunity([250.0], [200.0], [500_000], labels, "low_is_good", multiplier=100_000)
    assert labels.iloc[0] == "Worse"
    assert result["opportunity"].iloc[0] == pytest.approx(250)  # 50 per 100,000 x 500,000
    assert np.isnan(opportunity(1, 2, 3, True, "none")["gap"].iloc[0])
    with pytest.raises(ValueError, match="significance must be True/False or a comparison label"):
        opportunity(1, 2, 3, "maybe", "high_is_good")
    with pytest.raises(ValueError, match="volume must be greater than or equal to zero"):
        opportunity(1, 2, -3, True, "high_is_good")


def test_target_gap_positive_when_short():
    polarity = ["high_is_good", "high_is_good", "low_is_good", "low_is_good", "high_is_good"]
    gaps = target_gap([90, 97, 10, 5, np.nan], [95, 95, 8, 8, 95], polarity)
    assert gaps.tolist()[:4] == [5, -2, 2, -3]
    assert np.isnan(gaps.iloc[4])
    assert np.isnan(target_gap(1, 2, "none").iloc[0])
    with pytest.raises(ValueError, match="polarity must be one of"):
        target_gap(1, 2, "up")
