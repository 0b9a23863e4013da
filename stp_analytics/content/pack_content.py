"""What the pack shows about one area: the pack context, summary facts, tiles and section content.

:func:`open_pack` loads the catalogue, the metric store, the area set and the pack definition's
sections into a :class:`PackContext`; the other functions turn it into HTML pieces (built with
:mod:`stp_analytics.content.display`) for the summary, the health and care sections and the
opportunity table. Text comes from :mod:`stp_analytics.content.narrative` templates; missing data
give
"data not supplied", never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from markupsafe import Markup

from stp_analytics import schema
from stp_analytics.content import narrative
from stp_analytics.content.display import (
    COMPARISON_TEXT,
    bullet_list,
    cell_text,
    heading,
    indicator_table,
    key_value_table,
    not_supplied,
    paragraph,
)
from stp_analytics.content.official_notice import not_supplied_reason
from stp_analytics.content.pack_definition import (
    DEFAULT_PACK,
    PackDefinition,
    SectionSpec,
    load_pack_definition,
)

if TYPE_CHECKING:
    from stp_analytics.data.catalog import Catalog
    from stp_analytics.data.geography import AreaSet

LOGGER = logging.getLogger(__name__)


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
    area_set: AreaSet
    store: pd.DataFrame
    catalog: Catalog
    store_path: str = ""
    sections: dict[str, SectionSpec] = field(default_factory=dict)
    as_at: str = ""  # data vintage "YYYY-MM" ("" = the latest data)

    def indicators(self, gap: str) -> list[str]:
        """Catalogue indicators of one gap (health | care | finance), in catalogue order; an
        England-only series (``geography: england``, national context) is not an area's."""
        return [key for key, entry in self.catalog.indicators.items()
                if entry.gap == gap and entry.geography != "england"]

    def unavailable(self, indicator: str) -> str:
        """Why ``indicator`` can have no value in this area set ("" when it can): its source is
        only by a geography the set has no lookup for (footprint or trust data, CCG packs)."""
        entry = self.catalog.indicators.get(indicator)
        if entry is None or entry.source is None or indicator in self._with_rows():
            return ""
        geography = entry.geography
        if geography in (self.area_set.area_type, "england", *self.area_set.part_types):
            return ""
        return (f"not available for {self.label_plural}: the source is by "
                f"{GEOGRAPHY_WORDS.get(geography, geography)} only")

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per pack and ``key``: what several sections read from the same
        store (which does not change once the pack is open) is worked out once."""
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def _with_rows(self) -> set[str]:
        """The indicators with store rows for this area (rows published at its own level)."""
        return self.memo("indicators_with_rows", lambda: set(
            self.store.loc[self.store["area_code"] == self.area_code, "indicator"]))

    def section(self, key: str) -> SectionSpec:
        """The pack definition's settings for a section (no settings when the pack has none)."""
        return self.sections.get(key) or SectionSpec(id=key)


#: how a source geography is named in "not available for CCGs" notices
GEOGRAPHY_WORDS = {"stp": "STP footprint", "trust": "NHS trust", "ccg": "CCG",
                   "lad": "local authority district", "utla": "upper-tier local authority"}


def load_sections(pack_config: str | Path | PackDefinition = "") -> dict[str, SectionSpec]:
    """The sections of a pack definition keyed by id: from an already parsed
    :class:`PackDefinition`, or from its file (default pack :data:`DEFAULT_PACK`) parsed once
    by :func:`load_pack_definition`."""
    if isinstance(pack_config, PackDefinition):
        return pack_config.section_map()
    return load_pack_definition(str(pack_config) or DEFAULT_PACK).section_map()


def open_pack(
    footprint: str,
    area_set: str = "stp2017",
    store_path: str = "",
    catalog_path: str = "",
    pack_config: str | PackDefinition = "",
    as_at: str = "",
) -> PackContext:
    """Load the catalogue, the metric store (built and cached if ``store_path`` is empty), the
    area set and the pack sections; resolve ``footprint`` (code or name) to one area.
    ``as_at`` ("YYYY-MM"): only periods ending by then (:mod:`stp_analytics.metrics.vintage`);
    "" for the latest data."""
    from stp_analytics import metrics
    from stp_analytics.data import catalog as catalog_module
    from stp_analytics.data import geography
    from stp_analytics.metrics import vintage

    catalog = catalog_module.load_catalog(catalog_path or None)
    if not store_path:
        store_path = str(metrics.load_or_build_store(catalog, area_set=area_set))
    areas = geography.load_area_set(area_set)
    code = geography.resolve_area(footprint, area_set)
    store = metrics.read_store(store_path)
    # every area, region and England row (for ranks, funnels, spines) but only this area's parts
    store = store[(store["area_role"] != "part") | (store["parent_code"] == code)]
    store = vintage.as_at_store(store.reset_index(drop=True), as_at, catalog, {code})
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
        as_at=str(as_at or ""),
    )


# ---------------------------------------------------------------- summary


#: what a split part's share is: its share of the 2011 LSOAs (small areas), not of its population
SPLIT_SHARE = "of its 2011 LSOAs"


