"""Checks on loaded data and the ``validate`` report.

:func:`load_source` runs a source's loader on each of its files and applies the sense checks
every source must pass, in this order (each failure is a
:class:`~stp_analytics.errors.DataValidationError` naming file, row, column and problem):

1. the loader returned the observation columns, for indicators of this source only;
2. rows the loader set aside (suppressed values, blanks, closed practices...) are counted;
3. area codes are known to the footprint lookups (:mod:`stp_analytics.data.geography`); codes that
   are legitimately outside England's footprints (Wales, Scotland, combined authorities,
   providers the source's options declare out of scope) are set aside and counted; a source
   with ``successor_codes: map`` (official files) also keeps trust and CCG codes of other years
   that the successor table (``data_catalog/org_successors.csv``) places in one area, counted
   in ``LoadedSource.mapped``;
4. periods are recognised and of one form per indicator;
5. no negative count; no zero denominator; numerator not above denominator for a proportion;
6. no duplicate indicator x area x period x sex.

The ``validate`` report over a whole catalogue is :mod:`stp_analytics.data.validation_report`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stp_analytics.data.catalog_entries import Indicator, Source
from stp_analytics.data.loaders import get_loader
from stp_analytics.data.loaders.common import file_label, period_kind
from stp_analytics.data.official.successors import (
    SUCCESSOR_PART_TYPES,
    extended_lookup,
    load_successors,
    successor_lookup_rows,
)
from stp_analytics.errors import CatalogError, DataValidationError
from stp_analytics.schema import OBSERVATION_COLUMNS

KEY_COLUMNS = ["indicator", "area_type", "area_code", "period", "sex"]
SEXES = ("Persons", "Male", "Female")
AREA_TYPES = ("practice", "ccg", "lad", "utla", "trust", "lsoa", "stp", "icb", "region",
              "england")

#: ONS code prefixes of places outside England, and English geographies the packs do not use
OUTSIDE_ENGLAND = {"W": "Wales", "S": "Scotland", "N": "Northern Ireland", "K": "UK or GB total",
                   "L": "Channel Islands", "M": "Isle of Man"}
ONS_CODE = re.compile(r"[A-Z]\d{8}")
NOT_USED_GEOGRAPHIES = {"E47": "combined authority", "E12": "English region (ONS)",
                        "E13": "Inner/Outer London", "E11": "metropolitan county"}


@dataclass
class LoadedSource:
    """One source after loading and checks."""

    source: Source
    observations: pd.DataFrame  # exactly OBSERVATION_COLUMNS
    set_aside: pd.DataFrame  # source, file, reason, rows, examples
    notes: pd.DataFrame  # KEY_COLUMNS + note
    rows_read: int = 0
    mapped: pd.DataFrame | None = None  # source, file, reason (how), rows, examples: successors


# --------------------------------------------------------------------------- area codes


@functools.lru_cache(maxsize=1)
def known_area_codes() -> dict[str, frozenset[str]]:
    """Area codes per area type from the footprint registry (practice, ccg, lad, utla, trust...)."""
    from stp_analytics.data import geography

    area_set = geography.load_area_set()
    known: dict[str, frozenset[str]] = {"england": frozenset({"E92000001"})}
    known["stp"] = frozenset(area_set.areas["area_code"].astype(str))
    known["icb"] = frozenset(geography.load_area_set("icb2022").areas["area_code"].astype(str))
    known["region"] = frozenset(area_set.areas["region_code"].astype(str))
    for part_type in area_set.part_types:
        if part_type == "practice":  # practices of both QOF years (some closed in between)
            lookups = [area_set.part_lookup("practice", year) for year in ("2016/17", "2017/18")]
            codes = pd.concat([lookup["part_code"] for lookup in lookups])
        else:  # trusts and CCGs of other years too, through the successor table
            codes = extended_lookup(area_set.part_lookup(part_type), part_type)["part_code"]
        known[part_type] = frozenset(codes.astype(str))
    if "lad" in known:  # 2019/2021 mergers: the store maps them to the districts they replaced
        known["lad"] |= frozenset(geography.lad_code_changes()["new_code"].astype(str))
    return known


@functools.lru_cache(maxsize=1)
def successor_codes() -> dict[str, dict[str, str]]:
    """Per area type, the codes known only through the successor table -> how they map
    (e.g. ``{"trust": {"R0D": "through its predecessors' codes"}}``)."""
    from stp_analytics.data import geography

    area_set = geography.load_area_set()
    found: dict[str, dict[str, str]] = {}
    for part_type in SUCCESSOR_PART_TYPES:
        if part_type in area_set.part_types:
            rows = successor_lookup_rows(area_set.part_lookup(part_type), load_successors(),
                                         part_type)
            found[part_type] = dict(zip(rows["part_code"], rows["via"], strict=True))
    return found


def _outside_reason(code: str) -> str | None:
    if not ONS_CODE.fullmatch(code):  # ODS codes (practices, trusts) carry no nation prefix
        return None
    if code[:1] in OUTSIDE_ENGLAND:
        return f"outside England ({OUTSIDE_ENGLAND[code[:1]]})"
    if code[:3] in NOT_USED_GEOGRAPHIES:
        return f"geography not used by the packs ({NOT_USED_GEOGRAPHIES[code[:3]]})"
    return None


def check_area_codes(frame: pd.DataFrame, source: Source, known: dict[str, frozenset[str]]) -> None:
    """Set aside (in place) codes legitimately outside the footprints; error on unknown codes.

    A source may declare ``unknown_area_codes: set_aside`` with an ``unknown_area_reason``
    (e.g. A&E departments of independent providers, which no footprint lookup lists); the share
    of rows set aside that way must stay under ``max_unknown_share`` (default 0.05), so a file
    of wrong codes still fails.
    """
    live = frame["set_aside"] == ""
    for area_type in sorted(frame.loc[live, "area_type"].unique()):
        if area_type not in known:
            continue
        rows = live & (frame["area_type"] == area_type)
        unknown = rows & ~frame["area_code"].isin(known[area_type])
        if not unknown.any():
            continue
        reasons = frame.loc[unknown, "area_code"].map(_outside_reason)
        outside = reasons.notna()
        frame.loc[outside[outside].index, "set_aside"] = reasons[outside]
        rest = unknown & ~frame.index.isin(outside[outside].index)
        if not rest.any():
            continue
        if source.options.get("unknown_area_codes") == "set_aside":
            share = rest.sum() / max(int(rows.sum()), 1)
            limit = float(source.options.get("max_unknown_share", 0.05))
            if share <= limit:
                frame.loc[rest, "set_aside"] = str(source.options.get(
                    "unknown_area_reason", f"{area_type} code not in the footprint lookups"))
                continue
            first = frame.loc[rest].iloc[0]
            raise _row_error(
                frame, first.name,
                f"{rest.sum():,} rows ({share:.0%}) have {area_type} codes not in the footprint "
                f"lookups, more than the {limit:.0%} this source allows (first: "
                f"{first['area_code']!r})", "area_code")
        first = frame.loc[rest].iloc[0]
        raise _row_error(frame, first.name,
                         f"unknown {area_type} code {first['area_code']!r} (not in the footprint "
                         "lookups for England's 44 footprints)", "area_code")


# --------------------------------------------------------------------------- row checks


def _row_error(
    frame: pd.DataFrame, index: object, problem: str, column: str | None
) -> DataValidationError:
    row = frame.at[index, "source_row"]
    return DataValidationError(
        problem,
        file=str(frame.at[index, "source_file"]),
        row=None if pd.isna(row) else int(row),
        column=column,
    )


def _first(mask: pd.Series) -> object:
    return mask[mask].index[0]


def check_rows(frame: pd.DataFrame, indicators: dict[str, Indicator]) -> None:
    """Periods, sexes, negative counts, zero denominators, numerator > denominator, duplicates."""
    bad_type = ~frame["area_type"].isin(AREA_TYPES)
    if bad_type.any():
        index = _first(bad_type)
        raise _row_error(frame, index, f"area type {frame.at[index, 'area_type']!r} is not one of "
                         f"{', '.join(AREA_TYPES)} (check the source's area_type option)",
                         "area_type")
    for indicator_id, rows in frame.groupby("indicator", sort=True):
        indicator = indicators[indicator_id]
        _check_periods(frame, rows, indicator)
        bad_sex = ~rows["sex"].isin(SEXES)
        if bad_sex.any():
            index = _first(bad_sex)
            raise _row_error(frame, index, f"sex {rows.at[index, 'sex']!r} for {indicator_id}; "
                             f"expected one of {', '.join(SEXES)}", "sex")
        if not indicator.allow_negative:
            for name in ("numerator", "denominator"):
                negative = rows[name] < 0
                if negative.any():
                    index = _first(negative)
                    raise _row_error(frame, index, f"negative count {rows.at[index, name]:g} in "
                                     f"{name} of {indicator_id} (counts cannot be below zero)",
                                     name)
        zero = (rows["denominator"] == 0) & rows["numerator"].notna()
        if zero.any():
            index = _first(zero)
            raise _row_error(frame, index, f"denominator is zero for {indicator_id} "
                             f"({rows.at[index, 'area_code']}, {rows.at[index, 'period']}); "
                             "a rate or proportion needs a denominator above zero", "denominator")
        if indicator.statistic == "proportion":
            above = rows["numerator"] > rows["denominator"]
            if above.any():
                index = _first(above)
                raise _row_error(
                    frame, index,
                    f"numerator {rows.at[index, 'numerator']:g} is above denominator "
                    f"{rows.at[index, 'denominator']:g} for the proportion {indicator_id}",
                    "numerator")
    duplicated = frame.duplicated(KEY_COLUMNS, keep=False)
    if duplicated.any():
        first = frame[duplicated].sort_values("source_row").iloc[0]
        twins = frame[duplicated & (frame[KEY_COLUMNS] == first[KEY_COLUMNS]).all(axis=1)]
        rows = ", ".join(str(int(r)) for r in twins["source_row"].dropna())
        raise _row_error(frame, first.name,
                         f"duplicate key: {first['indicator']} {first['area_code']} "
                         f"{first['period']} {first['sex']} appears more than once (rows {rows})",
                         "area_code")


def _check_periods(frame: pd.DataFrame, rows: pd.DataFrame, indicator: Indicator) -> None:
    labels = rows["period"].drop_duplicates()
    kinds = {label: period_kind(label, indicator.frequency) for label in labels}
    unknown = [label for label, kind in kinds.items() if kind is None]
    if unknown:
        index = _first(rows["period"] == unknown[0])
        expected = ('"YYYY-MM"' if indicator.frequency == "monthly"
                    else '"YYYY/YY", "YYYY" or "YYYY-YY"')
        raise _row_error(frame, index, f"period {unknown[0]!r} of {indicator.id} is not "
                         f"recognised; expected {expected} ({indicator.frequency})", "period")
    if len(set(kinds.values())) > 1:
        ordered = rows.sort_values("source_row", kind="stable")
        first_index = ordered.index[0]
        expected = kinds[ordered.at[first_index, "period"]]
        odd = ordered["period"].map(kinds) != expected
        index = odd[odd].index[0]
        raise _row_error(
            frame, index,
            f"periods of {indicator.id} are in mixed formats: "
            f"{ordered.at[first_index, 'period']!r} ({expected}, {_row_text(frame, first_index)}) "
            f"and {frame.at[index, 'period']!r} ({kinds[frame.at[index, 'period']]}, "
            f"{_row_text(frame, index)}); use one form throughout", "period")


def _row_text(frame: pd.DataFrame, index: object) -> str:
    row = frame.at[index, "source_row"]
    return "row ?" if pd.isna(row) else f"row {int(row)}"


# --------------------------------------------------------------------------- loading


def _run_loader(source: Source, indicators: list[Indicator]) -> pd.DataFrame:
    loader = get_loader(source.loader)
    frames = []
    for view in source.per_file():
        path = view.path
        if not path.exists():
            raise DataValidationError(
                f"source {source.id!r} points at a file that does not exist: {path}",
                file=file_label(path))
        frame = loader(path, view, indicators)
        missing = [c for c in OBSERVATION_COLUMNS if c not in frame.columns]
        if missing:
            raise CatalogError(
                f"loader {source.loader!r} returned no column(s) {', '.join(missing)}")
        frame = frame.copy()
        for column in ("source_row", "set_aside", "note"):
            if column not in frame.columns:
                frame[column] = np.nan if column == "source_row" else ""
        frame["source_file"] = file_label(path)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def load_source(source: Source, indicators: list[Indicator],
                known: dict[str, frozenset[str]] | None = None) -> LoadedSource:
    """Load one source with its loader and run every check; see the module docstring."""
    frame = _run_loader(source, indicators)
    by_id = {indicator.id: indicator for indicator in indicators}
    strangers = sorted(set(frame["indicator"]) - set(by_id))
    if strangers:
        raise CatalogError(f"loader {source.loader!r} of source {source.id!r} returned rows for "
                           f"indicator(s) not linked to this source: {', '.join(strangers)}")
    frame["set_aside"] = frame["set_aside"].fillna("").astype(str)
    mapping = source.options.get("successor_codes") == "map"
    if known is None:
        known = known_area_codes_or_none()
        if known is not None and not mapping:  # the successor table only where asked
            known = {area_type: codes - set(successor_codes().get(area_type, {}))
                     for area_type, codes in known.items()}
    if known is not None:
        check_area_codes(frame, source, known)
    kept = frame[frame["set_aside"] == ""]
    check_rows(kept, by_id)
    aside = frame[frame["set_aside"] != ""]
    notes = kept.loc[kept["note"].fillna("") != "", KEY_COLUMNS + ["note"]].reset_index(drop=True)
    return LoadedSource(
        source=source,
        observations=_tidy(kept),
        set_aside=_summarise_set_aside(source, aside),
        notes=notes,
        rows_read=len(frame),
        mapped=_summarise_successors(source, kept, known is not None and mapping),
    )


def _summarise_successors(source: Source, kept: pd.DataFrame, checked: bool) -> pd.DataFrame:
    """Rows kept whose trust or CCG code the lookups know only through the successor table,
    counted per file and how they map (same columns as the set-aside summary)."""
    how = pd.Series("", index=kept.index, dtype="object")
    if checked and not kept.empty:
        for area_type, codes in successor_codes().items():
            rows = kept["area_type"].eq(area_type)
            how[rows] = kept.loc[rows, "area_code"].map(codes).fillna("")
    mapped = kept.assign(set_aside=how)
    return _summarise_set_aside(source, mapped[how != ""])


def known_area_codes_or_none() -> dict[str, frozenset[str]] | None:
    """:func:`known_area_codes`, or None when the footprint registry cannot be imported."""
    try:
        return known_area_codes()
    except ImportError:
        return None


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    result = frame[list(OBSERVATION_COLUMNS)].reset_index(drop=True)
    for column in ("numerator", "denominator", "value", "lower", "upper"):
        result[column] = result[column].astype("float64")
    for column in ("indicator", "area_type", "area_code", "period", "sex"):
        result[column] = result[column].astype(str)
    return result


def _summarise_set_aside(source: Source, aside: pd.DataFrame) -> pd.DataFrame:
    columns = ["source", "file", "reason", "rows", "examples"]
    if aside.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "rows" else str) for c in columns})
    records = []
    for (file, reason), group in aside.groupby(["source_file", "set_aside"], sort=True):
        rows = len(group)  # observation rows (a file row can hold several indicators)
        examples = ", ".join(sorted(group["area_code"].astype(str).unique())[:5])
        records.append((source.id, file, reason, int(rows), examples))
    return pd.DataFrame.from_records(records, columns=columns)
