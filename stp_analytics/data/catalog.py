"""The data catalogue: every source and indicator declared in ``data_catalog/catalog.yml``.

``load_catalog()`` reads the YAML (``yaml.safe_load`` only), checks every entry against the
allowed values below and returns a :class:`Catalog`. ``Catalog.observations()`` runs each
source's loader once (see :mod:`stp_analytics.data.loaders`), checks the rows
(:mod:`stp_analytics.data.validation`) and returns one tidy table with exactly
:data:`stp_analytics.schema.OBSERVATION_COLUMNS`, cached in memory per catalogue.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from stp_analytics import paths
from stp_analytics.errors import CatalogError
from stp_analytics.schema import OBSERVATION_COLUMNS

GAPS = ("health", "care", "finance")
POLARITIES = ("high_is_good", "low_is_good", "none")
COMPARISON_METHODS = ("single", "double", "quintiles", "none")
CONFIDENCE_LEVELS = (0.95, 0.998)
STATISTICS = ("proportion", "rate", "published", "count", "mean")
GEOGRAPHIES = ("practice", "lad", "utla", "trust", "ccg", "lsoa", "stp")
AGGREGATIONS = ("sum_counts", "population_weighted_mean", "sum")
FREQUENCIES = ("annual", "monthly")
TRANSFORMS = ("none", "log")

SOURCE_KEYS = {
    "file", "files", "format", "publisher", "period", "licence", "provenance", "loader", "options",
    "url", "notes",
}
PEER_KEYS = {"indicator", "weight", "period", "sex", "transform", "reason"}
INDICATOR_KEYS = {
    "name", "short_name", "gap", "domain", "unit", "polarity", "target", "comparison", "statistic",
    "multiplier", "source", "geography", "aggregation", "frequency", "definition", "notes",
    "select", "allow_negative", "decimals",
}


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


@dataclass
class Catalog:
    """The loaded catalogue. Observations are loaded lazily, once per source, and cached."""

    path: Path
    sources: dict[str, Source]
    indicators: dict[str, Indicator]
    peer_variables: list[PeerVariable]
    peer_method: str = ""
    _loaded: dict[str, Any] = field(default_factory=dict, repr=False)
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

    def load_source(self, source_id: str):  # -> validation.LoadedSource
        """Run one source's loader and checks (cached); see :mod:`stp_analytics.data.validation`."""
        from stp_analytics.data.validation import load_source

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
        cached = parse_catalog(_read_yaml(catalog_path), catalog_path)
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


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise CatalogError(f"{path.name}{where}: YAML syntax error: {problem}") from None
    except UnicodeDecodeError:
        raise CatalogError(f"{path.name}: not UTF-8 text") from None
    if not isinstance(document, dict):
        raise CatalogError(f"{path.name}: expected a mapping with 'sources' and 'indicators'")
    return document


def parse_catalog(document: dict[str, Any], path: Path) -> Catalog:
    """Build a :class:`Catalog` from a parsed YAML document, checking every entry."""
    name = path.name
    unknown = set(document) - {"version", "sources", "indicators", "peer_variables"}
    if unknown:
        raise CatalogError(f"{name}: unknown top-level key(s) {', '.join(sorted(unknown))}; "
                           "allowed: version, sources, indicators, peer_variables")
    sources = {
        str(source_id): _parse_source(str(source_id), entry, path.parent, name)
        for source_id, entry in _mapping(document.get("sources") or {}, f"{name}: sources").items()
    }
    indicators = {
        str(indicator_id): _parse_indicator(str(indicator_id), entry, sources, name)
        for indicator_id, entry in _mapping(
            document.get("indicators"), f"{name}: indicators"
        ).items()
    }
    peers, method = _parse_peers(document.get("peer_variables"), indicators, name)
    return Catalog(path=path, sources=sources, indicators=indicators, peer_variables=peers,
                   peer_method=method)


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CatalogError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _check_keys(entry: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(entry) - allowed
    if unknown:
        raise CatalogError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                           f"allowed: {', '.join(sorted(allowed))}")


def _choice(
    entry: dict[str, Any], key: str, allowed: tuple, where: str, default: Any = None
) -> Any:
    value = entry.get(key, default)
    if value not in allowed:
        shown = ", ".join(str(a) for a in allowed)
        raise CatalogError(f"{where}: {key} {value!r} is not allowed; expected one of: {shown}")
    return value


