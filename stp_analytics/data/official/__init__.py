"""Official NHS statistics files read as published: one reader per layout, layout detection.

* :func:`detect_layout` recognises a file's layout by its header;
* each layout's reader (``Layout.reader``) returns an :class:`OfficialFile`: tidy
  observations (``stp_analytics.schema.OBSERVATION_COLUMNS``, the ``indicator`` column being
  the layout's measure key), the file's own published totals beside the same totals rebuilt
  from its rows, and its organisations;
* :func:`inspect_file` reports what a file holds and the catalogue entries to paste.
"""

from stp_analytics.data.official._results import OfficialFile, PublishedTotals
from stp_analytics.data.official.detect import LayoutMatch, detect_layout
from stp_analytics.data.official.layouts import Layout, Measure, all_layouts, layout_by_key


def read_official(path) -> OfficialFile:
    """Detect the layout of ``path`` and read it."""
    return detect_layout(path).layout.reader(path)


__all__ = ["Layout", "LayoutMatch", "Measure", "OfficialFile", "PublishedTotals",
           "all_layouts", "detect_layout", "layout_by_key", "read_official"]
