"""build_store: observations -> the metric store every pack reads (schema.STORE_COLUMNS).

Pure function of the catalogue, the observations and the geography; computed once per build.
Steps: aggregate to areas, parts, regions and England (aggregate.py); England and region
comparators, significance, quintiles and ranks (comparators.py); latest period; peer best-5 and
opportunity (peers.py); target gap; SPC state for monthly series (spc.py).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from stp_analytics.metrics.aggregate import aggregate
from stp_analytics.metrics.cache import as_catalog
from stp_analytics.metrics.comparators import (
    add_comparators,
    add_comparison,
    add_quintiles_and_ranks,
    add_target_gap,
)
from stp_analytics.metrics.geo import GeoContext
from stp_analytics.metrics.notes import join_notes
from stp_analytics.metrics.peers import add_peers, peer_groups
from stp_analytics.metrics.spc import add_spc
from stp_analytics.metrics.specs import indicator_specs
from stp_analytics.schema import (
    AREA_ROLES,
    OBSERVATION_COLUMNS,
    STATUS_APPROXIMATE,
    STATUS_NOT_SUPPLIED,
    STATUS_OK,
    STATUS_SUPPRESSED,
    STORE_COLUMNS,
)

ROLE_ORDER = {"england": 0, "region": 1, "area": 2, "part": 3}
SORT_KEYS = ["indicator", "role_order", "parent_code", "area_code", "sex", "period_start", "period"]
TEXT = ("indicator", "area_set", "area_role", "area_type", "area_code", "area_name",
        "parent_code", "period", "sex", "method", "note", "status", "region_code", "comparison",
        "spc_point_type")
INTEGER = ("quintile", "rank", "rank_of")
BOOLEAN = ("approximate", "is_latest")


def build_store(
    catalog: Any = None,
    area_set: Any = "stp2017",
    *,
    observations: pd.DataFrame | None = None,
    geography: Any = None,
    row_notes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The metric store: one row per indicator x area x period x sex, columns STORE_COLUMNS.

    Args:
        catalog: a :class:`stp_analytics.data.catalog.Catalog`, a catalogue file path, or None
            (the default catalogue).
        area_set: area set name ("stp2017", "ccg2017") or an AreaSet object.
        observations: observations to use instead of ``catalog.observations()`` (tests, or a
            user's own data); columns ``schema.OBSERVATION_COLUMNS``.
        geography: object providing ``load_area_set``, ``lad_population``,
            ``utla_population``, ``lad_code_changes`` (default:
            :mod:`stp_analytics.data.geography`).
        row_notes: DataFrame[indicator, area_type, area_code, period, sex, note] qualifying
            source rows (default: ``catalog.row_notes()`` when the observations come from the
            catalogue); shown on the part rows and flagged on their areas.
    Returns:
        DataFrame with exactly ``schema.STORE_COLUMNS`` in order, sorted deterministically.
    """
    catalog = as_catalog(catalog)
    specs = indicator_specs(catalog)
    geo = GeoContext.create(area_set, geography)
    if observations is None:
        observations = catalog.observations()
        if row_notes is None and hasattr(catalog, "row_notes"):
            row_notes = catalog.row_notes()
    missing = [c for c in OBSERVATION_COLUMNS if c not in observations.columns]
    if missing:
        from stp_analytics.errors import DataValidationError

        raise DataValidationError(f"observations lack column(s) {', '.join(missing)}",
                                  column=missing[0])
    observations = observations.loc[observations["indicator"].isin(specs["indicator"])]
    if observations.empty:
        return empty_store()
    rows = aggregate(observations, specs, geo).merge(
        specs.drop(columns=["name", "confidence"]), on="indicator", how="left",
        validate="many_to_one",
    )
    rows = add_row_notes(rows, row_notes)
    rows = add_comparators(rows)
    rows = add_comparison(rows)
    rows = add_quintiles_and_ranks(rows)
    rows = add_latest(rows)
    rows = add_target_gap(rows)
    rows = add_peers(rows, peer_groups(rows, list(catalog.peer_variables)))
    rows = add_spc(rows)
    return _finalise(rows.assign(area_set=geo.name))


