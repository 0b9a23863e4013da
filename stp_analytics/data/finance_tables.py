"""The three finance sources as tables, keyed by organisation NAME in the raw files and matched
to codes (the catalogue loaders in ``data/loaders/finance_sources.py`` turn them into
observations).

* ``ccg_allocations``: NHSSpend copy of NHS England's CCG core allocations (2016 CCG structure,
  year not stated in the source) -> CCG codes by name (ONS April 2016 CCG names, then ONS
  April 2017 names), ``&`` read as ``and``, 3 hand matches (``data_catalog/name_matches``).
* ``trust_financial_performance``: NHS Improvement 2018/19 trust surplus/deficit, plan and
  actual (£k) -> ODS codes through the Health Foundation acute trust lookup names.
* ``trust_loans``: BBC compilation of DHSC interim revenue support loans outstanding (£) for
  2016/17-2018/19 -> ODS codes the same way.

The defects listed in ``data_catalog/SOURCES.md`` are handled here, explicitly:
shifted allocation headers (checked arithmetically, then renamed); the duplicated
"NHS Leicester City CCG" row (the copy repeating another CCG's values is set aside); the missing
Newcastle Gateshead CCG (reported by :func:`ccg_allocation_coverage`); the two "Great Western
Hospitals" rows whose values repeat other trusts' (both set aside); "N/A" loans (no loan: £0).
Every name's outcome is in the ``*_matches`` tables; nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data import name_matching as nm
from stp_analytics.data.loaders.common import (
    file_label,
    read_csv_checked,
    to_number,
)
from stp_analytics.errors import DataValidationError
from stp_analytics.paths import sources_dir

ALLOCATIONS_FILE = "NHSSpend_ccg_allocations.csv.gz"
PERFORMANCE_FILE = "NHSSpend_trust_performance_2018_19.csv.gz"
LOANS_FILE = "BBC_NHS_loans_ALL_TRUSTS_sheet.csv.gz"
CCG16_FILE = "ONS_LSOA11_CCG16_LAD16_lookup_April2016.csv.gz"
CCG17_FILE = "ONS_CCG17_to_STP17_lookup_April2017_v3.csv.gz"

#: raw allocation header -> meaning. SOURCES.md: the last two headers are shifted.
ALLOCATION_COLUMNS = {
    "CCG": "source_name",
    "Opening DfT": "opening_dft_pct",
    "Final allocation": "allocation_gbp_k",
    "Final growth": "allocation_growth_pct",
    "Per capita allocation": "allocation_per_head_gbp",
    "Final per capita growth": "closing_dft_pct",  # really the closing distance from target
    "Final closing DfT": "population",  # really the population
}
PERFORMANCE_PERIOD = "2018/19"
LOAN_YEARS = {
    "loans_outstanding_2016_17_gbp": "2016/17",
    "loans_outstanding_2017_18_gbp": "2017/18",
    "loans_outstanding_2018_19_gbp": "2018/19",
}
#: the allocation year is not stated in the source (SOURCES.md); the catalogue may override it
DEFAULT_ALLOCATION_PERIOD = "2017/18"
NOT_ACUTE = (
    "not in the Health Foundation acute trust lookup (mental health, community, ambulance or "
    "specialist trust, or a trust without a row there): no ODS code or footprint from the data"
)


def _path(file_name: str, path: Path | None) -> Path:
    return Path(path) if path is not None else sources_dir() / file_name


def _percent(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """A "1.54%" text column as the number 1.54 (percent)."""
    text = frame[column].astype(str).str.strip().str.rstrip("%")
    return to_number(frame.assign(**{column: text}), column, path)


# --------------------------------------------------------------------------------------------
# reference lists
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def ccg16_lsoas() -> pd.DataFrame:
    """ONS LSOA11 -> CCG16 (April 2016): lsoa_code, ccg16_code, ccg16_name."""
    frame = read_csv_checked(sources_dir() / CCG16_FILE, ["LSOA11CD", "CCG16CD", "CCG16NM"])
    return frame.rename(
        columns={"LSOA11CD": "lsoa_code", "CCG16CD": "ccg16_code", "CCG16NM": "ccg16_name"}
    )[["lsoa_code", "ccg16_code", "ccg16_name"]]


@lru_cache(maxsize=1)
def ccg_reference() -> pd.DataFrame:
    """CCG names to match against: every April 2016 CCG, then April 2017 CCGs whose names are new.

    The allocation file has the 2016 structure, so 2016 names come first; a 2017 CCG is added
    only when its normalised name is not a 2016 name (Norwich and South Norfolk kept their
    names but changed codes in 2017, and must keep their 2016 codes here).
    """
    ccg16 = ccg16_lsoas()[["ccg16_code", "ccg16_name"]].drop_duplicates()
    ccg16.columns = ["code", "name"]
    ccg17 = read_csv_checked(sources_dir() / CCG17_FILE, ["CCG17CD", "CCG17NM"])
    ccg17 = ccg17.rename(columns={"CCG17CD": "code", "CCG17NM": "name"})[["code", "name"]]
    known = set(ccg16["name"].map(nm.normalise_name))
    new = ccg17[~ccg17["name"].map(nm.normalise_name).isin(known)]
    new = new[~new["code"].isin(ccg16["code"])]
    return pd.concat([ccg16, new], ignore_index=True).sort_values("code", ignore_index=True)


@lru_cache(maxsize=1)
def trust_reference() -> pd.DataFrame:
    """Trust names to match against: the stp2017 trust lookup (Health Foundation + 3 merged)."""
    from stp_analytics.data.geography import load_area_set

    trusts = load_area_set("stp2017").part_lookup("trust")
    trusts = trusts[["part_code", "part_name"]].drop_duplicates("part_code")
    return trusts.rename(columns={"part_code": "code", "part_name": "name"}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# CCG allocations
# --------------------------------------------------------------------------------------------


def _check_shifted_headers(frame: pd.DataFrame, path: Path) -> None:
    """Prove the header shift: allocation (£k) x 1000 / "Final closing DfT" = per-capita £."""
    implied = frame["allocation_gbp_k"] * 1000.0 / frame["population"]
    off = (implied - frame["allocation_per_head_gbp"]).abs() > 1.0
    if off.any():
        row = int(frame["source_row"][off].iloc[0])
        raise DataValidationError(
            "'Final closing DfT' is no longer the population (allocation x 1000 / it differs "
            "from 'Per capita allocation' by more than £1): the header shift described in "
            "SOURCES.md has changed; review the allocation loader",
            file=file_label(path),
            row=row,
            column="Final closing DfT",
        )


def _set_aside_repeated_rows(
    frame: pd.DataFrame, value_columns: list[str], file: str
) -> pd.Series:
    """For names that occur more than once, the reason to set aside each copy ("" to keep).

    A copy whose values exactly repeat another organisation's row is a copying error and set
    aside; so is a copy whose last (main) value is non-zero and equals another organisation's.
    If every copy of a name repeats someone else's values, all are set aside (the
    organisation's figures are not in the file); if more than one copy survives, that is an
    error the loader cannot resolve.
    """
    reasons = pd.Series("", index=frame.index)
    names = frame["source_name"].str.strip()
    for name in sorted(names[names.duplicated()].unique()):
        copies = frame.index[names == name]
        for index in copies:
            values = frame.loc[index, value_columns]
            others = frame.drop(index=copies)
            same = (others[value_columns] == values).all(axis=1)
            if len(value_columns) > 1 and not same.any() and values.iloc[-1] != 0:
                same = others[value_columns[-1]] == values.iloc[-1]
            if same.any():
                twin = others[same].iloc[0]
                reasons[index] = (
                    f"duplicated name; its values repeat row {int(twin['source_row'])}, "
                    f"{twin['source_name'].strip()}: a copying error in the source "
                    "(SOURCES.md), set aside"
                )
        kept = [index for index in copies if not reasons[index]]
        if len(kept) > 1:
            raise DataValidationError(
                f"name {name!r} occurs {len(copies)} times with different values; expected one",
                file=file,
                row=int(frame.loc[kept[1], "source_row"]),
            )
    return reasons


def _match_codes(
    frame: pd.DataFrame,
    path: Path,
    hand_file: str,
    reference: Callable[[], pd.DataFrame],
    code_column: str,
    unmatched_set_aside: str,
    **match_options: str,
) -> pd.DataFrame:
    """A copy of ``frame`` with each source name's code, match method and reason.

    The hand matches (``data_catalog/name_matches/<hand_file>``) are checked against the
    reference and against the names first; a name left unmatched sets its row aside with
    ``unmatched_set_aside`` unless it is already set aside. ``match_options`` go to
    :func:`~stp_analytics.data.name_matching.match_names`.
    """
    hand = nm.read_hand_matches(hand_file)
    names = reference()
    nm.check_hand_matches(hand, names, hand_file)
    nm.unused_hand_matches(hand, frame["source_name"], hand_file)
    matches = nm.match_names(
        frame["source_name"],
        names,
        hand,
        source_file=file_label(path),
        source_rows=frame["source_row"],
        **match_options,
    )
    frame = frame.copy()
    frame[code_column] = matches["code"].to_numpy()
    frame["match_method"] = matches["method"].to_numpy()
    frame["match_reason"] = matches["reason"].to_numpy()
    unmatched = (frame["match_method"] == "unmatched") & (frame["set_aside"] == "")
    frame.loc[unmatched, "set_aside"] = unmatched_set_aside
    return frame


@lru_cache(maxsize=4)
def _allocation_rows(path_text: str) -> pd.DataFrame:
    path = Path(path_text)
    raw = read_csv_checked(path, list(ALLOCATION_COLUMNS))
    frame = raw[[*ALLOCATION_COLUMNS, "source_row"]].rename(columns=ALLOCATION_COLUMNS)
    for column in ("allocation_gbp_k", "allocation_per_head_gbp", "population"):
        source_column = next(k for k, v in ALLOCATION_COLUMNS.items() if v == column)
        frame[column] = to_number(raw, source_column, path)
    for column in ("opening_dft_pct", "allocation_growth_pct", "closing_dft_pct"):
        source_column = next(k for k, v in ALLOCATION_COLUMNS.items() if v == column)
        frame[column] = _percent(raw, source_column, path)
    _check_shifted_headers(frame, path)
    value_columns = ["closing_dft_pct", "population", "allocation_gbp_k"]
    frame["set_aside"] = _set_aside_repeated_rows(frame, value_columns, file_label(path))
    frame = _match_codes(
        frame,
        path,
        "ccg_allocations.csv",
        ccg_reference,
        "ccg_code",
        "CCG name not matched to a code; see stp-packs finance --matches",
    )
    frame["allocation_gbp"] = frame["allocation_gbp_k"] * 1000.0
    return frame


def ccg_allocation_table(path: Path | None = None) -> pd.DataFrame:
    """One row per source row: names, codes, match method, £ allocation, population, DfT (%).

    ``set_aside`` is non-empty for rows not to be used (with the reason).
    """
    return _allocation_rows(str(_path(ALLOCATIONS_FILE, path))).copy()


def _match_report(
    table: pd.DataFrame, code_column: str, path: Path, reference: pd.DataFrame
) -> pd.DataFrame:
    """Each row's name -> code outcome (MATCH_COLUMNS); a row set aside as a duplicate says so."""
    duplicate = table["set_aside"].where(table["set_aside"].str.startswith("duplicated"), "")
    report = pd.DataFrame(
        {"source_row": table["source_row"], "source_name": table["source_name"].str.strip()}
    )
    report.insert(0, "source_file", file_label(path))
    report["code"] = table[code_column].to_numpy()
    names = dict(zip(reference["code"], reference["name"], strict=True))
    report["reference_name"] = report["code"].map(names).fillna("")
    report["method"] = np.where(duplicate != "", "set_aside", table["match_method"])
    report["reason"] = np.where(duplicate != "", duplicate, table["match_reason"])
    return report[list(nm.MATCH_COLUMNS)].reset_index(drop=True)


