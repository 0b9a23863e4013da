"""Static HTML -> A4 PDF with WeasyPrint: print CSS in ``packs/templates/pack.css`` (A4, running
header, "Page N of M", cover page, a page per section, figures and tables never split), a fetcher
that refuses everything except the pack's own images, a fixed PDF identifier and a fixed font
timestamp, so the same HTML gives the same bytes. Tables are printed with column widths computed
from their text (:mod:`~stp_analytics.build.render.table_widths`), laid out in one pass.

The PDF is tagged for accessibility (:data:`PDF_VARIANT`, PDF/UA-1): WeasyPrint writes a structure
tree (``/StructTreeRoot``: headings, paragraphs, lists, tables with header cells, figures with
their alt text), ``/MarkInfo`` marked, the document language (``/Lang``, from ``<html lang>``),
the title (from ``<title>``, in the document information and the XMP metadata) and asks viewers
to show the title rather than the file name. The variant adds nothing random (no dates, no
UUIDs), so the bytes stay fixed."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
from collections.abc import Iterator

from stp_analytics.build.render import pdf_images, table_widths
from stp_analytics.build.render.inline_images import PNG_DATA_URI

_IMAGE_SCHEME = "stp-image"


def _no_network_fetcher(images: dict[str, bytes]):
    """A WeasyPrint fetcher that serves ``data:`` URIs and the pack's own images, nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PackImageFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url in images:
                return URLFetcherResponse(url, images[url], {"Content-Type": "image/png"})
            return super().fetch(url, headers)

    return PackImageFetcher(allowed_protocols={"data", _IMAGE_SCHEME})


def _images_by_reference(document: str) -> tuple[str, dict[str, bytes]]:
    """Swap each embedded PNG for a short ``stp-image:N`` reference (decoded once here), so the
    PDF renderer's HTML parser does not scan megabytes of base64 text."""
    images: dict[str, bytes] = {}

    def reference(match: re.Match) -> str:
        key = f"{_IMAGE_SCHEME}:{len(images)}"
        images[key] = base64.b64decode(match.group(1))
        return key

    return PNG_DATA_URI.sub(reference, document), images


#: the WeasyPrint PDF variant: PDF/UA-1 turns on ``pdf_tags`` and PDF 1.7 and adds the PDF/UA
#: identification and the title to the XMP metadata
PDF_VARIANT = "pdf/ua-1"

#: the ``SOURCE_DATE_EPOCH`` (seconds since 1970) that stamps fonts subset while a PDF is written
FONT_TIMESTAMP = "0"


@contextlib.contextmanager
def fixed_font_timestamp() -> Iterator[None]:
    """Hold ``SOURCE_DATE_EPOCH`` at :data:`FONT_TIMESTAMP` (unless the caller has set it).

    Without the HarfBuzz-Subset library WeasyPrint subsets fonts with fontTools, which writes
    the current time into each embedded font's ``head`` table, so the same HTML gave different
    PDF bytes a second later. fontTools takes that time from ``SOURCE_DATE_EPOCH`` when it is set
    (the reproducible-builds convention). With HarfBuzz-Subset no timestamp is written at all.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = FONT_TIMESTAMP
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def render_pdf(document: str) -> bytes:
    """Static HTML -> tagged A4 PDF bytes (PDF/UA-1: structure tree, language, title),
    identical for identical HTML (fixed identifier, no dates)."""
    import weasyprint

    pdf_images.install()
    identifier = hashlib.sha256(document.encode("utf-8")).hexdigest()[:32].encode("ascii")
    lean, images = _images_by_reference(document)
    lean = table_widths.fix_table_widths(lean)  # one layout pass per table
    page = weasyprint.HTML(string=lean, base_url=None, url_fetcher=_no_network_fetcher(images))
    with fixed_font_timestamp():
        return page.write_pdf(pdf_identifier=identifier, custom_metadata=False,
                              pdf_variant=PDF_VARIANT, pdf_tags=True)