def add_row_notes(rows: pd.DataFrame, row_notes: pd.DataFrame | None) -> pd.DataFrame:
    """Source-row notes on the matching part rows; their areas say some parts are qualified."""
    if row_notes is None or row_notes.empty:
        return rows
    keys = ["indicator", "area_type", "area_code", "period", "sex"]
    notes = row_notes.loc[:, [*keys, "note"]].astype("str")
    notes = notes.groupby(keys, sort=True)["note"].agg(lambda n: "; ".join(sorted(set(n))))
    part = rows["area_role"].eq("part")
    matched = rows.loc[part, keys].merge(notes.rename("row_note").reset_index(), on=keys,
                                         how="left").set_axis(rows.index[part])
    extra = pd.Series("", index=rows.index, dtype="str")
    extra[part] = matched["row_note"].fillna("")
    flagged = rows.loc[part & extra.ne(""), ["indicator", "parent_code", "period", "sex"]]
    flagged = flagged.drop_duplicates().rename(columns={"parent_code": "area_code"})
    flagged = flagged.assign(area_role="area", has_note=True)
    hit = rows.merge(flagged, on=["indicator", "area_role", "area_code", "period", "sex"],
                     how="left")["has_note"].eq(True).to_numpy()
    extra[hit] = "some parts' source values are qualified (see the parts)"
    return rows.assign(note=join_notes(rows["note"], extra))


def add_latest(rows: pd.DataFrame) -> pd.DataFrame:
    """is_latest: the row's period is the latest of this indicator for this area (and sex)."""
    keys = ["indicator", "area_role", "area_code", "parent_code", "sex"]
    latest = rows.groupby(keys, sort=False)["period_start"].transform("max")
    return rows.assign(is_latest=rows["period_start"].eq(latest))


def empty_store() -> pd.DataFrame:
    """A store with no rows and the right columns and dtypes."""
    return _finalise(pd.DataFrame({c: [] for c in STORE_COLUMNS}))


def row_status(rows: pd.DataFrame) -> pd.Series:
    """Each row's ``status`` (schema.STATUSES), derived once, here, after every note is joined:
    a value is ok (approximate when population-weighted); a missing value is suppressed when a
    small-number rule withheld it (ours, or the source's own note), else not supplied."""
    value = pd.to_numeric(rows["value"], errors="coerce")
    approximate = rows["approximate"].fillna(False).astype("bool")
    suppressed = rows["note"].fillna("").astype("str").str.contains("suppress", case=False)
    status = pd.Series(STATUS_NOT_SUPPLIED, index=rows.index, dtype="object")
    status[value.isna() & suppressed] = STATUS_SUPPRESSED
    status[value.notna()] = STATUS_OK
    status[value.notna() & approximate] = STATUS_APPROXIMATE
    return status


def _finalise(rows: pd.DataFrame) -> pd.DataFrame:
    """Columns in STORE_COLUMNS order with fixed dtypes, rows in a deterministic order."""
    unknown = set(rows["area_role"].dropna()) - set(AREA_ROLES)
    if unknown:
        raise ValueError(f"area_role {sorted(unknown)} not in {AREA_ROLES}")
    rows = rows.assign(status=row_status(rows))
    store = rows.loc[:, list(STORE_COLUMNS)].copy()
    for column in TEXT:
        store[column] = store[column].fillna("").astype("str")
    for column in INTEGER:
        store[column] = pd.to_numeric(store[column]).astype("Int64")
    for column in BOOLEAN:
        store[column] = store[column].fillna(False).astype("bool")
    store["period_start"] = pd.to_datetime(store["period_start"]).astype("datetime64[ns]")
    numeric = [c for c in STORE_COLUMNS if c not in (*TEXT, *INTEGER, *BOOLEAN, "period_start")]
    store[numeric] = store[numeric].astype("float64")
    store["role_order"] = store["area_role"].map(ROLE_ORDER)
    store = store.sort_values(SORT_KEYS, kind="mergesort").drop(columns="role_order")
    return store.reset_index(drop=True)
