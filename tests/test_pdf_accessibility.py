"""The PDF a reader gets: tagged for assistive technology (structure tree, marked content,
language, title, headings in order, table header cells, figures with their alt text) and laid out
within the page margins (no word of the real Greater Manchester pack reaches past them)."""

from __future__ import annotations

import io
import json
import re
from itertools import pairwise

import nbformat
import pytest
from pdf_layout import heading_levels, structure_elements, words_outside
from pypdf import PdfReader

from stp_analytics.build import render

PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
         "AAAABJRU5ErkJggg==")
CONTEXT = render.PageContext(title="Three gaps", area_code="E54000005",
                             area_name="West Yorkshire", data_period="2016/17")
ALT = "Trend chart: A&E 4-hour performance fell from 88% to 79%, below the 95% standard"
TABLE = ('<table class="stp-table"><caption>Indicators</caption><thead><tr><th scope="col">'
         'Indicator</th><th scope="col">Value</th></tr></thead><tbody><tr><td>A&amp;E</td>'
         "<td>79.0</td></tr></tbody></table>")
#: the page margins of ``pack.css`` (``@page { margin: 18mm 14mm 16mm 14mm }``), left and right
SIDE_MARGIN_MM = 14
#: how near the top and bottom edges a word may come (the running header and footer sit in the
#: top and bottom margins, so only the paper's edge is out of bounds there)
EDGE_MM = 5


def small_pack() -> str:
    """A pack's HTML with a cover, two sections, a sub-heading, a table and a chart."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("show()")
    code.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": TABLE}),
        nbformat.v4.new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Fig>"},
                               metadata={"image/png": {"alt": ALT}}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("## Summary\n\nText.\n\n### Detail\n\nMore."), code,
                nbformat.v4.new_markdown_cell("## Annex\n\nSources.")]
    return render.render_html(nb, CONTEXT)


@pytest.fixture(scope="module")
def small_reader() -> PdfReader:
    return PdfReader(io.BytesIO(render.render_pdf(small_pack())))


@pytest.mark.reliability
def test_pdf_is_tagged_with_language_and_title(small_reader: PdfReader):
    root = small_reader.trailer["/Root"]
    assert root["/StructTreeRoot"]["/Type"] == "/StructTreeRoot"
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "en"  # from <html lang="en">
    title = f"{CONTEXT.title}: {CONTEXT.area_name}"  # the HTML <title>
    assert small_reader.metadata.title == title
    assert small_reader.xmp_metadata.dc_title == {"x-default": title}
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True  # title, not the file name


@pytest.mark.reliability
def test_headings_are_tagged_in_the_html_order_without_skipping_a_level(small_reader):
    html_levels = [int(level) for level in re.findall(r"<h([1-6])\b", small_pack())]
    levels = heading_levels(small_reader)
    assert levels == html_levels and levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in pairwise(levels)), levels


@pytest.mark.reliability
def test_tables_have_header_cells_and_figures_their_alt_text(small_reader: PdfReader):
    elements = structure_elements(small_reader)
    tags = [str(element["/S"]) for element in elements]
    assert {"/Table", "/TH", "/TD", "/Caption"} <= set(tags)
    assert tags.count("/TH") == 2  # Indicator, Value
    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert [str(figure["/Alt"]) for figure in figures] == [ALT]


@pytest.fixture(scope="module")
def greater_manchester_pdf(real_packs):
    """The real pack for Greater Manchester (the widest annex tables), from the shared build."""
    return real_packs.folder("E54000007") / "pack.pdf"


@pytest.mark.slow
def test_no_word_of_a_real_pack_lies_outside_the_printable_area(real_packs):
    """Every page of the three shared packs (Greater Manchester has the widest annex tables)."""
    for code in real_packs.manifest["packs"]:
        for name in ("pack.pdf", "annex.pdf"):
            pdf = real_packs.folder(code) / name
            outside = words_outside(pdf, SIDE_MARGIN_MM, EDGE_MM)
            assert outside == [], (code, name, [(w.page, w.text) for w in outside[:10]])


@pytest.mark.slow
def test_real_pack_fits_24_pages_with_the_technical_annex_beside_it(greater_manchester_pdf):
    """Issue 22: the Greater Manchester pack in 24 A4 pages or fewer; the sources, methods,
    detail tables and model assumptions are the technical annex (annex.pdf), linked both ways."""
    pack = PdfReader(greater_manchester_pdf)
    annex = PdfReader(greater_manchester_pdf.with_name("annex.pdf"))
    assert len(pack.pages) <= 24
    assert "annex.pdf" in pack.pages[-1].extract_text()
    annex_text = "".join(page.extract_text() for page in annex.pages)
    assert "Sources" in annex_text and "Reproducibility" in annex_text
    assert "Reproducibility" not in "".join(page.extract_text() for page in pack.pages)
    assert annex.metadata.title.endswith("technical annex: Greater Manchester")


@pytest.mark.slow
def test_real_pack_is_tagged(real_packs):
    """Tagged, every pack.pdf and annex.pdf of the shared build: structure tree, marked content,
    language and title."""
    for code in real_packs.manifest["packs"]:
        name = real_packs.manifest["packs"][code]["area_name"]
        for pdf in (real_packs.folder(code) / "pack.pdf", real_packs.folder(code) / "annex.pdf"):
            reader = PdfReader(pdf)
            root = reader.trailer["/Root"]
            assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"].value is True
            assert root["/Lang"] == "en" and reader.metadata.title.endswith(name)


@pytest.mark.slow
def test_the_default_build_cover_lists_the_data_vintage(real_packs):
    """Issue 22: the cover of a default (latest data) pack states the vintage of each gap."""
    for code in real_packs.manifest["packs"]:
        html = (real_packs.folder(code) / "pack.html").read_text(encoding="utf-8")
        vintage = re.search(r'<dt>Data vintage</dt><dd class="cover-vintage">([^<]+)</dd>', html)
        assert vintage and vintage.group(1).startswith("The latest data"), code
        assert re.search(r"health \d{4}", vintage.group(1)), vintage.group(1)


@pytest.mark.slow
def test_real_build_writes_the_numbers_to_download(greater_manchester_pdf):
    """The GM build's folder has pack-data.csv, linked from the pack; the index links to
    all-areas.csv and all-areas.xlsx, and the workbook opens with pandas and holds the area."""
    import pandas as pd

    folder = greater_manchester_pdf.parent
    rows = pd.read_csv(folder / "pack-data.csv")
    assert set(rows["area_code"]) >= {"E54000007"} and rows["value"].notna().all()
    assert 'href="pack-data.csv"' in (folder / "pack.html").read_text(encoding="utf-8")
    index = (folder.parent / "index.html").read_text(encoding="utf-8")
    for name in ("all-areas.csv", "all-areas.xlsx", f"{folder.name}/pack-data.csv"):
        assert f'href="{name}"' in index
    sheets = pd.read_excel(folder.parent / "all-areas.xlsx", sheet_name=None)
    assert {"health", "care", "finance", "notes"} <= set(sheets)
    codes = set().union(*(set(sheet["area_code"]) for name, sheet in sheets.items()
                          if name != "notes"))
    built = set(json.loads((folder.parent / "manifest.json").read_text())["packs"])
    assert {code for code in codes if code.startswith("E54")} == built  # every pack's area
    every_pack = sum(len(pd.read_csv(data)) for data in folder.parent.glob("*/pack-data.csv"))
    assert len(pd.read_csv(folder.parent / "all-areas.csv")) == every_pack  # the packs built
