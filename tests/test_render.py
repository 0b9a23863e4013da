"""HTML and PDF rendering: static, self-contained, escaped, contents list, A4 with page numbers."""

from __future__ import annotations

import io
import itertools
import os
import re
import warnings

import nbformat
import pytest
from build_fixtures import helpers
from pypdf import PdfReader

from stp_analytics.build import render
from stp_analytics.build.render import pdf as render_pdf_module

PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
         "AAAABJRU5ErkJggg==")
CONTEXT = render.PageContext(title="Three gaps", area_code="E54000005",
                             area_name="West Yorkshire", data_period="2016/17")


def executed_notebook() -> nbformat.NotebookNode:
    """An 'executed' notebook built by hand (no kernel): headings, text, stderr, an image."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("secret_source_code = 1")
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="value 12.5\n"),
        nbformat.v4.new_output("stream", name="stderr", text="DeprecationWarning: noisy\n"),
        nbformat.v4.new_output("display_data", data={
            "image/png": PIXEL,
            "text/plain": "<Figure>"}, metadata={"image/png": {"alt": "A chart"}}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("## Summary\n\nText."), code,
                nbformat.v4.new_markdown_cell("## Annex\n\nMore.")]
    return nb


@pytest.mark.reliability
def test_html_has_no_code_no_stderr_and_a_contents_list():
    document = render.render_html(executed_notebook(), CONTEXT)
    assert "secret_source_code" not in document
    assert "noisy" not in document
    assert "value 12.5" in document
    assert '<nav class="contents"' in document
    assert '<a href="#s-summary">Summary</a>' in document and 'id="s-annex"' in document
    assert 'alt="A chart"' in document and 'src="data:image/png;base64,' in document
    assert render.external_resources(document) == []
    assert render.render_html(executed_notebook(), CONTEXT) == document


@pytest.mark.parametrize("hostile, gone", [
    ('<script>alert(1)</script><p>ok</p>', "alert(1)"),
    ('<img src="https://example.org/x.png" onerror="steal()">', "example.org"),
    ('<img src="x" onerror="steal()">', "steal()"),
    ('<iframe src="http://evil.test"></iframe>', "evil.test"),
    ('<link rel="stylesheet" href="https://cdn.test/a.css">', "cdn.test"),
    ('<style>@import url("https://fonts.test/f.css"); p{background:url(http://x.test/b.png)}</style>',
     ".test"),
    ('<a href="javascript:steal()">x</a>', "javascript:"),
    ('<div style="background-image: url(https://t.test/p.gif)">x</div>', "t.test"),
])
@pytest.mark.reliability
def test_sanitiser_removes_scripts_and_external_resources(hostile, gone):
    cleaned = render.sanitize_html(f"<html><body>{hostile}</body></html>")
    assert gone not in cleaned
    assert render.external_resources(cleaned) == []


def test_sanitiser_keeps_data_images_links_and_entities():
    source = ('<p>A &amp; B &lt;C&gt;</p><img src="data:image/png;base64,AAAA" alt="x">'
              '<a href="https://www.gov.uk/">GOV.UK</a>')
    cleaned = render.sanitize_html(source)
    assert "A &amp; B &lt;C&gt;" in cleaned
    assert 'src="data:image/png;base64,AAAA"' in cleaned
    assert 'href="https://www.gov.uk/"' in cleaned


def test_pdf_gets_img_pngs_by_reference_and_leaves_text_alone():
    uri = "data:image/png;base64,AAAA"
    lean, images = render_pdf_module._images_by_reference(f'<p>{uri}</p><img src="{uri}" alt="x">')
    assert lean == f'<p>{uri}</p><img src="stp-image:0" alt="x">'
    assert images == {"stp-image:0": b"\x00\x00\x00"}


def test_pdf_is_a4_numbered_and_byte_identical():
    document = render.render_html(executed_notebook(), CONTEXT)
    first, second = render.render_pdf(document), render.render_pdf(document)
    assert first == second
    reader = PdfReader(io.BytesIO(first))
    assert len(reader.pages) >= 3  # cover, then one page per section
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1
        assert f"Page {number} of {len(reader.pages)}" in page.extract_text()
    assert "West Yorkshire" in reader.pages[0].extract_text()
    assert "Summary" in reader.pages[1].extract_text()
    assert "Annex" in reader.pages[-1].extract_text()


def test_pdf_bytes_do_not_depend_on_the_clock_when_fonttools_subsets(monkeypatch):
    """Without HarfBuzz-Subset, WeasyPrint subsets fonts with fontTools, which stamps each
    embedded font with the current time: two renders a minute apart must still match."""
    from fontTools.misc import timeTools
    from weasyprint.pdf import fonts

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)  # take WeasyPrint's fontTools path
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    ticks = itertools.count(1_800_000_000, 60)  # a minute later at every call
    monkeypatch.setattr(timeTools, "time", type("Clock", (), {"time": lambda: next(ticks)}))
    document = render.render_html(executed_notebook(), CONTEXT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first, second = render.render_pdf(document), render.render_pdf(document)
    assert first == second
    assert "SOURCE_DATE_EPOCH" not in os.environ  # put back as it was


def _page_holding(reader: PdfReader, text: str) -> int:
    pages = [n for n, page in enumerate(reader.pages) if text in page.extract_text()]
    assert pages, f"{text!r} is on no page"
    return pages[0]


def test_a_table_caption_stays_with_its_table_and_a_long_table_flows_on():
    """A caption after most of a page of text moves with the table's first rows; the table
    breaks between rows, so a table longer than the space left does not leave a blank page."""
    filler = "\n\n".join(f"Paragraph {n}: " + "words " * 60 for n in range(9))
    rows = "".join(f"<tr><td>row-{n}</td><td>{n}</td></tr>" for n in range(60))
    table = (f'<table class="stp-table"><caption>LongTableCaption</caption>'
             f"<thead><tr><th>Name</th><th>Value</th></tr></thead><tbody>{rows}</tbody></table>")
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("show(table)")
    code.outputs = [nbformat.v4.new_output("display_data", data={"text/html": table})]
    nb.cells = [nbformat.v4.new_markdown_cell(f"## Summary\n\n{filler}"), code]
    reader = PdfReader(io.BytesIO(render.render_pdf(render.render_html(nb, CONTEXT))))
    caption_page = _page_holding(reader, "LongTableCaption")
    assert caption_page == _page_holding(reader, "row-0")
    assert _page_holding(reader, "row-59") - caption_page <= 2  # flows on: no blank pages


@pytest.mark.slow
@pytest.mark.reliability
def test_every_built_html_is_static_and_every_pdf_a4_with_page_numbers():
    pack_dir, result = helpers.shared_build()
    htmls = sorted(pack_dir.glob("*/pack.html")) + [pack_dir / "index.html"]
    assert len(htmls) == len(helpers.AREAS) + 1
    for path in htmls:
        document = path.read_text(encoding="utf-8")
        assert not re.search(r"<script", document, re.IGNORECASE), path
        assert render.external_resources(document) == [], path
        assert "import " not in document  # no code cells
    pdfs = sorted(pack_dir.glob("*/pack.pdf"))
    assert len(pdfs) == len(helpers.AREAS)
    for path in pdfs:
        reader = PdfReader(path)
        for number, page in enumerate(reader.pages, start=1):
            assert abs(float(page.mediabox.width) - 595.28) < 1
            assert abs(float(page.mediabox.height) - 841.89) < 1
            assert f"Page {number} of {len(reader.pages)}" in page.extract_text()


def test_sanitiser_output_is_stable_and_keeps_the_contents_marker():
    """nh3 re-serialises HTML5 (void elements without ``/>``); a second pass changes nothing,
    and the cover's contents marker (a comment nh3 would drop) survives."""
    source = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/><title>T &amp; U'
              '</title><style>p{color:red}</style></head><body><p>a<br/>b</p>'
              f'{render.CONTENTS_MARKER}<h2>One</h2><!-- a comment --></body></html>')
    cleaned = render.sanitize_html(source)
    assert render.sanitize_html(cleaned) == cleaned
    assert render.CONTENTS_MARKER in cleaned and "a comment" not in cleaned
    assert "<br>" in cleaned and '<meta charset="utf-8">' in cleaned
    assert "<title>T &amp; U</title>" in cleaned and "p{color:red}" in cleaned
