"""The health chapter's national tables, computed once per build and cached beside the store.

Issue 20 items 3 and 4 need every practice of England (national deprivation quintiles) and the
PHE simulation for each area's SII confidence interval: about 15 s on this machine for both
indicators and all 44 footprints, too slow for every pack kernel. :func:`build_health_tables`
computes, for every area of an area set and England:

* ``quantiles``: each practice-level indicator of :data:`INEQUALITY_INDICATORS` by national
  deprivation quintile (:func:`metrics.inequality.quantile_proportions`);
* ``sii``: the slope and relative index of inequality of each (:func:`metrics.inequality.
  area_sii`, fitted on the quintiles that have practices when at least :data:`MIN_QUANTILES`
  do, with a note naming the one left out);
* ``detection``: the diabetes detection gap (:func:`metrics.detection.detection_gap`, NCVIN
  :data:`NCVIN_YEAR` against QOF :data:`PRACTICE_YEAR`).

:func:`load_or_build_health_tables` caches them as parquet files in
``<cache_dir>/health-<area_set>-<hash>/`` (hash of the store's inputs, the three extra source
files and this code), atomically, and keeps them in memory so the kernel warm-up loads them once
per worker and every forked kernel inherits them.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock

from stp_analytics.data.files import atomic_path
from stp_analytics.data.loaders.ncvin import (
    LSOA_CCG16_FILE,
    NCVIN_DIABETES_FILE,
    read_lsoa_ccg16,
    read_ncvin_diabetes,
)
from stp_analytics.data.loaders.practice_imd import PRACTICE_IMD_FILE, read_practice_imd
from stp_analytics.errors import DataValidationError, StpPacksError
from stp_analytics.metrics import detection, inequality
from stp_analytics.metrics.cache import as_catalog, store_hash
from stp_analytics.paths import outputs_dir, sources_dir

#: practice-level indicator -> the period whose practices are put in quintiles
INEQUALITY_INDICATORS: dict[str, str] = {
    "qof_diabetes_prevalence": "2017/18",
    "cervical_screening_25_49": "2017",
}
#: the QOF practice list (and practice -> area lookup) the tables use
PRACTICE_YEAR = "2017/18"
#: the NCVIN model year compared with QOF 2017/18
NCVIN_YEAR = 2017
#: an area with practices in at least this many quintiles gets an SII (fitted on those)
MIN_QUANTILES = 4
TABLES = ("quantiles", "sii", "detection")
EXTRA_FILES = (PRACTICE_IMD_FILE, NCVIN_DIABETES_FILE, LSOA_CCG16_FILE)

_MEMORY: dict[Path, dict[str, pd.DataFrame]] = {}
_FAILED: dict[Path, Exception] = {}


def practice_counts(catalog: Any, indicator: str, period: str) -> pd.DataFrame:
    """``practice_code, numerator, denominator`` of one practice-level indicator and period."""
    observations = as_catalog(catalog).observations(indicator)
    rows = observations[(observations["period"] == period)
                        & (observations["area_type"] == "practice")]
    return rows.rename(columns={"area_code": "practice_code"})[
        ["practice_code", "numerator", "denominator"]].reset_index(drop=True)


def _practice_lookup(areas: Any) -> pd.DataFrame:
    return areas.part_lookup("practice", PRACTICE_YEAR).rename(
        columns={"part_code": "practice_code"})[["practice_code", "area_code"]]


def inequality_tables(catalog: Any, areas: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(quintile table, SII table) of every indicator of :data:`INEQUALITY_INDICATORS`, each
    with an ``indicator`` column first, for every area of ``areas`` (an AreaSet) and England."""
    scores = read_practice_imd(sources_dir() / PRACTICE_IMD_FILE)
    lookup = _practice_lookup(areas)
    quantiles, fits = [], []
    for indicator, period in INEQUALITY_INDICATORS.items():
        counts = practice_counts(catalog, indicator, period)
        table = inequality.quantile_proportions(counts, scores, lookup)
        quantiles.append(table.assign(indicator=indicator, period=period))
        fit = inequality.area_sii(table, min_quantiles=MIN_QUANTILES)
        fits.append(fit.assign(indicator=indicator, period=period))
    return _indicator_first(pd.concat(quantiles)), _indicator_first(pd.concat(fits))


