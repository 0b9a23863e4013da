"""A fast reader of the cell values of xlsx worksheets (values only, as Excel last saved them).

openpyxl builds a Python object per cell and took 11 s of CPU for the 61,650-row CWT
extract; this reader finds the cells of the sheet XML with regular expressions and gives the
same values (shared and inline strings, numbers as int or float, booleans, cached results of
formulas, dates for cells whose number format is a date format, errors such as ``#N/A`` as
text). Date formats are judged by openpyxl's own rules; cells with ``[h]:mm:ss`` formats come
back as times where openpyxl gives durations (no reader here uses such cells).
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import zipfile
from html import unescape
from xml.etree import ElementTree

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

Rows = list[list[object]]


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part in the archive, in workbook order."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{PACKAGE_REL}Relationship")}
    paths = {}
    for sheet in book.iter(f"{MAIN}sheet"):
        target = targets[sheet.get(f"{REL}id")]
        paths[sheet.get("name")] = (target.lstrip("/") if target.startswith("/")
                                    else posixpath.normpath(posixpath.join("xl", target)))
    return paths


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    for _, element in ElementTree.iterparse(io.BytesIO(archive.read("xl/sharedStrings.xml"))):
        if element.tag == f"{MAIN}si":
            parts = [child.text or "" for child in element if child.tag == f"{MAIN}t"]
            parts += [t.text or "" for run in element if run.tag == f"{MAIN}r"
                      for t in run if t.tag == f"{MAIN}t"]  # rich text; phonetic runs skipped
            strings.append("".join(parts))
            element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell formats (``s`` attribute) whose number format is a date."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    custom = {int(f.get("numFmtId")): f.get("formatCode") or ""
              for f in styles.iter(f"{MAIN}numFmt")}
    cell_xfs = styles.find(f"{MAIN}cellXfs")
    dates = set()
    for index, xf in enumerate([] if cell_xfs is None else cell_xfs.iter(f"{MAIN}xf")):
        number = int(xf.get("numFmtId", "0"))
        code = custom.get(number, BUILTIN_FORMATS.get(number, "General"))
        if is_date_format(code):
            dates.add(index)
    return dates


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTRIBUTE = re.compile(rb'\b(r|s|t)="([^"]*)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.S)
_REFERENCE = re.compile(r"([A-Z]+)(\d+)")
_FAST_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?(?: [^>]*?)?'
    rb"(?:/>|>(?:<f(?:/>|[ >].*?(?:/>|</f>)))?(?:<v>([^<]*)</v>)?(?:<is>(.*?)</is>)?</c>)", re.S)


@functools.lru_cache(maxsize=4096)
def _column(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - 64)
    return number - 1


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _text(raw: bytes) -> str:
    return unescape(raw.decode("utf-8"))


def _cells_fast(data: bytes, shared: list[str], dates: set[int],
                max_rows: int | None) -> dict[int, dict[int, object]] | None:
    """Cells as Excel writes them (``<c r=".." s=".." t="..">``, unprefixed); None when the
    sheet is written otherwise (the general path then reads it)."""
    cells: dict[int, dict[int, object]] = {}
    count = 0
    found = (_FAST_CELL.findall(data) if max_rows is None
             else (m.groups() for m in _FAST_CELL.finditer(data)))
    for letters, row, style, kind, value_text, inline in found:
        count += 1
        number = int(row)
        if max_rows is not None and number > max_rows:
            return cells
        if kind == b"inlineStr":
            value: object = "".join(_text(t) for t in _TEXT.findall(inline))
        elif not value_text:
            continue
        elif kind == b"s":
            value = shared[int(value_text)]
        elif kind in (b"str", b"e"):
            value = _text(value_text)
        elif kind == b"b":
            value = value_text == b"1"
        else:
            value = _number(value_text.decode("ascii"))
            if style and int(style) in dates:
                value = from_excel(value)
        cells.setdefault(number, {})[_column(letters.decode("ascii"))] = value
    if count != data.count(b"<c ") + data.count(b"<c>"):
        return None
    return cells


def _sheet_rows(data: bytes, shared: list[str], dates: set[int],
                max_rows: int | None) -> Rows:
    """The rows of one sheet's XML (blank cells None)."""
    cells = _cells_fast(data, shared, dates, max_rows)
    if cells is None:
        cells = _cells_general(data, shared, dates, max_rows)
    if not cells:
        return []
    width = max(max(row) for row in cells.values()) + 1
    rows: Rows = []
    for number in range(1, max(cells) + 1):
        found = cells.get(number)
        line: list[object] = [None] * width
        if found:
            for position, value in found.items():
                line[position] = value
        rows.append(line)
    return rows


def _cells_general(data: bytes, shared: list[str], dates: set[int],
                   max_rows: int | None) -> dict[int, dict[int, object]]:
    """Cells found with looser expressions (any attribute order, namespace prefixes); every
    cell must carry its reference ``r`` (Excel always writes it), else ValueError."""
    cells: dict[int, dict[int, object]] = {}
    for match in _CELL.finditer(data):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        reference = _REFERENCE.fullmatch(attributes.get(b"r", b"").decode("ascii"))
        if reference is None:
            raise ValueError("a cell without a reference")
        row = int(reference.group(2))
        if max_rows is not None and row > max_rows:
            break
        body = match.group(2) or b""
        kind = attributes.get(b"t", b"n")
        if kind == b"inlineStr":
            value: object = "".join(_text(t) for t in _TEXT.findall(body))
        else:
            found = _VALUE.search(body)
            if found is None:
                continue
            text = found.group(1)
            if kind == b"s":
                value = shared[int(text)]
            elif kind in (b"str", b"e"):
                value = _text(text)
            elif kind == b"b":
                value = text == b"1"
            else:
                value = _number(text.decode("ascii"))
                if dates and int(attributes.get(b"s", b"0")) in dates:
                    value = from_excel(value)
        cells.setdefault(row, {})[_column(reference.group(1))] = value
    return cells


def xlsx_sheet_names(raw: bytes) -> list[str]:
    """The names of a workbook's sheets, in order, without reading any sheet."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return list(_sheet_paths(archive))


def read_xlsx_values(raw: bytes, wanted: list[str] | None = None,
                     max_rows: int | None = None) -> dict[str, Rows]:
    """Sheet name -> rows of cell values (None for blank cells), for the ``wanted`` sheets."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        paths = _sheet_paths(archive)
        chosen = [n for n in paths if wanted is None or n in wanted]
        if not chosen:
            return {}
        shared = _shared_strings(archive)
        dates = _date_styles(archive)
        return {name: _sheet_rows(archive.read(paths[name]), shared, dates, max_rows)
                for name in chosen}
