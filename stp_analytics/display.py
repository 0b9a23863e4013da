"""HTML building blocks for the pack notebooks: headings, tables, charts, tiles, notices.

Notebook cells call these and :func:`show` the result, so presentation lives here and not in
cells. Everything is static HTML (no ``<script>``, nothing loaded from the web); every piece of
text is escaped. A helper never raises because data are missing: it returns a "data not
supplied" block instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from stp_analytics import narrative
from stp_analytics.errors import StpPacksError

LOGGER = logging.getLogger(__name__)
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


def slug(text: str) -> str:
    """A lower-case id for an anchor: letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "section"


def heading(text: str, level: int = 3) -> Markup:
    """``<hN id=...>text</hN>`` with the text escaped (level 2 = a pack section)."""
    if level not in range(1, 7):
        raise ValueError(f"heading level must be 1-6, got {level!r}")
    return Markup(f'<h{level} id="{slug(text)}">{escape(text)}</h{level}>')


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


def _cell(value: Any) -> str:
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
        "<tr>" + "".join(f"<td>{escape(_cell(row.get(key)))}</td>" for key, _ in columns) + "</tr>"
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


def indicator_rows(
    store: pd.DataFrame,
    area_code: str,
    indicators: Iterable[str],
    catalog: Any = None,
) -> list[dict[str, str]]:
    """Table rows for the latest value of each indicator for one area, in the order given.

    Missing indicators say "data not supplied"; suppressed ones say so; approximate values are
    marked "(approximate)".
    """
    latest = narrative.area_rows(store, area_code, all_sexes=True)
    rows = []
    for indicator in indicators:
        meta = narrative.indicator_meta(catalog, indicator)
        for row in latest[latest["indicator"] == indicator].to_dict("records") or [{}]:
            rows.append(_indicator_row(row, meta))
    return rows


def _indicator_row(row: Mapping[str, Any], meta: narrative.IndicatorMeta) -> dict[str, str]:
    """One table row (see :func:`indicator_rows`); a sex other than Persons is named."""
    value = row.get("value")
    if narrative.is_missing(value):
        note = str(row.get("note") or "")
        shown = narrative.SUPPRESSED if "suppress" in note.lower() else narrative.NOT_SUPPLIED
    else:
        shown = narrative.format_number(value, meta.decimals)
        if bool(row.get("approximate")) and not narrative.is_missing(row.get("approximate")):
            shown += " (approximate)"
    comparison = _cell(row.get("comparison"))
    sex = _cell(row.get("sex")) or "Persons"
    return {
        "indicator": meta.name if sex == "Persons" else f"{meta.name} ({sex.lower()}s)",
        "period": _cell(row.get("period")),
        "value": shown,
        "unit": meta.unit,
        "england": narrative.format_number(row.get("england_value"), meta.decimals),
        "comparison": COMPARISON_TEXT.get(comparison, comparison),
        "source": meta.source,
    }


# ---------------------------------------------------------------- charts


def chart_html(chart: Any, *, title: str = "Chart") -> Markup:
    """A chart (anything with ``img_html()``) in a ``<figure>``; ``None`` gives a notice."""
    if chart is None:
        return not_supplied(title)
    return Markup(f'<figure class="stp-chart">{chart.img_html()}</figure>')


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


def comparison_tile(
    title: str, store: pd.DataFrame, area_code: str, indicators: Iterable[str]
) -> GapTile:
    """A tile counting the area's indicators significantly worse / better than England."""
    indicators = list(indicators)
    latest = narrative.area_rows(store, area_code)
    latest = latest[latest["indicator"].isin(indicators) & latest["value"].notna()]
    worse = int((latest["comparison"] == "Worse").sum())
    better = int((latest["comparison"] == "Better").sum())
    if latest.empty:
        return GapTile(title, narrative.NOT_SUPPLIED, f"0 of {len(indicators)} indicators supplied")
    status = "worse" if worse > better else "better" if better > worse else "neutral"
    return GapTile(
        title=title,
        headline=f"{worse} worse, {better} better",
        detail=(
            f"of {len(latest)} indicators with data, compared with England "
            f"({len(indicators) - len(latest)} not supplied)"
        ),
        status=status,
    )


