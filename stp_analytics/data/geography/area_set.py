"""Area sets as data: ``data_catalog/areas/<name>.yml`` plus lookup CSVs -> :class:`AreaSet`.

An area set is the list of areas being compared (44 STP footprints, 207 CCGs, ...) with their
NHS England region, and for each kind of building block (practice, ccg, lad, utla, trust, lsoa) a
lookup ``part_code, part_name, area_code, share`` where ``share`` is the fraction of the part that
lies in the area (shares of one part sum to 1). A set either lists its own lookup files or is
composed from a base set: ``part -> base area`` x ``base area -> area`` (see docs/area_sets.md).
Registered population = sum over practices of QOF 2017-18 TOTAL list size x share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from stp_analytics.data.geography import sources
from stp_analytics.data.geography.area_set_schema import PART_TYPES, read_area_set_definition
from stp_analytics.data.text_csv import read_text_csv
from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.paths import data_catalog_dir

DEFAULT_PRACTICE_YEAR = "2017/18"
AREA_FILE_COLUMNS = ("area_code", "area_name", "region_code", "region_name")
#: optional column of the areas file, kept when present (e.g. the ICB ODS code QOP)
OPTIONAL_AREA_COLUMNS = ("area_ods_code",)
LOOKUP_COLUMNS = ("part_code", "part_name", "area_code", "share")
AREA_COLUMNS = (*AREA_FILE_COLUMNS, "registered_population")
SHARE_TOLERANCE = 1e-9


def areas_dir() -> Path:
    """The folder holding the area-set YAML files and their lookup folders."""
    return data_catalog_dir() / "areas"


def known_area_sets(folder: Path | None = None) -> list[str]:
    """Names of the area sets defined in ``folder`` (default ``data_catalog/areas``)."""
    return sorted(path.stem for path in (folder or areas_dir()).glob("*.yml"))


def _read_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """Read a lookup CSV (codes as text) and check its columns."""
    frame = read_text_csv(path, columns, what="lookup file")
    if frame.empty:
        raise DataValidationError("the lookup file has no rows", file=str(path))
    return frame[list(columns)]


def _check_lookup(lookup: pd.DataFrame, path: str, area_codes: pd.Index) -> pd.DataFrame:
    """Shares numeric in (0, 1], summing to 1 per part; areas known; no duplicate pairs."""
    share = pd.to_numeric(lookup["share"], errors="coerce")
    problems = [
        (share.isna(), "share is not a number"),
        ((share <= 0) | (share > 1 + SHARE_TOLERANCE), "share must be in (0, 1]"),
        (~lookup["area_code"].isin(area_codes), "area_code is not an area of this set"),
        (lookup.duplicated(["part_code", "area_code"]), "duplicate part_code and area_code"),
        (lookup["part_code"] == "", "part_code is empty"),
    ]
    for mask, problem in problems:
        if mask.any():
            row = int(mask.to_numpy().nonzero()[0][0])
            raise DataValidationError(
                f"{problem} (value {lookup.iloc[row].to_dict()})", file=path, row=row + 2
            )
    lookup = lookup.assign(share=share)
    totals = lookup.groupby("part_code")["share"].sum()
    off = totals[(totals - 1).abs() > 1e-6]
    if len(off):
        raise DataValidationError(
            f"shares of part {off.index[0]} sum to {off.iloc[0]:.6f}, expected 1",
            file=path,
            column="share",
        )
    return lookup


def _compose(part_to_base: pd.DataFrame, base_to_area: pd.DataFrame) -> pd.DataFrame:
    """part -> base area (share a) and base area -> area (share b) give part -> area (sum a*b)."""
    joined = part_to_base.merge(
        base_to_area[["part_code", "area_code", "share"]],
        left_on="area_code",
        right_on="part_code",
        suffixes=("", "_base"),
    )
    joined["share"] = joined["share"] * joined["share_base"]
    composed = joined.groupby(["part_code", "part_name", "area_code_base"], as_index=False)[
        "share"
    ].sum()
    composed = composed.rename(columns={"area_code_base": "area_code"})
    return composed[list(LOOKUP_COLUMNS)].sort_values(["part_code", "area_code"], ignore_index=True)


@dataclass(frozen=True)
class AreaSet:
    """One set of areas with its lookups (build with :func:`load_area_set`).

    ``derivation`` maps "areas", "registered_population" and each part type to one sentence on
    how it was made (for the pack's annex); ``source_files`` names the raw files used;
    ``finance_model`` is False for sets the 2016/17-2020/21 footprint finance model does not fit.
    """

    name: str
    label: str
    label_plural: str
    area_type: str
    description: str
    definition_file: Path
    area_table: pd.DataFrame = field(repr=False, compare=False)
    part_files: dict = field(repr=False, compare=False)
    base: AreaSet | None = field(default=None, repr=False, compare=False)
    base_part_type: str | None = None
    derivation: dict = field(default_factory=dict, repr=False, compare=False)
    source_files: tuple = field(default=(), repr=False, compare=False)
    #: False when the 2016/17-2020/21 footprint finance model does not apply (``finance_model``)
    finance_model: bool = True
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def areas(self) -> pd.DataFrame:
        """DataFrame[area_code, area_name, region_code, region_name, registered_population]."""
        return self.area_table.copy()

    @property
    def part_types(self) -> tuple[str, ...]:
        """The part types this set has a lookup for, in the standard order."""
        own = set(self.part_files)
        if self.base is not None:
            own |= set(self.base.part_types)
        return tuple(kind for kind in PART_TYPES if kind in own)

    def part_lookup(self, part_type: str, year: str | None = None) -> pd.DataFrame:
        """DataFrame[part_code, part_name, area_code, share] for ``part_type``.

        ``year`` ("2017/18" default, or "2016/17") picks the QOF practice list; it applies only
        to practices. Raises ParameterError for a part type this set has no lookup for.
        """
        if part_type not in PART_TYPES:
            raise ParameterError(
                f"part_type {part_type!r} is unknown; expected one of {', '.join(PART_TYPES)}"
            )
        if part_type not in self.part_types:
            raise ParameterError(
                f"area set {self.name!r} has no {part_type} lookup (none is defined in "
                f"{self.definition_file.name}); available: {', '.join(self.part_types)}"
            )
        if part_type == "practice":
            year = sources.check_qof_year(year or DEFAULT_PRACTICE_YEAR)
        elif year is not None:
            raise ParameterError(f"year applies only to practice lookups, not {part_type!r}")
        key = (part_type, year)
        if key not in self._cache:
            self._cache[key] = self._build_lookup(part_type, year)
        return self._cache[key].copy()

    def _build_lookup(self, part_type: str, year: str | None) -> pd.DataFrame:
        entry = self.part_files.get(part_type)
        if entry is None:  # composed from the base set
            own = self.part_lookup(self.base_part_type)
            uncovered = ~self.base.area_table["area_code"].isin(own["part_code"])
            if uncovered.any():
                raise DataValidationError(
                    f"{self.base.label} {self.base.area_table['area_code'][uncovered].iloc[0]} "
                    f"of {self.base.name} is in no area, so {part_type} lookups cannot be composed",
                    file=str(self.definition_file.parent / self.part_files[self.base_part_type]),
                    column="part_code",
                )
            return _compose(self.base.part_lookup(part_type, year), own)
        if isinstance(entry, dict):
            if year not in entry:
                raise ParameterError(
                    f"area set {self.name!r} has no practice lookup for {year}; "
                    f"available: {', '.join(sorted(entry))}"
                )
            entry = entry[year]
        path = self.definition_file.parent / entry
        lookup = _read_csv(path, LOOKUP_COLUMNS)
        lookup = _check_lookup(lookup, str(path), pd.Index(self.area_table["area_code"]))
        return lookup.sort_values(["part_code", "area_code"], ignore_index=True)


def _registered_population(area_set: AreaSet) -> pd.Series:
    """QOF 2017-18 TOTAL list size x practice share, summed per area (rounded to whole people)."""
    practices = area_set.part_lookup("practice", DEFAULT_PRACTICE_YEAR)
    sizes = sources.qof_list_sizes(DEFAULT_PRACTICE_YEAR)
    missing = practices.loc[~practices["part_code"].isin(sizes.index), "part_code"]
    if len(missing):
        raise DataValidationError(
            f"practice {missing.iloc[0]} has no QOF 2017-18 list size",
            file=sources.QOF_PREVALENCE_FILES[DEFAULT_PRACTICE_YEAR],
        )
    people = practices["part_code"].map(sizes) * practices["share"]
    return people.groupby(practices["area_code"]).sum().round().astype("int64")


def _read_definition(path: Path) -> dict:
    """Parse and check an area-set YAML file (the schema in :mod:`.area_set_schema`)."""
    return read_area_set_definition(path)


@lru_cache(maxsize=16)
def _load(name: str, folder: Path) -> AreaSet:
    path = folder / f"{name}.yml"
    if not path.exists():
        known = known_area_sets(folder)
        raise ParameterError(
            f"unknown area set {name!r}; known area sets: {', '.join(known) or 'none'} "
            f"(each is a YAML file in {folder})"
        )
    definition = _read_definition(path)
    compose = definition.get("compose")
    base = _load(compose["base"], folder) if compose else None
    area_file = path.parent / definition["areas"]
    optional = tuple(
        name for name in OPTIONAL_AREA_COLUMNS
        if name in pd.read_csv(area_file, nrows=0).columns
    ) if area_file.exists() else ()
    area_table = _read_csv(area_file, AREA_FILE_COLUMNS + optional)
    duplicated = area_table["area_code"].duplicated()
    if duplicated.any():
        row = int(duplicated.to_numpy().nonzero()[0][0])
        raise DataValidationError("duplicate area_code", file=str(area_file), row=row + 2)
    area_set = AreaSet(
        name=name,
        label=str(definition["label"]),
        label_plural=str(definition["label_plural"]),
        area_type=str(definition["area_type"]),
        description=" ".join(str(definition["description"]).split()),
        definition_file=path,
        area_table=area_table.sort_values("area_code", ignore_index=True),
        part_files=dict(definition.get("parts") or {}),
        base=base,
        base_part_type=compose["via"] if compose else None,
        derivation={
            str(key): " ".join(str(text).split())
            for key, text in (definition.get("derivation") or {}).items()
        },
        source_files=tuple(str(source) for source in definition.get("sources") or ()),
        finance_model=bool(definition.get("finance_model", True)),
    )
    population = _registered_population(area_set)
    area_table = area_set.area_table
    area_table["registered_population"] = (
        area_table["area_code"].map(population).fillna(0).astype("int64")
    )
    return area_set


def load_area_set(name: str | AreaSet = "stp2017", folder: Path | None = None) -> AreaSet:
    """The area set ``name`` defined by ``data_catalog/areas/<name>.yml`` (cached per process).

    ``folder`` points at another folder of area-set definitions (tests, users' own sets). An
    AreaSet passed as ``name`` is returned as it is.
    """
    if isinstance(name, AreaSet):
        return name
    return _load(str(name), Path(folder or areas_dir()).resolve())