def ccg_allocation_matches(path: Path | None = None) -> pd.DataFrame:
    """Every allocation row's name -> CCG code outcome (MATCH_COLUMNS)."""
    return _match_report(
        ccg_allocation_table(path), "ccg_code", _path(ALLOCATIONS_FILE, path), ccg_reference()
    )


def ccg_allocation_coverage(path: Path | None = None) -> pd.DataFrame:
    """April 2016 CCGs with no usable allocation row (SOURCES.md: Newcastle Gateshead)."""
    table = ccg_allocation_table(path)
    used = set(table.loc[table["set_aside"] == "", "ccg_code"])
    ccg16 = ccg16_lsoas()[["ccg16_code", "ccg16_name"]].drop_duplicates()
    missing = ccg16[~ccg16["ccg16_code"].isin(used)]
    return missing.rename(columns={"ccg16_code": "code", "ccg16_name": "name"}).sort_values(
        "code", ignore_index=True
    )


# --------------------------------------------------------------------------------------------
# trusts: performance and loans
# --------------------------------------------------------------------------------------------


def _match_trusts(frame: pd.DataFrame, path: Path, hand_file: str) -> pd.DataFrame:
    return _match_codes(
        frame,
        path,
        hand_file,
        trust_reference,
        "trust_code",
        "trust name not matched to an acute trust in the trust lookup (mental health, community, "
        "ambulance or specialist trust): no footprint; see stp-packs finance --matches",
        unmatched_reason=NOT_ACUTE,
    )


