"""What describes an official layout: its header signature, its reader and the measures it gives.

Every layout module defines one or more :class:`Layout` objects; :func:`all_layouts` lists
them in the order :func:`~stp_analytics.data.official.detect.detect_layout` tries them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stp_analytics.data.official._results import OfficialFile
from stp_analytics.data.official._tables import Rows


@dataclass(frozen=True)
class Standard:
    """The standard an indicator is measured against (e.g. 92% within 18 weeks)."""

    value: float
    label: str
    source: str


@dataclass(frozen=True)
class Measure:
    """One quantity a layout yields, with what a catalogue indicator needs to describe it.

    ``key`` is the ``select: {measure: key}`` of catalogue indicators on the
    ``official_nhs`` loader and the ``indicator`` column of the reader's observations.
    """

    key: str
    name: str
    unit: str
    statistic: str  # proportion | count | mean | published
    polarity: str = "none"
    multiplier: float = 100.0
    standard: Standard | None = None
    geography: str = "trust"
    frequency: str = "monthly"
    definition: str = ""
    decimals: int = 1
    domain: str = ""  # catalogue domain, e.g. "Elective care"
    fills: str = ""  # the id of the catalogue indicator this measure fills, if any


@dataclass(frozen=True)
class Layout:
    """One official file layout."""

    key: str  # e.g. "dm01_provider"
    title: str  # e.g. "DM01 provider": what `inspect` and error messages call it
    publication: str  # publisher and publication, for the catalogue entry
    formats: tuple[str, ...]  # file types it comes in: "xls", "xlsx", "csv"
    sheets: tuple[str | None, ...]  # sheet names that may hold the data (None: csv)
    signature: tuple[str | tuple[str, ...], ...]  # header columns (alternatives in tuples)
    reader: Callable[[Path], OfficialFile]
    measures: tuple[Measure, ...]
    headerless: Callable[[Rows], bool] | None = None  # for files without a header row

    def measure(self, key: str) -> Measure:
        """The measure called ``key``; KeyError lists the known keys."""
        for item in self.measures:
            if item.key == key:
                return item
        known = ", ".join(m.key for m in self.measures)
        raise KeyError(f"layout {self.title!r} has no measure {key!r}; known: {known}")


def all_layouts() -> list[Layout]:
    """Every layout stp-packs reads, most specific signatures first."""
    from stp_analytics.data.official import (
        ae,
        ambulance,
        beds,
        cancer,
        diagnostics,
        practices,
        rtt,
        workforce,
    )

    return [
        rtt.LEGACY, rtt.CURRENT, cancer.LAYOUT, diagnostics.LAYOUT, ae.CURRENT, ae.PRE_2020,
        ambulance.CSV, ambulance.XLSX, beds.LAYOUT, workforce.LAYOUT, practices.EPRACCUR,
        practices.REGISTERED, practices.FINGERTIPS,
    ]


def layout_by_key(key: str) -> Layout:
    """The layout called ``key``; KeyError lists the known keys."""
    for layout in all_layouts():
        if layout.key == key:
            return layout
    raise KeyError(f"no official layout {key!r}; known: "
                   + ", ".join(item.key for item in all_layouts()))
