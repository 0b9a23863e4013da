"""Print column widths (build/render/table_widths.py): computed from the cells' text by the
automatic layout's rule, given as a colgroup with a fixed layout; tables it cannot measure are
left alone."""

from __future__ import annotations

import re

import pytest

from stp_analytics.build.render import table_widths


def _table(*rows: tuple[str, ...], header: tuple[str, ...] = ("A", "B")) -> str:
    head = "".join(f'<th scope="col">{cell}</th>' for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (f'<table class="stp-table"><caption>Caption</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _widths(document: str) -> list[float]:
    return [float(w) for w in re.findall(r'<col style="width:([\d.]+)%">', document)]


def test_short_columns_share_the_measure_in_proportion_to_their_widest_line():
    fixed = table_widths.fix_table_widths(_table(("x" * 10, "y" * 30)))
    assert 'style="table-layout:fixed"' in fixed
    assert fixed.index("</caption>") < fixed.index("<colgroup>")  # the caption stays first
    narrow, wide = _widths(fixed)
    assert narrow + wide == pytest.approx(100.0)
    pad = table_widths.PADDING_EM  # x and y are 0.5 em wide in Arial
    assert wide / narrow == pytest.approx((30 * 0.5 + pad) / (10 * 0.5 + pad), rel=0.01)


def test_long_text_is_wrapped_and_no_column_goes_below_its_longest_word():
    long_text = " ".join(["word"] * 200)  # far wider than the page on one line
    fixed = table_widths.fix_table_widths(_table(("Supercalifragilistic", long_text)))
    first, second = _widths(fixed)
    word = table_widths._ems("Supercalifragilistic") + table_widths.PADDING_EM
    assert first / 100 * table_widths.MEASURE_EM >= word - 0.1
    assert second > first  # the long text takes the room that is left


def test_file_names_break_at_their_marks_and_dates_stay_whole():
    assert re.split(table_widths._BREAKS, "sources/\u200bae_\u200bfile.csv") == [
        "sources/", "ae_", "file.csv"]
    assert [w for w in re.split(table_widths._BREAKS, "2016-04 to non-elective") if w] == [
        "2016-04", "to", "non-", "elective"]


@pytest.mark.parametrize("document", [
    '<table><tr><td colspan="2">merged</td></tr><tr><td>a</td><td>b</td></tr></table>',
    "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",  # ragged rows
    '<table><colgroup><col style="width:10%"></colgroup><tr><td>a</td></tr></table>',
    "<table></table>",
])
def test_tables_it_cannot_measure_are_left_to_the_automatic_layout(document):
    assert table_widths.fix_table_widths(document) == document


def test_text_outside_tables_and_entities_are_untouched():
    document = "<p>A&amp;E</p>" + _table(("A&amp;E", "1,234")) + "<p>after</p>"
    fixed = table_widths.fix_table_widths(document)
    assert fixed.startswith("<p>A&amp;E</p>") and fixed.endswith("<p>after</p>")
    assert re.sub(r"<colgroup>.*?</colgroup>| style=\"table-layout:fixed\"", "", fixed) == document
