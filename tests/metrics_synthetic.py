"""A small synthetic geography, catalogue and observations for the metric-store tests.

Six areas (E54000001-6) in two regions; practices P01-P13 (two per area, P13 not in any area);
CCGs C1-C7 (area 1 has two); LADs L1-L7 with L1 split 60/40 between areas 1 and 2 and L6+L7
merged after 2017 into N1; trusts T1-T6 one per area. Every number is small enough to check by
hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from stp_analytics.data.catalog import Catalog, Indicator, Source
from stp_analytics.schema import OBSERVATION_COLUMNS

#: where the synthetic catalogue says it lives (no file is there: nothing reads it)
SYNTHETIC_CATALOG = Path("synthetic_catalog.yml").resolve()

AREAS = [f"E5400000{i}" for i in range(1, 7)]
REGION_OF = {a: ("E40000001" if i < 3 else "E40000002") for i, a in enumerate(AREAS)}
REGION_NAMES = {"E40000001": "North", "E40000002": "South"}
PRACTICE_AREA = {f"P{i:02d}": AREAS[(i - 1) // 2] for i in range(1, 13)}
PRACTICE_CCG = {p: f"C{(i // 2) + 1}" for i, p in enumerate(PRACTICE_AREA)}
PRACTICE_CCG["P02"] = "C7"  # area 1 has two CCGs: C1 (P01) and C7 (P02)
CCG_AREA = {f"C{i + 1}": a for i, a in enumerate(AREAS)} | {"C7": AREAS[0]}
LAD_ROWS = [  # part_code, area_code, share
    ("L1", AREAS[0], 0.6), ("L1", AREAS[1], 0.4), ("L2", AREAS[0], 1.0), ("L3", AREAS[1], 1.0),
    ("L4", AREAS[2], 1.0), ("L5", AREAS[3], 1.0), ("L6", AREAS[4], 1.0), ("L7", AREAS[5], 1.0),
]
LAD_POPULATION = {"L1": 100_000, "L2": 50_000, "L3": 80_000, "L4": 120_000, "L5": 90_000,
                  "L6": 60_000, "L7": 40_000}
CODE_CHANGES = pd.DataFrame({"new_code": ["N1", "N1"], "new_name": ["New", "New"],
                             "old_code": ["L6", "L7"], "weight": [0.6, 0.4]})


@dataclass
class FakeAreaSet:
    """Just enough of geography.AreaSet for the store."""

    name: str
    area_type: str
    table: pd.DataFrame
    lookups: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def areas(self) -> pd.DataFrame:
        return self.table.copy()

    def part_lookup(self, part_type: str, year: str | None = None) -> pd.DataFrame:
        if part_type not in self.lookups:
            raise ValueError(f"no {part_type} lookup")
        return self.lookups[part_type].copy()


def _lookup(mapping: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"part_code": list(mapping), "part_name": [f"{c} name" for c in mapping],
                         "area_code": list(mapping.values()), "share": 1.0})


def make_geography() -> SimpleNamespace:
    """A geography provider (load_area_set, lad_population, lad_code_changes)."""
    table = pd.DataFrame({
        "area_code": AREAS, "area_name": [f"Area {i}" for i in range(1, 7)],
        "region_code": [REGION_OF[a] for a in AREAS],
        "region_name": [REGION_NAMES[REGION_OF[a]] for a in AREAS],
        "registered_population": 1000.0,
    })
    lad = pd.DataFrame(LAD_ROWS, columns=["part_code", "area_code", "share"])
    lad.insert(1, "part_name", lad["part_code"] + " name")
    stp = FakeAreaSet("stp2017", "stp", table, {
        "practice": _lookup(PRACTICE_AREA), "ccg": _lookup(CCG_AREA), "lad": lad,
        "trust": _lookup({f"T{i + 1}": a for i, a in enumerate(AREAS)}),
    })
    ccg_table = pd.DataFrame({"area_code": list(CCG_AREA), "area_name": [f"{c} name" for c in
                                                                        CCG_AREA],
                              "region_code": "E40000001", "region_name": "North",
                              "registered_population": 1.0})
    ccg = FakeAreaSet("ccg2017", "ccg", ccg_table, {"practice": _lookup(PRACTICE_CCG)})
    sets = {"stp2017": stp, "ccg2017": ccg}

    def lad_population(year: int) -> pd.Series:
        if not 2001 <= year <= 2018:
            raise ValueError(f"no population for {year}")
        return pd.Series(LAD_POPULATION, name="population", dtype="float64")

    return SimpleNamespace(
        load_area_set=lambda name="stp2017": sets[name],
        lad_population=lad_population,
        lad_code_changes=lambda: CODE_CHANGES.copy(),
        utla_population=lad_population,
    )


def indicator(ind_id: str, **fields: Any) -> Indicator:
    """A catalogue :class:`Indicator` with sensible defaults (``source=None``: no data)."""
    base = dict(id=ind_id, name=f"{ind_id} name", short_name=ind_id, gap="health", domain="d",
                unit="%", polarity="low_is_good", target=None, target_label="", target_source="",
                target_kind="",
                method="single", confidence=0.95, statistic="proportion", multiplier=100.0,
                source="src", geography="practice", aggregation="sum_counts", frequency="annual",
                definition="A synthetic indicator.", notes="")
    base.update(fields)
    return Indicator(**base)


def obs_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Observation rows (missing fields NaN, sex Persons)."""
    frame = pd.DataFrame(rows)
    for column in OBSERVATION_COLUMNS:
        if column not in frame:
            frame[column] = "Persons" if column == "sex" else np.nan
    return frame.loc[:, list(OBSERVATION_COLUMNS)]