def part_names(pack: PackContext, part_type: str) -> list[str]:
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
        names.append(f"{name} ({float(share):.0%} {SPLIT_SHARE} lie in this {pack.label})"
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
        names = part_names(pack, part_type)
        if names:
            parts.append(heading(f"{title} ({len(names)})", level=3))
            parts.append(paragraph("; ".join(names)))
    return Markup("".join(parts))


# ---------------------------------------------------------------- section content


def indicator_rows(
    store: pd.DataFrame,
    area_code: str,
    indicators: Iterable[str],
    catalog: Catalog | None = None,
    reasons: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """Table rows for the latest value of each indicator for one area, in the order given.

    Missing indicators say "data not supplied" (or their entry in ``reasons``, e.g. "not
    available for CCGs"); suppressed ones say so; approximate values are marked "(approximate)".
    """
    latest = narrative.rows_by_indicator(narrative.area_rows(store, area_code, all_sexes=True))
    rows = []
    for indicator in indicators:
        meta = narrative.indicator_meta(catalog, indicator)
        for row in latest.get(indicator) or [{}]:
            shown = _indicator_row(row, meta)
            if not row and (reasons or {}).get(indicator):
                shown["value"] = reasons[indicator]
            rows.append(shown)
    return rows


def _indicator_row(row: Mapping[str, Any], meta: narrative.IndicatorMeta) -> dict[str, str]:
    """One table row (see :func:`indicator_rows`); a sex other than Persons is named."""
    value = row.get("value")
    if narrative.is_missing(value):
        suppressed = row.get("status") == schema.STATUS_SUPPRESSED
        shown = narrative.SUPPRESSED if suppressed else narrative.NOT_SUPPLIED
    else:
        shown = narrative.format_number(value, meta.decimals)
        if bool(row.get("approximate")) and not narrative.is_missing(row.get("approximate")):
            shown += " (approximate)"
    comparison = cell_text(row.get("comparison"))
    sex = cell_text(row.get("sex")) or "Persons"
    return {
        "indicator": meta.name if sex == "Persons" else f"{meta.name} ({sex.lower()}s)",
        "period": cell_text(row.get("period")),
        "value": shown,
        "unit": meta.unit,
        "england": narrative.format_number(row.get("england_value"), meta.decimals),
        "comparison": COMPARISON_TEXT.get(comparison, comparison),
        "source": meta.source,
    }


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
    indicators = list(indicators)
    reasons = {indicator: pack.unavailable(indicator) for indicator in indicators}
    return indicator_table(
        indicator_rows(pack.store, pack.area_code, indicators, pack.catalog, reasons),
        caption=caption)


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
        label = entry.target_label
        title = f"{entry.name} ({label})" if label else entry.name
        suppressed = record["status"] == metrics.STATUS_SUPPRESSED
        blocks.append(not_supplied(title, narrative.SUPPRESSED if suppressed
                                   else pack.unavailable(record["indicator"])
                                   or not_supplied_reason(entry)))
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
            "period": cell_text(row["period"]),
            "value": (narrative.format_number(row["value"], meta.decimals)
                      or (narrative.SUPPRESSED if row["status"] == schema.STATUS_SUPPRESSED
                          else narrative.NOT_SUPPLIED)),
            "ci": (f"{narrative.format_number(row['lower'], meta.decimals)}–"
                   f"{narrative.format_number(row['upper'], meta.decimals)}"
                   if not narrative.is_missing(row["lower"]) else ""),
            "unit": meta.unit,
            "comparison": COMPARISON_TEXT.get(str(row["comparison"]), cell_text(row["comparison"])),
        }
        for row in rows.to_dict("records")
    ]
    levels = sorted({float(c) for c in rows["confidence"].dropna()})
    ci_header = f"{levels[0] * 100:g}% CI" if len(levels) == 1 else "Confidence interval"
    columns = (("name", "Organisation"), ("period", "Period"), ("value", "Value"),
               ("ci", ci_header), ("unit", "Unit"), ("comparison", "Compared with England"))
    return indicator_table(records, columns, caption=caption)


def _opportunity_text(record: Mapping[str, Any], unit: str) -> str:
    """The opportunity's number, with its unit when it is not people or events (delayed
    bed-days in one month and the beds they fill)."""
    from stp_analytics.metrics.gap_figures import opportunity_unit

    text = narrative.format_number(record["opportunity"], 0)
    what = opportunity_unit(unit, record["opportunity"], str(record.get("period") or ""))
    return text if what == "people or events" else f"{text} {what}"


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
            "opportunity": _opportunity_text(record, meta.unit),
        })
    columns = (("indicator", "Indicator"), ("value", pack.area_name),
               ("peer", f"Best 5 of 10 most similar {pack.label_plural}"),
               ("opportunity", "Opportunity (people or events unless stated)"))
    if not rows:
        return paragraph(f"No indicator shows a significant opportunity against similar "
                         f"{pack.label_plural}.")
    return indicator_table(rows, columns, caption="Opportunity against peers (RightCare method)")
