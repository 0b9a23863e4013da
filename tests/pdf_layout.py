"""Read a rendered pack PDF back for the accessibility and layout tests: the tagged structure
(pypdf) and where each word lies on its page (``pdftotext -bbox`` from poppler-utils)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

#: PDF points in a millimetre
MM = 72 / 25.4
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">'
                   r"([^<]*)</word>")


def structure_elements(reader: PdfReader) -> list[DictionaryObject]:
    """Every structure element under ``/StructTreeRoot``, in document (depth-first) order."""
    found: list[DictionaryObject] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
            return
        if not isinstance(node, DictionaryObject) or "/S" not in node:
            return  # a marked-content reference or an object reference to page content
        found.append(node)
        if "/K" in node:
            walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def heading_levels(reader: PdfReader) -> list[int]:
    """The levels of the tagged headings (``/H1`` ... ``/H6``), in document order."""
    levels = []
    for element in structure_elements(reader):
        match = re.fullmatch(r"/H([1-6])", str(element["/S"]))
        if match:
            levels.append(int(match.group(1)))
    return levels


@dataclass(frozen=True)
class Word:
    """One word pdftotext found: its page (from 1), its box in points from the top left."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def words(pdf: Path) -> tuple[list[tuple[float, float]], list[Word]]:
    """(width, height) of each page, and every word with its box, read by ``pdftotext -bbox``."""
    if shutil.which("pdftotext") is None:
        raise RuntimeError("pdftotext is not installed (Debian package poppler-utils)")
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    sizes, found = [], []
    for number, page in enumerate(_PAGE.finditer(out), start=1):
        sizes.append((float(page.group(1)), float(page.group(2))))
        for word in _WORD.finditer(page.group(3)):
            x0, y0, x1, y1 = (float(value) for value in word.groups()[:4])
            found.append(Word(number, x0, y0, x1, y1, word.group(5)))
    return sizes, found


def words_outside(pdf: Path, left_right_mm: float, top_bottom_mm: float,
                  tolerance: float = 0.5) -> list[Word]:
    """The words that reach into the left or right page margin (``left_right_mm``) or within
    ``top_bottom_mm`` of the top or bottom edge (the running header and footer sit in the top
    and bottom margins, so only the edges are out of bounds there)."""
    sizes, found = words(pdf)
    side, edge = left_right_mm * MM - tolerance, top_bottom_mm * MM - tolerance
    outside = []
    for word in found:
        width, height = sizes[word.page - 1]
        if (word.x0 < side or word.x1 > width - side
                or word.y0 < edge or word.y1 > height - edge):
            outside.append(word)
    return outside
