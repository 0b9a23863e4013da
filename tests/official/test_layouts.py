"""Each official sample: its layout detected by header, its own totals rebuilt from its rows.

Expected figures are those the file itself publishes (Total / TOTAL / England / National rows,
checked here against the reader's rows) or, where the file has no total row, NHS England's
published headline (CWT March 2025; registered patients 1 January 2021), as recorded in
``data_catalog/official_samples/README.md``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from stp_analytics.data.official import detect_layout
from stp_analytics.schema import OBSERVATION_COLUMNS

from .conftest import SAMPLES, read_sample, sample_path

pytestmark = pytest.mark.official

LAYOUT_OF = {
    "rtt_legacy": "rtt_commissioner_legacy", "rtt_current": "rtt_commissioner",
    "cwt": "cwt_crs_provider", "dm01": "dm01_provider", "ae": "ae_monthly",
    "ambsys_csv": "ambsys_csv", "ambsys_xlsx": "ambsys_timeseries", "kh03": "kh03_beds",
    "workforce": "workforce_org_fte", "epraccur": "ods_epraccur",
    "registered": "gp_registered_patients", "fingertips": "fingertips_export",
}


def _sum(data, measure: str, column: str, period: str | None = None) -> float:
    rows = data.observations[data.observations["indicator"] == measure]
    if period is not None:
        rows = rows[rows["period"] == period]
    return float(rows[column].sum())


def _pct(data, measure: str, period: str | None = None) -> float:
    return round(100 * _sum(data, measure, "numerator", period)
                 / _sum(data, measure, "denominator", period), 1)


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_layout_detected_by_header(key):
    assert detect_layout(sample_path(key)).key == LAYOUT_OF[key]


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_observation_columns_and_published_totals_match_rows(key):
    data = read_sample(key)
    assert list(data.observations.columns[: len(OBSERVATION_COLUMNS)]) == list(
        OBSERVATION_COLUMNS)
    assert data.totals.differences() == {}
    assert data.layout == LAYOUT_OF[key]


def test_rtt_legacy_may_2015():
    data = read_sample("rtt_legacy")
    assert data.periods == ["2015-05"]
    assert _sum(data, "rtt_incomplete_pathways", "numerator") == 3_172_627
    assert _sum(data, "rtt_within_18_weeks", "numerator") == 2_965_989
    assert _pct(data, "rtt_within_18_weeks") == 93.5
    assert data.totals.published == {"pathways": 3_172_627, "within_18_weeks": 2_965_989}
    assert data.england["pct_within_18_weeks"] == 93.5
    assert len(data.organisations) == 210  # 209 CCGs + X24
    set_aside = data.observations.loc[data.observations["set_aside"] != "", "area_code"]
    assert set(set_aside) == {"X24"}


def test_rtt_current_december_2024():
    data = read_sample("rtt_current")
    assert data.periods == ["2024-12"]
    assert _sum(data, "rtt_completed_pathways", "numerator") == 275_133
    assert data.totals.published["pathways"] == 275_133
    assert len(data.organisations) == 128  # sub-ICB locations (incl. the regional codes)


def test_cwt_march_2025_standards():
    data = read_sample("cwt")
    assert data.periods == ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]
    assert data.rows_read == 61_649
    assert _pct(data, "cancer_62_day_combined", "2025-03") == 71.4
    assert _pct(data, "cancer_28_day_fds", "2025-03") == 78.9
    assert _pct(data, "cancer_31_day_combined", "2025-03") == 91.4
    assert data.england["pct_62_day_combined"] == 71.4
    assert data.organisations["code"].nunique() == 158


def test_dm01_march_2025_providers_sum_to_total_row():
    data = read_sample("dm01")
    assert data.periods == ["2025-03"]
    assert _sum(data, "dm01_waiting_list", "numerator") == 1_703_242
    assert _sum(data, "dm01_waiting_6_plus_weeks", "numerator") == 312_744
    assert _pct(data, "dm01_waiting_6_plus_weeks") == 18.4
    assert data.england == {"waiting": 1_703_242, "waiting_6_plus_weeks": 312_744,
                            "waiting_13_plus_weeks": 103_422, "pct_6_plus_weeks": 18.4}
    assert len(data.organisations) == 446


def test_ae_march_2025_four_hours():
    data = read_sample("ae")
    assert data.periods == ["2025-03"]
    assert _sum(data, "ae_attendances_all", "numerator") == 2_389_064
    assert _pct(data, "ae_four_hour_all") == 75.0
    assert _sum(data, "ae_12_hour_dta_waits", "numerator") == 46_766
    assert data.totals.published["attendances"] == 2_389_064
    assert data.totals.published["over_4_hours"] == 597_748
    assert len(data.organisations) == 198


def test_ambsys_csv_august_2017_means():
    data = read_sample("ambsys_csv")
    obs = data.observations
    c1 = obs[(obs["indicator"] == "ambulance_c1_mean") & (obs["set_aside"] == "")]
    assert sorted(c1["area_code"]) == ["RX7", "RX9"]  # the only trusts reporting that month
    assert c1["denominator"].sum() == 10_233 and c1["numerator"].sum() == 5_671_240
    assert round(c1["numerator"].sum() / c1["denominator"].sum()) == 554  # A25 England
    assert data.england["c1_mean_seconds_published"] == 554
    assert data.england["c2_mean_seconds_published"] == 1_435
    assert round(_sum(data, "ambulance_c2_mean", "numerator")
                 / _sum(data, "ambulance_c2_mean", "denominator")) == 1_435


def test_ambsys_time_series_every_month_adds_up():
    data = read_sample("ambsys_xlsx")
    assert data.periods[0] == "2017-08" and data.periods[-1] == "2025-08"
    months = {key.split()[1] for key in data.totals.published}
    assert len(months) == len(data.periods) == 97
    august_2017 = data.observations[(data.observations["period"] == "2017-08")
                                    & (data.observations["indicator"] == "ambulance_c1_mean")]
    assert august_2017["denominator"].sum() == 10_233  # same as the CSV extract


def test_kh03_general_and_acute():
    data = read_sample("kh03")
    assert round(_sum(data, "kh03_ga_beds_available", "numerator")) == 106_068
    assert round(_sum(data, "kh03_ga_occupancy", "numerator")) == 98_146
    assert _pct(data, "kh03_ga_occupancy") == 92.5
    assert data.england["pct_ga_occupied"] == 92.5


def test_workforce_organisations_sum_to_england():
    data = read_sample("workforce")
    assert round(_sum(data, "workforce_fte", "numerator", "2019-03")) == 1_093_638
    assert round(_sum(data, "workforce_fte", "numerator", "2016-03")) == 1_027_100
    assert round(data.totals.published["2025-03"]) == 1_378_470
    assert len(data.totals.published) == 187  # every month checked


def test_epraccur_practices():
    data = read_sample("epraccur")
    assert data.observations.empty
    assert data.england["rows"] == 14_357
    assert data.england["active_gp_practices"] == 6_830
    assert data.england["commissioners_of_active_practices"] == 191
    practice = data.organisations.set_index("code").loc["A81001"]
    assert practice["commissioner"] == "00K" and practice["postcode"] == "TS18 1HU"


def test_registered_patients_january_2021():
    data = read_sample("registered")
    assert data.periods == ["2021-01"]
    assert _sum(data, "registered_patients", "numerator") == 60_606_345
    assert data.england["practices"] == 6_658


def test_fingertips_imd_score():
    data = read_sample("fingertips")
    values = data.observations["value"]
    assert len(data.observations) == 6_545
    assert round(values.min(), 1) == 3.4 and round(values.max(), 1) == 68.7
    assert math.isclose(data.england["value_93553_2019"], 21.72)
    assert np.isnan(data.observations["numerator"]).all()
