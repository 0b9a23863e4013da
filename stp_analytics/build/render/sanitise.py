"""The sanitiser: a pack is static HTML. It removes every ``<script>``/``<iframe>``/``<object>``/
``<embed>``/``<link>``, event-handler attributes, ``javascript:`` links and any resource (``src``,
CSS ``url()``, ``@import``) not held in the document itself."""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

from stp_analytics.build.render.contents import CONTENTS_MARKER

_DROP_ELEMENTS = frozenset({"script", "iframe", "object", "embed", "link", "base", "frame",
                            "frameset", "applet", "noscript", "template"})
_VOID_ELEMENTS = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                            "param", "source", "track", "wbr", "base"})
_RESOURCE_ATTRS = frozenset({"src", "srcset", "poster", "data", "background", "action",
                             "formaction", "xlink:href", "ping", "lowsrc", "dynsrc", "manifest"})
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!data:|#)([^)'\"]*)\1\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)


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
