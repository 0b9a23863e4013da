"""Shared fixtures for the pack HTML tests (display, pack_content, annex, finance_display):
a table-cell parser, a small real catalogue and area set, and a pack context over them."""

from __future__ import annotations

import math
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
from catalog_fixtures import small_catalog
from store_factory import make_store

from stp_analytics.content import pack_content
from stp_analytics.data.geography import AreaSet
from stp_analytics.finance import FinanceResult, resolve_assumptions

GM = {"area_code": "E54000007", "area_name": "Greater Manchester"}


CATALOG = small_catalog(
    indicators={
        "diabetes": {"name": "Diabetes prevalence", "unit": "%", "source": "qof"},
        "smoking": {"name": "Smoking <adults>", "unit": "%", "source": "aps"},
    },
    sources={"qof": {"publisher": "NHS Digital", "period": "2016/17"},
             "aps": {"publisher": "ONS", "period": "2017"}},
)


def small_area_set(
    name: str = "stp2017", label: str = "footprint", label_plural: str = "footprints",
    lookups: dict[str, pd.DataFrame] | None = None,
) -> AreaSet:
    """A real :class:`AreaSet` of Greater Manchester (and one other area) whose part lookups
    are the frames given (no files are read: the lookups are its cached ones)."""
    lookups = lookups or {}
    areas = pd.DataFrame({"area_code": ["E54000007", "E54000099"],
                          "area_name": ["Greater Manchester", "Elsewhere"],
                          "region_code": ["E40000001", "E40000001"],
                          "region_name": ["North", "North"],
                          "registered_population": [2_900_000, 1_000_000]})
    return AreaSet(
        name=name, label=label, label_plural=label_plural, area_type=name.rstrip("0123456789"),
        description="A test area set.", definition_file=Path(f"{name}.yml").resolve(),
        area_table=areas, part_files={kind: f"{kind}.csv" for kind in lookups},
        _cache={(kind, None): frame for kind, frame in lookups.items()},
    )


class _Cells(HTMLParser):
    """Collects the text of table cells, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data


def cells(html: str) -> list[list[str]]:
    """The text of every table cell, one list per row (header row first)."""
    parser = _Cells()
    parser.feed(str(html))
    return parser.rows


def make_pack(store, label="footprint", label_plural="footprints"):
    """A PackContext for Greater Manchester over ``store`` with a three-indicator catalogue
    (real :class:`Catalog` and :class:`AreaSet`; the area set has no part lookups)."""
    catalog = small_catalog(
        indicators={
            "diabetes": {"name": "Diabetes prevalence", "unit": "%", "source": "qof",
                         "gap": "health"},
            "ae": {"name": "A&E 4-hour", "unit": "%", "source": "ae", "gap": "care",
                   "target": {"value": 95, "label": "95% within 4 hours"}},
            "rtt": {"name": "RTT 18 weeks", "unit": "%", "source": None, "gap": "care",
                    "target": {"value": 92, "label": "92%"}},
        },
        sources={"qof": {"publisher": "NHS Digital", "period": "2016/17"},
                 "ae": {"publisher": "NHS England", "period": "2017/18"}},
    )
    return pack_content.PackContext(
        area_code="E54000007", area_name="Greater Manchester", region_name="North",
        registered_population=2_900_000, label=label, label_plural=label_plural,
        area_set=small_area_set(label=label, label_plural=label_plural), store=store,
        catalog=catalog,
    )


def care_store():
    """An area with a health and a care indicator, and two trusts (one suppressed)."""
    return make_store([
        {"indicator": "diabetes", **GM, "value": 7.0, "comparison": "Worse"},
        {"indicator": "ae", **GM, "value": 88.0, "comparison": "Worse"},
        {"indicator": "ae", "area_role": "part", "area_type": "trust", "area_code": "RBV",
         "area_name": "Trust <B>", "parent_code": "E54000007", "value": 90.0, "lower": 89.5,
         "upper": 90.5, "comparison": "Worse"},
        {"indicator": "ae", "area_role": "part", "area_type": "trust", "area_code": "RM3",
         "area_name": "Trust A", "parent_code": "E54000007", "value": math.nan,
         "note": "suppressed: fewer than 10 events"},
    ])


def lookup_pack(store):
    """:func:`make_pack` as a CCG with CCG and district lookups (one district split)."""
    lookups = {
        "ccg": pd.DataFrame({"part_code": ["E38000001"], "part_name": ["NHS Bolton CCG"],
                             "area_code": ["E54000007"], "share": [1.0]}),
        "lad": pd.DataFrame({"part_code": ["E07000037", "E08000001", "E07000038"],
                             "part_name": ["High Peak", "Bolton", "Elsewhere"],
                             "area_code": ["E54000007", "E54000007", "E54000099"],
                             "share": [0.356, 1.0, 1.0]}),
    }
    pack = make_pack(store, label="CCG", label_plural="CCGs")
    pack.area_set = small_area_set("ccg2017", "CCG", "CCGs", lookups)
    return pack


def small_finance_result(
    area_name: str = "Greater Manchester", gap: float = 120.4, per_head: float = 41.2,
    label: str | None = None,
) -> FinanceResult:
    """A real :class:`FinanceResult` with a hand-made two-year projection (2016/17, 2020/21):
    do-nothing gap ``gap`` £m (``per_head`` £ a head) in 2020/21, half of it left after the
    levers; one area in the national table. Default assumptions."""
    projection = pd.DataFrame({
        "year": ["2016/17", "2020/21"], "gap_do_nothing_gbp_m": [10.0, gap],
        "gap_do_nothing_per_head": [3.0, per_head], "residual_gap_gbp_m": [10.0, gap / 2],
        "residual_gap_per_head": [3.0, per_head / 2],
    })
    extra = {} if label is None else {"label": label}
    return FinanceResult(
        area_code="E54000007", area_name=area_name, area_set="stp2017",
        assumptions=resolve_assumptions(None), baseline=pd.Series(dtype="float64"),
        projection=projection, bridge=pd.DataFrame(), sensitivity=pd.DataFrame(),
        assumptions_table=pd.DataFrame({"label": ["Provider efficiency"], "display": ["2%"],
                                        "source": ["Planning guidance"]}),
        caveats=("A caveat.",),
        national=pd.DataFrame({"area_code": ["E54000007"], "rank": [1]}), **extra,
    )