# ---------------------------------------------------------------- the pack being drawn


@dataclass
class PackContext:
    """Everything a pack notebook shows for one area: the store, the catalogue, the area facts."""

    area_code: str
    area_name: str
    region_name: str
    registered_population: int
    label: str
    label_plural: str
    area_set: Any
    store: pd.DataFrame
    catalog: Any
    store_path: str = ""
    sections: dict[str, dict[str, Any]] | None = None

    def indicators(self, gap: str) -> list[str]:
        """Catalogue indicators of one gap (health | care | finance), in catalogue order."""
        entries = getattr(self.catalog, "indicators", {}) or {}
        return [key for key, entry in entries.items() if getattr(entry, "gap", "") == gap]

    def section(self, key: str) -> dict[str, Any]:
        """The pack definition's settings for a section (empty when the pack has none)."""
        return dict((self.sections or {}).get(key) or {})


def load_sections(pack_config: str | Path = "") -> dict[str, dict[str, Any]]:
    """``sections`` of a pack definition (default ``packs/three_gaps.yml``), keyed by ``id``."""
    import yaml

    from stp_analytics import paths
    from stp_analytics.errors import ParameterError

    path = Path(pack_config) if str(pack_config) else paths.packs_dir() / "three_gaps.yml"
    if not path.is_file():
        raise ParameterError(f"pack_config: no pack definition at {path}")
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sections = document.get("sections") or []
    if not isinstance(sections, list):
        raise ParameterError(f"file {path}: 'sections' must be a list of mappings with an id")
    keyed = {}
    for index, entry in enumerate(sections):
        if not isinstance(entry, dict) or not entry.get("id"):
            raise ParameterError(f"file {path}: sections[{index}] needs an 'id'")
        keyed[str(entry["id"])] = entry
    return keyed


def open_pack(
    footprint: str,
    area_set: str = "stp2017",
    store_path: str = "",
    catalog_path: str = "",
    pack_config: str = "",
) -> PackContext:
    """Load the catalogue, the metric store (built and cached if ``store_path`` is empty), the
    area set and the pack sections; resolve ``footprint`` (code or name) to one area."""
    from stp_analytics import catalog as catalog_module
    from stp_analytics import geography, metrics

    catalog = catalog_module.load_catalog(catalog_path or None)
    if not store_path:
        store_path = str(metrics.load_or_build_store(catalog, area_set=area_set))
    areas = geography.load_area_set(area_set)
    code = geography.resolve_area(footprint, area_set)
    store = metrics.read_store(store_path)
    # every area, region and England row (for ranks, funnels, spines) but only this area's parts
    store = store[(store["area_role"] != "part") | (store["parent_code"] == code)]
    store = store.reset_index(drop=True)
    facts = areas.areas.set_index("area_code").loc[code]
    return PackContext(
        area_code=code,
        area_name=str(facts["area_name"]),
        region_name=str(facts.get("region_name", "") or ""),
        registered_population=int(facts.get("registered_population", 0) or 0),
        label=areas.label,
        label_plural=areas.label_plural,
        area_set=areas,
        store=store,
        catalog=catalog,
        store_path=str(store_path),
        sections=load_sections(pack_config),
    )


def _part_names(pack: PackContext, part_type: str) -> list[str]:
    """Names of the parts of the area (with the share when a part is split between areas)."""
    try:
        lookup = pack.area_set.part_lookup(part_type)
    except Exception:  # noqa: BLE001 - a set without this lookup simply lists nothing
        LOGGER.info("no %s lookup for area set %s", part_type, pack.area_set.name)
        return []
    lookup = lookup[lookup["area_code"] == pack.area_code].sort_values(["part_name", "part_code"])
    names = []
    for name, share in zip(lookup["part_name"], lookup["share"], strict=True):
        split = not narrative.is_missing(share) and float(share) < 0.999
        names.append(f"{name} ({float(share):.0%} of its population lies in this {pack.label})"
                     if split else str(name))
    return names


PART_LABELS = {"ccg": "Clinical commissioning groups", "lad": "Local authorities (districts)",
               "trust": "Acute trusts"}