def _indicator_first(frame: pd.DataFrame) -> pd.DataFrame:
    order = ["indicator", "period", *[c for c in frame.columns if c not in ("indicator",
                                                                            "period")]]
    return frame[order].reset_index(drop=True)


def detection_table(catalog: Any, areas: Any) -> pd.DataFrame:
    """The diabetes detection gap of every area of ``areas`` and England."""
    lsoa = areas.part_lookup("lsoa").rename(columns={"part_code": "lsoa_code"})
    shares = detection.ccg_area_shares(read_lsoa_ccg16(sources_dir() / LSOA_CCG16_FILE), lsoa)
    estimated = detection.estimated_by_area(
        read_ncvin_diabetes(sources_dir() / NCVIN_DIABETES_FILE), shares, NCVIN_YEAR)
    counts = practice_counts(catalog, "qof_diabetes_prevalence", PRACTICE_YEAR)
    recorded = detection.recorded_by_area(counts, _practice_lookup(areas))
    return detection.detection_gap(estimated, recorded)


def build_health_tables(catalog: Any, area_set: str = "stp2017") -> dict[str, pd.DataFrame]:
    """``{"quantiles", "sii", "detection"}`` for every area of ``area_set`` (see module)."""
    from stp_analytics.data.geography import load_area_set

    catalog = as_catalog(catalog)
    areas = load_area_set(area_set)
    quantiles, sii = inequality_tables(catalog, areas)
    return {"quantiles": quantiles, "sii": sii, "detection": detection_table(catalog, areas)}


def health_tables_key(catalog: Any, area_set: str) -> str:
    """Hash of the store's inputs (:func:`store_hash`) and the three extra source files."""
    digest = hashlib.sha256(store_hash(catalog, area_set).encode())
    for name in EXTRA_FILES:
        digest.update(f"\n{name}\n".encode())
        digest.update((sources_dir() / name).read_bytes())
    return digest.hexdigest()[:16]


def load_or_build_health_tables(
    catalog: Any = None, area_set: str = "stp2017", cache_dir: str | os.PathLike | None = None,
    *, build: bool = True,
) -> dict[str, pd.DataFrame]:
    """The health tables from ``<cache_dir>/health-<area_set>-<key>/`` (memory first), built and
    written (atomically, one parquet per table) when absent. ``cache_dir`` defaults to the
    store's (``outputs/.cache``). With ``build=False`` absent tables raise
    :class:`DataValidationError` instead of being computed."""
    catalog = as_catalog(catalog)
    folder = Path(cache_dir) if cache_dir is not None else outputs_dir() / ".cache"
    target = folder / f"health-{area_set}-{health_tables_key(catalog, area_set)}"
    if target in _MEMORY:
        return _MEMORY[target]
    if target in _FAILED:  # failed in this process (or the warm-up a kernel forked from)
        raise _FAILED[target]
    files = {name: target / f"{name}.parquet" for name in TABLES}
    if not all(path.is_file() for path in files.values()):  # cached: read without a lock file
        if not build:
            raise DataValidationError("health tables not computed for this store yet",
                                      file=str(target))
        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{target}.lock"):  # two build workers: one computes, the other waits
            if not all(path.is_file() for path in files.values()):
                try:
                    tables = build_health_tables(catalog, area_set)
                except (StpPacksError, LookupError, ValueError) as error:
                    _FAILED[target] = error
                    raise
                target.mkdir(parents=True, exist_ok=True)
                for name, path in files.items():
                    with atomic_path(path) as temp:
                        tables[name].to_parquet(temp, index=False)
    tables = {name: pd.read_parquet(path) for name, path in files.items()}
    _MEMORY[target] = tables
    return tables
