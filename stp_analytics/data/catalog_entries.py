"""The catalogue's entries as the rest of the package sees them: sources, indicators, peers.

Frozen dataclasses built by :mod:`stp_analytics.data.catalog_schema` from ``catalog.yml`` once
it has passed the schema, plus the allowed values of the choice fields. They import nothing
else of the package's data layer, so the loaders and checks (:mod:`stp_analytics.data.validation`)
can use them without importing the catalogue itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from stp_analytics import paths
from stp_analytics.schema import AGGREGATIONS, POLARITIES, STATISTICS  # noqa: F401 - re-exported

GAPS = ("health", "care", "finance")
COMPARISON_METHODS = ("single", "double", "quintiles", "none")
CONFIDENCE_LEVELS = (0.95, 0.998)
GEOGRAPHIES = ("practice", "lad", "utla", "trust", "ccg", "lsoa", "stp", "england")
FREQUENCIES = ("annual", "monthly")
TRANSFORMS = ("none", "log")
TARGET_KINDS = ("standard", "reference")


@dataclass(frozen=True)
class Source:
    """One data source: a file (or several files of the same layout) and how to load it."""

    id: str
    file: str | None
    format: str
    publisher: str
    period: str
    licence: str
    provenance: str
    loader: str
    options: dict[str, Any] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    file_options: tuple[dict[str, Any], ...] = ()
    base_dir: Path = field(default_factory=paths.data_catalog_dir)
    url: str = ""
    notes: str = ""

    @property
    def path(self) -> Path:
        """Absolute path of the (first) file."""
        return self.resolve(self.file or "")

    def resolve(self, relative: str) -> Path:
        """A path given relative to the catalogue folder, made absolute."""
        return (self.base_dir / relative).resolve()

    def per_file(self) -> list[Source]:
        """One view of this source per file, with that file's options merged over the source's."""
        views = []
        for name, extra in zip(self.files, self.file_options, strict=True):
            views.append(replace(self, file=name, options={**self.options, **extra},
                                 files=(name,), file_options=({},)))
        return views


@dataclass(frozen=True)
class OfficialSource:
    """The official publication that fills an indicator the default data leave empty.

    ``layout`` is the key of an official layout ``stp-packs inspect`` recognises (the file can
    be added as it is downloaded); ``reason`` says why the indicator stays "data not supplied"
    when there is no such layout (e.g. CQC ratings).
    """

    publication: str
    layout: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Indicator:
    """One indicator: what it measures, how it is compared and where its data come from."""

    id: str
    name: str
    short_name: str
    gap: str
    domain: str
    unit: str
    polarity: str
    target: float | None
    target_label: str
    target_source: str
    target_kind: str  # "standard", "reference", or "" without a target
    method: str
    confidence: float
    statistic: str
    multiplier: float
    source: str | None
    geography: str
    aggregation: str
    frequency: str
    definition: str
    notes: str
    select: dict[str, Any] = field(default_factory=dict)
    allow_negative: bool = False
    decimals: int = 1
    official_source: OfficialSource | None = None

    @property
    def comparison(self) -> dict[str, Any]:
        """The comparison settings as written in the catalogue."""
        return {"method": self.method, "confidence": self.confidence}

    @property
    def has_data(self) -> bool:
        """False when the catalogue has no default source (the pack says "data not supplied")."""
        return self.source is not None


@dataclass(frozen=True)
class PeerVariable:
    """One variable of the "10 most similar footprints" distance, with its weight."""

    indicator: str
    weight: float
    period: str
    sex: str = "Persons"
    transform: str = "none"
    reason: str = ""