def summary_facts(pack: PackContext) -> Markup:
    """The area's name, code, region, registered population and its constituent organisations."""
    facts = {
        pack.label[:1].upper() + pack.label[1:]: f"{pack.area_name} ({pack.area_code})",
        "NHS England region": pack.region_name or narrative.NOT_SUPPLIED,
        "Registered population (QOF 2017/18 list sizes)": (
            f"{pack.registered_population:,}" if pack.registered_population
            else narrative.NOT_SUPPLIED
        ),
    }
    parts = [key_value_table(facts, caption=f"About this {pack.label}")]
    for part_type, title in PART_LABELS.items():
        names = _part_names(pack, part_type)
        if names:
            parts.append(heading(f"{title} ({len(names)})", level=4))
            parts.append(paragraph("; ".join(names)))
    return Markup("".join(parts))


# ---------------------------------------------------------------- section content


def notable(pack: PackContext, indicators: Iterable[str]) -> list[str]:
    """The indicators, in order, that stand out: significantly different from England, or
    with a national standard (met or not)."""
    latest = narrative.area_rows(pack.store, pack.area_code, all_sexes=True)
    significant = latest["comparison"].isin(narrative.SIGNIFICANT) & latest["value"].notna()
    with_target = latest["target"].notna() & latest["value"].notna()
    chosen = set(latest.loc[significant | with_target, "indicator"])
    return [indicator for indicator in indicators if indicator in chosen]


def sentences_html(pack: PackContext, indicators: Iterable[str]) -> Markup:
    """One template sentence per indicator (missing ones say "data not supplied")."""
    indicators = list(indicators)
    if not indicators:
        return paragraph("No indicator here differs significantly from England or has a "
                         "national standard.")
    sentences = narrative.area_sentences(
        pack.store, pack.area_code, list(indicators), catalog=pack.catalog,
        area_name=pack.area_name, label_plural=pack.label_plural, html=True,
    )
    return bullet_list(sentences)


def gap_table(pack: PackContext, indicators: Iterable[str], caption: str) -> Markup:
    """The latest value of each indicator with units, England and source, as a table."""
    return indicator_table(
        indicator_rows(pack.store, pack.area_code, indicators, pack.catalog), caption=caption
    )


def standards_not_supplied(pack: PackContext, gap: str) -> Markup:
    """A notice for every indicator of ``gap`` with no value for the area (e.g. RTT 92%), from
    :func:`stp_analytics.metrics.indicator_status`."""
    from stp_analytics import metrics

    status = metrics.indicator_status(pack.store, pack.catalog, pack.area_code)
    status = status[status["indicator"].isin(pack.indicators(gap))
                    & (status["status"] != metrics.STATUS_OK)]
    blocks = []
    for record in status.to_dict("records"):
        entry = pack.catalog.indicators[record["indicator"]]
        label = str(getattr(entry, "target_label", "") or "")
        title = f"{entry.name} ({label})" if label else str(entry.name)
        suppressed = record["status"] == metrics.STATUS_SUPPRESSED
        blocks.append(not_supplied(title, narrative.SUPPRESSED if suppressed
                                   else narrative.NOT_SUPPLIED))
    if not blocks:
        return paragraph("Every care and quality standard in the catalogue has data.")
    return Markup("".join(blocks))


def parts_table(pack: PackContext, indicator: str, caption: str) -> Markup:
    """The latest value of ``indicator`` for each part of the area (e.g. its acute trusts)."""
    store = pack.store
    rows = store[
        (store["area_role"] == "part") & (store["parent_code"] == pack.area_code)
        & (store["indicator"] == indicator) & store["is_latest"].fillna(False).astype(bool)
        & (store["sex"] == "Persons")
    ].sort_values(["area_name", "area_code"])
    meta = narrative.indicator_meta(pack.catalog, indicator)
    records = [
        {
            "name": f"{row['area_name']} ({row['area_code']})",
            "period": _cell(row["period"]),
            "value": (narrative.format_number(row["value"], meta.decimals)
                      or (narrative.SUPPRESSED if "suppress" in str(row["note"]).lower()
                          else narrative.NOT_SUPPLIED)),
            "ci": (f"{narrative.format_number(row['lower'], meta.decimals)}–"
                   f"{narrative.format_number(row['upper'], meta.decimals)}"
                   if not narrative.is_missing(row["lower"]) else ""),
            "unit": meta.unit,
            "comparison": COMPARISON_TEXT.get(str(row["comparison"]), _cell(row["comparison"])),
        }
        for row in rows.to_dict("records")
    ]
    levels = sorted({float(c) for c in rows["confidence"].dropna()})
    ci_header = f"{levels[0] * 100:g}% CI" if len(levels) == 1 else "Confidence interval"
    columns = (("name", "Organisation"), ("period", "Period"), ("value", "Value"),
               ("ci", ci_header), ("unit", "Unit"), ("comparison", "Compared with England"))
    return indicator_table(records, columns, caption=caption)


