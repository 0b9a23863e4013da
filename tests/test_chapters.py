"""Chapters built for reading: a gap opens with its figures and three sentences; the chapter
keeps the sentences, the annex gets the tables (without a source on every row)."""

from __future__ import annotations

from pack_fixtures import GM, cells, make_pack, small_finance_result
from store_factory import make_store

from stp_analytics.content import chapters, sections_summary


def _pack():
    return make_pack(make_store([
        {"indicator": "diabetes", **GM, "value": 7.0, "comparison": "Worse", "lower": 6.9,
         "upper": 7.1, "england_value": 6.5},
        {"indicator": "ae", **GM, "value": 88.0, "status": "approximate", "approximate": True,
         "target": 95.0, "target_gap": 7.0},
    ]))


def test_an_opener_is_its_figures_and_three_sentences() -> None:
    pieces = chapters.opener(_pack(), "finance", small_finance_result())
    assert len(pieces) == 2 and "the finance and efficiency gap in natural units" in pieces[0]
    assert pieces[1].count("<li>") == 3
    assert "Do-nothing gap: £120m gap (£41 per head) (2020/21)." in pieces[1]


def test_comparison_sentence_counts_worse_better_and_untested() -> None:
    pack = _pack()
    assert chapters.comparison_sentence(pack, "health") == (
        "Of 1 health and wellbeing indicators with data, 1 is significantly worse than England "
        "and 0 better; 0 are approximations with no confidence interval, so not tested.")
    assert "1 is an approximation" in chapters.comparison_sentence(pack, "care")


def test_chapter_sentences_have_no_table_and_the_annex_table_no_source_column() -> None:
    pack = _pack()
    sentences = "".join(chapters.gap_sentences(pack, "health"))
    assert "<table" not in sentences and "Diabetes prevalence" in sentences
    header = cells(chapters.gap_table(pack, "health", "Health"))[0]
    assert "Source" not in header and header[0] == "Indicator"
    tables = sections_summary.indicator_tables(pack)
    html = tables._repr_html_()
    assert html.count("(sources: the Sources table)") == 3
    assert list(tables.data["health"]["indicator"]) == ["diabetes"]
