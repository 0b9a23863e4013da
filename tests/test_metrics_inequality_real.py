"""Greater Manchester's QOF diabetes 2017-18 by national deprivation quintile, checked by hand.

The library path (catalogue observations, Fingertips 93553 reader, stp2017 practice lookup,
metrics.inequality, methods.sii) is compared with an independent pandas computation straight
from the vendored raw files: the QOF prevalence and organisation reference CSVs, the raw
Fingertips export, PHE's quantile rule written out, a groupby-sum, and numpy's weighted polyfit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.geography import load_area_set
from stp_analytics.data.loaders.practice_imd import PRACTICE_IMD_FILE, read_practice_imd
from stp_analytics.metrics import inequality as iq
from stp_analytics.paths import sources_dir

GREATER_MANCHESTER = "E54000007"


@pytest.fixture(scope="module")
def library():
    observations = load_catalog().observations("qof_diabetes_prevalence")
    diabetes = observations[observations["period"] == "2017/18"]
    counts = diabetes.rename(columns={"area_code": "practice_code"})[
        ["practice_code", "numerator", "denominator"]]
    scores = read_practice_imd(sources_dir() / PRACTICE_IMD_FILE)
    lookup = load_area_set("stp2017").part_lookup("practice", "2017/18").rename(
        columns={"part_code": "practice_code"})
    table = iq.quantile_proportions(counts, scores, lookup)
    sii = iq.area_sii(iq.quantile_counts(counts, scores, lookup), repetitions=20_000)
    return table, sii.set_index("area_code"), iq.set_aside_practices(counts, scores, lookup)


@pytest.fixture(scope="module")
def by_hand():
    """Quintile sums for Greater Manchester computed from the raw files with plain pandas."""
    prevalence = pd.read_csv(sources_dir() / "QOF_PREVALENCE_1718.csv.gz")
    dm = prevalence[prevalence["INDICATOR_GROUP_CODE"] == "DM"]
    dm = dm[dm["REGISTER"].notna() & (dm["PATIENT_LIST_SIZE"] > 0)]
    fingertips = pd.read_csv(sources_dir() / PRACTICE_IMD_FILE)
    gp = fingertips[fingertips["Area Type"] == "GP"][["Area Code", "Value"]]
    ranked = dm.merge(gp, left_on="PRACTICE_CODE", right_on="Area Code")
    n = len(ranked)
    rank = (-ranked["Value"]).rank(method="min")
    # PHE phe_quantile: q = floor(6 - ceil((N + 1 - rank) / (N / 5))), 0 -> 1
    quintile = np.floor(6 - np.ceil((n + 1 - rank) / (n / 5))).clip(lower=1).astype(int)
    ranked = ranked.assign(quintile=quintile)
    reference = pd.read_csv(sources_dir() / "QOF_ORGANISATION_REFERENCE_1718.csv.gz",
                            usecols=["PRACTICE_CODE", "STP_CODE"])
    mine = ranked.merge(reference, on="PRACTICE_CODE")
    mine = mine[mine["STP_CODE"] == GREATER_MANCHESTER]
    sums = mine.groupby("quintile").agg(practices=("PRACTICE_CODE", "size"),
                                        register=("REGISTER", "sum"),
                                        list_size=("PATIENT_LIST_SIZE", "sum"))
    return sums, n


def test_greater_manchester_quintile_sums_equal_the_raw_files(library, by_hand):
    table, _, _ = library
    sums, _ = by_hand
    gm = table[table["area_code"] == GREATER_MANCHESTER].set_index("quantile")
    assert gm["practices"].tolist() == sums["practices"].tolist()
    assert gm["numerator"].tolist() == sums["register"].tolist()
    assert gm["denominator"].tolist() == sums["list_size"].tolist()
    np.testing.assert_allclose(gm["value"], 100 * sums["register"] / sums["list_size"])
    # the deprivation gradient is there: quintile 1 (most deprived) has the highest prevalence
    assert gm["value"].is_monotonic_decreasing


def test_greater_manchester_sii_equals_a_hand_weighted_fit(library, by_hand):
    _, sii, _ = library
    sums, _ = by_hand
    population = sums["list_size"].to_numpy(dtype=float)
    share = population / population.sum()
    rank = np.cumsum(share) - share / 2
    slope, intercept = np.polyfit(rank, sums["register"] / sums["list_size"], 1,
                                  w=np.sqrt(share))
    row = sii.loc[GREATER_MANCHESTER]
    assert row["sii"] == pytest.approx(-100 * slope, rel=1e-9)
    assert row["rii"] == pytest.approx(intercept / (intercept + slope), rel=1e-9)
    assert row["intercept"] == pytest.approx(100 * intercept, rel=1e-9)
    assert row["sii_lower"] < row["sii"] < row["sii_upper"]


def test_england_quintiles_hold_equal_numbers_of_practices(library, by_hand):
    table, sii, set_aside = library
    _, n = by_hand
    england = table[table["area_code"] == "E92000001"]
    assert england["practices"].sum() == n
    assert england["practices"].max() - england["practices"].min() <= 1
    assert sii.loc["E92000001", "sii"] > 0
    # practices with counts but no 2019 score are listed, not silently dropped
    assert set(set_aside["reason"]) <= {iq.NO_SCORE, iq.NO_AREA, iq.NO_COUNTS}
    assert len(set_aside) > 0
