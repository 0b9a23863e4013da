"""The executive summary's figures in natural units: each checked against the metric store
(real shipped data for health and care, the model result for finance) and, on small frames,
the rules behind them (overlaps never added, waiting lists not counted a year, bed-days as
beds, the SPC signal of the latest months)."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from care_fixtures import shipped_store
from pack_fixtures import GM, make_pack, small_finance_result
from store_factory import make_store

from stp_analytics.content import executive_summary, narrative, pack_content, sections_summary
from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.geography import load_area_set
from stp_analytics.metrics import gap_figures

REAL = ["life_expectancy", "u75_preventable_mortality", "ae_four_hour_all",
        "ae_four_hour_type1", "iapt_recovery", "delayed_transfer_days"]


@pytest.fixture(scope="module")
def real_pack() -> pack_content.PackContext:
    """Greater Manchester over the shipped data of the indicators the summary reads."""
    catalog = load_catalog()
    areas = load_area_set("stp2017")
    return pack_content.PackContext(
        area_code=GM["area_code"], area_name=GM["area_name"], region_name="North West",
        registered_population=2_900_000, label="footprint", label_plural="footprints",
        area_set=areas, store=shipped_store(REAL), catalog=catalog)


@pytest.fixture(scope="module")
def real_figures(real_pack) -> pd.DataFrame:
    return executive_summary.summary_figures(real_pack, small_finance_result())


def _rows(store: pd.DataFrame, indicator: str, code: str, sex: str = "Persons") -> pd.DataFrame:
    rows = store[(store["indicator"] == indicator) & (store["area_code"] == code)
                 & (store["sex"] == sex) & store["area_role"].isin(["area", "england"])]
    return rows.sort_values("period_start")


@pytest.mark.slow
def test_health_life_expectancy_gap_is_the_area_less_england_in_the_same_period(
        real_pack, real_figures) -> None:
    store = real_pack.store
    for sex in ("Female", "Male"):
        area = _rows(store, "life_expectancy", GM["area_code"], sex).iloc[-1]
        england = _rows(store, "life_expectancy", "E92000001", sex)
        england = england[england["period"] == area["period"]].iloc[0]
        (figure,) = real_figures.loc[real_figures["measure"]
                                     == f"Life expectancy at birth ({sex.lower()})", "figure"]
        assert figure == pytest.approx(area["value"] - england["value"])
        assert figure < 0  # Greater Manchester lives shorter than England


@pytest.mark.slow
def test_health_excess_deaths_are_the_rate_gap_times_the_under_75_population(
        real_pack, real_figures) -> None:
    area = _rows(real_pack.store, "u75_preventable_mortality", GM["area_code"]).iloc[-1]
    england = _rows(real_pack.store, "u75_preventable_mortality", "E92000001")
    england = england[england["period"] == area["period"]].iloc[0]
    population = executive_summary.under_age_population(real_pack)
    assert 2.0e6 < population < 2.9e6  # GM: 2.8m residents, about 94% of them under 75
    (deaths,) = real_figures.loc[real_figures["measure"].str.startswith("Preventable"), "figure"]
    assert deaths == pytest.approx((area["value"] - england["value"]) / 1e5 * population)


@pytest.mark.slow
def test_care_total_is_the_sum_of_its_parts_without_type_1(real_pack, real_figures) -> None:
    care = real_figures[real_figures["gap"] == "care"]
    total = care.loc[care["measure"].str.startswith("People a year"), "figure"].item()
    assert total == pytest.approx(care.loc[care["in_total"], "figure"].sum())
    assert not care.loc[care["measure"].str.contains("type 1"), "in_total"].item()
    # A&E all types, worked from the store's last 12 monthly counts
    months = _rows(real_pack.store, "ae_four_hour_all", GM["area_code"]).tail(12)
    short = sum(max(0.0, 0.95 * d - n) for n, d in zip(months["numerator"],
                                                        months["denominator"], strict=True))
    all_types = care.loc[care["measure"] == "A&E 4-hour performance, all department types"]
    assert all_types["figure"].item() == pytest.approx(short) and short > 0
    assert all_types["period"].item() == f"{months['period'].iloc[0]} to 2019-03"


@pytest.mark.slow
def test_care_delayed_transfers_are_bed_days_in_one_month_and_beds(real_pack,
                                                                   real_figures) -> None:
    row = real_figures[real_figures["measure"] == "Delayed transfers of care"].iloc[0]
    last = _rows(real_pack.store, "delayed_transfer_days", GM["area_code"]).iloc[-1]
    assert row["figure"] == pytest.approx(last["value"])
    assert row["unit"] == "delayed bed-days in one month" and "not people" in row["text"]
    assert f"about {last['value'] / 31:,.0f} beds" in row["text"]  # March: 31 days


def test_finance_figures_are_the_model_result() -> None:
    result = small_finance_result(gap=120.4, per_head=41.2)
    figures = executive_summary.finance_figures(result)
    assert [f["figure"] for f in figures] == [120.4, pytest.approx(60.2)]
    assert figures[0]["text"] == "£120m gap (£41 per head)" and figures[0]["period"] == "2020/21"
    assert executive_summary.finance_figures(None) == []


def test_shortfall_sums_the_latest_twelve_months_and_never_counts_a_month_that_met_it() -> None:
    months = pd.period_range("2018-01", "2019-03", freq="M")
    store = make_store([{"indicator": "ae", **GM, "period": str(m),
                         "period_start": m.to_timestamp(), "numerator": 90.0 if i % 2 else 99.0,
                         "denominator": 100.0, "value": 90.0 if i % 2 else 99.0}
                        for i, m in enumerate(months)])
    item = gap_figures.shortfall(store, GM["area_code"], "ae", 95.0, "high_is_good", monthly=True)
    assert item.periods == 12 and item.period_label == "2018-04 to 2019-03"
    assert item.people == pytest.approx(5.0 * 6)  # six months at 90% (5 short), six at 99%
    assert gap_figures.shortfall(store, GM["area_code"], "ae", 95.0, "none", True) is None


def test_overlaps_and_waiting_lists_are_never_added() -> None:
    items = [gap_figures.Shortfall("ae_four_hour_all", 10.0, "a", "b", 12, True),
             gap_figures.Shortfall("ae_four_hour_type1", 8.0, "a", "b", 12, True,
                                   counted_in="ae_four_hour_all"),
             gap_figures.Shortfall("rtt_18_weeks", 100.0, "b", "b", 1, False),
             gap_figures.Shortfall("iapt_recovery", 3.0, "c", "c", 1, True)]
    assert gap_figures.yearly_total(items) == 13.0
    assert gap_figures.OVERLAPS["ae_four_hour_type1"] == "ae_four_hour_all"


def test_low_is_good_shortfall_counts_people_above_the_allowed_share() -> None:
    short = gap_figures.period_shortfall(pd.Series([30.0, 5.0]), pd.Series([1000.0, 1000.0]),
                                         1.0, "low_is_good")
    assert list(short) == [20.0, 0.0]


def test_bed_days_and_excess_deaths_units() -> None:
    assert gap_figures.bed_days_as_beds(2699, "2019-02") == pytest.approx(2699 / 28)
    assert gap_figures.excess_deaths(215.0, 155.0, 2_000_000) == pytest.approx(1200.0)
    assert "about 87 beds" in gap_figures.opportunity_unit(
        "delayed days a month per 100,000 people", 2699, "2019-03")
    assert gap_figures.opportunity_unit("%", 10.0, "2019-03") == "people or events"


def _spc_store(kinds: list[str]) -> pd.DataFrame:
    months = pd.period_range("2019-01", periods=len(kinds), freq="M")
    return make_store([{"indicator": "ae", **GM, "period": str(m), "period_start":
                        m.to_timestamp(), "value": 80.0, "spc_point_type": kind,
                        "comparison": "Worse", "lower": 79.0, "upper": 81.0,
                        "england_value": 86.0, "is_latest": i == len(kinds) - 1}
                       for i, (m, kind) in enumerate(zip(months, kinds, strict=True))])


def test_spc_signal_reports_the_latest_months() -> None:
    concern = _spc_store(["common_cause", "special_cause_improvement", "special_cause_concern",
                          "special_cause_concern", "common_cause"])
    assert gap_figures.latest_spc_signal(concern, GM["area_code"], "ae") == ("deterioration",
                                                                             2, 3)
    calm = _spc_store(["special_cause_concern"] + ["common_cause"] * 3)
    assert gap_figures.latest_spc_signal(calm, GM["area_code"], "ae") == ("common cause", 0, 3)
    assert gap_figures.latest_spc_signal(make_store([{"indicator": "ae", **GM, "value": 1.0}]),
                                         GM["area_code"], "ae") is None


def test_a_worse_message_states_its_interval_and_agrees_with_the_spc_chart() -> None:
    pack = make_pack(_spc_store(["common_cause", "common_cause", "special_cause_improvement"]))
    (message, *_) = executive_summary.summary_messages(pack)
    assert message.rule == "worse_than_england"
    assert "confidence interval (79.0–81.0) excludes England's value" in message.text
    assert "special-cause improvement in 1 of the latest 3 months" in message.text
    assert "special-cause improvement" in str(message.html)


def test_section_shows_figures_and_messages_with_header_cells() -> None:
    pack = make_pack(_spc_store(["common_cause"] * 3))
    section = sections_summary.executive_summary(pack, small_finance_result())
    html = section._repr_html_()
    assert "<th scope=\"col\">Figure</th>" in html and "£60m gap (£21 per head)" in html
    assert "£120m gap (£41 per head)" in html and "Key messages" in html
    assert list(section.data["figures"]["gap"]) == ["finance", "finance"]
    assert not math.isnan(section.data["figures"]["figure"].iloc[1])
    assert narrative.NOT_SUPPLIED not in html


def test_the_opportunity_table_gives_delayed_days_as_bed_days_and_beds() -> None:
    pack = make_pack(make_store([{"indicator": "dtoc", **GM, "period": "2019-03",
                                  "value": 300.0, "peer_best5_mean": 176.0,
                                  "opportunity": 2699.0}]))
    pack.catalog.indicators["dtoc"] = dataclasses.replace(
        pack.catalog.indicators["diabetes"], id="dtoc", name="Delayed transfers",
        unit="delayed days a month per 100,000 people")
    html = str(pack_content.opportunity_table(pack))
    assert "2,699 delayed bed-days in one month (about 87 beds on an average day, not people)" \
        in html


def test_only_national_standards_count_people_short_not_reference_levels() -> None:
    """A target of ``kind: reference`` (e.g. 85% bed occupancy) counts no one short of it."""
    pack = make_pack(make_store([{"indicator": "ae", **GM, "period": "2019-03", "value": 90.0,
                                  "numerator": 900.0, "denominator": 1000.0}]))
    entry = dataclasses.replace(pack.catalog.indicators["ae"], polarity="high_is_good")
    pack.catalog.indicators["ae"] = entry
    assert entry.target_kind == "standard"
    (standard,) = executive_summary.care_shortfalls(pack)
    assert standard.people == pytest.approx(50.0)  # 95% of 1,000 less 900
    pack.catalog.indicators["ae"] = dataclasses.replace(entry, target_kind="reference")
    assert executive_summary.care_shortfalls(pack) == []
    shipped = load_catalog().indicators
    assert shipped["critical_care_occupancy"].target_kind == "reference"
    assert shipped["ae_four_hour_all"].target_kind == "standard"
