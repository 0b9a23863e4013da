"""The metric store on disk: a parquet file keyed by a hash of everything it is computed from.

The hash covers the catalogue file, every source file the catalogue names (bytes), the area-set
files (data_catalog/areas), the library version and the code of the modules that compute the
store, so a changed input or method gives a new file and an unchanged build reuses the old one.
Writes are atomic (temporary file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

import stp_analytics
from stp_analytics import paths
from stp_analytics.data.files import atomic_path, sha256_file, write_atomic
from stp_analytics.errors import DataValidationError
from stp_analytics.schema import STORE_COLUMNS

if TYPE_CHECKING:
    from stp_analytics.data.catalog import Catalog

# Modules whose code changes the store's numbers (hashed with the version).
COMPUTING_MODULES = ("metrics", "methods", "data", "schema.py")
HASH_LENGTH = 16


def _source_files(catalog: Catalog) -> list[Path]:
    """Every data file the catalogue reads (falls back to the whole sources folder)."""
    files: set[Path] = set()
    for source in catalog.sources.values():
        for item in source.per_file():
            if item.path.is_file():
                files.add(item.path)
    if not files:
        files = {p for p in paths.sources_dir().glob("*") if p.is_file()}
    return sorted(files)


def _code_files() -> list[Path]:
    package = Path(stp_analytics.__file__).resolve().parent
    found: list[Path] = []
    for name in COMPUTING_MODULES:
        target = package / name
        found.extend([target] if target.is_file() else sorted(target.rglob("*.py")))
    return found


def store_hash(
    catalog: Any, area_set: str = "stp2017", observations: pd.DataFrame | None = None
) -> str:
    """Hex digest of the catalogue, its source files, the area-set files and the library code
    (and of ``observations`` when they are supplied instead of read from the sources)."""
    catalog = as_catalog(catalog)
    digest = hashlib.sha256()
    if observations is not None:
        hashed = pd.util.hash_pandas_object(observations, index=False)
        digest.update(hashed.to_numpy().tobytes())
    digest.update(f"stp_analytics {stp_analytics.__version__}\narea_set {area_set}\n".encode())
    catalog_path = catalog.path or paths.default_catalog_path()
    root = paths.project_root()
    areas = sorted(p for p in (paths.data_catalog_dir() / "areas").rglob("*") if p.is_file())
    for path in [Path(catalog_path), *_source_files(catalog), *areas, *_code_files()]:
        name = path.resolve()
        label = str(name.relative_to(root)) if name.is_relative_to(root) else path.name
        digest.update(f"\n{label}\n".encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()[:HASH_LENGTH]


def store_file_hash(path: str | os.PathLike) -> str:
    """Hex digest of a metric store file's bytes: the same digest means the same numbers."""
    return sha256_file(path)[:HASH_LENGTH]


def load_or_build_store(
    catalog: Any = None,
    area_set: str = "stp2017",
    cache_dir: str | os.PathLike | None = None,
    **build_options: Any,
) -> Path:
    """Path of the cached store for these inputs, building and writing it first if absent.

    The file is ``<cache_dir or outputs/.cache>/store-<area_set>-<hash>.parquet``.
    ``catalog`` may be a Catalog, a catalogue file path or None (the default catalogue).
    ``build_options`` (``observations=``, ``geography=``) pass through to ``build_store``.
    """
    catalog = as_catalog(catalog)
    folder = Path(cache_dir) if cache_dir is not None else paths.outputs_dir() / ".cache"
    key = store_hash(catalog, area_set, build_options.get("observations"))
    target = folder / f"store-{area_set}-{key}.parquet"
    if target.is_file():
        return target
    from stp_analytics.metrics.store import build_store  # scipy and the loaders: only to build

    folder.mkdir(parents=True, exist_ok=True)
    store = build_store(catalog, area_set, **build_options)
    write_atomic(set_aside_path(target), _set_aside_csv(catalog))  # before the store: a store
    write_store(store, target)  # on disk always has its counts beside it
    return target


def set_aside_path(store_path: str | os.PathLike) -> Path:
    """Where the counts of source rows set aside while building a store are kept (beside it)."""
    path = Path(store_path)
    return path.with_name(f"{path.stem}.set_aside.csv")


def _set_aside_csv(catalog: Any) -> bytes:
    """``source, file, reason, rows, examples`` of every loaded source, sorted, as CSV bytes."""
    counts = catalog.set_aside() if hasattr(catalog, "set_aside") else pd.DataFrame()
    columns = ["source", "file", "reason", "rows", "examples"]
    counts = counts.reindex(columns=columns).sort_values(columns[:3], kind="stable")
    return counts.to_csv(index=False, lineterminator="\n").encode("utf-8")


def read_set_aside(store_path: str | os.PathLike) -> pd.DataFrame:
    """The set-aside counts beside a store (empty when the store was built elsewhere)."""
    path = set_aside_path(store_path)
    columns = ["source", "file", "reason", "rows", "examples"]
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    return pd.read_csv(path, dtype={"rows": "int64"}, keep_default_na=False).reindex(
        columns=columns)


def as_catalog(catalog: Any) -> Any:
    """A Catalog from a Catalog, a catalogue file path, or None (the default catalogue)."""
    if catalog is None or isinstance(catalog, (str, os.PathLike)):
        from stp_analytics.data.catalog import load_catalog

        return load_catalog(catalog)
    return catalog


def write_store(store: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write the store as parquet atomically (temp file in the same folder + os.replace)."""
    path = Path(path)
    with atomic_path(path) as temp:
        store.to_parquet(temp, index=False)
    return path


def read_store(path: str | os.PathLike) -> pd.DataFrame:
    """Read a store written by :func:`load_or_build_store`; checks its columns."""
    path = Path(path)
    if not path.is_file():
        raise DataValidationError("metric store file not found", file=str(path))
    store = pd.read_parquet(path)
    if tuple(store.columns) != STORE_COLUMNS:
        missing = [c for c in STORE_COLUMNS if c not in store.columns]
        raise DataValidationError(
            f"not a metric store: columns differ from schema.STORE_COLUMNS (missing {missing})",
            file=str(path),
        )
    return store
