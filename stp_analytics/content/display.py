"""Generic HTML building blocks for the pack notebooks: headings, tables, charts, tiles, notices.

Notebook cells call these (directly or through :mod:`stp_analytics.content.pack_content`,
:mod:`stp_analytics.content.finance_display` and :mod:`stp_analytics.content.annex`) and
:func:`show` the
result, so presentation lives here and not in cells. Everything is static HTML (no
``<script>``, nothing loaded from the web); every piece of text is escaped. A helper never
raises because data are missing: it returns a "data not supplied" block instead.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from stp_analytics.content import narrative
from stp_analytics.data.files import slugify
from stp_analytics.errors import StpPacksError

LOGGER = logging.getLogger(__name__)
NOTEBOOK_LOG = "stp-packs-notebook.log"
#: set to "1" by the build in every pack kernel's environment: warnings are silenced only there
BUILD_VARIABLE = "STP_PACKS_BUILD"
NOT_AVAILABLE = "not yet available for this area"

TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("indicator", "Indicator"),
    ("period", "Period"),
    ("value", "Value"),
    ("unit", "Unit"),
    ("england", "England"),
    ("comparison", "Compared with England"),
    ("source", "Source"),
)

COMPARISON_TEXT = {
    "Better": "significantly better",
    "Worse": "significantly worse",
    "Higher": "significantly higher",
    "Lower": "significantly lower",
    "Similar": "similar",
    "Not compared": "not compared",
}

STYLE = """
.stp-pack h2 { color: #005EB8; }
.stp-table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
.stp-table caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
.stp-table th, .stp-table td { border: 1px solid #AEB7BD; padding: 0.25em 0.5em;
  text-align: left; vertical-align: top; }
.stp-table th { background: #E8EDEE; }
.stp-not-supplied { border-left: 4px solid #768692; background: #F0F4F5; padding: 0.4em 0.8em;
  margin: 0.5em 0; }
.stp-tiles { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 0.5em 0 1em; }
.stp-tile { flex: 1 1 12em; border: 2px solid #005EB8; border-radius: 4px; padding: 0.6em; }
.stp-tile h3 { margin: 0 0 0.3em; font-size: 1em; color: #005EB8; }
.stp-tile .stp-headline { font-size: 1.3em; font-weight: bold; margin: 0.2em 0; }
.stp-tile-worse { border-color: #C0392B; }
.stp-tile-better { border-color: #1E8449; }
.stp-key-messages li { margin-bottom: 0.4em; }
.stp-chart { margin: 0.5em 0 1em; }
.stp-chart img { max-width: 100%; height: auto; }
.stp-model-label { font-weight: bold; color: #8A1538; }
"""


@dataclass(frozen=True)
class GapTile:
    """One "three gaps at a glance" tile: a title, a headline figure and a line of detail."""

    title: str
    headline: str
    detail: str
    status: str = "neutral"  # worse | better | neutral


# ---------------------------------------------------------------- output


def show(html: str) -> None:
    """Display an HTML fragment in the notebook (IPython.display.HTML)."""
    from IPython.display import HTML, display

    display(HTML(str(html)))


def stylesheet() -> Markup:
    """The pack's small static stylesheet as a ``<style>`` element (shown once, first cell)."""
    return Markup(f"<style>{STYLE}</style>")


# ---------------------------------------------------------------- text




def heading(text: str, level: int = 3) -> Markup:
    """``<hN id=...>text</hN>`` with the text escaped (level 2 = a pack section)."""
    if level not in range(1, 7):
        raise ValueError(f"heading level must be 1-6, got {level!r}")
    anchor = slugify(text, limit=None, default="section")
    return Markup(f'<h{level} id="{anchor}">{escape(text)}</h{level}>')


def section(title: str) -> Markup:
    """A pack section heading (``h2``): the renderer builds contents and page breaks from these."""
    return heading(title, level=2)


def paragraph(text: str) -> Markup:
    """``<p>`` with the text escaped (``Markup`` from the narrative templates passes through)."""
    return Markup(f"<p>{escape(text)}</p>")


def bullet_list(items: Iterable[str], *, ordered: bool = False, css: str = "") -> Markup:
    """A ``<ul>``/``<ol>`` of escaped items; an empty list gives nothing."""
    items = [escape(item) for item in items]
    if not items:
        return Markup("")
    tag = "ol" if ordered else "ul"
    attribute = f' class="{escape(css)}"' if css else ""
    body = "".join(f"<li>{item}</li>" for item in items)
    return Markup(f"<{tag}{attribute}>{body}</{tag}>")


def not_supplied(title: str, reason: str = narrative.NOT_SUPPLIED) -> Markup:
    """A clear notice block: "<title>: data not supplied." (or another reason)."""
    sentence = narrative.not_supplied_sentence(title, reason, html=True)
    return Markup(f'<div class="stp-not-supplied">{sentence}</div>')


def key_messages_html(messages: Sequence[narrative.KeyMessage]) -> Markup:
    """The key messages as a numbered list (a notice if no rule picked any)."""
    if not messages:
        return not_supplied("Key messages", "no indicator met a key-message rule")
    return bullet_list([m.html for m in messages], ordered=True, css="stp-key-messages")


# ---------------------------------------------------------------- tables


def cell_text(value: Any) -> str:
    """The text of a table cell: "" for a missing value, else ``str(value)``."""
    return "" if narrative.is_missing(value) else str(value)


def indicator_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[tuple[str, str]] = TABLE_COLUMNS,
    *,
    caption: str = "",
) -> Markup:
    """A real HTML ``<table>`` (header row, one row per mapping, every cell escaped).

    ``columns`` are (key, header) pairs; a key absent from a row gives an empty cell. With no rows
    the result is a "data not supplied" notice, not an empty table.
    """
    rows = list(rows)
    if not rows:
        return not_supplied(caption or "Table")
    head = "".join(f'<th scope="col">{escape(header)}</th>' for _, header in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell_text(row.get(key)))}</td>" for key, _ in columns)
        + "</tr>"
        for row in rows
    )
    caption_html = f"<caption>{escape(caption)}</caption>" if caption else ""
    return Markup(
        f'<table class="stp-table">{caption_html}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def key_value_table(values: Mapping[str, Any], *, caption: str = "") -> Markup:
    """A two-column table (name, value) for parameters, assumptions and hashes, in given order."""
    rows = [{"name": key, "value": value} for key, value in values.items()]
    return indicator_table(rows, (("name", "Item"), ("value", "Value")), caption=caption)


def frame_table(frame: pd.DataFrame | None, *, caption: str = "") -> Markup:
    """A DataFrame (already formatted for reading) as an escaped HTML table, columns as headers."""
    if frame is None or frame.empty:
        return not_supplied(caption or "Table")
    columns = [(str(column), str(column)) for column in frame.columns]
    rows = [{str(k): v for k, v in record.items()} for record in frame.to_dict("records")]
    return indicator_table(rows, columns, caption=caption)


def format_frame(
    frame: pd.DataFrame, columns: Mapping[str, str], decimals: int = 0
) -> pd.DataFrame:
    """The named columns of ``frame``, renamed for reading, numbers with thousands separators."""
    shown = frame.loc[:, [c for c in columns if c in frame.columns]].copy()
    for column in shown.columns:
        if pd.api.types.is_numeric_dtype(shown[column]):
            shown[column] = [narrative.format_number(v, decimals) for v in shown[column]]
    return shown.rename(columns=dict(columns))


# ---------------------------------------------------------------- charts


def chart_html(chart: Any, *, title: str = "Chart") -> Markup:
    """A chart (anything with ``img_html()``) in a ``<figure>``; ``None`` gives a notice."""
    if chart is None:
        return not_supplied(title)
    return Markup(f'<figure class="stp-chart">{chart.img_html()}</figure>')


def in_build() -> bool:
    """True in a pack kernel started by ``stp-packs build`` (it sets :data:`BUILD_VARIABLE`)."""
    return os.environ.get(BUILD_VARIABLE, "") == "1"


def quiet_notebook(log_dir: str | None = None) -> str:
    """Send the library's log to ``<log_dir>/stp-packs-notebook.log``, not the notebook.

    In a build (:func:`in_build`) the whole kernel is the pack's: its log and every warning go to
    the file, so nothing but the pack reaches the HTML. In an analyst's session only the
    ``stp_analytics`` logger gets the file (added once); the warning filters and the root logger
    are left as the analyst has them. ``log_dir`` defaults to the temp folder, which a build
    points at the pack's own work folder (so a build writes nothing outside its output
    directory). Returns the log file's path.
    """
    import tempfile
    import warnings
    from pathlib import Path

    path = Path(log_dir or tempfile.gettempdir()) / NOTEBOOK_LOG
    if in_build():
        warnings.filterwarnings("ignore")
        logging.basicConfig(filename=path, level=logging.INFO, force=True)
        return str(path)
    library = logging.getLogger("stp_analytics")
    target = os.path.abspath(path)
    if not any(getattr(handler, "baseFilename", None) == target for handler in library.handlers):
        handler = logging.FileHandler(path)
        handler.setFormatter(logging.Formatter(logging.BASIC_FORMAT))
        library.addHandler(handler)
    if library.level == logging.NOTSET or library.level > logging.INFO:
        library.setLevel(logging.INFO)
    return str(path)


def try_chart(title: str, plot: Callable[..., Any], *args: Any, **kwargs: Any) -> Markup:
    """Draw a chart with ``plot(*args, **kwargs)``; on any failure show a notice, log the cause.

    A pack never fails because one indicator is missing: the reader sees "<title>: data not
    supplied." and the reason goes to the log (not to the pack).
    """
    try:
        chart = plot(*args, **kwargs)
        html = chart_html(chart, title=title)
    except (StpPacksError, KeyError, LookupError):  # the data for this chart are missing
        LOGGER.exception("chart %r: no data", title)
        return not_supplied(title)
    except Exception:  # noqa: BLE001 - one failing chart must not stop the pack
        LOGGER.exception("chart %r could not be drawn", title)
        return not_supplied(title, NOT_AVAILABLE)
    close = getattr(chart, "close", None)
    if callable(close):
        close()  # free the figure once it is embedded
    return html


def try_call(title: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``, or a "not yet available" notice (cause logged) on failure."""
    try:
        return function(*args, **kwargs)
    except Exception:  # noqa: BLE001 - one failing section must not stop the pack
        LOGGER.exception("%s could not be computed", title)
        return not_supplied(title, NOT_AVAILABLE)


# ---------------------------------------------------------------- tiles


def gap_tiles(tiles: Sequence[GapTile]) -> Markup:
    """The "three gaps at a glance" tiles: static HTML and CSS, no script."""
    if not tiles:
        return not_supplied("Three gaps at a glance")
    parts = []
    for tile in tiles:
        status = tile.status if tile.status in ("worse", "better", "neutral") else "neutral"
        parts.append(
            f'<div class="stp-tile stp-tile-{status}"><h3>{escape(tile.title)}</h3>'
            f'<p class="stp-headline">{escape(tile.headline)}</p>'
            f"<p>{escape(tile.detail)}</p></div>"
        )
    return Markup(f'<div class="stp-tiles">{"".join(parts)}</div>')
