"""The metric store: every indicator for every area, part, region and England, computed once.

Public API: :func:`build_store`, :func:`load_or_build_store`, :func:`read_store`,
:func:`store_hash`, :func:`store_for_area`, :func:`area_rows`, :func:`latest`,
:func:`england_row`, :func:`indicator_status`, :func:`peer_groups`.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> the submodule that defines it; a submodule is imported on first use, so code
#: that only opens a cached store (the build's start-up, a no-change rebuild) does not import
#: scipy through the methods the store's builders use
_SOURCES: dict[str, str] = {
    "load_or_build_store": "cache", "read_store": "cache", "store_hash": "cache",
    "store_file_hash": "cache", "read_set_aside": "cache",
    "write_store": "cache", "peer_groups": "peers", "STATUS_NOT_SUPPLIED": "query",
    "STATUS_OK": "query", "STATUS_SUPPRESSED": "query", "area_rows": "query",
    "england_row": "query", "indicator_status": "query", "latest": "query",
    "store_for_area": "query", "build_store": "store", "empty_store": "store",
}


def __getattr__(name: str) -> Any:
    if name not in _SOURCES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_SOURCES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_SOURCES])


__all__ = sorted(_SOURCES)
