"""``stp-packs inspect FILE --add CATALOG``: write an official file's entries into a user catalogue.

A catalogue that does not exist yet starts as a copy of the shipped one (its source paths made
relative to the new file's folder, so the vendored data are still found). The entries
``stp-packs inspect`` prints are then added: a new source, and indicators that either are new
or fill a shipped indicator that has no default data (``source: null``, e.g. DM01 filling
``diagnostics_6_weeks``). An id already in use with data is refused, the merged document must
pass the catalogue schema, and the file is written atomically: on any error nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from stp_analytics import paths
from stp_analytics.data.catalog import parse_catalog
from stp_analytics.data.files import write_atomic
from stp_analytics.errors import CatalogError


def add_entries(catalog_path: Path, entries_yaml: str, data_file: Path) -> list[str]:
    """Add ``entries_yaml`` (``sources`` + ``indicators``, as inspect prints them) for
    ``data_file`` to the catalogue at ``catalog_path``; return the ids added or filled.

    Raises :class:`CatalogError` (nothing written) for an id already in use with data, or a
    merged catalogue that fails the schema.
    """
    catalog_path = Path(catalog_path).resolve()
    entries = yaml.safe_load(entries_yaml)
    document = _starting_document(catalog_path)
    sources = document.setdefault("sources", {})
    indicators = document.setdefault("indicators", {})
    taken = sorted(set(entries["sources"]) & set(sources))
    if taken:
        raise CatalogError(f"{catalog_path.name}: source {taken[0]!r} is already in the "
                           "catalogue; nothing written (remove it first to replace it)")
    for indicator_id in entries["indicators"]:
        existing = indicators.get(indicator_id)
        if existing is not None and existing.get("source") is not None:
            raise CatalogError(
                f"{catalog_path.name}: indicator {indicator_id!r} already has data (source "
                f"{existing['source']!r}); nothing written (rename the new indicator)")
    for source in entries["sources"].values():
        source["file"] = _relative(Path(data_file).resolve(), catalog_path.parent)
    sources.update(entries["sources"])
    indicators.update(entries["indicators"])
    parse_catalog(document, catalog_path)  # the schema and cross-references, before writing
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    write_atomic(catalog_path, text.encode("utf-8"))
    return [*entries["sources"], *entries["indicators"]]


def _starting_document(catalog_path: Path) -> dict[str, Any]:
    """The user catalogue as it is, or a copy of the shipped one with its paths re-based."""
    if catalog_path.is_file():
        document = yaml.safe_load(catalog_path.read_text(encoding="utf-8-sig")) or {}
        if not isinstance(document, dict):
            raise CatalogError(f"{catalog_path.name}: not a catalogue (a YAML mapping)")
        return document
    shipped = paths.default_catalog_path()
    document = yaml.safe_load(shipped.read_text(encoding="utf-8-sig"))
    for source in document.get("sources", {}).values():
        _rebase(source, shipped.parent, catalog_path.parent)
    return document


def _rebase(source: dict[str, Any], old: Path, new: Path) -> None:
    """Source paths (``file``, ``files``, path-valued options) relative to ``new``."""
    if source.get("file"):
        source["file"] = _relative(old / source["file"], new)
    for index, item in enumerate(source.get("files") or []):
        if isinstance(item, dict):
            item["path"] = _relative(old / item["path"], new)
        else:
            source["files"][index] = _relative(old / item, new)
    for key, value in (source.get("options") or {}).items():
        if key.endswith("_file") and isinstance(value, str):
            source["options"][key] = _relative(old / value, new)


def _relative(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` (POSIX separators)."""
    return Path(os.path.relpath(path.resolve(), folder)).as_posix()
