"""CCG packs (issue 18, item 6): footprint- or trust-only care sources say "not available for
CCGs" (table, chart and standards notices), sources with CCG-level parts do not."""

from __future__ import annotations

import pandas as pd
import pytest

from stp_analytics.content import pack_charts, pack_content
from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.geography import load_area_set
from stp_analytics.schema import STORE_COLUMNS

MANCHESTER_CCG = "E38000217"


@pytest.fixture(scope="module")
def ccg_pack() -> pack_content.PackContext:
    areas = load_area_set("ccg2017")
    store = pd.DataFrame({column: pd.Series(dtype="object") for column in STORE_COLUMNS})
    return pack_content.PackContext(
        area_code=MANCHESTER_CCG, area_name="NHS Manchester CCG", region_name="North",
        registered_population=1, label=areas.label, label_plural=areas.label_plural,
        area_set=areas, store=store, catalog=load_catalog())


def test_footprint_and_trust_sources_are_not_available_for_ccgs(ccg_pack):
    for indicator in ("iapt_recovery", "emergency_admissions_per_1000", "ambulance_c1_mean"):
        assert ccg_pack.unavailable(indicator) == (
            "not available for CCGs: the source is by STP footprint only")
    assert ccg_pack.unavailable("ae_four_hour_type1") == (
        "not available for CCGs: the source is by NHS trust only")
    # district data have a CCG lookup; no-source standards stay "data not supplied"
    assert ccg_pack.unavailable("dementia_diagnosis_rate") == ""
    assert ccg_pack.unavailable("rtt_18_weeks") == ""


def test_ccg_table_and_chart_say_not_available(ccg_pack):
    table = pack_content.gap_table(ccg_pack, ["iapt_recovery", "rtt_18_weeks"], "care")
    assert "not available for CCGs: the source is by STP footprint only" in table
    assert "data not supplied" in table  # rtt_18_weeks: no source at all
    chart = pack_charts.indicator_chart(ccg_pack, "spc", "ambulance_c2_mean")
    assert "not available for CCGs" in chart


def test_footprint_pack_has_nothing_unavailable(ccg_pack):
    areas = load_area_set("stp2017")
    pack = pack_content.PackContext(
        area_code="E54000007", area_name="GM", region_name="", registered_population=1,
        label=areas.label, label_plural=areas.label_plural, area_set=areas,
        store=ccg_pack.store, catalog=ccg_pack.catalog)
    assert not [i for i in pack.catalog.indicators if pack.unavailable(i)]
