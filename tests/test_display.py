"""Tests for stp_analytics.display: escaped static HTML, real tables, notices not failures."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from store_factory import make_store

from stp_analytics import display

GM = {"area_code": "E54000007", "area_name": "Greater Manchester"}
CATALOG = SimpleNamespace(
    indicators={
        "diabetes": SimpleNamespace(name="Diabetes prevalence", unit="%", source="QOF 2016/17"),
        "smoking": SimpleNamespace(name="Smoking <adults>", unit="%", source="APS"),
    }
)


class _Cells(HTMLParser):
    """Collects the text of table cells, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data


def _cells(html: str) -> list[list[str]]:
    parser = _Cells()
    parser.feed(str(html))
    return parser.rows


def test_heading_and_section_escape() -> None:
    assert str(display.section("Summary")) == '<h2 id="summary">Summary</h2>'
    html = str(display.heading("A&E <4 hours>"))
    assert html.startswith('<h3 id="a-e-4-hours">') and "&lt;4 hours&gt;" in html
    with pytest.raises(ValueError, match="heading level"):
        display.heading("x", level=9)


def test_indicator_table_is_a_real_escaped_table() -> None:
    rows = [{"indicator": "<script>alert(1)</script>", "value": "7.1", "unit": "%",
             "source": "QOF"}]
    html = str(display.indicator_table(rows, caption="Health & wellbeing"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<th ") == len(display.TABLE_COLUMNS)
    cells = _cells(html)
    assert cells[0] == [header for _, header in display.TABLE_COLUMNS]
    assert cells[1][0] == "<script>alert(1)</script>"  # text survives, markup does not
    assert "Unit" in cells[0] and "Source" in cells[0]


def test_empty_table_is_a_notice() -> None:
    html = str(display.indicator_table([], caption="Trusts"))
    assert "<table" not in html and "Trusts: data not supplied." in html


def test_indicator_rows_from_store() -> None:
    store = make_store([
        {"indicator": "diabetes", **GM, "value": 7.123, "england_value": 6.7,
         "comparison": "Higher", "approximate": True},
        {"indicator": "smoking", **GM, "value": math.nan, "note": "suppressed (small numbers)"},
    ])
    rows = display.indicator_rows(store, "E54000007", ["diabetes", "smoking", "absent"], CATALOG)
    assert rows[0]["value"] == "7.1 (approximate)"
    assert rows[0]["comparison"] == "significantly higher"
    assert rows[0]["unit"] == "%" and rows[0]["source"] == "QOF 2016/17"
    assert rows[1]["value"] == "suppressed: fewer than 10 events"
    assert rows[2]["value"] == "data not supplied"
    cells = _cells(display.indicator_table(rows))
    assert cells[2][0] == "Smoking <adults>"


def test_chart_html_and_try_chart() -> None:
    image = '<img alt="Spine chart" src="data:image/png;base64,AA">'
    chart = SimpleNamespace(img_html=lambda: image)
    html = str(display.chart_html(chart))
    assert html.startswith('<figure class="stp-chart"><img alt="Spine chart"')

    def broken(*args, **kwargs):
        raise KeyError("no such indicator")

    notice = str(display.try_chart("Funnel plot", broken, 1, x=2))
    assert "Funnel plot: data not supplied." in notice and "<img" not in notice
    assert "Trend: data not supplied." in str(display.chart_html(None, title="Trend"))

    def failing(*args, **kwargs):
        raise AttributeError("a bug, not missing data")

    bug = str(display.try_chart("SPC chart", failing))
    assert "SPC chart: not yet available for this area." in bug  # never blamed on the data


def test_tiles_static_and_escaped() -> None:
    tiles = [display.GapTile("Health <gap>", "3 worse", "of 12", "worse"),
             display.GapTile("Care", "1 worse", "of 4", "unknown-status")]
    html = str(display.gap_tiles(tiles))
    assert "<script" not in html and "&lt;gap&gt;" in html
    assert "stp-tile-worse" in html and "stp-tile-neutral" in html
    assert not re.search(r"https?://", html)


def test_comparison_tile_counts() -> None:
    store = make_store([
        {"indicator": "diabetes", **GM, "value": 7.0, "comparison": "Worse"},
        {"indicator": "smoking", **GM, "value": 9.0, "comparison": "Better"},
        {"indicator": "x", **GM, "value": 9.0, "comparison": "Worse"},
    ])
    tile = display.comparison_tile("Health", store, "E54000007", ["diabetes", "smoking", "y"])
    assert tile.headline == "1 worse, 1 better"
    assert "of 2 indicators with data" in tile.detail and "(1 not supplied)" in tile.detail
    empty = display.comparison_tile("Care", store, "E54000007", ["y"])
    assert empty.headline == "data not supplied"


def test_key_value_and_frame_tables() -> None:
    html = display.key_value_table({"footprint": "E54000007", "efficiency": 0.02})
    assert _cells(html)[1:] == [["footprint", "E54000007"], ["efficiency", "0.02"]]
    import pandas as pd

    frame = pd.DataFrame({"Trust": ["A & B"], "Value": ["1"]})
    assert _cells(display.frame_table(frame))[1] == ["A & B", "1"]
    assert "data not supplied" in str(display.frame_table(pd.DataFrame(), caption="Loans"))


def test_bullet_list_and_stylesheet() -> None:
    assert str(display.bullet_list([])) == ""
    assert "<li>a &amp; b</li>" in str(display.bullet_list(["a & b"], ordered=True))
    style = str(display.stylesheet())
    assert style.startswith("<style>") and "url(" not in style and "@import" not in style


def _pack(store, label="footprint", label_plural="footprints"):
    catalog = SimpleNamespace(
        indicators={
            "diabetes": SimpleNamespace(name="Diabetes prevalence", unit="%", source="qof",
                                        gap="health", target_label=""),
            "ae": SimpleNamespace(name="A&E 4-hour", unit="%", source="ae", gap="care",
                                  target_label="95% within 4 hours"),
            "rtt": SimpleNamespace(name="RTT 18 weeks", unit="%", source=None, gap="care",
                                   target_label="92%", has_data=False),
        },
        sources={"qof": SimpleNamespace(publisher="NHS Digital", period="2016/17")},
    )
    area_set = SimpleNamespace(name="stp2017", part_lookup=lambda kind: (_ for _ in ()).throw(
        KeyError(kind)))
    return display.PackContext(
        area_code="E54000007", area_name="Greater Manchester", region_name="North",
        registered_population=2_900_000, label=label, label_plural=label_plural,
        area_set=area_set, store=store, catalog=catalog,
    )


def _care_store():
    return make_store([
        {"indicator": "diabetes", **GM, "value": 7.0, "comparison": "Worse"},
        {"indicator": "ae", **GM, "value": 88.0, "comparison": "Worse"},
        {"indicator": "ae", "area_role": "part", "area_type": "trust", "area_code": "RBV",
         "area_name": "Trust <B>", "parent_code": "E54000007", "value": 90.0, "lower": 89.5,
         "upper": 90.5, "comparison": "Worse"},
        {"indicator": "ae", "area_role": "part", "area_type": "trust", "area_code": "RM3",
         "area_name": "Trust A", "parent_code": "E54000007", "value": math.nan,
         "note": "suppressed: fewer than 10 events"},
    ])


def test_pack_context_indicators_and_tiles() -> None:
    pack = _pack(_care_store())
    assert pack.indicators("care") == ["ae", "rtt"]
    tiles = display.three_gap_tiles(pack)
    assert [t.title for t in tiles] == ["Health and wellbeing gap", "Care and quality gap",
                                        "Finance and efficiency gap"]
    assert tiles[1].headline == "1 worse, 0 better"
    assert tiles[2].headline == "data not supplied"
    import pandas as pd

    finance = SimpleNamespace(do_nothing_gap_gbp_m=120.4, do_nothing_gap_per_head=41.2,
                              projection=pd.DataFrame({"year": ["2016/17", "2020/21"]}))
    tile = display.three_gap_tiles(pack, finance)[2]
    assert (tile.headline, tile.status) == ("£120m gap in 2020/21", "worse")
    assert tile.detail.startswith("£41 per head") and "a model, not a forecast" in tile.detail


def test_standards_not_supplied_lists_missing_standards() -> None:
    html = str(display.standards_not_supplied(_pack(_care_store()), "care"))
    assert "RTT 18 weeks (92%): data not supplied." in html
    assert "A&amp;E" not in html


def test_parts_table_lists_trusts_sorted_and_escaped() -> None:
    html = str(display.parts_table(_pack(_care_store()), "ae", "A&E by trust"))
    cells = _cells(html)
    assert [row[0] for row in cells[1:]] == ["Trust <B> (RBV)", "Trust A (RM3)"]
    assert cells[1][3] == "89.5–90.5" and cells[2][2] == "suppressed: fewer than 10 events"
    assert "&lt;B&gt;" in html


def test_sentences_use_the_area_set_label() -> None:
    store = _care_store().assign(rank=3.0, rank_of=207.0)
    html = str(display.sentences_html(_pack(store, "CCG", "CCGs"), ["ae"]))
    assert "ranks 3rd of 207 CCGs" in html


def test_finance_html_and_try_call() -> None:
    assert "not yet available" in str(display.finance_html(None))
    result = SimpleNamespace(label="MODEL <not a forecast>", headline=lambda: "A gap & more.")
    html = str(display.finance_html(result))
    assert "MODEL &lt;not a forecast&gt;" in html and "<p>A gap &amp; more.</p>" in html

    def broken() -> None:
        raise RuntimeError("boom")

    notice = display.try_call("Finance model", broken)
    assert "Finance model: not yet available for this area." in str(notice)
    assert display.try_call("ok", lambda: 3) == 3


def test_format_frame_and_opportunity_table() -> None:
    import pandas as pd

    frame = pd.DataFrame({"year": ["2020/21"], "income_gbp_m": [5940.31], "other": [1]})
    shown = display.format_frame(frame, {"year": "Year", "income_gbp_m": "Income (£m)"})
    assert shown.to_dict("records") == [{"Year": "2020/21", "Income (£m)": "5,940"}]
    store = make_store([
        {"indicator": "diabetes", **GM, "value": 7.0, "peer_best5_mean": 6.0,
         "opportunity": 1234.4},
        {"indicator": "ae", **GM, "value": 88.0, "opportunity": 0.0},
    ])
    cells = _cells(display.opportunity_table(_pack(store)))
    assert cells[1] == ["Diabetes prevalence", "7.0%", "6.0%", "1,234"]
    assert len(cells) == 2
    empty = display.opportunity_table(_pack(store.assign(opportunity=float("nan"))))
    assert "No indicator shows a significant opportunity" in str(empty)


def _lookup_pack(store):
    import pandas as pd

    lookups = {
        "ccg": pd.DataFrame({"part_code": ["E38000001"], "part_name": ["NHS Bolton CCG"],
                             "area_code": ["E54000007"], "share": [1.0]}),
        "lad": pd.DataFrame({"part_code": ["E07000037", "E08000001", "E07000038"],
                             "part_name": ["High Peak", "Bolton", "Elsewhere"],
                             "area_code": ["E54000007", "E54000007", "E54000099"],
                             "share": [0.356, 1.0, 1.0]}),
    }

    def part_lookup(kind):
        if kind not in lookups:
            raise KeyError(kind)
        return lookups[kind]

    pack = _pack(store, label="CCG", label_plural="CCGs")
    pack.area_set = SimpleNamespace(name="ccg2017", part_lookup=part_lookup)
    return pack


def test_summary_facts_lists_parts_and_split_districts() -> None:
    html = str(display.summary_facts(_lookup_pack(_care_store())))
    cells = _cells(html)
    assert cells[1] == ["CCG", "Greater Manchester (E54000007)"]
    assert cells[3] == ["Registered population (QOF 2017/18 list sizes)", "2,900,000"]
    assert "Bolton; High Peak (36% of its population lies in this CCG)" in html
    assert "Elsewhere" not in html and "Acute trusts" not in html


def test_data_quality_notes_aggregate_by_indicator_and_note() -> None:
    store = _care_store()
    store.loc[store["indicator"] == "diabetes", "approximate"] = True
    html = str(display.data_quality_notes(_lookup_pack(store)))
    assert "A&amp;E 4-hour: suppressed: fewer than 10 events (Trust A)." in html
    assert "Approximate (population-weighted mean" in html and "Diabetes prevalence" in html
    assert "Districts split between CCGs" in html and "High Peak" in html


def test_reproducibility_has_no_timestamps_and_is_stable() -> None:
    pack = _pack(_care_store())
    pack.catalog.sources = {}
    first = str(display.reproducibility(pack, {"footprint": "E54000007", "x": 0.02}))
    assert first == str(display.reproducibility(pack, {"footprint": "E54000007", "x": 0.02}))
    assert "stp_analytics version" in first and "parameter footprint" in first
    assert not re.search(r"\d{2}:\d{2}:\d{2}|20\d\d-\d\d-\d\dT", first)


def test_notable_keeps_significant_and_standards_in_order() -> None:
    store = make_store([
        {"indicator": "ae", **GM, "value": 88.0, "comparison": "Similar", "target": 95.0},
        {"indicator": "diabetes", **GM, "value": 7.0, "comparison": "Higher"},
        {"indicator": "rtt", **GM, "value": 5.0, "comparison": "Similar"},
    ])
    pack = _pack(store)
    assert display.notable(pack, ["diabetes", "rtt", "ae"]) == ["diabetes", "ae"]
    assert "No indicator here differs" in str(display.sentences_html(pack, []))
