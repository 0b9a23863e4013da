"""The pack's annex: sources with periods and OGL attribution, methods, data-quality notes and
a reproducibility block (package version, data hashes, parameters; no timestamps)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from markupsafe import Markup

from stp_analytics.content import narrative
from stp_analytics.content.display import (
    bullet_list,
    indicator_table,
    key_value_table,
    paragraph,
    try_call,
)
from stp_analytics.content.official_notice import set_aside_notes
from stp_analytics.content.pack_content import SPLIT_SHARE, PackContext, part_names

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


SOURCE_COLUMNS = (("source", "Publisher"), ("period", "Period"), ("indicators", "Indicators"),
                  ("periods", "Periods in this pack"), ("licence", "Licence"), ("file", "File"))
METHOD_COLUMNS = (("indicator", "Indicator"), ("statistic", "Statistic"),
                  ("aggregation", "Aggregation to the area"), ("method", "Interval method"),
                  ("confidence", "Confidence"), ("comparison", "Comparison with England"))


#: a zero-width space: lets a long file name wrap at its separators on a printed page
BREAK = "\u200b"


def breakable(name: str) -> str:
    """A file name that may wrap after ``/``, ``_`` and ``-`` (zero-width spaces), so a table of
    file names fits the page without breaking every word anywhere (slow to lay out)."""
    for separator in ("/", "_", "-"):
        name = name.replace(separator, separator + BREAK)
    return name


def sources_table(pack: PackContext) -> Markup:
    """Every source behind an indicator in the store: publisher, period, licence, file."""
    rows = [{**row, "file": breakable(row["file"])} for row in sources_rows(pack)]
    return indicator_table(rows, SOURCE_COLUMNS, caption="Sources")


#: files read by the health sections themselves, not through a catalogue indicator (provenance:
#: data_catalog/SOURCES.md); listed after the catalogue's sources
SECTION_SOURCES: tuple[dict[str, str], ...] = (
    {"source": "OHID Fingertips 93553, deprivation score (IMD 2019) by GP practice",
     "period": "IMD 2019", "indicators": "Deprivation quintiles of practices and the slope "
     "index of inequality", "periods": "2019", "licence": "Open Government Licence v3.0",
     "file": "sources/OHID_fingertips_93553_IMD2019_score_by_GP_practice.csv.gz"},
    {"source": "PHE National Cardiovascular Intelligence Network (NCVIN), diabetes prevalence "
     "estimates by CCG", "period": "2015-2020 (published 2016)",
     "indicators": "The detection gap: estimated people with diabetes not yet diagnosed",
     "periods": "2017", "licence": "Open Government Licence v3.0",
     "file": "sources/PHE_NCVIN_diabetes_prevalence_estimates_CCG16_2015-2035_dm_data_via_"
             "ianbatesncc.csv.gz"},
)


def sources_rows(pack: PackContext) -> list[dict[str, Any]]:
    """The rows of :func:`sources_table` (keys: the first items of :data:`SOURCE_COLUMNS`):
    the catalogue's sources behind the store's indicators, then :data:`SECTION_SOURCES`."""
    used = set(pack.store["indicator"].unique())
    source_ids = sorted({
        str(entry.source) for key, entry in pack.catalog.indicators.items()
        if key in used and entry.source
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
    return rows + [dict(row) for row in SECTION_SOURCES]


def methods_table(pack: PackContext) -> Markup:
    """How each indicator's value, interval and comparison were computed (from the store)."""
    return indicator_table(methods_rows(pack), METHOD_COLUMNS, caption="Methods")


def methods_rows(pack: PackContext) -> list[dict[str, Any]]:
    """The rows of :func:`methods_table` (keys: the first items of :data:`METHOD_COLUMNS`)."""
    area = pack.store[(pack.store["area_role"] == "area") & (pack.store["area_code"] ==
                                                               pack.area_code)]
    rows = []
    for indicator in sorted(set(area["indicator"])):
        entry = pack.catalog.indicators.get(indicator)
        chosen = area[area["indicator"] == indicator]
        methods = ", ".join(sorted({str(m) for m in chosen["method"].dropna() if str(m)}))
        levels = ", ".join(sorted({f"{float(c) * 100:g}%" for c in chosen["confidence"].dropna()}))
        rows.append({  # an indicator the catalogue does not have is named by its id
            "indicator": entry.name if entry is not None else indicator,
            "statistic": entry.statistic if entry is not None else "",
            "aggregation": entry.aggregation.replace("_", " ") if entry is not None else "",
            "method": methods,
            "confidence": levels,
            "comparison": entry.method if entry is not None else "",
        })
    return rows


