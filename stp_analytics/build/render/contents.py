"""The pack's contents list: every ``<h2>`` section heading gets an id, and a list of links to
them is put at the cover's marker."""

from __future__ import annotations

import html as html_lib
import re

CONTENTS_MARKER = "<!--stp-contents-->"
_H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<body>.*?)</h2>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


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