# ---------------------------------------------------------------- annex


OGL_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)


def _period_ranges(rows: pd.DataFrame) -> dict[str, str]:
    """Indicator -> "first to last" period label (ordered by period_start), or the one period."""
    ordered = rows.sort_values(["indicator", "period_start", "period"], kind="mergesort")
    ranges = {}
    for indicator, group in ordered.groupby("indicator", sort=True):
        first, last = str(group["period"].iloc[0]), str(group["period"].iloc[-1])
        ranges[str(indicator)] = first if first == last else f"{first} to {last}"
    return ranges


def sources_table(pack: PackContext) -> Markup:
    """Every source behind an indicator in the store: publisher, period, licence, file."""
    used = set(pack.store["indicator"].unique())
    source_ids = sorted({
        str(entry.source) for key, entry in pack.catalog.indicators.items()
        if key in used and getattr(entry, "source", None)
    })
    periods = _period_ranges(pack.store[pack.store["area_role"] == "area"])
    rows = []
    for source_id in source_ids:
        source = pack.catalog.sources.get(source_id)
        if source is None:
            continue
        indicators = sorted(k for k, e in pack.catalog.indicators.items()
                            if e.source == source_id and k in used)
        rows.append({
            "source": source.publisher,
            "period": source.period,
            "indicators": "; ".join(pack.catalog.indicators[i].name for i in indicators),
            "periods": "; ".join(str(periods.get(i, "")) for i in indicators if i in periods),
            "licence": source.licence,
            "file": source.file or ", ".join(source.files),
        })
    columns = (("source", "Publisher"), ("period", "Period"), ("indicators", "Indicators"),
               ("periods", "Periods in this pack"), ("licence", "Licence"), ("file", "File"))
    return indicator_table(rows, columns, caption="Sources")


def methods_table(pack: PackContext) -> Markup:
    """How each indicator's value, interval and comparison were computed (from the store)."""
    area = pack.store[(pack.store["area_role"] == "area") & (pack.store["area_code"] ==
                                                               pack.area_code)]
    rows = []
    for indicator in sorted(set(area["indicator"])):
        entry = pack.catalog.indicators.get(indicator)
        chosen = area[area["indicator"] == indicator]
        methods = ", ".join(sorted({str(m) for m in chosen["method"].dropna() if str(m)}))
        levels = ", ".join(sorted({f"{float(c) * 100:g}%" for c in chosen["confidence"].dropna()}))
        rows.append({
            "indicator": getattr(entry, "name", indicator),
            "statistic": getattr(entry, "statistic", ""),
            "aggregation": str(getattr(entry, "aggregation", "")).replace("_", " "),
            "method": methods,
            "confidence": levels,
            "comparison": getattr(entry, "method", ""),
        })
    columns = (("indicator", "Indicator"), ("statistic", "Statistic"),
               ("aggregation", "Aggregation to the area"), ("method", "Interval method"),
               ("confidence", "Confidence"), ("comparison", "Comparison with England"))
    return indicator_table(rows, columns, caption="Methods")


