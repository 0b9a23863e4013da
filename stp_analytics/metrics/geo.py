"""The geography the metric store needs, in one place: areas, regions, part look-ups, populations.

A thin adapter over :mod:`stp_analytics.data.geography` (or any object with the same functions,
which is
how tests inject a small synthetic geography). It only reshapes what geography returns into the
frames the aggregation uses; it holds no data of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pandas as pd

from stp_analytics.data.official.successors import extended_lookup
from stp_analytics.errors import ParameterError
from stp_analytics.schema import ENGLAND_CODE, ENGLAND_NAME  # noqa: F401 - re-exported

LOOKUP_COLUMNS = ["part_code", "part_name", "area_code", "share"]
# Practice data are shown within an area by CCG (the caterpillar of a footprint's CCGs).
PART_LEVEL = {"practice": "ccg"}


def _default_provider() -> ModuleType:
    from stp_analytics.data import geography

    return geography


def _code_column(frame: pd.DataFrame) -> str:
    """The column of codes in a geography frame (first column whose name ends in 'code')."""
    for column in frame.columns:
        if str(column).lower().endswith("code") or str(column).lower().endswith("cd"):
            return column
    raise ParameterError(f"geography frame has no code column (columns {list(frame.columns)})")


def _as_population(result: Any) -> pd.Series:
    """A population Series indexed by code from whatever geography returned."""
    if isinstance(result, pd.Series):
        series = result
    else:
        frame = pd.DataFrame(result)
        value = next(c for c in frame.columns if "pop" in str(c).lower())
        series = frame.set_index(_code_column(frame))[value]
    return pd.to_numeric(series, errors="coerce").groupby(level=0).sum()


@dataclass
class GeoContext:
    """An area set plus the look-ups and populations needed to aggregate observations to it."""

    area_set: Any
    provider: Any
    name: str
    area_type: str
    areas: pd.DataFrame
    regions: pd.DataFrame
    _lookups: dict[str, pd.DataFrame] = field(default_factory=dict)
    _populations: dict[tuple[str, int], tuple[pd.Series, int]] = field(default_factory=dict)

    @classmethod
    def create(cls, area_set: Any = "stp2017", provider: Any = None) -> GeoContext:
        """Load an area set by name (or wrap an AreaSet object) with its provider's functions."""
        provider = provider if provider is not None else _default_provider()
        if isinstance(area_set, str):
            area_set = provider.load_area_set(area_set)
        name = str(getattr(area_set, "name", "stp2017"))
        area_type = str(getattr(area_set, "area_type", "") or name.rstrip("0123456789"))
        areas = area_set.areas.loc[:, ["area_code", "area_name", "region_code", "region_name"]]
        regions = _regions(provider, areas)
        return cls(area_set, provider, name, area_type, areas.reset_index(drop=True), regions)

    def lookup(self, part_type: str) -> pd.DataFrame:
        """part_code -> area_code with share (1, or the split district's share) for a part type."""
        if part_type not in self._lookups:
            if part_type == self.area_type:
                frame = self.areas.rename(
                    columns={"area_code": "part_code", "area_name": "part_name"}
                )
                frame = frame.assign(area_code=frame["part_code"], share=1.0)
            elif part_type == "practice":
                frame = _practice_lookup(self.area_set)
            else:  # trusts and CCGs of other years through the successor table
                frame = extended_lookup(self.area_set.part_lookup(part_type), part_type)
            frame = frame.loc[:, LOOKUP_COLUMNS].astype({"share": "float64"})
            self._lookups[part_type] = frame.reset_index(drop=True)
        return self._lookups[part_type]

    def practice_parts(self) -> pd.DataFrame | None:
        """practice -> CCG (part_code is the practice, area_code the CCG), or None if unavailable.

        Taken from the CCG area set's practice look-up; used to show practice data by CCG.
        """
        if "practice:ccg" not in self._lookups:
            try:
                ccg_set = self.provider.load_area_set("ccg2017")
                frame = _practice_lookup(ccg_set).loc[:, LOOKUP_COLUMNS]
                names = ccg_set.areas.set_index("area_code")["area_name"]
                frame = frame.assign(ccg_name=frame["area_code"].map(names))
            except Exception:  # noqa: BLE001 - no CCG set: practice data get no part rows
                return None
            self._lookups["practice:ccg"] = frame
        return self._lookups["practice:ccg"]

    def population(self, part_type: str, year: int) -> tuple[pd.Series, int]:
        """Mid-year population by code for lad or utla, from the nearest year available.

        Returns the Series (indexed by code) and the year actually used.
        """
        key = (part_type, int(year))
        if key not in self._populations:
            self._populations[key] = self._nearest_population(part_type, int(year))
        return self._populations[key]

    def _nearest_population(self, part_type: str, year: int) -> tuple[pd.Series, int]:
        errors = []
        for offset in sorted(range(-20, 21), key=lambda k: (abs(k), k)):
            try:
                result = self._population_for(part_type, year + offset)
            except (KeyError, ValueError, LookupError) as exc:
                errors.append(exc)
                continue
            if len(result):
                return result, year + offset
        raise ParameterError(
            f"no {part_type} population near {year} from geography ({errors[-1] if errors else ''})"
        )

    def _population_for(self, part_type: str, year: int) -> pd.Series:
        if part_type == "lad":
            return _as_population(self.provider.lad_population(year))
        if part_type == "utla":
            return _as_population(self.provider.utla_population(year))
        raise KeyError(part_type)

    def code_changes(self) -> pd.DataFrame:
        """Successor LAD codes (2019/2021 mergers) -> the 2017 districts they replaced."""
        """DataFrame[new_code, old_code, weight] (weight: the old district's population share)."""
        if "changes" not in self._lookups:
            changes = getattr(self.provider, "lad_code_changes", None)
            frame = pd.DataFrame(changes()) if changes is not None else pd.DataFrame()
            if not {"new_code", "old_code"} <= set(frame.columns):
                frame = pd.DataFrame({"new_code": pd.Series(dtype="str"),
                                      "old_code": pd.Series(dtype="str")})
            if "weight" not in frame.columns:
                frame["weight"] = 1.0 / frame.groupby("new_code")["old_code"].transform("size")
            frame = frame.loc[:, ["new_code", "old_code", "weight"]].drop_duplicates()
            self._lookups["changes"] = frame.reset_index(drop=True)
        return self._lookups["changes"]


def _practice_lookup(area_set: Any) -> pd.DataFrame:
    """Practices of every QOF year the set has (2017/18 first), so closed practices still map."""
    frames = []
    for year in ("2017/18", "2016/17"):
        try:
            frames.append(area_set.part_lookup("practice", year))
        except (KeyError, ValueError, TypeError):
            continue
    if not frames:
        return area_set.part_lookup("practice")
    combined = pd.concat([f.assign(order=i) for i, f in enumerate(frames)], ignore_index=True)
    first = combined["order"].eq(combined.groupby("part_code")["order"].transform("min"))
    return combined.loc[first, LOOKUP_COLUMNS].reset_index(drop=True)


def _regions(provider: Any, areas: pd.DataFrame) -> pd.DataFrame:
    """region_code, region_name for the regions the areas belong to."""
    frame = areas.loc[:, ["region_code", "region_name"]].drop_duplicates("region_code")
    return frame.sort_values("region_code").reset_index(drop=True)
