"""The data catalogue: every source and indicator declared in ``data_catalog/catalog.yml``.

``load_catalog()`` reads the YAML (PyYAML's safe loader only), checks it against the schema
(:mod:`stp_analytics.data.catalog_schema`) and returns a :class:`Catalog` of the entries
(:mod:`stp_analytics.data.catalog_entries`). ``Catalog.observations()`` runs each source's loader
once (see :mod:`stp_analytics.data.loaders`), checks the rows
(:mod:`stp_analytics.data.validation`) and assembles one tidy table with exactly
:data:`stp_analytics.schema.OBSERVATION_COLUMNS`, cached in memory per catalogue.

Module order (no cycle): ``catalog_entries`` < ``catalog_schema``, ``validation`` < ``catalog``
< ``validation_report``.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from stp_analytics import paths
from stp_analytics.data.catalog_entries import (
    AGGREGATIONS,
    COMPARISON_METHODS,
    CONFIDENCE_LEVELS,
    FREQUENCIES,
    GAPS,
    GEOGRAPHIES,
    POLARITIES,
    STATISTICS,
    TRANSFORMS,
    Indicator,
    PeerVariable,
    Source,
)
from stp_analytics.data.catalog_schema import parse_catalog_document
from stp_analytics.data.validation import LoadedSource, load_source
from stp_analytics.data.yaml_models import YamlDocument, read_yaml, yaml_error_text
from stp_analytics.errors import CatalogError
from stp_analytics.schema import OBSERVATION_COLUMNS

__all__ = [
    "AGGREGATIONS", "COMPARISON_METHODS", "CONFIDENCE_LEVELS", "FREQUENCIES", "GAPS",
    "GEOGRAPHIES", "POLARITIES", "STATISTICS", "TRANSFORMS", "Catalog", "Indicator",
    "PeerVariable", "Source", "empty_observations", "load_catalog", "parse_catalog",
]


@dataclass
class Catalog:
    """The loaded catalogue. Observations are loaded lazily, once per source, and cached."""

    path: Path
    sources: dict[str, Source]
    indicators: dict[str, Indicator]
    peer_variables: list[PeerVariable]
    peer_method: str = ""
    _loaded: dict[str, LoadedSource] = field(default_factory=dict, repr=False)
    _stamps: tuple = field(default=(), repr=False)

    @property
    def base_dir(self) -> Path:
        """The folder that source file paths are relative to."""
        return self.path.parent

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator called ``indicator_id``; the error lists the closest ids."""
        try:
            return self.indicators[indicator_id]
        except KeyError:
            close = difflib.get_close_matches(indicator_id, list(self.indicators), n=3, cutoff=0.4)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise CatalogError(
                f"{self.path.name}: no indicator called {indicator_id!r}{hint}"
            ) from None

    def load_source(self, source_id: str) -> LoadedSource:
        """Run one source's loader and checks (cached); see :mod:`stp_analytics.data.validation`."""
        if source_id not in self._loaded:
            if source_id not in self.sources:
                raise CatalogError(f"{self.path.name}: no source called {source_id!r}")
            indicators = [i for i in self.indicators.values() if i.source == source_id]
            self._loaded[source_id] = load_source(self.sources[source_id], indicators)
        return self._loaded[source_id]

    def _selected(self, indicator_ids: list[str] | tuple[str, ...] | str | None) -> list[Indicator]:
        if indicator_ids is None:
            return list(self.indicators.values())
        if isinstance(indicator_ids, str):
            indicator_ids = [indicator_ids]
        return [self.indicator(indicator_id) for indicator_id in indicator_ids]

    def observations(
        self, indicator_ids: list[str] | tuple[str, ...] | str | None = None
    ) -> pd.DataFrame:
        """Tidy observations (exactly OBSERVATION_COLUMNS) for the indicators asked for.

        ``indicator_ids=None`` means every indicator with a source. Rows are sorted by
        indicator, area type, area code, period and sex. Raises DataValidationError or
        CatalogError when a source is missing or broken.
        """
        selected = self._selected(indicator_ids)
        wanted = {indicator.id for indicator in selected}
        frames = []
        for source_id in sorted({i.source for i in selected if i.source is not None}):
            frame = self.load_source(source_id).observations
            frames.append(frame[frame["indicator"].isin(wanted)])
        if not frames:
            return empty_observations()
        result = pd.concat(frames, ignore_index=True)
        result = result.sort_values(list(OBSERVATION_COLUMNS[:5]), kind="stable")
        return result.reset_index(drop=True)

    def row_notes(self, indicator_ids: list[str] | str | None = None) -> pd.DataFrame:
        """Rows whose value is approximate or otherwise qualified, with the note.

        Columns: indicator, area_type, area_code, period, sex, note. For example the value of a
        merged 2021 district given to each of its 2017 predecessors.
        """
        selected = self._selected(indicator_ids)
        wanted = {indicator.id for indicator in selected}
        frames = [
            self.load_source(source_id).notes
            for source_id in sorted({i.source for i in selected if i.source is not None})
        ]
        frames = [frame[frame["indicator"].isin(wanted)] for frame in frames]
        columns = ["indicator", "area_type", "area_code", "period", "sex", "note"]
        if not frames:
            return pd.DataFrame({column: pd.Series(dtype=str) for column in columns})
        return pd.concat(frames, ignore_index=True)[columns].reset_index(drop=True)

    def set_aside(self) -> pd.DataFrame:
        """Counts of rows set aside so far, per source, file and reason (loaded sources only)."""
        frames = [loaded.set_aside for _, loaded in sorted(self._loaded.items())]
        if not frames:
            return pd.DataFrame(columns=["source", "file", "reason", "rows", "examples"])
        return pd.concat(frames, ignore_index=True)


