"""Finance for ICBs: what applies and what does not, and the ICB's trusts' reported 2018/19
finances by trust (from the icb2022 store's trust rows), never a 2020/21 projection."""

from __future__ import annotations

import pytest
from pack_fixtures import cells

from stp_analytics.content import finance_by_trust, sections
from stp_analytics.content.pack_content import PackContext
from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.geography import load_area_set
from stp_analytics.metrics import build_store

GM_ICB = "E54000057"
INDICATORS = list(finance_by_trust.TRUST_COLUMNS)


@pytest.fixture(scope="module")
def pack() -> PackContext:
    catalog = load_catalog()
    areas = load_area_set("icb2022")
    store = build_store(catalog, "icb2022", observations=catalog.observations(INDICATORS))
    store = store[(store["area_role"] != "part") | (store["parent_code"] == GM_ICB)]
    return PackContext(area_code=GM_ICB, area_name="NHS Greater Manchester Integrated Care Board",
                       region_name="North West", registered_population=1, label=areas.label,
                       label_plural=areas.label_plural, area_set=areas,
                       store=store.reset_index(drop=True), catalog=catalog)


def test_the_table_lists_the_icbs_trusts_by_headquarters_with_the_year(pack):
    table = finance_by_trust.trust_finances(pack)
    trusts = pack.area_set.part_lookup("trust")
    assert sorted(table["Trust code"]) == sorted(trusts.loc[trusts["area_code"].eq(GM_ICB),
                                                            "part_code"])
    actual = "Surplus (+) or deficit (-), actual, 2018/19 (£ thousand)"
    assert actual in table.columns
    rows = pack.store[pack.store["indicator"].eq("trust_surplus_deficit")
                      & pack.store["area_role"].eq("part") & pack.store["period"].eq("2018/19")]
    shown = table.set_index("Trust code")[actual]
    for code, value in rows.set_index("area_code")["value"].dropna().items():
        assert shown[code] == f"{value:,.0f}"
    area = pack.store[pack.store["indicator"].eq("trust_surplus_deficit")
                      & pack.store["area_code"].eq(GM_ICB) & pack.store["period"].eq("2018/19")]
    assert area["value"].iloc[0] == pytest.approx(rows["value"].sum())  # the ICB is their sum


def test_the_icb_finance_section_says_what_applies_and_shows_no_projection(pack):
    section = sections.finance_model(pack, None, None)
    html = section._repr_html_()
    assert section.title == "Finance for ICBs"
    assert "Does not apply: the do-nothing and do-something model of 2016/17 to 2020/21" in html
    assert "none should be read as this ICB&#39;s future" in html
    assert "2020/21" not in html.split("Does not apply")[0]
    header = cells(html)[0]
    assert "Trust" in header and any("2018/19" in cell for cell in header)
    assert set(section.data) == {"trusts"}
    sensitivity = sections.sensitivity(pack, None)._repr_html_()
    assert "does not apply to ICBs" in sensitivity and "Model assumptions" not in sensitivity


def test_a_footprint_keeps_its_model_section():
    stp = load_area_set("stp2017")
    assert stp.finance_model and not finance_by_trust.applies(
        PackContext("E54000007", "GM", "", 1, "footprint", "footprints", stp, None, None))