@lru_cache(maxsize=4)
def _performance_rows(path_text: str) -> pd.DataFrame:
    path = Path(path_text)
    raw = read_csv_checked(path, ["trustname", "plan", "actual"])
    frame = pd.DataFrame(
        {
            "source_row": raw["source_row"],
            "source_name": raw["trustname"].str.strip().str.lstrip("*").str.strip(),
            "plan_gbp_k": to_number(raw, "plan", path),
            "actual_gbp_k": to_number(raw, "actual", path),
        }
    )
    frame["set_aside"] = _set_aside_repeated_rows(
        frame, ["plan_gbp_k", "actual_gbp_k"], file_label(path)
    )
    # hand-match tables are keyed by the raw (stripped) name
    frame["source_name"] = raw["trustname"].str.strip()
    return _match_trusts(frame, path, "trust_performance.csv")


def trust_performance_table(path: Path | None = None) -> pd.DataFrame:
    """One row per source row: trust name, ODS code, match method, plan and actual (£k)."""
    return _performance_rows(str(_path(PERFORMANCE_FILE, path))).copy()


@lru_cache(maxsize=4)
def _loan_rows(path_text: str) -> pd.DataFrame:
    path = Path(path_text)
    raw = read_csv_checked(path, ["org_name", *LOAN_YEARS])
    frame = pd.DataFrame({"source_row": raw["source_row"], "source_name": raw["org_name"]})
    for column in LOAN_YEARS:
        # SOURCES.md: "N/A" means no loan
        frame[column] = to_number(raw, column, path).fillna(0.0)
    frame["set_aside"] = _set_aside_repeated_rows(frame, list(LOAN_YEARS), file_label(path))
    return _match_trusts(frame, path, "trust_loans.csv")


