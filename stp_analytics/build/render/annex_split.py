"""The technical annex as its own PDF: ``pack.pdf`` stops at the annex with a link to
``annex.pdf``, which holds the annex (sources, methods, data-quality notes, detail tables, the
finance model's assumptions, reproducibility) and links back. The HTML pack keeps the whole annex
and links to both PDFs.

The split is made on the executed notebook, at its first markdown cell that is the ``## Annex``
heading; a notebook without one is rendered whole, as before.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import TYPE_CHECKING

from stp_analytics.build.config import OUTPUT_NAMES
from stp_analytics.build.render.html import PageContext, render_html

if TYPE_CHECKING:  # nbformat imports jsonschema, seconds: only where a notebook is rendered
    import nbformat

ANNEX_HEADING = "## Annex"
PACK_PDF = OUTPUT_NAMES["pdf"]
ANNEX_PDF = "annex.pdf"
PACK_STUB = (f"{ANNEX_HEADING}\n\nThe technical annex (sources, methods, data-quality notes, the "
             "detail tables, the finance model's assumptions and the reproducibility block) is a "
             f"separate document beside this one: [{ANNEX_PDF}]({ANNEX_PDF}).")
ANNEX_NOTE = (f"Printed, the pack is [{PACK_PDF}]({PACK_PDF}) and this annex is "
              f"[{ANNEX_PDF}]({ANNEX_PDF}), side by side in the pack's folder.")


def annex_index(nb: nbformat.NotebookNode) -> int | None:
    """The index of the annex heading cell (None when the notebook has none)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source.strip().startswith(ANNEX_HEADING):
            return index
    return None


def _with_cells(nb: nbformat.NotebookNode, cells: list) -> nbformat.NotebookNode:
    out = copy.copy(nb)
    out.cells = cells
    return out


def _markdown(source: str, cell_id: str) -> nbformat.NotebookNode:
    from nbformat.v4 import new_markdown_cell

    cell = new_markdown_cell(source)
    cell.id = cell_id
    return cell


def _stylesheet_cell() -> nbformat.NotebookNode:
    """A cell showing only the pack's stylesheet (the summary's first output carries it)."""
    from nbformat.v4 import new_code_cell, new_output

    from stp_analytics.content import display

    cell = new_code_cell("")
    cell.id = "annex-stylesheet"
    cell.outputs = [new_output("display_data", data={"text/html": str(display.stylesheet())})]
    return cell


def documents(nb: nbformat.NotebookNode, context: PageContext,
              pdf: bool = True) -> dict[str, str]:
    """The HTML documents to write or print: ``"html"`` (the whole pack), and with ``pdf``
    ``pack.pdf`` (up to the annex, then a link) and ``annex.pdf`` (the annex with a cover)."""
    at = annex_index(nb)
    if at is None:
        document = render_html(nb, context)
        return {"html": document, **({PACK_PDF: document} if pdf else {})}
    note = _markdown(ANNEX_NOTE, "annex-pdf-note")
    whole = _with_cells(nb, [*nb.cells[:at + 1], note, *nb.cells[at + 1:]])
    out = {"html": render_html(whole, context)}
    if pdf:
        out[PACK_PDF] = render_html(
            _with_cells(nb, [*nb.cells[:at], _markdown(PACK_STUB, "annex-stub")]), context)
        annex_context = dataclasses.replace(context, title=f"{context.title}: technical annex")
        out[ANNEX_PDF] = render_html(
            _with_cells(nb, [nb.cells[at], _stylesheet_cell(), note, *nb.cells[at + 1:]]),
            annex_context)
    return out
