"""Render an executed pack notebook to static HTML (nbconvert) and A4 PDF (WeasyPrint).

HTML: nbconvert's ``HTMLExporter`` with the project's template ``packs/templates/stp_pack``
(inputs, prompts, stderr and error outputs excluded; images embedded as ``data:`` URIs), then a
sanitising pass that removes every ``<script>``/``<iframe>``/``<object>``/``<embed>``/``<link>``,
event-handler attributes, ``javascript:`` links and any resource (``src``, CSS ``url()``,
``@import``) not held in the document itself, and finally a contents list built from the ``<h2>``
section headings. PDF: WeasyPrint from the same HTML, print CSS in ``packs/templates/pack.css``
(A4, running header, "Page N of M", cover page, a page per section, figures and tables never
split), a fetcher that refuses everything except ``data:`` URIs, a fixed PDF identifier and a
fixed font timestamp, so the same HTML gives the same bytes.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import html as html_lib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from stp_analytics import __version__, paths
from stp_analytics.build import pdf_images

if TYPE_CHECKING:
    import nbformat

#: the nbconvert template folder name under packs/templates/
TEMPLATE_NAME = "stp_pack"
#: cell tags honoured when rendering (in addition to excluding every input)
REMOVE_CELL_TAGS = ("remove-cell", "remove_cell")
REMOVE_OUTPUT_TAGS = ("remove-output", "remove_output")

_DROP_ELEMENTS = frozenset({"script", "iframe", "object", "embed", "link", "base", "frame",
                            "frameset", "applet", "noscript", "template"})
_VOID_ELEMENTS = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                            "param", "source", "track", "wbr", "base"})
_RESOURCE_ATTRS = frozenset({"src", "srcset", "poster", "data", "background", "action",
                             "formaction", "xlink:href", "ping", "lowsrc", "dynsrc", "manifest"})
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!data:|#)([^)'\"]*)\1\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<body>.*?)</h2>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_ANCHOR_LINK = re.compile(r"<a class=\"anchor-link\"[^>]*>.*?</a>", re.DOTALL)
CONTENTS_MARKER = "<!--stp-contents-->"


@dataclass(frozen=True)
class PageContext:
    """What the header, footer and cover say about the pack being rendered."""

    title: str
    area_code: str
    area_name: str
    data_period: str = "not stated"
    region_name: str = ""
    area_label: str = "Footprint"


def sentence_case(text: str) -> str:
    """First letter upper case, the rest untouched ("footprint" -> "Footprint", "CCG" stays)."""
    return text[:1].upper() + text[1:]


def templates_dir() -> Path:
    """The folder with the nbconvert template, the pack CSS and the index template."""
    return paths.packs_dir() / "templates"


def templates_hash() -> str:
    """SHA-256 over every template file (names and bytes), for incremental builds."""
    digest = hashlib.sha256()
    root = templates_dir()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _exporter(template_root: str):
    """One configured HTMLExporter per process (building one costs ~0.1 s)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[template_root],
    )
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_anchor_links = True
    exporter.embed_images = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    return exporter


@functools.lru_cache(maxsize=1)
def _pack_css(template_root: str) -> str:
    return (Path(template_root) / "pack.css").read_text(encoding="utf-8")


def render_html(nb: nbformat.NotebookNode, context: PageContext) -> str:
    """Executed notebook -> static HTML string (no code, no script, nothing external)."""
    root = str(templates_dir())
    resources = {
        "stp": {
            "title": context.title,
            "area_code": context.area_code,
            "area_name": context.area_name,
            "data_period": context.data_period,
            "region_name": context.region_name,
            "area_label": context.area_label,
            "version": __version__,
            "css": _pack_css(root),
        }
    }
    body, _ = _exporter(root).from_notebook_node(nb, resources=resources)
    body = _ANCHOR_LINK.sub("", body)
    return add_contents(sanitize_html(body))


