"""The sanitiser: a pack is static HTML. Built on nh3 (the Rust ``ammonia`` allow-list sanitiser):
only the elements and attributes a pack uses are kept; ``<script>``, ``<iframe>``, ``<object>``,
``<link>``, event-handler attributes, ``javascript:`` links and every resource not held in the
document itself (``src`` other than ``data:``, CSS ``url()`` other than ``data:``/fragment,
``@import``) are removed. The document's frame (doctype, ``<html>``, ``<head>``, ``<body>``) comes
from the pack template, whose values are escaped there; its head and its body are each cleaned."""

from __future__ import annotations

import re

import nh3

from stp_analytics.build.render.contents import CONTENTS_MARKER

#: elements a pack or the index may contain, in the body and in the head
BODY_TAGS = frozenset({
    "a", "abbr", "b", "br", "caption", "code", "col", "colgroup", "dd", "div", "dl", "dt", "em",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
    "img", "li", "main", "nav", "ol", "p", "pre", "section", "small", "span", "strong", "style",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
HEAD_TAGS = frozenset({"meta", "title", "style"})
#: attributes kept (``*``: on every element)
ATTRIBUTES = {
    "*": {"class", "id", "style", "title", "lang", "role", "aria-label", "aria-hidden",
          "aria-describedby", "scope", "colspan", "rowspan", "headers"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "meta": {"charset", "name", "content"},
}
_LINK_SCHEMES = {"http", "https", "mailto", "data"}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!data:|#)([^)'\"]*)\1\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_STYLE_BLOCK = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.IGNORECASE | re.DOTALL)
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_BODY_CLOSE = re.compile(r"</body\s*>", re.IGNORECASE)


def _external(url: str) -> bool:
    """True for anything a browser would fetch from outside the document."""
    value = url.strip().lower()
    return not (value.startswith("data:") or value.startswith("#") or value == "")


def _clean_css(css: str) -> str:
    """Remove ``@import`` rules and ``url(...)`` references that are not ``data:``/fragment."""
    return _CSS_URL.sub("none", _CSS_IMPORT.sub("", css))


def _attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's per-attribute hook: no external resource, CSS without URLs."""
    if name == "src" and _external(value):
        return None
    if name == "style":
        return _clean_css(value)
    return value


def _clean(fragment: str, tags: frozenset[str]) -> str:
    cleaned = nh3.clean(
        fragment,
        tags=set(tags),
        clean_content_tags={"script", "noscript", "iframe", "object", "template"},
        attributes={key: set(names) for key, names in ATTRIBUTES.items()},
        attribute_filter=_attribute,
        url_schemes=_LINK_SCHEMES,
        link_rel=None,
        strip_comments=True,
        filter_style_properties=None,
    )
    return _STYLE_BLOCK.sub(lambda m: m.group(1) + _clean_css(m.group(2)) + m.group(3), cleaned)


#: stands in for the contents marker (a comment, which nh3 drops) while the body is cleaned
_MARKER_STAND_IN = '<div id="stp-contents-marker"></div>'


def _clean_body(body: str) -> str:
    """The body, cleaned whole, with the cover's contents marker kept."""
    cleaned = _clean(body.replace(CONTENTS_MARKER, _MARKER_STAND_IN), BODY_TAGS)
    return cleaned.replace(_MARKER_STAND_IN, CONTENTS_MARKER)


def sanitize_html(document: str) -> str:
    """Static, self-contained HTML: see the module docstring for what is removed."""
    opened = _BODY_OPEN.search(document)
    closings = list(_BODY_CLOSE.finditer(document, opened.end())) if opened else []
    closed = closings[-1] if closings else None
    if not opened or not closed:
        return _clean_body(document)
    head_open = re.search(r"<head\b[^>]*>", document[:opened.start()], re.IGNORECASE)
    head_close = re.search(r"</head\s*>", document[:opened.start()], re.IGNORECASE)
    frame = document[:opened.end()]
    if head_open and head_close:
        head = _clean(document[head_open.end():head_close.start()], HEAD_TAGS | {"meta"})
        frame = (document[:head_open.end()] + head + document[head_close.start():opened.end()])
    body = _clean_body(document[opened.end():closed.start()])
    return frame + body + document[closed.start():]


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
