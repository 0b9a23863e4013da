"""Derive the shipped area-set lookup files (stp2017, ccg2017, icb2022) from the raw files.

Run ``python -m stp_analytics.data.geography`` to rewrite ``data_catalog/areas/<set>/*.csv``;
``tests/test_area_sets.py`` checks that the committed files equal a fresh derivation. Methods
(also in ``data_catalog/areas/README.md``):

* areas: ONS CCG17 -> STP17 lookup (codes, names) and ONS CCG17 -> NHSER17 (region);
* lsoa: ONS LSOA11 -> CCG17 -> STP17 lookup, share 1;
* lad: a district split across areas is apportioned by its share of LSOAs in each area;
* utla: county (E10) or unitary/metropolitan/London district; share = LAD shares weighted by the
  LAD's ONS mid-2017 population;
* practice (2017/18): the QOF 2017-18 CCG when it is an April 2017 CCG, else the practice's
  QOF 2016-17 CCG (CCGs merged in April 2018), else the CCG named in PHE's December 2017 cervical
  screening file; practice (2016/17): the QOF 2016-17 CCG;
* trust (stp2017 only): Health Foundation lookup plus RW3, RM2 -> E54000007 and RQQ -> E54000021.

The icb2022 files are derived by :mod:`stp_analytics.data.geography.icb_derive`.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from stp_analytics.data.files import write_atomic
from stp_analytics.data.geography import sources
from stp_analytics.data.geography.lookup import normalise_name
from stp_analytics.errors import DataValidationError
from stp_analytics.paths import data_catalog_dir

LOOKUP_COLUMNS = ["part_code", "part_name", "area_code", "share"]
AREA_COLUMNS = ["area_code", "area_name", "region_code", "region_name"]

#: Trusts the Health Foundation lookup lacks because they merged in 2017 (SOURCES.md, section A).
EXTRA_TRUSTS = pd.DataFrame(
    [
        ("RM2", "University Hospital of South Manchester NHS Foundation Trust", "E54000007"),
        ("RQQ", "Hinchingbrooke Health Care NHS Trust", "E54000021"),
        ("RW3", "Central Manchester University Hospitals NHS Foundation Trust", "E54000007"),
    ],
    columns=["trust_code", "trust_name", "stp_code"],
)

#: level -> column of the LSOA lookup holding the area code at that level
LEVEL_COLUMN = {"stp2017": "stp_code", "ccg2017": "ccg_code"}
#: every area set whose files ``main`` derives (icb2022: see icb_derive.py)
SHIPPED_SETS = ("ccg2017", "icb2022", "stp2017")


def _whole(frame: pd.DataFrame, code: str, name: str, area: str) -> pd.DataFrame:
    """A lookup in which every part lies wholly in one area (share 1)."""
    lookup = frame[[code, name, area]].drop_duplicates()
    lookup.columns = LOOKUP_COLUMNS[:3]
    return lookup.assign(share=1.0)


def _tidy(lookup: pd.DataFrame) -> pd.DataFrame:
    """Columns in contract order, rows sorted by part then area."""
    return lookup[LOOKUP_COLUMNS].sort_values(["part_code", "area_code"], ignore_index=True)


def area_table(area_set: str) -> pd.DataFrame:
    """The areas of a shipped set with their NHS England region (from the ONS CCG lookups)."""
    ccgs = sources.ccg_lookup()
    if area_set == "ccg2017":
        areas = ccgs.rename(columns={"ccg_code": "area_code", "ccg_name": "area_name"})
    else:
        areas = ccgs.rename(columns={"stp_code": "area_code", "stp_name": "area_name"})
        regions_per_area = areas.groupby("area_code")["region_code"].nunique()
        if (regions_per_area > 1).any():
            raise DataValidationError(
                f"STP {regions_per_area.idxmax()} spans two NHS England regions",
                file=sources.CCG_REGION_FILE,
            )
    areas = areas[AREA_COLUMNS].drop_duplicates()
    return areas.sort_values("area_code", ignore_index=True)


def lsoa_parts(area_set: str) -> pd.DataFrame:
    """LSOA11 -> area, share 1."""
    lsoas = sources.lsoa_lookup()
    return _tidy(_whole(lsoas, "lsoa_code", "lsoa_name", LEVEL_COLUMN[area_set]))


def lad_parts(area_set: str) -> pd.DataFrame:
    """LAD17 -> area, share = the district's share of its LSOAs that lie in the area."""
    lsoas = sources.lsoa_lookup()
    level = LEVEL_COLUMN[area_set]
    counts = lsoas.groupby(["lad_code", "lad_name", level]).size().rename("lsoas").reset_index()
    counts["share"] = counts["lsoas"] / counts.groupby("lad_code")["lsoas"].transform("sum")
    lookup = counts.rename(
        columns={"lad_code": "part_code", "lad_name": "part_name", level: "area_code"}
    )
    return _tidy(lookup)


