"""The metric store: every indicator for every area, part, region and England, computed once.

Public API: :func:`build_store`, :func:`load_or_build_store`, :func:`read_store`,
:func:`store_hash`, :func:`store_for_area`, :func:`area_rows`, :func:`latest`,
:func:`england_row`, :func:`indicator_status`, :func:`peer_groups`.
"""

from stp_analytics.metrics.cache import load_or_build_store, read_store, store_hash, write_store
from stp_analytics.metrics.peers import peer_groups
from stp_analytics.metrics.query import (
    STATUS_NOT_SUPPLIED,
    STATUS_OK,
    STATUS_SUPPRESSED,
    area_rows,
    england_row,
    indicator_status,
    latest,
    store_for_area,
)
from stp_analytics.metrics.store import build_store, empty_store

__all__ = [
    "STATUS_NOT_SUPPLIED",
    "STATUS_OK",
    "STATUS_SUPPRESSED",
    "area_rows",
    "build_store",
    "empty_store",
    "england_row",
    "indicator_status",
    "latest",
    "load_or_build_store",
    "peer_groups",
    "read_store",
    "store_for_area",
    "store_hash",
    "write_store",
]