def data_quality_notes(pack: PackContext) -> Markup:
    """Suppressed values, approximations, name-matched files and split districts for the area."""
    store = pack.store
    mine = store[(store["area_code"] == pack.area_code)
                 | ((store["area_role"] == "part") & (store["parent_code"] == pack.area_code))]
    mine = mine[mine["is_latest"].fillna(False).astype(bool)]
    notes = []
    noted = mine[mine["note"].fillna("").astype(str).str.strip() != ""]
    for (indicator, note), group in noted.groupby(["indicator", "note"], sort=True):
        meta = narrative.indicator_meta(pack.catalog, str(indicator))
        names = sorted(set(group["area_name"].astype(str)))
        where = ", ".join(names) if len(names) <= 5 else f"{len(names)} areas or parts"
        notes.append(f"{meta.name}: {note} ({where}).")
    approximate = mine[(mine["area_role"] == "area") & mine["approximate"].fillna(False)
                       .astype(bool)]
    if not approximate.empty:
        names = sorted({narrative.indicator_meta(pack.catalog, i).name
                        for i in approximate["indicator"]})
        notes.append(
            "Approximate (population-weighted mean of local authority values, no confidence "
            f"interval): {', '.join(names)}."
        )
    from stp_analytics import paths

    matched = sorted(p.stem for p in (paths.data_catalog_dir() / "name_matches").glob("*.csv"))
    if matched:
        notes.append(
            "Matched to organisations by name (no code in the source; matches listed in "
            f"data_catalog/name_matches/): {', '.join(matched)}."
        )
    split = [name for name in _part_names(pack, "lad") if "% of its population lies" in name]
    if split:
        notes.append(
            f"Districts split between {pack.label_plural}, apportioned by their share of "
            f"population: {'; '.join(split)}."
        )
    return bullet_list(notes) if notes else paragraph("No data-quality notes for this area.")


def reproducibility(pack: PackContext, parameters: Mapping[str, Any]) -> Markup:
    """Package version, SHA-256 of each data file and the parameters used (no timestamps)."""
    import hashlib

    import stp_analytics
    from stp_analytics import metrics

    values: dict[str, Any] = {
        "stp_analytics version": stp_analytics.__version__,
        "metric store hash": try_call("store hash", metrics.store_hash, pack.catalog,
                                      pack.area_set.name),
    }
    files = set()
    for source in pack.catalog.sources.values():
        for name in (source.file, *source.files):
            if name:
                files.add(source.resolve(name))
    for path in sorted(files):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            values[f"sha256 {path.name}"] = digest[:16]
    values.update({f"parameter {k}": repr(v) for k, v in parameters.items()})
    return key_value_table(values, caption="Reproducibility")


def indicator_name(pack: PackContext, indicator: str) -> str:
    """The catalogue name of an indicator (its id when the catalogue does not have it)."""
    return narrative.indicator_meta(pack.catalog, indicator).name


def with_data(pack: PackContext, indicators: Iterable[str], sex: str = "Persons") -> list[str]:
    """The indicators, in order, that have a latest value for the area for ``sex``."""
    store = pack.store
    rows = store[(store["area_role"] == "area") & (store["area_code"] == pack.area_code)
                 & (store["sex"] == sex) & store["is_latest"].fillna(False).astype(bool)
                 & store["value"].notna()]
    present = set(rows["indicator"])
    return [indicator for indicator in indicators if indicator in present]


def three_gap_tiles(pack: PackContext, finance_result: Any = None) -> list[GapTile]:
    """The three tiles: health and care count comparisons with England; finance shows the
    model's do-nothing gap in the final year when the finance model ran, else its indicators."""
    tiles = [
        comparison_tile("Health and wellbeing gap", pack.store, pack.area_code,
                        pack.indicators("health")),
        comparison_tile("Care and quality gap", pack.store, pack.area_code,
                        pack.indicators("care")),
    ]
    gap = getattr(finance_result, "do_nothing_gap_gbp_m", None)
    if isinstance(gap, (int, float)) and not narrative.is_missing(gap):
        per_head = float(getattr(finance_result, "do_nothing_gap_per_head", float("nan")))
        word = "gap" if gap >= 0 else "surplus"
        year = str(finance_result.projection["year"].iloc[-1])
        tiles.append(GapTile(
            "Finance and efficiency gap", f"£{abs(gap):,.0f}m {word} in {year}",
            f"£{abs(per_head):,.0f} per head if nothing changed (a model, not a forecast)",
            "worse" if gap > 0 else "better"))
    else:
        tiles.append(comparison_tile("Finance and efficiency gap", pack.store, pack.area_code,
                                     pack.indicators("finance")))
    return tiles