def lad_to_utla() -> pd.DataFrame:
    """LAD17 -> upper-tier LA: its county (E10) for a two-tier district, else itself."""
    lsoas = sources.lsoa_lookup()
    lads = lsoas[["lad_code", "lad_name"]].drop_duplicates()
    counties = sources.lad_county_lookup()
    counties = counties[counties["county_code"].str.startswith("E10")]
    lads = lads.merge(counties, on="lad_code", how="left")
    two_tier = lads["county_code"].notna()
    lads["utla_code"] = lads["county_code"].where(two_tier, lads["lad_code"])
    lads["utla_name"] = lads["county_name"].where(two_tier, lads["lad_name"])
    unmapped = lads.loc[lads["lad_code"].str.startswith("E07") & ~two_tier, "lad_code"]
    if len(unmapped):
        raise DataValidationError(
            f"district(s) {', '.join(unmapped)} have no county", file=sources.LAD_COUNTY_FILE
        )
    return lads[["lad_code", "utla_code", "utla_name"]]


def utla_parts(area_set: str, year: int = 2017) -> pd.DataFrame:
    """UTLA -> area, share = population-weighted sum of its districts' LAD shares (ONS MYE)."""
    return utla_from_lads(lad_parts(area_set), year)


def utla_from_lads(lad_lookup: pd.DataFrame, year: int = 2017) -> pd.DataFrame:
    """UTLA -> area from a LAD17 -> area lookup, shares weighted by mid-``year`` LAD population."""
    lads = lad_lookup.merge(lad_to_utla(), left_on="part_code", right_on="lad_code")
    population = sources.mid_year_estimates()[str(year)]
    lads["people"] = lads["share"] * lads["lad_code"].map(population)
    if lads["people"].isna().any():
        missing = lads.loc[lads["people"].isna(), "lad_code"].iloc[0]
        raise DataValidationError(f"no mid-{year} population for {missing}", file=sources.MYE_FILE)
    people = lads.groupby(["utla_code", "utla_name", "area_code"])["people"].sum().reset_index()
    people["share"] = people["people"] / people.groupby("utla_code")["people"].transform("sum")
    lookup = people.rename(columns={"utla_code": "part_code", "utla_name": "part_name"})
    return _tidy(lookup)


def practice_ccgs(year: str) -> pd.DataFrame:
    """Practice -> April 2017 CCG for a QOF year (method in the module docstring)."""
    practices = sources.qof_practices(year).copy()
    ccgs = sources.ccg_lookup()
    is_ccg17 = practices["ccg_code"].isin(ccgs["ccg_code"])
    if year != "2016/17" and not is_ccg17.all():
        earlier = sources.qof_practices("2016/17").set_index("practice_code")["ccg_code"]
        practices.loc[~is_ccg17, "ccg_code"] = practices.loc[~is_ccg17, "practice_code"].map(
            earlier
        )
        is_ccg17 = practices["ccg_code"].isin(ccgs["ccg_code"])
    if not is_ccg17.all():
        by_name = dict(zip(ccgs["ccg_name"].map(normalise_name), ccgs["ccg_code"], strict=True))
        screening = sources.cervical_screening_ccgs().drop_duplicates("practice_code")
        named = screening.set_index("practice_code")["ccg_name"].map(normalise_name)
        codes = practices.loc[~is_ccg17, "practice_code"].map(named).map(by_name)
        practices.loc[~is_ccg17, "ccg_code"] = codes
        is_ccg17 = practices["ccg_code"].isin(ccgs["ccg_code"])
    if not is_ccg17.all():
        first = practices.loc[~is_ccg17, "practice_code"].iloc[0]
        raise DataValidationError(
            f"practice {first} cannot be placed in an April 2017 CCG",
            file=sources.QOF_ORG_FILES[year],
        )
    return practices.merge(ccgs[["ccg_code", "stp_code"]], on="ccg_code", suffixes=("_qof", ""))