def add_contents(document: str) -> str:
    """Give every ``<h2>`` an id and put a contents list (links to them) at the marker."""
    entries: list[tuple[str, str]] = []
    used: set[str] = set()

    def number(match: re.Match) -> str:
        attrs, body = match.group("attrs"), match.group("body")
        text = html_lib.unescape(_TAG.sub("", body)).strip()
        base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
        anchor, n = f"s-{base}", 2
        while anchor in used:
            anchor, n = f"s-{base}-{n}", n + 1
        used.add(anchor)
        entries.append((anchor, text))
        attrs = re.sub(r"\sid=(\"[^\"]*\"|'[^']*'|\S+)", "", attrs)
        return f'<h2 id="{anchor}"{attrs}>{body}</h2>'

    marker_at = document.find(CONTENTS_MARKER)
    if marker_at < 0:
        return document
    head, tail = document[:marker_at], document[marker_at + len(CONTENTS_MARKER):]
    tail = _H2.sub(number, tail)
    if not entries:
        return head + tail
    items = "\n".join(
        f'<li><a href="#{anchor}">{html_lib.escape(text)}</a></li>' for anchor, text in entries
    )
    nav = (f'<nav class="contents" aria-label="Contents">\n<h2>Contents</h2>\n'
           f'<ol>\n{items}\n</ol>\n</nav>')
    return head + nav + tail


def _external(url: str) -> bool:
    """True for anything a browser would fetch from outside the document."""
    value = url.strip().lower()
    return not (value.startswith("data:") or value.startswith("#") or value == "")


