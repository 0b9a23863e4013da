"""What an official file holds: its layout, periods, organisations and the catalogue entries.

:func:`inspect_file` returns a JSON-ready dict (keys ``file``, ``layout``, ``layout_title``,
``periods``, ``rows``, ``organisations``, ``mapped``, ``unmapped``, ``england``, ``totals``,
``catalog_entries``); :func:`format_inspect` renders it as text for people.
Organisations are mapped to an area set with ``area_lookup`` (organisation code -> area code),
through the successor table when a code has been retired (a merged trust).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import yaml

from stp_analytics.data.official._results import OfficialFile
from stp_analytics.data.official._tables import suffix
from stp_analytics.data.official.detect import detect_layout
from stp_analytics.data.official.layouts import Layout, Measure
from stp_analytics.data.official.successors import AreaMapper, load_successors, successor_map

LICENCE = "Open Government Licence v3.0"


def inspect_file(path: Path, area_lookup: Mapping[str, str] | None = None,
                 successors: Mapping[str, str] | None = None) -> dict:
    """Detect the layout of ``path``, read it and report what it holds (see module doc).

    ``area_lookup`` maps organisation codes to area codes (e.g. the area set's trust or CCG
    lookup); without it nothing is mapped and ``unmapped`` is empty. ``successors`` maps old
    codes to new ones (default: ``data_catalog/org_successors.csv``).
    """
    path = Path(path)
    match = detect_layout(path)
    data = match.layout.reader(path)
    if successors is None:
        successors = successor_map(load_successors())
    mapped, unmapped = _map(data, area_lookup, successors)
    return {
        "file": path.name,
        "layout": match.key,
        "layout_title": match.title,
        "sheet": match.sheet,
        "header_row": match.header_row,
        "periods": data.periods,
        "rows": data.rows_read,
        "organisations": len(data.organisations),
        "area_lookup": area_lookup is not None,
        "mapped": mapped,
        "unmapped": unmapped,
        "england": data.england,
        "totals": {"where": data.totals.where, "published": data.totals.published,
                   "from_rows": data.totals.from_rows,
                   "differences": {k: list(v) for k, v in data.totals.differences().items()}},
        "catalog_entries": catalog_entries(match.layout, data,
                                           _unknown_share(data, area_lookup)),
    }


def _map(data: OfficialFile, area_lookup: Mapping[str, str] | None,
         successors: Mapping[str, str]) -> tuple[list[dict], list[dict]]:
    """Organisations that map to an area (directly or through a successor) and those that do
    not, each unmapped one with its reason."""
    if area_lookup is None:
        return [], []
    observations = data.observations
    reasons: dict[str, str] = {}
    if not observations.empty:
        set_aside = observations.groupby("area_code")["set_aside"].agg(
            lambda s: s.iloc[0] if (s != "").all() else "")
        reasons = {code: reason for code, reason in set_aside.items() if reason}
    mapper = AreaMapper(area_lookup, successors)
    mapped, unmapped = [], []
    organisations = data.organisations
    for code, name, kind in zip(organisations["code"], organisations["name"],
                                organisations["area_type"], strict=True):
        if code in reasons:
            unmapped.append({"code": code, "name": name, "reason": reasons[code]})
            continue
        area, how = mapper.area(code)
        if area is not None:
            mapped.append({"code": code, "area_code": area, "via": how})
        else:
            unmapped.append({"code": code, "name": name, "reason": how or _why(code, kind)})
    return mapped, unmapped


def _why(code: str, area_type: str) -> str:
    """A plain reason for a code that is in neither the lookup nor the successor table."""
    if code.startswith(("Y", "X")) and len(code) == 3:
        return "NHS England region or national commissioning code, not an area"
    if area_type == "ccg":
        return ("commissioner code not in the area set's lookup (an NHS England commissioning "
                "hub, or a code of another year not in the successor table)")
    if area_type == "practice":
        return "practice not in the area set's practice lookup (opened or closed since)"
    return ("not in the area set's lookup (independent sector, community or specialist "
            "provider, or a code of another year not in the successor table)")


def _indicator(measure: Measure, source_id: str) -> dict:
    entry: dict = {
        "name": measure.name,
        "short_name": measure.name if len(measure.name) <= 40 else measure.name[:40].rstrip(),
        "gap": "care",
        "domain": measure.domain or "Care quality",
        "unit": measure.unit,
        "polarity": measure.polarity,
    }
    if measure.standard is not None:
        entry["target"] = {"value": measure.standard.value, "label": measure.standard.label,
                           "source": measure.standard.source}
    proportion = measure.statistic == "proportion"
    entry["comparison"] = ({"method": "single", "confidence": 0.998} if proportion
                           else {"method": "none"})
    entry.update({
        "statistic": measure.statistic,
        "multiplier": measure.multiplier,
        "source": source_id,
        "select": {"measure": measure.key},
        "geography": measure.geography,
        "aggregation": ("population_weighted_mean" if measure.statistic == "published"
                        else "sum_counts"),
        "frequency": measure.frequency,
        "definition": measure.definition or measure.name,
        "decimals": measure.decimals,
    })
    return entry


def _unknown_share(data: OfficialFile, area_lookup: Mapping[str, str] | None) -> float | None:
    """Share of the rows kept whose code the lookup does not list as it is (what
    ``stp-packs validate`` sets aside), rounded up to a multiple of 0.05."""
    if area_lookup is None or data.observations.empty:
        return None
    live = data.observations[data.observations["set_aside"] == ""]
    if live.empty:
        return None
    share = float((~live["area_code"].isin(set(area_lookup))).mean())
    return min(1.0, math.ceil(share * 20 + 1e-9) / 20) if share > 0 else None


def catalog_entries(layout: Layout, data: OfficialFile,
                    max_unknown_share: float | None = None) -> str:
    """YAML text of the source and indicator entries to paste into a user catalogue.

    Indicators that fill a standard the shipped catalogue leaves without data (RTT 18 weeks,
    cancer 62 days, diagnostics 6 weeks) take that indicator's id; the others the measure key.
    """
    periods = data.periods
    first = periods[0] if periods else "undated"
    source_id = f"{layout.key}_{first}".replace("-", "_").replace("/", "_")
    shown = first if len(periods) < 2 else f"{periods[0]} to {periods[-1]}"
    present = set(data.observations["indicator"])
    measures = [m for m in layout.measures if m.key in present]
    measures += [Measure(key, key.replace("_", " "), "%", "proportion", "high_is_good",
                         definition=f"{key} from the file (no description known)")
                 for key in sorted(present - {m.key for m in layout.measures})]
    source = {
        "file": data.path.name,
        "format": suffix(data.path),
        "publisher": layout.publication,
        "period": shown,
        "licence": LICENCE,
        "provenance": f"{data.path.name} as published (downloaded by the user)",
        "loader": "official_nhs",
        "options": {"layout": layout.key, "successor_codes": "map",
                    "unknown_area_codes": "set_aside",
                    "unknown_area_reason": "organisation not in the area set's lookup "
                                           "(independent sector, specialist or merged)",
                    "england_difference": "England is the file's own total: organisations "
                                          "set aside are in it, not in any area"},
    }
    if max_unknown_share is not None:
        source["options"]["max_unknown_share"] = max_unknown_share
    indicators = {(m.fills or m.key): _indicator(m, source_id) for m in measures}
    document = {"sources": {source_id: source}, "indicators": indicators}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def format_inspect(report: dict) -> str:
    """The inspect report as text: layout, periods, counts, England figures, mapping, YAML."""
    lines = [f"{report['file']}: {report['layout_title']} (layout {report['layout']})"]
    where = []
    if report.get("sheet"):
        where.append(f"sheet {report['sheet']!r}")
    if report.get("header_row"):
        where.append(f"header row {report['header_row']}")
    if where:
        lines.append("  found at " + ", ".join(where))
    periods = report["periods"]
    lines.append("  periods: " + (", ".join(periods) if len(periods) <= 6
                                  else f"{periods[0]} to {periods[-1]} ({len(periods)})"))
    lines.append(f"  rows: {report['rows']:,}; organisations: {report['organisations']:,}")
    lines.append(f"  England (the file's own figures, {report['totals']['where']}):")
    for key, value in report["england"].items():
        shown = f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else (
            f"{value:,.0f}" if isinstance(value, (int, float)) else str(value))
        lines.append(f"    {key}: {shown}")
    if report["totals"]["differences"]:
        lines.append("  rows do not add up to the published figures: "
                     + ", ".join(report["totals"]["differences"]))
    if report["area_lookup"]:
        lines.append(f"  mapped to the area set: {len(report['mapped'])}; "
                     f"not mapped: {len(report['unmapped'])}")
        via = [m for m in report["mapped"] if m["via"]]
        if via:
            lines.append("    mapped through the successor table: " + ", ".join(
                f"{m['code']} ({m['via']})" for m in via))
        reasons = pd.Series([u["reason"] for u in report["unmapped"]], dtype="object")
        for reason, count in reasons.value_counts().sort_index().items():
            codes = [u["code"] for u in report["unmapped"] if u["reason"] == reason]
            more = f" and {len(codes) - 8} more" if len(codes) > 8 else ""
            lines.append(f"    {count} {reason}: {', '.join(codes[:8])}{more}")
    else:
        lines.append("  (no area lookup given: organisations not mapped)")
    lines.append("  catalogue entries to paste:")
    lines.extend("    " + line for line in report["catalog_entries"].splitlines())
    return "\n".join(lines) + "\n"
