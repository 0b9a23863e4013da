"""Tests for stp_analytics.content.sections: a section shows the same pieces the notebook cells
showed (one output each), its HTML is those pieces, its data are DataFrames read only when
asked for, and it can be written to Excel."""

from __future__ import annotations

import pandas as pd
import pytest
from pack_fixtures import GM, care_store, cells, lookup_pack, make_pack, small_finance_result
from store_factory import make_store

from stp_analytics.content import annex, display, pack_content, sections


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    """Every piece of HTML :func:`display.show` is given (what becomes one notebook output)."""
    seen: list[str] = []
    monkeypatch.setattr(display, "show", lambda html: seen.append(str(html)))
    return seen


def test_a_section_shows_each_piece_as_its_own_output(shown) -> None:
    section = sections.Section("Two", ["<p>a</p>", "<p>b &amp; c</p>"])
    section._ipython_display_()
    assert shown == ["<p>a</p>", "<p>b &amp; c</p>"]
    assert section._repr_html_() == "<p>a</p><p>b &amp; c</p>"
    assert "Two" in repr(section) and "2 HTML pieces" in repr(section)


def test_data_are_read_once_and_only_when_asked_for() -> None:
    calls = []

    def read():
        calls.append(1)
        return {"t": pd.DataFrame({"x": [1, 2]})}

    section = sections.Section("Lazy", ["<p>x</p>"], read)
    assert calls == []
    assert list(section.data["t"]["x"]) == [1, 2]
    assert section.data["t"] is section.data["t"] and calls == [1]
    assert sections.Section("None", []).data == {}


def test_sections_add_up_pieces_and_data(shown) -> None:
    first = sections.Section("A", ["<p>1</p>"], {"one": pd.DataFrame({"v": [1]})})
    second = sections.Section("B", ["<p>2</p>", "<p>3</p>"], lambda: {"two": pd.DataFrame()})
    both = first + second
    both._ipython_display_()
    assert shown == ["<p>1</p>", "<p>2</p>", "<p>3</p>"]
    assert list(both.data) == ["one", "two"]
    with pytest.raises(TypeError):
        first + "<p>not a section</p>"  # noqa: B018


def test_to_excel_writes_a_sheet_per_table_with_valid_unique_names(tmp_path) -> None:
    long = "Activity per 1,000 residents: A&E [all types]"
    section = sections.Section("X", [], {
        long: pd.DataFrame({"year": ["2017/18"], "rate": [312.5]}),
        long + " again": pd.DataFrame({"v": [1]}),
        "a/b": pd.DataFrame({"v": [2]}),
    })
    path = section.to_excel(tmp_path / "x.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    assert len(sheets) == 3
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in sheets)
    first = sheets[next(iter(sheets))]
    assert first["rate"].tolist() == [312.5]


def test_gap_indicators_shows_what_the_cells_showed_and_gives_the_store_rows(shown) -> None:
    pack = make_pack(care_store())
    section = sections.gap_indicators(pack, "care")
    section._ipython_display_()
    care = pack.indicators("care")
    assert shown == [
        str(display.heading("What stands out")),
        str(pack_content.sentences_html(pack, pack_content.notable(pack, care))),
        str(pack_content.gap_table(pack, care, "Care and quality indicators")),
    ]
    table = section.data["indicators"]
    assert table["indicator"].tolist() == ["ae", "rtt"][:len(table)]
    assert table["indicator_name"].iloc[0] == "A&E 4-hour"
    assert table["value"].iloc[0] == 88.0
    assert (table["area_code"] == "E54000007").all()


def test_finance_indicators_without_heading_list_every_indicator(shown) -> None:
    pack = make_pack(care_store())
    sections.gap_indicators(pack, "health", heading="", notable_only=False)._ipython_display_()
    assert len(shown) == 2 and not shown[0].startswith("<h3")
    assert "Diabetes prevalence" in shown[1]