def trust_loans_table(path: Path | None = None) -> pd.DataFrame:
    """One row per source row: trust name, ODS code, match method, loans outstanding (£)."""
    return _loan_rows(str(_path(LOANS_FILE, path))).copy()


def _trust_matches(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    return _match_report(table, "trust_code", path, trust_reference())


def trust_performance_matches(path: Path | None = None) -> pd.DataFrame:
    """Every trust performance row's name -> ODS code outcome (MATCH_COLUMNS)."""
    return _trust_matches(trust_performance_table(path), _path(PERFORMANCE_FILE, path))


def trust_loan_matches(path: Path | None = None) -> pd.DataFrame:
    """Every loans row's name -> ODS code outcome (MATCH_COLUMNS)."""
    return _trust_matches(trust_loans_table(path), _path(LOANS_FILE, path))


def all_matches() -> pd.DataFrame:
    """The match tables of the three finance sources, one after the other."""
    return pd.concat(
        [ccg_allocation_matches(), trust_performance_matches(), trust_loan_matches()],
        ignore_index=True,
    )


def missing_from_source(kind: str) -> pd.DataFrame:
    """Reference organisations with no usable row in a source: kind = ccg | performance | loans.

    For loans, a trust absent from the list had no DHSC interim revenue support loan listed.
    """
    if kind == "ccg":
        return ccg_allocation_coverage()
    table = {"performance": trust_performance_table, "loans": trust_loans_table}[kind]()
    used = set(table.loc[table["set_aside"] == "", "trust_code"])
    reference = trust_reference()
    return reference[~reference["code"].isin(used)].sort_values("code", ignore_index=True)


def combine_by_code(table: pd.DataFrame, value_columns: list[str]) -> pd.DataFrame:
    """Usable rows summed per ODS code (a renamed or merged trust listed under two names in
    different years, e.g. Plymouth Hospitals / University Hospitals Plymouth), then the
    set-aside rows unchanged, so that each code has one row per period."""
    used = table[table["set_aside"] == ""]
    combined = used.groupby("trust_code", as_index=False).agg(
        {**{column: "sum" for column in value_columns}, "source_row": "min"}
    )
    combined["set_aside"] = ""
    aside = table.loc[table["set_aside"] != "", ["trust_code", *value_columns, "source_row",
                                                 "set_aside"]]
    return pd.concat([combined, aside], ignore_index=True)
