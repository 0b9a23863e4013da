"""One build at a time per output folder: a lock on ``<out>/.build.lock`` (filelock, which uses
the operating system's file locks on every platform).

The operating system drops the lock when the holding process ends (even when killed), so a
crashed build never leaves a stale lock behind. The holder writes its process id beside the lock
(``.build.lock.holder``), so a second build that refuses at once, or (``wait=True``) waits, can
name it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from stp_analytics.errors import BuildError

LOCK_NAME = ".build.lock"
HOLDER_NAME = ".build.lock.holder"
POLL_SECONDS = 0.2


def _holder(out_dir: Path) -> str:
    try:
        return (out_dir / HOLDER_NAME).read_text(encoding="ascii").strip() or "unknown"
    except (OSError, UnicodeDecodeError):
        return "unknown"


@contextmanager
def build_lock(
    out_dir: Path, *, wait: bool = False, timeout: float | None = None
) -> Iterator[Path]:
    """Hold the build lock of ``out_dir`` for the duration of the ``with`` block."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_NAME
    lock = FileLock(path, mode=0o644)
    limit = (-1 if timeout is None else timeout) if wait else 0
    try:
        lock.acquire(timeout=limit, poll_interval=POLL_SECONDS)
    except Timeout:
        holder = _holder(out_dir)
        if not wait:
            raise BuildError(
                f"another build (process {holder}) is writing to {out_dir}; wait for it "
                "to finish or pass --wait to queue behind it"
            ) from None
        raise BuildError(
            f"gave up after {timeout:.0f} s waiting for the build (process {holder}) "
            f"writing to {out_dir}"
        ) from None
    try:
        (out_dir / HOLDER_NAME).write_text(f"{os.getpid()}\n", encoding="ascii")
        yield path
    finally:
        lock.release()
