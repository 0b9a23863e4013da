"""Column widths for print, so WeasyPrint lays out each table in one pass.

WeasyPrint's automatic table layout measures the text of every cell twice (its narrowest and its
widest line) before laying the table out, which was about a third of the time an annex took to
print. :func:`fix_table_widths` gives each plain table of a document a ``<colgroup>`` of widths
computed here from the cells' text, and ``table-layout: fixed``, so the text is laid out once.

The widths follow the automatic layout of CSS 2.1 (section 17.5.2.2), measured in ems of Arial:
a column's narrowest width is its longest word, its widest its longest cell; the table takes
the full measure (print CSS: ``width: 100%``), and the room between the narrowest and the widest
columns is shared in proportion, as a browser shares it. A word longer than its column still
breaks inside the cell (``overflow-wrap: break-word``), so nothing runs past the margins.
Tables with merged cells, a ``colgroup`` of their own or nested tables are left to the automatic
layout.
"""

from __future__ import annotations

import html
import re

_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(th|td)\b([^>]*)>(.*?)</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
#: where a line may break (Unicode line breaking, as Pango applies it): spaces, the zero-width
#: spaces file names carry, after a solidus, and after a hyphen before a letter ("2016-04"
#: stays whole)
_BREAKS = re.compile(r"[\s\u200b]+|(?<=/)|(?<=-)(?=[A-Za-z])")

#: the print measure, 182 mm of A4 text width, in ems of the annex tables' 7.5 pt text (61 at
#: the chapters' 8.5 pt, where tables are few and short)
MEASURE_EM = 68.0
#: a cell's padding, 1.5 mm each side in print, in ems
PADDING_EM = 1.2
#: header cells are bold: wider per character
HEADER_FACTOR = 1.05
#: advance widths in ems of Arial (and its metric twin Liberation Sans, the packs' print font);
#: a character not listed takes :data:`DEFAULT_EM`
_EM = {**dict.fromkeys("ijl'|", 0.222), **dict.fromkeys(" ft.,:;!/I\u200b", 0.278),
       **dict.fromkeys("r()[]-", 0.333), **dict.fromkeys("ckvsxyzJ", 0.5),
       **dict.fromkeys("ABEKPSVXY&", 0.667), **dict.fromkeys("CDHNRUwGOQ", 0.722),
       **dict.fromkeys("mM%", 0.833), "W": 0.944}
DEFAULT_EM = 0.556


def _ems(text: str) -> float:
    """The width of ``text`` in ems."""
    return sum(_EM.get(character, DEFAULT_EM) for character in text)


def _cell_extent(content: str, header: bool) -> tuple[float, float]:
    """(longest word, whole text) of one cell, in ems, padding included."""
    text = html.unescape(_TAG.sub(" ", content)).strip()
    factor = HEADER_FACTOR if header else 1.0
    longest = max((_ems(word) for word in _BREAKS.split(text) if word), default=0.0)
    whole = _ems(" ".join(text.replace("\u200b", "").split()))
    return longest * factor + PADDING_EM, whole * factor + PADDING_EM


def column_widths(rows: list[list[tuple[str, bool]]],
                  measure: float = MEASURE_EM) -> list[float]:
    """Percentage widths of the columns of ``rows`` (each a list of (cell HTML, is header)),
    summing to 100, by the automatic layout's rule (module docstring)."""
    columns = len(rows[0])
    narrowest, widest = [0.0] * columns, [0.0] * columns
    for row in rows:
        for index, (content, header) in enumerate(row):
            low, high = _cell_extent(content, header)
            narrowest[index] = max(narrowest[index], low)
            widest[index] = max(widest[index], high)  # a cell's text holds its longest word
    low_total, high_total = sum(narrowest), sum(widest)
    if high_total <= measure or high_total == low_total:
        widths = widest  # room to spare: shared in proportion to the widest lines
    elif low_total >= measure:
        widths = narrowest
    else:
        share = (measure - low_total) / (high_total - low_total)
        widths = [low + (high - low) * share for low, high in zip(narrowest, widest, strict=True)]
    total = sum(widths)
    percents = [round(100.0 * width / total, 1) for width in widths]
    percents[-1] = round(100.0 - sum(percents[:-1]), 1)
    return percents


def _fixed(match: re.Match) -> str:
    attributes, body = match.group(1), match.group(2)
    if "<table" in body or "<colgroup" in body or "colspan" in body or "rowspan" in body:
        return match.group(0)
    rows = [[(cell.group(3), cell.group(1) == "th") for cell in _CELL.finditer(row.group(1))]
            for row in _ROW.finditer(body)]
    if not rows or not rows[0] or len({len(row) for row in rows}) != 1:
        return match.group(0)
    columns = "".join(f'<col style="width:{width}%">' for width in column_widths(rows))
    caption_end = body.find("</caption>")
    at = caption_end + len("</caption>") if caption_end >= 0 else 0
    style = ' style="table-layout:fixed"' if "style=" not in attributes else ""
    return (f"<table{attributes}{style}>{body[:at]}<colgroup>{columns}</colgroup>"
            f"{body[at:]}</table>")


def fix_table_widths(document: str) -> str:
    """``document`` with each plain table given computed column widths and a fixed layout."""
    return _TABLE.sub(_fixed, document)
