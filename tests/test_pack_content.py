"""Tests for stp_analytics.content.pack_content: the pack context, summary facts, tiles and
sections."""

from __future__ import annotations

import math

from pack_fixtures import (
    CATALOG,
    GM,
    care_store,
    cells,
    lookup_pack,
    make_pack,
    small_finance_result,
)
from store_factory import make_store

from stp_analytics.content import display, pack_content
from stp_analytics.content import tiles as gap_tiles


def test_indicator_rows_from_store() -> None:
    store = make_store([
        {"indicator": "diabetes", **GM, "value": 7.123, "england_value": 6.7,
         "comparison": "Higher", "approximate": True},
        {"indicator": "smoking", **GM, "value": math.nan, "note": "suppressed (small numbers)"},
    ])
    rows = pack_content.indicator_rows(store, "E54000007", ["diabetes", "smoking", "absent"],
                                       CATALOG)
    assert rows[0]["value"] == "7.1 (approximate)"
    assert rows[0]["comparison"] == "significantly higher"
    assert rows[0]["unit"] == "%" and rows[0]["source"] == "NHS Digital (2016/17)"
    assert rows[1]["value"] == "suppressed: fewer than 10 events"
    assert rows[2]["value"] == "data not supplied"
    table = cells(display.indicator_table(rows))
    assert table[2][0] == "Smoking <adults>"


def test_comparison_tile_counts() -> None:
    store = make_store([
        {"indicator": "diabetes", **GM, "value": 7.0, "comparison": "Worse"},
        {"indicator": "smoking", **GM, "value": 9.0, "comparison": "Better"},
        {"indicator": "x", **GM, "value": 9.0, "comparison": "Worse"},
    ])
    tile = gap_tiles.comparison_tile("Health", store, "E54000007", ["diabetes", "smoking", "y"])
    assert tile.headline == "1 worse, 1 better"
    assert "of 2 indicators with data" in tile.detail and "(1 not supplied)" in tile.detail
    empty = gap_tiles.comparison_tile("Care", store, "E54000007", ["y"])
    assert empty.headline == "data not supplied"


def test_pack_context_indicators_and_tiles() -> None:
    pack = make_pack(care_store())
    assert pack.indicators("care") == ["ae", "rtt"]
    tiles = gap_tiles.three_gap_tiles(pack)
    assert [t.title for t in tiles] == ["Health and wellbeing gap", "Care and quality gap",
                                        "Finance and efficiency gap"]
    assert tiles[1].headline == "1 worse, 0 better"
    assert tiles[2].headline == "data not supplied"
    finance = small_finance_result(gap=120.4, per_head=41.2)
    tile = gap_tiles.three_gap_tiles(pack, finance)[2]
    assert (tile.headline, tile.status) == ("£120m gap in 2020/21", "worse")
    assert tile.detail.startswith("£41 per head") and "a model, not a forecast" in tile.detail


def test_standards_not_supplied_lists_missing_standards() -> None:
    html = str(pack_content.standards_not_supplied(make_pack(care_store()), "care"))
    assert "RTT 18 weeks (92%): data not supplied." in html
    assert "A&amp;E" not in html


def test_parts_table_lists_trusts_sorted_and_escaped() -> None:
    html = str(pack_content.parts_table(make_pack(care_store()), "ae", "A&E by trust"))
    rows = cells(html)
    assert [row[0] for row in rows[1:]] == ["Trust <B> (RBV)", "Trust A (RM3)"]
    assert rows[1][3] == "89.5–90.5" and rows[2][2] == "suppressed: fewer than 10 events"
    assert "&lt;B&gt;" in html


def test_sentences_use_the_area_set_label() -> None:
    store = care_store().assign(rank=3.0, rank_of=207.0)
    html = str(pack_content.sentences_html(make_pack(store, "CCG", "CCGs"), ["ae"]))
    assert "ranks 3rd of 207 CCGs" in html


def test_opportunity_table() -> None:
    store = make_store([
        {"indicator": "diabetes", **GM, "value": 7.0, "peer_best5_mean": 6.0,
         "opportunity": 1234.4},
        {"indicator": "ae", **GM, "value": 88.0, "opportunity": 0.0},
    ])
    rows = cells(pack_content.opportunity_table(make_pack(store)))
    assert rows[1] == ["Diabetes prevalence", "7.0%", "6.0%", "1,234"]
    assert len(rows) == 2
    empty = pack_content.opportunity_table(make_pack(store.assign(opportunity=float("nan"))))
    assert "No indicator shows a significant opportunity" in str(empty)


def test_summary_facts_lists_parts_and_split_districts() -> None:
    html = str(pack_content.summary_facts(lookup_pack(care_store())))
    rows = cells(html)
    assert rows[1] == ["CCG", "Greater Manchester (E54000007)"]
    assert rows[3] == ["Registered population (QOF 2017/18 list sizes)", "2,900,000"]
    assert "Bolton; High Peak (36% of its 2011 LSOAs lie in this CCG)" in html
    assert "Elsewhere" not in html and "Acute trusts" not in html


def test_notable_keeps_significant_and_standards_in_order() -> None:
    store = make_store([
        {"indicator": "ae", **GM, "value": 88.0, "comparison": "Similar", "target": 95.0},
        {"indicator": "diabetes", **GM, "value": 7.0, "comparison": "Higher"},
        {"indicator": "rtt", **GM, "value": 5.0, "comparison": "Similar"},
    ])
    pack = make_pack(store)
    assert pack_content.notable(pack, ["diabetes", "rtt", "ae"]) == ["diabetes", "ae"]
    assert "No indicator here differs" in str(pack_content.sentences_html(pack, []))