def data_quality_notes(pack: PackContext) -> Markup:
    """Suppressed values, approximations, name-matched files and split districts for the area."""
    notes = quality_notes(pack)
    return bullet_list(notes) if notes else paragraph("No data-quality notes for this area.")


def quality_notes(pack: PackContext) -> list[str]:
    """The sentences of :func:`data_quality_notes`, in the order shown."""
    store = pack.store
    mine = store[(store["area_code"] == pack.area_code)
                 | ((store["area_role"] == "part") & (store["parent_code"] == pack.area_code))]
    mine = mine[mine["is_latest"].fillna(False).astype(bool)]
    notes = grouped_notes(pack, mine)
    approximate = mine[(mine["area_role"] == "area") & mine["approximate"].fillna(False)
                       .astype(bool) & ~mine["note"].fillna("").astype(str).str.contains(
                           "approximate")]
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
    for part_type, kind, extra in (("lad", "Districts", ""), ("ccg", "CCGs", (
            f" (practice data follow each practice's own {pack.label})"))):
        split = [name for name in part_names(pack, part_type) if SPLIT_SHARE in name]
        if split:
            notes.append(
                f"{kind} split between {pack.label_plural}: their data are apportioned by "
                f"their share of 2011 LSOAs (small areas of about 1,500 residents) in each"
                f"{extra}: {'; '.join(split)}."
            )
    return notes + set_aside_notes(pack)


def grouped_notes(pack: PackContext, rows: pd.DataFrame) -> list[str]:
    """The store's notes grouped by rule, not repeated per indicator: each clause of a note
    ("approximate: ...", "split district: ...") once, with how many indicators it applies to,
    where (the areas or parts, when the same for all) and their names."""
    noted = rows[rows["note"].fillna("").astype(str).str.strip() != ""]
    by_rule: dict[str, dict[str, set[str]]] = {}
    for record in noted.loc[:, ["indicator", "note", "area_name"]].to_dict("records"):
        name = narrative.indicator_meta(pack.catalog, str(record["indicator"])).name
        for clause in str(record["note"]).split("; "):
            rule = clause.strip().rstrip(".")
            if rule:
                by_rule.setdefault(rule, {}).setdefault(name, set()).add(str(record["area_name"]))
    notes = []
    for rule, indicators in sorted(by_rule.items(), key=lambda item: (-len(item[1]), item[0])):
        places = {", ".join(sorted(p)) if len(p) <= 5 else f"{len(p)} areas or parts"
                  for p in indicators.values()}
        where = f" ({places.pop()})" if len(places) == 1 else ""
        count = f"{len(indicators)} indicator{'' if len(indicators) == 1 else 's'}"
        notes.append(f"{rule[:1].upper()}{rule[1:]}{where}: {count}, "
                     f"{'; '.join(sorted(indicators))}.")
    return notes


def reproducibility(pack: PackContext, parameters: Mapping[str, Any]) -> Markup:
    """Package version, SHA-256 of each data file and the parameters used (no timestamps)."""
    values = reproducibility_values(pack, parameters)
    values = {breakable(key) if key.startswith("sha256 ") else key: value
              for key, value in values.items()}
    return key_value_table(values, caption="Reproducibility")


def reproducibility_values(pack: PackContext, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The items of :func:`reproducibility`, in the order shown."""
    import stp_analytics
    from stp_analytics import metrics
    from stp_analytics.data.files import sha256_file

    values: dict[str, Any] = {
        "stp_analytics version": stp_analytics.__version__,
        "metric store hash": try_call("store hash", metrics.store_file_hash, pack.store_path),
    }
    files = set()
    for source in pack.catalog.sources.values():
        for name in (source.file, *source.files):
            if name:
                files.add(source.resolve(name))
    for path in sorted(files):
        if path.is_file():
            values[f"sha256 {path.name}"] = sha256_file(path)[:16]
    values.update({f"parameter {k}": repr(v) for k, v in parameters.items()})
    return values
