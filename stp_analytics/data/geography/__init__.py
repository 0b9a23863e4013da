"""The area registry: area sets (44 STP footprints, 207 CCGs, ...), their lookups and populations.

Public API (see docs/ARCHITECTURE.md and docs/area_sets.md):

* :func:`load_area_set` -> :class:`AreaSet` (``.areas``, ``.label``, ``.part_lookup(part_type)``)
* :func:`resolve_area`, :func:`footprint_table`, :func:`regions`, ``ENGLAND_CODE``
* :func:`lad_population`, :func:`utla_population`, :func:`area_population`,
  :func:`lad_code_changes`, :func:`lad_to_utla`

Nothing is read at import time; every file is read once, on first use.
"""

from __future__ import annotations

from stp_analytics.data.geography.area_set import (
    PART_TYPES,
    AreaSet,
    known_area_sets,
    load_area_set,
)
from stp_analytics.data.geography.lookup import (
    ENGLAND_NAME,
    footprint_table,
    normalise_name,
    regions,
    resolve_area,
)
from stp_analytics.data.geography.population import (
    area_population,
    lad_code_changes,
    lad_population,
    lad_to_utla,
    utla_population,
)
from stp_analytics.schema import ENGLAND_CODE

__all__ = [
    "ENGLAND_CODE",
    "ENGLAND_NAME",
    "PART_TYPES",
    "AreaSet",
    "area_population",
    "footprint_table",
    "known_area_sets",
    "lad_code_changes",
    "lad_population",
    "lad_to_utla",
    "load_area_set",
    "normalise_name",
    "regions",
    "resolve_area",
    "utla_population",
]

