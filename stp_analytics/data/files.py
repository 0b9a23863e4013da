"""File helpers every layer shares: atomic writes, digests of files and folders, folder slugs.

An atomic write goes to a temporary file beside the target (named ``.<name>.tmp-<pid>-<thread>``,
so an interrupted build's leftovers can be recognised and removed) and is then moved into place
with ``os.replace``: a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

#: marks the temporary files of an atomic write (see :func:`temporary_path`)
TEMP_MARK = ".tmp-"


def temporary_path(path: Path) -> Path:
    """The temporary file an atomic write of ``path`` goes through (hidden, same folder)."""
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{threading.get_ident()}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces ``path``, on error it goes."""
    path = Path(path)
    temp = temporary_path(path)
    try:
        yield temp
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as temp:
        temp.write_bytes(data)


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_files(files: Iterable[Path], root: Path, digest=None):
    """Feed each file's path (relative to ``root``, POSIX) and bytes into one SHA-256, in the
    order given; returns the hash object so callers can add more before ``hexdigest()``."""
    digest = digest or hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest


def folder_files(root: Path, suffixes: Iterable[str] | None = None) -> list[Path]:
    """Every file below ``root`` (optionally only these suffixes), sorted."""
    wanted = set(suffixes) if suffixes is not None else None
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and (wanted is None or p.suffix in wanted))


def slugify(text: str, *, limit: int = 60, default: str = "area") -> str:
    """Lower-case ASCII words joined by hyphens (folder names and anchors)."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:limit] or default


def remove_temp_files(folder: Path) -> int:
    """Remove the temporary files and work folders an interrupted writer left below ``folder``
    (those carrying :data:`TEMP_MARK`); return how many."""
    import shutil

    removed = 0
    if not folder.exists():
        return 0
    for path in sorted(folder.rglob(f"*{TEMP_MARK}*"), reverse=True):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        removed += 1
    return removed