def _text(entry: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    value = entry.get(key)
    if value is None:
        if required:
            raise CatalogError(f"{where}: missing required key {key!r}")
        return ""
    return str(value).strip()


def _parse_source(source_id: str, entry: Any, base_dir: Path, name: str) -> Source:
    where = f"{name}: source {source_id!r}"
    entry = _mapping(entry, where)
    _check_keys(entry, SOURCE_KEYS, where)
    raw_files = entry.get("files", [entry["file"]] if "file" in entry else None)
    if not raw_files or not isinstance(raw_files, list):
        raise CatalogError(f"{where}: needs 'file' (a path) or 'files' (a list of paths)")
    files, file_options = [], []
    for item in raw_files:
        if isinstance(item, dict):
            if "path" not in item:
                raise CatalogError(f"{where}: each entry of 'files' needs a 'path'")
            files.append(str(item["path"]))
            file_options.append({k: v for k, v in item.items() if k != "path"})
        else:
            files.append(str(item))
            file_options.append({})
    options = entry.get("options") or {}
    _mapping(options, f"{where}: options")
    return Source(
        id=source_id,
        file=files[0],
        files=tuple(files),
        file_options=tuple(file_options),
        format=_text(entry, "format", where),
        publisher=_text(entry, "publisher", where),
        period=_text(entry, "period", where),
        licence=_text(entry, "licence", where),
        provenance=_text(entry, "provenance", where),
        loader=_text(entry, "loader", where),
        options=dict(options),
        base_dir=base_dir,
        url=_text(entry, "url", where, required=False),
        notes=_text(entry, "notes", where, required=False),
    )


def _number(value: Any, where: str, key: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise CatalogError(f"{where}: {key} {value!r} is not a number") from None


def _parse_indicator(
    indicator_id: str, entry: Any, sources: dict[str, Source], name: str
) -> Indicator:
    where = f"{name}: indicator {indicator_id!r}"
    entry = _mapping(entry, where)
    _check_keys(entry, INDICATOR_KEYS, where)
    if "source" not in entry:
        raise CatalogError(f"{where}: missing required key 'source' (a source id, or null "
                           "when there is no default data)")
    source = entry["source"]
    if source is not None and str(source) not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise CatalogError(f"{where}: source {source!r} is not in the catalogue's sources "
                           f"(known: {known})")
    comparison = _mapping(entry.get("comparison", {"method": "none"}), f"{where}: comparison")
    target = entry.get("target")
    target_value, target_label, target_source = None, "", ""
    if target is not None:
        if isinstance(target, dict):
            target_value = _number(target.get("value"), where, "target value")
            target_label = str(target.get("label", "")).strip()
            target_source = str(target.get("source", "")).strip()
        else:
            target_value = _number(target, where, "target")
    select = entry.get("select") or {}
    _mapping(select, f"{where}: select")
    return Indicator(
        id=indicator_id,
        name=_text(entry, "name", where),
        short_name=_text(entry, "short_name", where, required=False) or _text(entry, "name", where),
        gap=_choice(entry, "gap", GAPS, where),
        domain=_text(entry, "domain", where),
        unit=_text(entry, "unit", where),
        polarity=_choice(entry, "polarity", POLARITIES, where),
        target=target_value,
        target_label=target_label,
        target_source=target_source,
        method=_choice(comparison, "method", COMPARISON_METHODS, f"{where}: comparison"),
        confidence=float(_choice(comparison, "confidence", CONFIDENCE_LEVELS,
                                 f"{where}: comparison", default=0.95)),
        statistic=_choice(entry, "statistic", STATISTICS, where),
        multiplier=_number(entry.get("multiplier", 1), where, "multiplier"),
        source=None if source is None else str(source),
        geography=_choice(entry, "geography", GEOGRAPHIES, where),
        aggregation=_choice(entry, "aggregation", AGGREGATIONS, where),
        frequency=_choice(entry, "frequency", FREQUENCIES, where, default="annual"),
        definition=_text(entry, "definition", where),
        notes=_text(entry, "notes", where, required=False),
        select=dict(select),
        allow_negative=bool(entry.get("allow_negative", False)),
        decimals=int(entry.get("decimals", 1)),
    )


def _parse_peers(
    section: Any, indicators: dict[str, Indicator], name: str
) -> tuple[list[PeerVariable], str]:
    if section is None:
        return [], ""
    where = f"{name}: peer_variables"
    section = _mapping(section, where)
    _check_keys(section, {"method", "variables"}, where)
    variables = section.get("variables") or []
    if not isinstance(variables, list):
        raise CatalogError(f"{where}: variables must be a list")
    peers = []
    for number, entry in enumerate(variables, start=1):
        item_where = f"{where}: variable {number}"
        entry = _mapping(entry, item_where)
        _check_keys(entry, PEER_KEYS, item_where)
        indicator_id = _text(entry, "indicator", item_where)
        if indicator_id not in indicators:
            raise CatalogError(f"{item_where}: indicator {indicator_id!r} is not in the catalogue")
        weight = _number(entry.get("weight"), item_where, "weight")
        if weight <= 0:
            raise CatalogError(f"{item_where}: weight must be positive, got {weight}")
        peers.append(PeerVariable(
            indicator=indicator_id,
            weight=weight,
            period=_text(entry, "period", item_where),
            sex=_text(entry, "sex", item_where, required=False) or "Persons",
            transform=_choice(entry, "transform", TRANSFORMS, item_where, default="none"),
            reason=_text(entry, "reason", item_where, required=False),
        ))
    return peers, _text(section, "method", where, required=False)
