"""The charts' PNGs held aside while a pack's HTML is converted and sanitised.

A pack's charts are PNGs embedded as ``data:`` URIs in ``<img src="...">`` of its HTML outputs:
megabytes of base64 text that nbconvert's HTML pass and the sanitiser would otherwise scan
character by character. Each is swapped for a short reference first and put back afterwards
(the PDF renderer decodes them itself: ``pdf._images_by_reference``). A reference is a fragment
(``#stp-image-<key>-N``), which the sanitiser keeps as a link inside the document; ``<key>`` is
derived from the images themselves, so text in the data cannot name one. Only PNG data URIs
are held aside, and only in an ``src`` attribute; the sanitiser passes the same URIs when they
stay in place.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nbformat imports jsonschema, seconds: only where a notebook is rendered
    import nbformat

#: a PNG embedded as a ``data:`` URI in an ``src="..."`` attribute
PNG_DATA_URI = re.compile(r'(?<=src=")data:image/png;base64,([A-Za-z0-9+/=]+)(?=")')
_PREFIX = "#stp-image-"


class HeldImages:
    """Data URIs swapped for references (:meth:`hold`) and put back (:meth:`restore`)."""

    def __init__(self, texts: Iterable[str]) -> None:
        digest = hashlib.sha256()
        for text in texts:
            for match in PNG_DATA_URI.finditer(text):
                digest.update(match.group(1).encode("ascii"))
        self.key = digest.hexdigest()[:16]
        self.uris: list[str] = []
        self._reference = re.compile(re.escape(f'src="{_PREFIX}{self.key}-') + r'(\d+)"')

    def hold(self, text: str) -> str:
        """``text`` with each PNG data URI swapped for a reference."""
        def reference(match: re.Match) -> str:
            self.uris.append(match.group(0))
            return f"{_PREFIX}{self.key}-{len(self.uris) - 1}"

        return PNG_DATA_URI.sub(reference, text)

    def restore(self, document: str) -> str:
        """``document`` with every reference back to its data URI."""
        return self._reference.sub(lambda m: f'src="{self.uris[int(m.group(1))]}"', document)


def _html_outputs(nb: nbformat.NotebookNode) -> Iterable[str]:
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            html = output.get("data", {}).get("text/html")
            if html:
                yield html if isinstance(html, str) else "".join(html)


def hold_notebook_images(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, HeldImages]:
    """A copy of ``nb`` whose HTML outputs hold references instead of PNG data URIs (``nb`` is
    left as it is), and the images held."""
    from nbformat import NotebookNode

    held = HeldImages(_html_outputs(nb))
    lean = copy.copy(nb)
    lean.cells = []
    for cell in nb.cells:
        outputs = cell.get("outputs")
        if not outputs or not any("text/html" in o.get("data", {}) for o in outputs):
            lean.cells.append(cell)
            continue
        cell = copy.copy(cell)
        cell.outputs = []
        for output in outputs:
            html = output.get("data", {}).get("text/html")
            if html:
                output = copy.copy(output)
                output.data = NotebookNode({**output.data, "text/html": held.hold(
                    html if isinstance(html, str) else "".join(html))})
            cell.outputs.append(output)
        lean.cells.append(cell)
    return lean, held
