"""``stp-packs validate``: every source of a catalogue loaded and checked, in one report.

:func:`validate_catalog` loads every source of a catalogue (:mod:`stp_analytics.data.catalog`)
and collects errors, warnings and set-aside counts in a :class:`ValidationReport` instead of
stopping at the first error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from stp_analytics.data.catalog import Catalog, load_catalog
from stp_analytics.data.reconcile import reconcile
from stp_analytics.data.validation import known_area_codes_or_none
from stp_analytics.errors import StpPacksError


@dataclass
class ValidationReport:
    """What ``stp-packs validate`` found: errors, warnings and rows set aside per source."""

    catalog_path: Path
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    loaded: dict[str, int] = field(default_factory=dict)  # source id -> observation rows
    set_aside: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # id -> (reason, n)
    noted: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # id -> (note, n)
    mapped: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # id -> (how, n)
    reconciled: list[str] = field(default_factory=list)  # areas against England, per indicator
    no_default_data: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed)."""
        return not self.errors

    def format(self) -> str:
        """A plain-text summary: one block per source, then warnings and errors."""
        lines = [f"catalogue: {self.catalog_path}"]
        for source_id in sorted(set(self.loaded) | set(self.set_aside)):
            aside = self.set_aside.get(source_id, [])
            total_aside = sum(count for _, count in aside)
            loaded = self.loaded.get(source_id)
            state = f"{loaded:,} rows loaded" if loaded is not None else "not loaded"
            mapped = self.mapped.get(source_id, [])
            through = sum(count for _, count in mapped)
            lines.append(f"  {source_id}: {state}, {total_aside:,} rows set aside"
                         + (f", {through:,} mapped through the successor table" if mapped else ""))
            for reason, count in aside:
                lines.append(f"      {count:>8,}  {reason}")
            for how, count in mapped:
                lines.append(f"      {count:>8,}  kept, mapped through the successor table "
                             f"(data_catalog/org_successors.csv) {how}")
            for note, count in self.noted.get(source_id, []):
                lines.append(f"      {count:>8,}  kept, noted: {note}")
        if self.no_default_data:
            lines.append(f"  indicators with no default data (pack shows 'data not supplied'): "
                         f"{', '.join(self.no_default_data)}")
        if self.reconciled:
            lines.append("  areas against England (latest period with an England row):")
            lines += [f"      {line}" for line in self.reconciled]
        lines += [f"warning: {warning}" for warning in self.warnings]
        lines += [f"error: {error}" for error in self.errors]
        verdict = "OK" if self.ok else f"FAILED with {len(self.errors)} error(s)"
        lines.append(f"validation {verdict}")
        return "\n".join(lines)


def validate_catalog(path: str | os.PathLike[str] | None = None) -> ValidationReport:
    """Load every source of a catalogue and report errors, warnings and rows set aside.

    Catalogue errors (YAML syntax, unknown polarity, a source id that does not exist) are
    reported as a single error. Each source is loaded independently, so one broken file does not
    hide the state of the others.
    """
    catalog_path = Path(path) if path is not None else None
    report = ValidationReport(catalog_path=catalog_path or Path("data_catalog/catalog.yml"))
    try:
        catalog = load_catalog(catalog_path)
    except StpPacksError as error:
        report.errors.append(str(error))
        return report
    report.catalog_path = catalog.path
    _validate_sources(catalog, report)
    report.no_default_data = sorted(i.id for i in catalog.indicators.values() if i.source is None)
    report.errors += official_source_errors(catalog)
    return report


def official_source_errors(catalog: Catalog) -> list[str]:
    """An ``official_source`` layout that is not a layout stp-packs reads, as error texts."""
    from stp_analytics.data.official.layouts import all_layouts

    known = {layout.key for layout in all_layouts()}
    return [f"indicator {indicator.id!r}: official_source layout "
            f"{indicator.official_source.layout!r} is not a layout stp-packs reads; known: "
            f"{', '.join(sorted(known))}"
            for indicator in catalog.indicators.values()
            if indicator.official_source is not None and indicator.official_source.layout
            and indicator.official_source.layout not in known]


def _validate_sources(catalog: Catalog, report: ValidationReport) -> None:
    if known_area_codes_or_none() is None:
        report.warnings.append("area codes were not checked: the footprint registry "
                               "(stp_analytics.data.geography) is not available")
    used = {i.source for i in catalog.indicators.values() if i.source is not None}
    for source_id in sorted(catalog.sources):
        if source_id not in used:
            report.warnings.append(f"source {source_id!r} is not used by any indicator")
            continue
        try:
            loaded = catalog.load_source(source_id)
        except StpPacksError as error:
            report.errors.append(f"source {source_id!r}: {error}")
            continue
        report.loaded[source_id] = len(loaded.observations)
        report.set_aside[source_id] = [
            (f"{row.reason} [{row.file}{'; e.g. ' + row.examples if row.examples else ''}]",
             int(row.rows))
            for row in loaded.set_aside.itertuples()
        ]
        report.noted[source_id] = note_counts(loaded.notes)
        if loaded.mapped is not None and not loaded.mapped.empty:
            report.mapped[source_id] = [
                (f"{row.reason} [{row.file}; e.g. {row.examples}]", int(row.rows))
                for row in loaded.mapped.itertuples()]
        by_id = {i.id: i for i in catalog.indicators.values() if i.source == source_id}
        report.reconciled += [r.format() for r in reconcile(
            loaded.observations, by_id, str(loaded.source.options.get("england_difference", "")))]
        present = set(loaded.observations["indicator"])
        empty = sorted(i.id for i in catalog.indicators.values()
                       if i.source == source_id and i.id not in present)
        for indicator_id in empty:
            report.errors.append(f"indicator {indicator_id!r}: source {source_id!r} gave no rows "
                                 "(check its 'select' entry)")


def note_counts(notes: pd.DataFrame) -> list[tuple[str, int]]:
    """(note, observation rows) for each distinct note of a source ('; '-joined notes split),
    sorted by note: the repairs and approximations ``validate`` reports next to rows set aside."""
    if notes.empty:
        return []
    parts = notes["note"].astype(str).str.split("; ").explode()
    counts = parts[parts.ne("")].value_counts()
    return sorted((str(note), int(count)) for note, count in counts.items())
