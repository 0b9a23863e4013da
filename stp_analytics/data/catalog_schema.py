"""The schema of ``data_catalog/catalog.yml``: pydantic models, the checks, the JSON schema.

:func:`parse_catalog_document` checks a parsed catalogue against :class:`CatalogDocument` (keys,
types, allowed values) and its cross-references (an indicator's source, a peer variable's
indicator), and returns the :mod:`stp_analytics.data.catalog_entries` it describes. The first
problem raises :class:`~stp_analytics.errors.CatalogError` naming the file, the line (when the
document came from a file), the entry, the key and what was expected, e.g.
``catalog.yml line 57: indicator 'smoking': polarity 'up' is not allowed; expected one of:
high_is_good, low_is_good, none``.

:func:`catalog_json_schema` is the JSON schema published as ``data_catalog/catalog.schema.json``
for editors (``# yaml-language-server: $schema=catalog.schema.json``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic

from stp_analytics.data.catalog_entries import (
    AGGREGATIONS,
    COMPARISON_METHODS,
    CONFIDENCE_LEVELS,
    FREQUENCIES,
    GAPS,
    GEOGRAPHIES,
    POLARITIES,
    STATISTICS,
    TARGET_KINDS,
    TRANSFORMS,
    Indicator,
    OfficialSource,
    PeerVariable,
    Source,
)
from stp_analytics.data.yaml_models import (
    YamlDocument,
    first_error,
    json_schema_text,
    problem_text,
)
from stp_analytics.errors import CatalogError

SCHEMA_FILE_NAME = "catalog.schema.json"
SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"

Text = Annotated[str, pydantic.Field(min_length=1)]


def _none_is_empty(empty: Any) -> pydantic.BeforeValidator:
    """A key written with no value (``options:``) means an empty mapping or list."""
    return pydantic.BeforeValidator(lambda value: empty() if value is None else value)


class _Entry(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, coerce_numbers_to_str=True,
    )


class FileEntry(pydantic.BaseModel):
    """One file of a source; keys other than ``path`` are options for this file only."""

    model_config = pydantic.ConfigDict(extra="allow", frozen=True, coerce_numbers_to_str=True)

    path: Text


class SourceEntry(_Entry):
    """A data source: one file (``file``) or several of one layout (``files``)."""

    file: Text | None = pydantic.Field(
        default=None, description="Path relative to the catalogue folder")
    files: list[Text | FileEntry] | None = pydantic.Field(
        default=None, description="Paths, or mappings with a path and per-file options")
    format: Text
    publisher: Text
    period: Text
    licence: Text
    provenance: Text
    loader: Text = pydantic.Field(description="A loader registered with @register_loader")
    options: Annotated[dict[str, Any], _none_is_empty(dict)] = pydantic.Field(
        default_factory=dict, description="Options passed to the loader")
    url: str = ""
    notes: str = ""

    @pydantic.model_validator(mode="after")
    def _has_files(self) -> SourceEntry:
        if self.files is None and self.file is None or self.files == []:
            raise ValueError("needs 'file' (a path) or 'files' (a list of paths)")
        return self

    def file_list(self) -> tuple[tuple[str, ...], tuple[dict[str, Any], ...]]:
        """(paths, per-file options), ``files`` taking precedence over ``file``."""
        items = self.files if self.files is not None else [self.file or ""]
        names = tuple(item.path if isinstance(item, FileEntry) else item for item in items)
        options = tuple(dict(item.model_extra or {}) if isinstance(item, FileEntry) else {}
                        for item in items)
        return names, options


class TargetEntry(_Entry):
    """A national standard: its value, how the pack names it and where it comes from."""

    value: float
    label: str = ""
    source: str = ""
    kind: Literal[TARGET_KINDS] = pydantic.Field(
        default="standard",
        description="'standard' (a national standard: people short of it are counted) or "
                    "'reference' (a level for context that is not a standard)")


def _target_mapping(value: Any) -> Any:
    """``target: 95`` is short for ``target: {value: 95}``."""
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return {"value": value}
    return value


class ComparisonEntry(_Entry):
    """How the area is compared with England."""

    method: Literal[COMPARISON_METHODS]
    confidence: Literal[CONFIDENCE_LEVELS] = 0.95


class OfficialSourceEntry(_Entry):
    """The official publication that fills an indicator the default data leave empty."""

    publication: Text = pydantic.Field(description="Publisher and publication, as downloaded")
    layout: str = pydantic.Field(
        default="", description="Key of an official layout `stp-packs inspect` recognises")
    reason: str = pydantic.Field(
        default="", description="Why the indicator stays empty when no layout is read")

    @pydantic.model_validator(mode="after")
    def _layout_or_reason(self) -> OfficialSourceEntry:
        if not self.layout and not self.reason:
            raise ValueError("needs 'layout' (an official layout stp-packs reads) or 'reason' "
                             "(why there is none)")
        return self


class IndicatorEntry(_Entry):
    """An indicator: what it measures, how it is compared and where its data come from."""

    name: Text
    short_name: str = ""
    gap: Literal[GAPS]
    domain: Text
    unit: str
    polarity: Literal[POLARITIES]
    target: Annotated[
        TargetEntry | None,
        pydantic.BeforeValidator(
            _target_mapping, json_schema_input_type=float | TargetEntry | None),
    ] = pydantic.Field(default=None, description="A number, or {value, label, source}")
    comparison: ComparisonEntry = ComparisonEntry(method="none")
    statistic: Literal[STATISTICS]
    multiplier: float = 1
    source: str | None = pydantic.Field(
        description="A source id, or null when there is no default data")
    geography: Literal[GEOGRAPHIES]
    aggregation: Literal[AGGREGATIONS]
    frequency: Literal[FREQUENCIES] = "annual"
    definition: Text
    notes: str = ""
    select: Annotated[dict[str, Any], _none_is_empty(dict)] = pydantic.Field(
        default_factory=dict, description="Which rows of the source are this indicator")
    allow_negative: bool = False
    decimals: int = 1
    official_source: OfficialSourceEntry | None = pydantic.Field(
        default=None, description="The official file that fills the indicator when it has no "
                                  "default data (named in the pack's notice)")


class PeerEntry(_Entry):
    """One variable of the "10 most similar footprints" distance."""

    indicator: Text
    weight: float
    period: Text
    sex: str = "Persons"
    transform: Literal[TRANSFORMS] = "none"
    reason: str = ""

    @pydantic.field_validator("weight")
    @classmethod
    def _positive(cls, weight: float) -> float:
        if weight <= 0:
            raise ValueError(f"must be positive, got {weight}")
        return weight


class PeerSection(_Entry):
    """The peer-group definition: method text and weighted variables."""

    method: str = ""
    variables: Annotated[list[PeerEntry], _none_is_empty(list)] = []


class CatalogDocument(_Entry):
    """``data_catalog/catalog.yml``: every source and indicator of the packs."""

    model_config = pydantic.ConfigDict(title="stp-packs data catalogue")

    version: int = 1
    sources: Annotated[dict[str, SourceEntry], _none_is_empty(dict)] = {}
    indicators: dict[str, IndicatorEntry]
    peer_variables: PeerSection | None = None


# --------------------------------------------------------------------------- checking


def _where(name: str, line: int | None, loc: tuple[str | int, ...]) -> tuple[str, tuple]:
    """The entry a location falls in, as the message names it, and the rest of the location."""
    head = f"{name} line {line}" if line else name
    if len(loc) >= 2 and loc[0] == "sources":
        return f"{head}: source {loc[1]!r}", loc[2:]
    if len(loc) >= 2 and loc[0] == "indicators":
        where, rest = f"{head}: indicator {loc[1]!r}", loc[2:]
        if len(rest) >= 2 and rest[0] == "comparison":
            return f"{where}: comparison", rest[1:]
        return where, rest
    if loc[:1] == ("peer_variables",):
        if len(loc) >= 3 and loc[1] == "variables" and isinstance(loc[2], int):
            return f"{head}: peer_variables: variable {loc[2] + 1}", loc[3:]
        return f"{head}: peer_variables", loc[1:]
    return head, loc


def _schema_error(
    error: pydantic.ValidationError, name: str, document: YamlDocument | None
) -> CatalogError:
    problem = first_error(error, CatalogDocument, document)
    where, rest = _where(name, problem.line, problem.loc)
    text = problem.text
    if not rest:  # the entry itself is not a mapping, or a whole-entry rule
        first = error.errors(include_url=False)[0]
        text = problem_text({**first, "loc": ()}).removeprefix("the document: ")
    elif rest[:1] == ("files",) and len(rest) > 1:
        text = "each entry of 'files' must be a path or a mapping with a 'path'"
    elif rest[:1] == ("target",) and rest[-1] == "value" and "number" in text:
        text = "target " + text
    elif problem.loc == ("indicators", *problem.loc[1:2], "source"):
        text += " (a source id, or null when there is no default data)"
    return CatalogError(f"{where}: {text}")


def check_catalog_document(
    data: Any, name: str, document: YamlDocument | None = None
) -> CatalogDocument:
    """``data`` checked against :class:`CatalogDocument` and its cross-references."""
    if not isinstance(data, dict):
        raise CatalogError(f"{name}: expected a mapping with 'sources' and 'indicators'")
    try:
        checked = CatalogDocument.model_validate(data)
    except pydantic.ValidationError as error:
        raise _schema_error(error, name, document) from None

    def line(*loc: str | int) -> int | None:
        return document.line(loc) if document is not None else None

    for indicator_id, entry in checked.indicators.items():
        if entry.source is not None and entry.source not in checked.sources:
            where, _ = _where(name, line("indicators", indicator_id, "source"),
                              ("indicators", indicator_id))
            known = ", ".join(sorted(checked.sources)) or "none"
            raise CatalogError(f"{where}: source {entry.source!r} is not in the catalogue's "
                               f"sources (known: {known})")
    variables = checked.peer_variables.variables if checked.peer_variables else []
    for number, variable in enumerate(variables):
        if variable.indicator not in checked.indicators:
            loc = ("peer_variables", "variables", number)
            where, _ = _where(name, line(*loc, "indicator"), loc)
            raise CatalogError(f"{where}: indicator {variable.indicator!r} is not in the catalogue")
    return checked


def parse_catalog_document(
    data: Any, path: Path, document: YamlDocument | None = None
) -> tuple[dict[str, Source], dict[str, Indicator], list[PeerVariable], str]:
    """Check a parsed catalogue and build its entries: (sources, indicators, peers, method).

    Source paths are relative to ``path``'s folder. Raises CatalogError on the first problem.
    """
    checked = check_catalog_document(data, path.name, document)
    sources = {str(key): _source(str(key), entry, path.parent)
               for key, entry in checked.sources.items()}
    indicators = {str(key): _indicator(str(key), entry)
                  for key, entry in checked.indicators.items()}
    section = checked.peer_variables
    peers = [
        PeerVariable(indicator=v.indicator, weight=v.weight, period=v.period,
                     sex=v.sex or "Persons", transform=v.transform, reason=v.reason)
        for v in (section.variables if section else [])
    ]
    return sources, indicators, peers, section.method if section else ""


def _source(source_id: str, entry: SourceEntry, base_dir: Path) -> Source:
    files, file_options = entry.file_list()
    return Source(
        id=source_id, file=files[0], files=files, file_options=file_options,
        format=entry.format, publisher=entry.publisher, period=entry.period,
        licence=entry.licence, provenance=entry.provenance, loader=entry.loader,
        options=dict(entry.options), base_dir=base_dir, url=entry.url, notes=entry.notes,
    )


def _indicator(indicator_id: str, entry: IndicatorEntry) -> Indicator:
    target = entry.target
    return Indicator(
        id=indicator_id, name=entry.name, short_name=entry.short_name or entry.name,
        gap=entry.gap, domain=entry.domain, unit=entry.unit, polarity=entry.polarity,
        target=target.value if target else None,
        target_label=target.label if target else "",
        target_source=target.source if target else "",
        target_kind=target.kind if target else "",
        method=entry.comparison.method, confidence=float(entry.comparison.confidence),
        statistic=entry.statistic, multiplier=float(entry.multiplier),
        source=entry.source, geography=entry.geography, aggregation=entry.aggregation,
        frequency=entry.frequency, definition=entry.definition, notes=entry.notes,
        select=dict(entry.select), allow_negative=entry.allow_negative, decimals=entry.decimals,
        official_source=_official_source(entry.official_source),
    )


def _official_source(entry: OfficialSourceEntry | None) -> OfficialSource | None:
    if entry is None:
        return None
    return OfficialSource(publication=entry.publication, layout=entry.layout,
                          reason=entry.reason)


def catalog_json_schema() -> str:
    """The JSON schema of ``catalog.yml`` (deterministic text: keys sorted, newline at end)."""
    return json_schema_text(
        CatalogDocument, **{
            "$schema": SCHEMA_URI,
            "$comment": "Generated from stp_analytics/data/catalog_schema.py by "
                        "`python -m stp_analytics.data.catalog_schema`; do not edit by hand.",
        })


def main() -> None:
    """Write ``data_catalog/catalog.schema.json`` from the models."""
    from stp_analytics import paths

    target = paths.data_catalog_dir() / SCHEMA_FILE_NAME
    target.write_text(catalog_json_schema(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
