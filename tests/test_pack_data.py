"""Tests for pack-data.csv (content.pack_data) and the all-areas downloads
(build.render.downloads): every section table reaches the rows, the rows are sorted and
deterministic, and the workbook has a sheet per gap, a notes sheet and fixed bytes."""

from __future__ import annotations

import io

import nbformat
import pandas as pd
from pack_fixtures import GM, lookup_pack, small_finance_result
from store_factory import make_store

from stp_analytics.build.render import downloads
from stp_analytics.content import pack_data, sections


def _pack():
    store = make_store([
        {"indicator": "diabetes", **GM, "period": "2016/17", "value": 7.04, "lower": 6.9,
         "upper": 7.2, "england_value": 6.6, "comparison": "Worse"},
        {"indicator": "ae", **GM, "period": "2017-03", "value": 88.5, "comparison": "Similar",
         "opportunity": 1234.0},
    ])
    return lookup_pack(store)


def test_every_section_table_reaches_the_rows_in_one_sorted_order() -> None:
    pack = _pack()
    shown = [sections.three_gaps(pack, None),
             sections.gap_indicators(pack, "health", notable_only=False),
             sections.gap_indicators(pack, "care", notable_only=False),
             sections.Section("Model", [], {"projection": small_finance_result().projection}),
             sections.area_facts(pack)]
    frame = pack_data.downloads(pack, shown + shown[:1]).data["pack_data"]
    assert tuple(frame.columns) == pack_data.PACK_DATA_COLUMNS
    rows = frame.set_index("indicator")
    assert rows.loc["diabetes", "value"] == 7.04
    assert rows.loc["diabetes", "comparison"] == "Worse"
    assert rows.loc["diabetes", "indicator_name"] == "Diabetes prevalence"
    assert rows.loc["ae:opportunity", "value"] == 1234.0
    assert rows.loc["ae:opportunity", "gap"] == "care"
    assert rows.loc["registered_population", "value"] == 2_900_000
    tile = frame[frame["indicator"].str.startswith("summary:health:headline")]
    assert sorted(tile["value"]) == [0.0, 1.0]  # "1 worse, 0 better"
    gap = small_finance_result().projection["gap_do_nothing_gbp_m"].iloc[-1]
    assert gap in set(frame.loc[frame["indicator"].eq("finance_model:gap_do_nothing_gbp_m"),
                                "value"])
    again = pack_data.downloads(pack, reversed(shown)).data["pack_data"]
    assert pack_data.to_csv_text(again) == pack_data.to_csv_text(frame)


def test_downloads_default_to_the_sections_shown(monkeypatch) -> None:
    pack = _pack()
    monkeypatch.setattr(sections, "SHOWN", [])
    monkeypatch.setattr(sections.display, "show", lambda html: None)
    sections.gap_indicators(pack, "health")._ipython_display_()
    frame = sections.downloads(pack).data["pack_data"]
    assert frame["indicator"].tolist() == ["diabetes"]


def test_tile_periods_are_not_figures() -> None:
    pack = _pack()
    tiles = pd.DataFrame({"title": ["Finance and efficiency gap"],
                          "headline": ["£1,577m gap in 2020/21"],
                          "detail": ["£199 per head, 2015-17 prices"]})
    frame = pack_data.pack_data(pack, [("tiles", tiles)])
    assert sorted(frame["value"]) == [199.0, 1577.0]


def test_the_downloads_output_carries_the_csv_and_the_build_finds_it(monkeypatch) -> None:
    pack = _pack()
    section = pack_data.downloads(pack, [sections.gap_indicators(pack, "health")])
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda data, raw: shown.append(data))
    section._ipython_display_()
    assert section not in sections.SHOWN  # the downloads block shows its own way
    (bundle,) = shown
    assert 'href="pack-data.csv"' in bundle["text/html"]
    assert 'href="../all-areas.xlsx"' in bundle["text/html"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", data=bundle)])])
    text = downloads.pack_data_csv(nb)
    assert text == bundle[pack_data.PACK_DATA_MIME].encode("utf-8")
    assert pd.read_csv(io.BytesIO(text))["indicator"].tolist() == ["diabetes"]
    assert downloads.pack_data_csv(nbformat.v4.new_notebook()) is None


def _write_pack(root, folder, code, values):
    rows = pd.DataFrame([{"area_set": "stp2017", "area_code": code, "area_name": code,
                          "gap": gap, "indicator": indicator, "indicator_name": indicator,
                          "period": "2016/17", "value": value, "source": "ONS"}
                         for gap, indicator, value in values],
                        columns=list(pack_data.PACK_DATA_COLUMNS))
    (root / folder).mkdir()
    rows.to_csv(root / folder / pack_data.PACK_DATA_NAME, index=False)


def test_all_areas_files_hold_every_built_area_with_fixed_bytes(tmp_path) -> None:
    _write_pack(tmp_path, "b", "E2", [("health", "x", 1.5), ("care", "y", 2.0)])
    _write_pack(tmp_path, "a", "E1", [("health", "x", 3.0), ("", "registered_population", 9)])
    _write_pack(tmp_path, "c", "E3", [("health", "x", 4.0)])
    entries = {"E2": {"folder": "b", "status": "built"}, "E1": {"folder": "a", "status": "built"},
               "E3": {"folder": "c", "status": "failed"}}
    csv_path, xlsx_path = downloads.write_all_areas(tmp_path, entries)
    table = pd.read_csv(csv_path)
    assert table["area_code"].tolist() == ["E1", "E1", "E2", "E2"]
    sheets = pd.read_excel(xlsx_path, sheet_name=None)
    assert list(sheets) == ["area", "care", "health", "notes"]
    assert sorted(sheets["health"]["area_code"]) == ["E1", "E2"]
    assert any("Open Government Licence" in note for note in sheets["notes"]["note"])
    first = xlsx_path.read_bytes()
    xlsx_path.unlink()
    downloads.write_all_areas(tmp_path, entries)
    assert xlsx_path.read_bytes() == first
    assert downloads.workbook_bytes(table) == downloads.workbook_bytes(table)
