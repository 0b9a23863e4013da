"""The diabetes detection gap: NCVIN modelled prevalence against QOF registers (issue 20 item 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.geography import load_area_set
from stp_analytics.data.loaders.ncvin import (
    LSOA_CCG16_FILE,
    NCVIN_DIABETES_FILE,
    read_lsoa_ccg16,
    read_ncvin_diabetes,
)
from stp_analytics.errors import DataValidationError
from stp_analytics.metrics import detection as dg
from stp_analytics.metrics.geo import ENGLAND_CODE
from stp_analytics.paths import sources_dir

# CCG X has LSOAs L1-L3 in area A and L4 in area B (shares 3/4 and 1/4); CCG Y is all in B.
LSOA_CCG = pd.DataFrame({"lsoa_code": ["L1", "L2", "L3", "L4", "L5", "L6"],
                         "ccg_code": ["X", "X", "X", "X", "Y", "Y"]})
LSOA_AREA = pd.DataFrame({"lsoa_code": ["L1", "L2", "L3", "L4", "L5", "L6"],
                          "area_code": ["A", "A", "A", "B", "B", "B"], "share": 1.0})
ESTIMATES = pd.DataFrame({
    "ccg16_code": [ENGLAND_CODE, "X", "Y", ENGLAND_CODE, "X", "Y"],
    "period": [2017, 2017, 2017, 2018, 2018, 2018],
    "estimated": [1900.0, 1000, 1000, 2000, 1100, 1050],
    "population": [24000.0, 12000, 12000, 24000, 12000, 12000],
    "is_england": [True, False, False, True, False, False],
})
COUNTS = pd.DataFrame({"practice_code": ["P1", "P2", "P3", "P4"],
                       "numerator": [500.0, 200, 900, 50],
                       "denominator": [9000.0, 2000, 14000, 1000]})
LOOKUP = pd.DataFrame({"practice_code": ["P1", "P2", "P3"], "area_code": ["A", "B", "B"]})


def test_ccg_shares_by_lsoa_count():
    shares = dg.ccg_area_shares(LSOA_CCG, LSOA_AREA).set_index(["ccg_code", "area_code"])
    assert shares.loc[("X", "A"), "share"] == pytest.approx(0.75)
    assert shares.loc[("X", "B"), "share"] == pytest.approx(0.25)
    assert shares.loc[("Y", "B"), "share"] == pytest.approx(1.0)


def test_detection_gap_by_hand():
    # Estimated: A = 0.75 × 1000 = 750 of 0.75 × 12000 = 9000 people;
    #            B = 0.25 × 1000 + 1000 = 1250 of 3000 + 12000 = 15000.
    # Recorded:  A = P1 = 500 of 9000; B = P2 + P3 = 1100 of 16000.
    # England = sum of the CCGs (2000, not the published 1900); recorded = all four practices
    # (P4 has no area) = 1650 of 26000.
    shares = dg.ccg_area_shares(LSOA_CCG, LSOA_AREA)
    estimated = dg.estimated_by_area(ESTIMATES, shares, 2017)
    recorded = dg.recorded_by_area(COUNTS, LOOKUP)
    gap = dg.detection_gap(estimated, recorded).set_index("area_code")
    assert gap.loc["A", ["estimated", "recorded", "undiagnosed"]].tolist() == pytest.approx(
        [750, 500, 250])
    assert gap.loc["A", "detection_rate"] == pytest.approx(500 / 750)
    assert gap.loc["B", "undiagnosed"] == pytest.approx(150)
    assert gap.loc["B", "estimated_prevalence"] == pytest.approx(1250 / 15000)
    assert gap.loc["B", "recorded_prevalence"] == pytest.approx(1100 / 16000)
    assert gap.loc[ENGLAND_CODE, ["estimated", "recorded"]].tolist() == [2000, 1650]
    assert gap.loc[ENGLAND_CODE, "england_published"] == 1900
    assert gap.loc["A", "note"] == dg.CAVEAT


def test_gap_withheld_when_the_qof_list_does_not_cover_the_modelled_population():
    # Area A's practice lists 7000 people against 9000 modelled (78%): not like for like.
    shares = dg.ccg_area_shares(LSOA_CCG, LSOA_AREA)
    counts = COUNTS.assign(denominator=[7000.0, 2000, 14000, 1000])
    gap = dg.detection_gap(dg.estimated_by_area(ESTIMATES, shares, 2017),
                           dg.recorded_by_area(counts, LOOKUP)).set_index("area_code")
    assert gap.loc["A", "coverage"] == pytest.approx(7000 / 9000)
    assert np.isnan(gap.loc["A", "detection_rate"]) and np.isnan(gap.loc["A", "undiagnosed"])
    assert gap.loc["A", "note"].startswith("not computed: the QOF list sizes cover 78% of")
    assert gap.loc["B", "coverage"] == pytest.approx(16000 / 15000)
    assert gap.loc["B", "detection_rate"] == pytest.approx(1100 / 1250)


def test_area_missing_from_one_side_is_noted():
    shares = dg.ccg_area_shares(LSOA_CCG, LSOA_AREA)
    recorded = dg.recorded_by_area(COUNTS, LOOKUP.assign(area_code=["A", "C", "C"]))
    gap = dg.detection_gap(dg.estimated_by_area(ESTIMATES, shares, 2017),
                           recorded).set_index("area_code")
    assert gap.loc["B", "note"] == "no recorded (QOF) figures for the area"
    assert gap.loc["C", "note"] == "no modelled estimate for the area"
    assert np.isnan(gap.loc["C", "detection_rate"])


@pytest.mark.parametrize("change, message", [
    (lambda e: e[e["ccg16_code"] != "Y"], "no 2017 estimate for CCG 'Y'"),
    (lambda e: e.replace({"ccg16_code": {"Y": "Z"}}), "CCG 'Z' is not in the CCG to area shares"),
    (lambda e: pd.concat([e, e.iloc[[1]]]), "duplicate key ccg16_code='X'"),
    (lambda e: e.assign(period=2016), r"no rows for period 2017 \(periods: 2016\)"),
    (lambda e: e.drop(columns="population"), "estimates has no column 'population'"),
])
def test_bad_estimates_raise(change, message):
    shares = dg.ccg_area_shares(LSOA_CCG, LSOA_AREA)
    with pytest.raises(DataValidationError, match=message):
        dg.estimated_by_area(change(ESTIMATES), shares, 2017)


def test_bad_lookups_raise():
    with pytest.raises(DataValidationError, match="LSOA 'L6' of CCG 'Y' has no area"):
        dg.ccg_area_shares(LSOA_CCG, LSOA_AREA.iloc[:5])
    with pytest.raises(DataValidationError, match="lsoa_ccg: duplicate key lsoa_code='L1'"):
        dg.ccg_area_shares(pd.concat([LSOA_CCG, LSOA_CCG.iloc[[0]]]), LSOA_AREA)
    with pytest.raises(DataValidationError, match="lookup: duplicate key practice_code='P1'"):
        dg.recorded_by_area(COUNTS, pd.concat([LOOKUP, LOOKUP.iloc[[0]]]))


# Greater Manchester's twelve 2016 CCGs (all of their LSOAs are in E54000007).
GM_CCG16 = {
    "E38000016": "NHS Bolton CCG", "E38000024": "NHS Bury CCG",
    "E38000032": "NHS Central Manchester CCG",
    "E38000080": "NHS Heywood, Middleton and Rochdale CCG",
    "E38000123": "NHS North Manchester CCG", "E38000135": "NHS Oldham CCG",
    "E38000143": "NHS Salford CCG", "E38000158": "NHS South Manchester CCG",
    "E38000174": "NHS Stockport CCG", "E38000182": "NHS Tameside and Glossop CCG",
    "E38000187": "NHS Trafford CCG", "E38000205": "NHS Wigan Borough CCG",
}


@pytest.fixture(scope="module")
def real_gap() -> pd.DataFrame:
    area_set = load_area_set("stp2017")
    lsoa = area_set.part_lookup("lsoa").rename(columns={"part_code": "lsoa_code"})
    shares = dg.ccg_area_shares(read_lsoa_ccg16(sources_dir() / LSOA_CCG16_FILE), lsoa)
    estimated = dg.estimated_by_area(
        read_ncvin_diabetes(sources_dir() / NCVIN_DIABETES_FILE), shares, 2017)
    observations = load_catalog().observations("qof_diabetes_prevalence")
    counts = observations[observations["period"] == "2017/18"].rename(
        columns={"area_code": "practice_code"})
    lookup = area_set.part_lookup("practice", "2017/18").rename(
        columns={"part_code": "practice_code"})
    return dg.detection_gap(estimated, dg.recorded_by_area(counts, lookup)).set_index("area_code")


def test_greater_manchester_detection_gap_by_hand_from_the_raw_files(real_gap):
    ncvin = pd.read_csv(sources_dir() / NCVIN_DIABETES_FILE)
    ncvin_2017 = ncvin[ncvin["period"] == 2017]
    mine = ncvin_2017[ncvin_2017["org_code"].isin(GM_CCG16)]
    assert dict(zip(mine["org_code"], mine["org_name"], strict=True)) == GM_CCG16
    estimated = mine["numerator"].sum()  # 203,820.47 people aged 16+
    qof = pd.read_csv(sources_dir() / "QOF_PREVALENCE_1718.csv.gz")
    reference = pd.read_csv(sources_dir() / "QOF_ORGANISATION_REFERENCE_1718.csv.gz")
    dm = qof[qof["INDICATOR_GROUP_CODE"] == "DM"].merge(reference, on="PRACTICE_CODE")
    recorded = dm.loc[dm["STP_CODE"] == "E54000007", "REGISTER"].sum()  # 173,257 on registers
    row = real_gap.loc["E54000007"]
    assert row["estimated"] == pytest.approx(estimated, rel=1e-12)
    assert row["recorded"] == recorded
    assert row["undiagnosed"] == pytest.approx(estimated - recorded, rel=1e-12)
    assert row["detection_rate"] == pytest.approx(recorded / estimated, rel=1e-12)
    assert 0.84 < row["detection_rate"] < 0.86


def test_england_compares_with_the_sum_of_ccgs_not_the_published_row(real_gap):
    ncvin = pd.read_csv(sources_dir() / NCVIN_DIABETES_FILE)
    ncvin_2017 = ncvin[ncvin["period"] == 2017]
    england = real_gap.loc[ENGLAND_CODE]
    ccg_sum = ncvin_2017.loc[ncvin_2017["org_code"] != ENGLAND_CODE, "numerator"].sum()
    assert england["estimated"] == pytest.approx(ccg_sum, rel=1e-12)  # 4,080,029
    assert england["england_published"] == pytest.approx(
        ncvin_2017.loc[ncvin_2017["org_code"] == ENGLAND_CODE, "numerator"].iloc[0])  # 4,032,506
    assert england["estimated"] > england["england_published"]
    # every footprint but Buckinghamshire, Oxfordshire and Berkshire West (no Buckinghamshire
    # practice in the vendored QOF 2017-18 files) gets a gap
    withheld = real_gap.index[real_gap["detection_rate"].isna()].tolist()
    assert withheld == ["E54000044"]
    assert real_gap["estimated"].drop(ENGLAND_CODE).sum() == pytest.approx(ccg_sum, rel=1e-9)