def empty_observations() -> pd.DataFrame:
    """An observations table with no rows and the right dtypes."""
    data: dict[str, pd.Series] = {}
    for column in OBSERVATION_COLUMNS:
        numeric = column in ("numerator", "denominator", "value", "lower", "upper")
        data[column] = pd.Series(dtype="float64" if numeric else str)
    return pd.DataFrame(data)


# --------------------------------------------------------------------------- parsing


_CACHE: dict[tuple[str, int, int], Catalog] = {}


def load_catalog(path: str | os.PathLike[str] | None = None) -> Catalog:
    """Read and check a catalogue file (default ``data_catalog/catalog.yml``).

    The same unchanged catalogue and source files give the same :class:`Catalog` object, so
    observations are loaded once per process (an edited file is read again). Raises
    :class:`CatalogError` naming the file and line for YAML syntax
    errors, and the entry, key and allowed values for any entry that breaks the rules.
    """
    catalog_path = Path(path) if path is not None else paths.default_catalog_path()
    catalog_path = catalog_path.resolve()
    if not catalog_path.is_file():
        raise CatalogError(f"catalogue file not found: {catalog_path}")
    stat = catalog_path.stat()
    key = (str(catalog_path), stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(key)
    if cached is None or _file_stamps(cached) != cached._stamps:
        document = _read_yaml(catalog_path)
        cached = parse_catalog(document.data, catalog_path, document)
        cached._stamps = _file_stamps(cached)
        _CACHE[key] = cached
    return cached


def _file_stamps(catalog: Catalog) -> tuple:
    """(path, mtime, size) of every source file, so an edited data file is loaded again."""
    stamps = []
    for source in sorted(catalog.sources.values(), key=lambda s: s.id):
        for name in source.files:
            path = source.resolve(name)
            if path.exists():
                stat = path.stat()
                stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
            else:
                stamps.append((str(path), 0, -1))
    return tuple(stamps)


def _read_yaml(path: Path) -> YamlDocument:
    try:
        return read_yaml(path, encoding="utf-8-sig")
    except yaml.YAMLError as error:
        where, problem = yaml_error_text(error)
        raise CatalogError(f"{path.name}{where}: YAML syntax error: {problem}") from None
    except UnicodeDecodeError:
        raise CatalogError(f"{path.name}: not UTF-8 text") from None


def parse_catalog(
    document: dict[str, Any], path: Path, source: YamlDocument | None = None
) -> Catalog:
    """Build a :class:`Catalog` from a parsed YAML document, checking every entry against the
    schema (:mod:`stp_analytics.data.catalog_schema`); ``source`` gives the line numbers."""
    sources, indicators, peers, method = parse_catalog_document(document, path, source)
    return Catalog(path=path, sources=sources, indicators=indicators, peer_variables=peers,
                   peer_method=method)
