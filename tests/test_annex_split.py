"""The technical annex as its own PDF: pack.pdf stops at the annex with a link to annex.pdf,
annex.pdf holds the annex and links back, the HTML pack keeps everything and links to both."""

from __future__ import annotations

import nbformat

from stp_analytics.build.render import PageContext, annex_split

CONTEXT = PageContext(title="Three gaps", area_code="E54000007", area_name="Greater Manchester")


def _notebook(with_annex: bool = True) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_markdown_cell("## Summary\n\nThe summary text."),
             nbformat.v4.new_markdown_cell("## Health\n\nHealth text.")]
    if with_annex:
        cells += [nbformat.v4.new_markdown_cell("## Annex"),
                  nbformat.v4.new_markdown_cell("The sources table text.")]
    nb.cells = cells
    return nb


def test_pack_pdf_stops_at_the_annex_and_links_to_it() -> None:
    docs = annex_split.documents(_notebook(), CONTEXT)
    assert set(docs) == {"html", "pack.pdf", "annex.pdf"}
    assert "The summary text" in docs["pack.pdf"] and "sources table text" not in docs["pack.pdf"]
    assert 'href="annex.pdf"' in docs["pack.pdf"]


def test_annex_pdf_holds_the_annex_with_its_own_title_and_links_back() -> None:
    annex = annex_split.documents(_notebook(), CONTEXT)["annex.pdf"]
    assert "sources table text" in annex and "The summary text" not in annex
    assert "Three gaps: technical annex" in annex and 'href="pack.pdf"' in annex
    assert ".stp-table" in annex  # the pack's stylesheet travels with the annex


def test_html_keeps_the_whole_pack_and_links_both_pdfs() -> None:
    html = annex_split.documents(_notebook(), CONTEXT, pdf=False)
    assert set(html) == {"html"}
    assert "The summary text" in html["html"] and "sources table text" in html["html"]
    assert 'href="annex.pdf"' in html["html"] and 'href="pack.pdf"' in html["html"]


def test_a_notebook_without_an_annex_is_one_document() -> None:
    docs = annex_split.documents(_notebook(with_annex=False), CONTEXT)
    assert set(docs) == {"html", "pack.pdf"} and docs["html"] == docs["pack.pdf"]
    assert annex_split.annex_index(_notebook()) == 2