class _Sanitizer(HTMLParser):
    """Re-serialise HTML, dropping scripts, event handlers and external resources."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.skip_tag = ""
        self.in_style = False

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        kept = []
        for name, value in attrs:
            lname = name.lower()
            if lname.startswith("on"):
                continue
            if value is not None:
                if lname in _RESOURCE_ATTRS and (_external(value) or lname == "srcset"):
                    continue
                if lname == "href" and (
                    value.strip().lower().startswith(("javascript:", "vbscript:", "file:"))
                    or (tag != "a" and _external(value))
                ):
                    continue
                if lname == "style":
                    value = _clean_css(value)
            if value is None:
                kept.append(f" {name}")
            else:
                kept.append(f' {name}="{html_lib.escape(value, quote=True)}"')
        return "".join(kept)

    def handle_starttag(self, tag, attrs):
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if tag in _DROP_ELEMENTS:
            if tag not in _VOID_ELEMENTS:
                self.skip_depth, self.skip_tag = 1, tag
            return
        if tag == "meta" and any(n.lower() == "http-equiv" for n, _ in attrs):
            return
        self.in_style = tag == "style"
        self.parts.append(f"<{tag}{self._attrs(tag, attrs)}>")

    def handle_startendtag(self, tag, attrs):
        if self.skip_depth or tag in _DROP_ELEMENTS:
            return
        self.parts.append(f"<{tag}{self._attrs(tag, attrs)}/>")

    def handle_endtag(self, tag):
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth -= 1
            return
        if tag in _DROP_ELEMENTS:
            return
        if tag == "style":
            self.in_style = False
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if self.skip_depth:
            return
        self.parts.append(_clean_css(data) if self.in_style else data)

    def handle_entityref(self, name):
        if not self.skip_depth:
            self.parts.append(f"&{name};")

    def handle_charref(self, name):
        if not self.skip_depth:
            self.parts.append(f"&#{name};")

    def handle_comment(self, data):
        if not self.skip_depth and data == CONTENTS_MARKER[4:-3]:
            self.parts.append(CONTENTS_MARKER)

    def handle_decl(self, decl):
        self.parts.append(f"<!{decl}>")

    def handle_pi(self, data):
        return

    def unknown_decl(self, data):
        return


def _clean_css(css: str) -> str:
    """Remove ``@import`` rules and ``url(...)`` references that are not ``data:``/fragment."""
    css = _CSS_IMPORT.sub("", css)
    return _CSS_URL.sub("none", css)


def sanitize_html(document: str) -> str:
    """Static, self-contained HTML: see the module docstring for what is removed."""
    parser = _Sanitizer()
    parser.feed(document)
    parser.close()
    return "".join(parser.parts)


def external_resources(document: str) -> list[str]:
    """Every script element and external resource reference left in a document (for checks)."""
    found = re.findall(r"<script\b[^>]*>", document, flags=re.IGNORECASE)
    for match in re.finditer(
        r"\s(src|srcset|poster|data|background|xlink:href)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)",
        document,
        flags=re.IGNORECASE,
    ):
        value = match.group(2).strip("\"'")
        if _external(value):
            found.append(match.group(0).strip())
    for match in re.finditer(r"<link\b[^>]*>", document, flags=re.IGNORECASE):
        found.append(match.group(0))
    found.extend(m.group(0) for m in _CSS_URL.finditer(document))
    found.extend(m.group(0) for m in _CSS_IMPORT.finditer(document))
    return found


#: a PNG embedded as a ``data:`` URI in an ``<img src="...">`` of a built pack (text that merely
#: mentions such a URI is left as it is)
_PNG_DATA_URI = re.compile(r'(?<=src=")data:image/png;base64,([A-Za-z0-9+/=]+)(?=")')
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

    return _PNG_DATA_URI.sub(reference, document), images


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
    """Static HTML -> A4 PDF bytes, identical for identical HTML (fixed identifier, no dates)."""
    import weasyprint

    pdf_images.install()
    identifier = hashlib.sha256(document.encode("utf-8")).hexdigest()[:32].encode("ascii")
    lean, images = _images_by_reference(document)
    page = weasyprint.HTML(string=lean, base_url=None, url_fetcher=_no_network_fetcher(images))
    with fixed_font_timestamp():
        return page.write_pdf(pdf_identifier=identifier, custom_metadata=False)


def league_heatmap(store_path: Path, area_set: str, catalog_path: Path | None = None
                   ) -> tuple[str, str]:
    """(``<img>`` HTML of the league heat map of every area, or "", and a note when missing).

    Drawn by :mod:`stp_analytics.charts.heatmap` from the metric store: every area x each
    indicator compared with England (indicators never compared are left out), named from the
    catalogue, areas with most "Worse" cells first.
    """
    import pandas as pd

    from stp_analytics.data.catalog import load_catalog
    from stp_analytics.charts import heatmap
    from stp_analytics.errors import StpPacksError

    try:
        store = pd.read_parquet(store_path)
        compared = store[(store["area_role"] == "area")
                         & store["comparison"].isin(["Better", "Similar", "Worse", "Higher",
                                                     "Lower"])]
        indicators = sorted(set(compared["indicator"]))
        if not indicators:
            return "", "League heat map not available: no indicator is compared with England."
        info = load_catalog(catalog_path).indicators
        data = heatmap.prepare_heatmap_data(store, indicators, indicator_info=info,
                                            sort_by="worse")
        chart = heatmap.plot_heatmap(data, title=f"League heat map: {area_set}")
    except (StpPacksError, KeyError) as error:
        return "", f"League heat map not available: {error}"
    try:
        return chart.img_html(), ""
    finally:
        chart.close()


def render_index(
    *, title: str, entries: dict, store_path: Path, area_set: str, area_label: str = "footprint",
    area_label_plural: str = "footprints", catalog_path: Path | None = None,
    heatmap: tuple[str, str] | None = None,
) -> str:
    """The national overview page (static HTML, every value escaped by Jinja2). ``heatmap`` is
    :func:`league_heatmap`'s result for the same store, area set and catalogue when it has
    been drawn already (the build draws it while its last packs run); else it is drawn here."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        keep_trailing_newline=True,
    )
    areas = []
    for code in sorted(entries):
        entry = entries[code]
        built = entry.get("status") == "built"
        outputs = entry.get("outputs") or {}
        folder = entry.get("folder", code)
        areas.append({
            "code": code,
            "name": entry.get("area_name", ""),
            "status": entry.get("status", ""),
            "error": entry.get("error") or "",
            "html": f"{folder}/pack.html" if built and "pack.html" in outputs else "",
            "pdf": f"{folder}/pack.pdf" if built and "pack.pdf" in outputs else "",
        })
    heatmap_html, heatmap_note = heatmap or league_heatmap(store_path, area_set, catalog_path)
    document = environment.get_template("index.html.j2").render(
        title=title,
        areas=areas,
        area_set=area_set,
        area_label=sentence_case(area_label),
        area_label_plural=area_label_plural,
        heatmap_html=heatmap_html,
        heatmap_note=heatmap_note,
        css=_pack_css(str(templates_dir())),
        version=__version__,
    )
    return sanitize_html(document)