def finance_html(finance_result: Any) -> Markup:
    """The finance model's label (a MODEL, not a forecast), its headline and data caveats; a
    notice when the model could not run for this area."""
    if isinstance(finance_result, Markup):
        return finance_result
    if finance_result is None or not hasattr(finance_result, "headline"):
        return not_supplied("Finance and efficiency model", NOT_AVAILABLE)
    return Markup(
        f'<p class="stp-model-label">{escape(finance_result.label)}</p>'
        f"{paragraph(finance_result.headline())}"
    )


FINANCE_COLUMNS = {
    "year": "Year", "population": "Population", "income_gbp_m": "Income (£m)",
    "spend_do_nothing_gbp_m": "Spend if nothing changes (£m)",
    "gap_do_nothing_gbp_m": "Do-nothing gap (£m)",
    "gap_do_nothing_per_head": "Do-nothing gap per head (£)",
    "residual_gap_gbp_m": "Gap after levers (£m)",
    "residual_gap_per_head": "Gap after levers per head (£)",
}


def format_frame(
    frame: pd.DataFrame, columns: Mapping[str, str], decimals: int = 0
) -> pd.DataFrame:
    """The named columns of ``frame``, renamed for reading, numbers with thousands separators."""
    shown = frame.loc[:, [c for c in columns if c in frame.columns]].copy()
    for column in shown.columns:
        if pd.api.types.is_numeric_dtype(shown[column]):
            shown[column] = [narrative.format_number(v, decimals) for v in shown[column]]
    return shown.rename(columns=dict(columns))


def finance_projection_table(finance_result: Any) -> Markup:
    """The model year by year: income, do-nothing spend and gap, gap after levers."""
    if not hasattr(finance_result, "projection"):
        return not_supplied("Finance projection", NOT_AVAILABLE)
    table = format_frame(finance_result.projection, FINANCE_COLUMNS)
    return frame_table(table, caption="Do-nothing and do-something model to 2020/21 (MODEL)")


def finance_assumptions_table(finance_result: Any) -> Markup:
    """Every assumption of the model with its value and its source, as printed in the pack."""
    if not hasattr(finance_result, "assumptions_table"):
        return not_supplied("Finance assumptions", NOT_AVAILABLE)
    columns = {"label": "Assumption", "display": "Value", "source": "Source"}
    table = finance_result.assumptions_table.loc[:, list(columns)].rename(columns=columns)
    return frame_table(table, caption="Model assumptions (notebook parameters)")


def finance_caveats(finance_result: Any) -> Markup:
    """The finance data caveats (name matching, years, attribution) as a list."""
    caveats = list(getattr(finance_result, "caveats", ()) or ())
    return bullet_list(caveats) if caveats else Markup("")


def opportunity_table(pack: PackContext) -> Markup:
    """RightCare-style opportunity: indicators where matching the best 5 of the 10 most similar
    areas would change the most people or events (from the store's ``opportunity`` column)."""
    latest = narrative.area_rows(pack.store, pack.area_code)
    chosen = latest[pd.to_numeric(latest["opportunity"], errors="coerce") > 0]
    chosen = chosen.sort_values(["opportunity", "indicator"], ascending=[False, True])
    rows = []
    for record in chosen.to_dict("records"):
        meta = narrative.indicator_meta(pack.catalog, str(record["indicator"]))
        rows.append({
            "indicator": meta.name,
            "value": narrative.format_value(record["value"], meta.unit, meta.decimals),
            "peer": narrative.format_value(record["peer_best5_mean"], meta.unit, meta.decimals),
            "opportunity": narrative.format_number(record["opportunity"], 0),
        })
    columns = (("indicator", "Indicator"), ("value", pack.area_name),
               ("peer", f"Best 5 of 10 most similar {pack.label_plural}"),
               ("opportunity", "Opportunity (people or events)"))
    if not rows:
        return paragraph(f"No indicator shows a significant opportunity against similar "
                         f"{pack.label_plural}.")
    return indicator_table(rows, columns, caption="Opportunity against peers (RightCare method)")
