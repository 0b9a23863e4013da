"""Shared fixtures for the pack HTML tests (display, pack_content, annex, finance_display):
a table-cell parser and a small hand-made pack context."""

from __future__ import annotations

import math
from html.parser import HTMLParser
from types import SimpleNamespace

import pandas as pd
from store_factory import make_store

from stp_analytics.content import pack_content

GM = {"area_code": "E54000007", "area_name": "Greater Manchester"}


CATALOG = SimpleNamespace(
    indicators={
        "diabetes": SimpleNamespace(name="Diabetes prevalence", unit="%", source="QOF 2016/17"),
        "smoking": SimpleNamespace(name="Smoking <adults>", unit="%", source="APS"),
    }
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
    """A PackContext for Greater Manchester over ``store`` with a three-indicator catalogue."""
    catalog = SimpleNamespace(
        indicators={
            "diabetes": SimpleNamespace(name="Diabetes prevalence", unit="%", source="qof",
                                        gap="health", target_label=""),
            "ae": SimpleNamespace(name="A&E 4-hour", unit="%", source="ae", gap="care",
                                  target_label="95% within 4 hours"),
            "rtt": SimpleNamespace(name="RTT 18 weeks", unit="%", source=None, gap="care",
                                   target_label="92%", has_data=False),
        },
        sources={"qof": SimpleNamespace(publisher="NHS Digital", period="2016/17")},
    )
    area_set = SimpleNamespace(name="stp2017", part_lookup=lambda kind: (_ for _ in ()).throw(
        KeyError(kind)))
    return pack_content.PackContext(
        area_code="E54000007", area_name="Greater Manchester", region_name="North",
        registered_population=2_900_000, label=label, label_plural=label_plural,
        area_set=area_set, store=store, catalog=catalog,
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

    def part_lookup(kind):
        if kind not in lookups:
            raise KeyError(kind)
        return lookups[kind]

    pack = make_pack(store, label="CCG", label_plural="CCGs")
    pack.area_set = SimpleNamespace(name="ccg2017", part_lookup=part_lookup)
    return pack