def practice_counts() -> pd.DataFrame:
    """Prevalence counts for 13 practices in two years (P13 is in no area)."""
    rows = []
    for year, bump in (("2016/17", 0), ("2017/18", 5)):
        for i in range(1, 14):
            rows.append({"indicator": "prev", "area_type": "practice", "area_code": f"P{i:02d}",
                         "period": year, "numerator": 40.0 + 7 * i + bump,
                         "denominator": 1000.0 + 50 * i})
    return obs_frame(rows)


def lad_values() -> pd.DataFrame:
    """Smoking prevalence for LADs (N1 a merged code for L6+L7) plus a published England row."""
    values = {"L1": 20.0, "L2": 10.0, "L3": 15.0, "L4": 18.0, "L5": 12.0, "N1": 25.0}
    rows = [{"indicator": "smoke", "area_type": "lad", "area_code": code, "period": "2017",
             "value": value, "lower": value - 1, "upper": value + 1}
            for code, value in values.items()]
    rows.append({"indicator": "smoke", "area_type": "england", "area_code": "E92000001",
                 "period": "2017", "value": 16.5, "lower": 16.3, "upper": 16.7})
    return obs_frame(rows)


def lad_amounts() -> pd.DataFrame:
    """Delayed days (a count, summed) by LAD."""
    days = {"L1": 100.0, "L2": 30.0, "L3": 40.0, "L4": 50.0, "L5": 60.0, "L6": 70.0, "L7": 80.0}
    return obs_frame([{"indicator": "days", "area_type": "lad", "area_code": code,
                       "period": "2017/18", "numerator": value} for code, value in days.items()])


def trust_months(n_months: int = 15) -> pd.DataFrame:
    """Monthly A&E 4-hour counts per trust (attendances and those seen within 4 hours)."""
    rows = []
    rng = np.random.default_rng(7)
    months = pd.period_range("2016-04", periods=n_months, freq="M").strftime("%Y-%m")
    for t in range(1, 7):
        for month in months:
            attendances = float(rng.integers(8000, 9000))
            rows.append({"indicator": "ae", "area_type": "trust", "area_code": f"T{t}",
                         "period": month, "denominator": attendances,
                         "numerator": float(np.floor(attendances * (0.85 + 0.02 * t)))})
    return obs_frame(rows)


def make_catalog(path: Path = SYNTHETIC_CATALOG, **extra_indicators: Indicator) -> Catalog:
    """A :class:`Catalog` with the four synthetic indicators (plus any extra) and one source
    ``src`` (``synthetic.csv`` next to ``path``; its observations are passed in, never read)."""
    indicators = {
        "prev": indicator("prev"),
        "smoke": indicator("smoke", statistic="published", geography="lad",
                           aggregation="population_weighted_mean", multiplier=1.0),
        "days": indicator("days", statistic="count", geography="lad", aggregation="sum",
                          multiplier=1.0, method="none", polarity="none"),
        "ae": indicator("ae", geography="trust", frequency="monthly", polarity="high_is_good",
                        target=95.0, gap="care"),
    }
    indicators.update(extra_indicators)
    source = Source(id="src", file="synthetic.csv", files=("synthetic.csv",),
                    file_options=({},), format="csv", publisher="a test", period="2017",
                    licence="OGL v3", provenance="synthetic", loader="fingertips_csv",
                    base_dir=path.parent)
    return Catalog(path=path, sources={"src": source}, indicators=indicators, peer_variables=[])


def all_observations() -> pd.DataFrame:
    return pd.concat([practice_counts(), lad_values(), lad_amounts(), trust_months()],
                     ignore_index=True)


def synthetic_store(*, monthly: bool = True, **catalog_extra: Indicator) -> pd.DataFrame:
    """build_store on the synthetic catalogue, geography and observations."""
    from stp_analytics.metrics import build_store

    catalog = make_catalog(**catalog_extra)
    observations = all_observations()
    if not monthly:
        del catalog.indicators["ae"]
        observations = observations[observations["indicator"].ne("ae")]
    return build_store(catalog, "stp2017", observations=observations,
                       geography=make_geography())