def practice_parts(area_set: str, year: str) -> pd.DataFrame:
    """Practice -> area (share 1) for one QOF year."""
    practices = practice_ccgs(year)
    return _tidy(_whole(practices, "practice_code", "practice_name", LEVEL_COLUMN[area_set]))


def ccg_parts(area_set: str) -> pd.DataFrame:
    """CCG17 -> STP17 (share 1)."""
    return _tidy(_whole(sources.ccg_lookup(), "ccg_code", "ccg_name", LEVEL_COLUMN[area_set]))


def trust_parts(area_set: str) -> pd.DataFrame:
    """Acute trust -> STP17 (share 1): Health Foundation lookup plus the three merged trusts."""
    trusts = pd.concat([sources.trust_lookup(), EXTRA_TRUSTS], ignore_index=True)
    duplicated = trusts.loc[trusts["trust_code"].duplicated(), "trust_code"]
    if len(duplicated):
        raise DataValidationError(
            f"trust {duplicated.iloc[0]} listed twice", file=sources.TRUST_FILE, column="code"
        )
    return _tidy(_whole(trusts, "trust_code", "trust_name", LEVEL_COLUMN[area_set]))


def _builders(area_set: str) -> dict[str, Callable[[], pd.DataFrame]]:
    """File name -> function building it, for one shipped area set."""
    builders: dict[str, Callable[[], pd.DataFrame]] = {
        "areas.csv": lambda: area_table(area_set),
        "practice_2017-18.csv.gz": lambda: practice_parts(area_set, "2017/18"),
        "practice_2016-17.csv.gz": lambda: practice_parts(area_set, "2016/17"),
        "lad.csv": lambda: lad_parts(area_set),
        "utla.csv": lambda: utla_parts(area_set),
        "lsoa.csv.gz": lambda: lsoa_parts(area_set),
    }
    if area_set == "stp2017":
        builders["ccg.csv"] = lambda: ccg_parts(area_set)
        builders["trust.csv"] = lambda: trust_parts(area_set)
    return builders


def derived_tables(area_set: str) -> dict[str, pd.DataFrame]:
    """Every lookup file of a shipped area set, freshly derived from the raw sources."""
    if area_set == "icb2022":  # built from the July 2022 ONS/ODS files (icb_derive.py)
        from stp_analytics.data.geography import icb_derive

        return {name: build() for name, build in icb_derive.builders().items()}
    if area_set not in LEVEL_COLUMN:
        raise ValueError(f"no derivation for area set {area_set!r}")
    return {name: build() for name, build in _builders(area_set).items()}


def csv_bytes(frame: pd.DataFrame, file_name: str = ".csv") -> bytes:
    """The exact bytes written for a lookup table (deterministic: fixed order, line ends and,
    for ``.gz`` names, a gzip header without file name or time stamp)."""
    content = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if file_name.endswith(".gz"):
        return gzip.compress(content, compresslevel=9, mtime=0)
    return content




def write_area_files(area_set: str, areas_dir: Path | None = None) -> list[Path]:
    """Derive and write the lookup files of a shipped area set; returns the paths written."""
    folder = (areas_dir or data_catalog_dir() / "areas") / area_set
    written = []
    for name, table in derived_tables(area_set).items():
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / name, csv_bytes(table, name))
        written.append(folder / name)
    return written


def main() -> int:
    """Rewrite every shipped area set's lookup files and print the paths written."""
    for shipped in SHIPPED_SETS:
        for written_path in write_area_files(shipped):
            print(written_path)
    return 0