def test_facts_and_tiles_carry_their_numbers() -> None:
    store = make_store([{"indicator": "diabetes", **GM, "value": 7.0, "comparison": "Worse"}])
    pack = lookup_pack(store)
    facts = sections.area_facts(pack)
    assert facts.pieces[0].startswith("<style>")
    assert facts.pieces[0] == display.stylesheet() + pack_content.summary_facts(pack)
    table = facts.data["facts"].set_index("item")["value"]
    assert table["registered_population"] == 2_900_000
    assert "High Peak (36% of its 2011 LSOAs lie in this CCG)" in set(facts.data["parts"]["name"])
    tiles = sections.three_gaps(pack, None)
    assert tiles.data["tiles"]["title"].tolist() == [
        "Health and wellbeing gap", "Care and quality gap", "Finance and efficiency gap"]
    assert tiles.data["tiles"]["headline"].iloc[0] == "1 worse, 0 better"


def test_care_parts_give_the_organisations_rows(shown) -> None:
    pack = make_pack(care_store())
    pack.sections = {"care": {"parts": ["ae"]}}
    section = sections.parts_tables(pack)
    section._ipython_display_()
    assert [row[0] for row in cells(shown[0])[1:]] == ["Trust <B> (RBV)", "Trust A (RM3)"]
    assert sorted(section.data["parts"]["area_code"]) == ["RBV", "RM3"]


def test_finance_sections_without_a_model_show_notices_and_have_no_tables() -> None:
    pack = make_pack(care_store())
    notice = display.not_supplied("Finance and efficiency model", display.NOT_AVAILABLE)
    for given in (None, notice):
        model = sections.finance_model(pack, None, given)
        assert model.data == {}
        assert "not yet available" in str(model.pieces[1])
        assert sections.sensitivity(pack, None).data == {}


def test_finance_sections_take_the_model_tables() -> None:
    result = small_finance_result()
    pack = make_pack(care_store())
    assert sections.finance_model(pack, result).data["projection"] is result.projection
    assert list(sections.sensitivity(pack, result).data) == ["sensitivity", "assumptions"]


def test_annex_tables_match_what_the_annex_shows() -> None:
    pack = make_pack(care_store())
    pack.catalog.sources = {}
    reproducible = sections.reproducibility(pack, {"footprint": "E54000007", "x": None})
    assert reproducible.pieces[1] == annex.reproducibility(pack, {"footprint": "E54000007",
                                                                  "x": None})
    values = reproducible.data["reproducibility"].set_index("item")["value"]
    assert values["parameter footprint"] == "'E54000007'" and values["parameter x"] == "None"
    methods = sections.methods(pack)
    assert methods.data["methods"].columns[0] == "Indicator"
    assert len(methods.data["methods"]) == len(cells(annex.methods_table(pack))) - 1
    assert list(methods.data["notes"].columns) == ["note"]


def test_whole_sections_are_their_parts_in_the_pack_order() -> None:
    pack = make_pack(care_store())
    pack.catalog.sources = {}
    care = sections.care(pack)
    headings = [piece for piece in care.pieces if piece.startswith("<h3")]
    assert headings == [str(display.heading(title)) for title in (
        "Care standards over the latest 12 months",
        "Referral to treatment: England (national context)", "What stands out",
        "Workforce growth since March 2016", "Standards with no data supplied")]
    assert "RTT 18 weeks" in care._repr_html_()  # a standard without data, named
    assert set(care.data) == {"headlines", "parts", "indicators", "status"}
    health = sections.health(pack)
    assert [p for p in health.pieces if p.startswith("<h3")][:1] == [
        str(display.heading("What stands out"))]
    annex_all = sections.annex(pack, {"footprint": "E54000007"})
    assert annex_all.pieces[0] == display.heading("Sources")
    assert annex_all.pieces[-1] == annex.reproducibility(pack, {"footprint": "E54000007"})
