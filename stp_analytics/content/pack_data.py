"""``pack-data.csv``: every number a pack prints, one row each, built from the same
:class:`~stp_analytics.content.sections.Section` ``.data`` frames the pack shows.

The notebook's last cell, ``sections.downloads(pack)``, takes every section the notebook showed
(:data:`~stp_analytics.content.sections.SHOWN`); each section table
is turned into long rows by the first converter whose shape it fits (store rows, an indicator's
series, a spine, the tiles, the finance model's tables...). The rows are sorted and written as
CSV into the cell's output (MIME type :data:`PACK_DATA_MIME`, beside a link shown in the pack);
the build copies that output to ``pack-data.csv``. So the file cannot drift from the pack: a
number reaches the pack only through a section, and every section's data reach the file.

Columns: :data:`PACK_DATA_COLUMNS`. ``indicator`` is the catalogue id for the area's own value
and ``<id>:<measure>`` for a figure derived from it (``:worst``, ``:best``, ``:opportunity``,
``:peer_best5_mean``, ``:target``); the finance model's figures are ``finance_model:<column>``
with the model year as period.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
from markupsafe import Markup

from stp_analytics.content import display, narrative
from stp_analytics.content.pack_content import PackContext
from stp_analytics.content.sections import Section
from stp_analytics.schema import ENGLAND_CODE

#: the columns of pack-data.csv (and all-areas.csv), in order
PACK_DATA_COLUMNS = ("area_set", "area_code", "area_name", "gap", "indicator", "indicator_name",
                     "period", "value", "lower", "upper", "unit", "england_value", "comparison",
                     "status", "source")
#: the MIME type of the notebook output that carries the CSV text
PACK_DATA_MIME = "text/csv"
#: the file name of a pack's numbers, beside pack.html
PACK_DATA_NAME = "pack-data.csv"
#: sort keys: one deterministic order whatever the section order
SORT_KEYS = ["gap", "indicator", "area_code", "period", "indicator_name", "value"]
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
#: periods and years in a tile's text ("2020/21", "2015-17", "2019"), not figures
_PERIOD = re.compile(r"\b(?:19|20)\d{2}(?:[/-]\d{2})?\b")
_STORE_SHAPE = {"indicator", "area_code", "period", "value"}
_SERIES_SHAPE = {"period", "value"}
#: store columns printed beside the value, as derived rows ``<id>:<column>``
_DERIVED = ("opportunity", "peer_best5_mean", "target")


def _row(pack: PackContext, indicator: str, **values: Any) -> dict[str, Any]:
    """One row with the catalogue's name, gap, unit and source filled in for ``indicator``
    (its base id before any ``:measure``)."""
    meta = narrative.indicator_meta(pack.catalog, indicator.split(":")[0])
    row = {"area_set": getattr(pack.area_set, "name", ""), "area_code": pack.area_code,
           "area_name": pack.area_name, "gap": meta.gap, "indicator": indicator,
           "indicator_name": meta.name, "unit": meta.unit, "source": meta.source}
    row.update({key: value for key, value in values.items() if value is not None})
    return row


def _store_rows(pack: PackContext, name: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Store rows (indicator tables, parts, opportunity): each row's value, and the derived
    figures it carries."""
    rows = []
    for record in frame.to_dict("records"):
        indicator = str(record["indicator"])
        sex = str(record.get("sex") or "Persons")
        named = narrative.indicator_meta(pack.catalog, indicator).name
        common = {"indicator_name": named if sex == "Persons" else f"{named} ({sex})",
                  "area_code": record["area_code"], "area_name": record.get("area_name"),
                  "period": record["period"], "status": record.get("status"),
                  "england_value": record.get("england_value"),
                  "comparison": record.get("comparison")}
        rows.append(_row(pack, indicator, value=record["value"], lower=record.get("lower"),
                         upper=record.get("upper"), **common))
        for column in _DERIVED:
            if column in record and not narrative.is_missing(record[column]):
                rows.append(_row(pack, f"{indicator}:{column}", value=record[column], **common))
    return rows


def _spine_rows(pack: PackContext, name: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The spine chart: the area's value, England, and the worst and best area."""
    rows = []
    for record in frame.to_dict("records"):
        indicator = str(record["indicator"])
        rows.append(_row(pack, indicator, period=record["period"], value=record["value"],
                         england_value=record["england_value"],
                         comparison=record.get("comparison"), unit=record.get("unit")))
        for extreme in ("worst", "best"):
            rows.append(_row(pack, f"{indicator}:{extreme}", period=record["period"],
                             value=record[extreme], unit=record.get("unit")))
    return rows


def _series_rows(pack: PackContext, name: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """An indicator's chart series (trend, SPC): one row per period of the area."""
    rows = []
    for record in frame.to_dict("records"):
        rows.append(_row(pack, name, period=record["period"], value=record["value"],
                         lower=record.get("lower"), upper=record.get("upper"),
                         england_value=record.get("england_value")))
        if not narrative.is_missing(record.get("target")):
            rows.append(_row(pack, f"{name}:target", period=record["period"],
                             value=record["target"]))
    return rows


def _areas_rows(pack: PackContext, name: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A chart of areas (caterpillar of the parts, funnel of every area): the rows of this area
    and of its parts (the other areas are drawn, not printed)."""
    areas = set(pack.area_set.areas["area_code"])
    code = frame["area_code"].astype("str")
    mine = frame[code.eq(pack.area_code) | ~code.isin(areas)]
    return [_row(pack, name, area_code=r["area_code"], area_name=r.get("area_name"),
                 value=r["value"], lower=r.get("lower"), upper=r.get("upper"),
                 comparison=r.get("comparison")) for r in mine.to_dict("records")]


def _tile_rows(pack: PackContext, name: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The summary tiles: each number as printed in its headline and detail."""
    rows = []
    gaps = {"Health": "health", "Care": "care", "Finance": "finance"}
    for record in frame.to_dict("records"):
        title = str(record["title"])
        gap = next((g for word, g in gaps.items() if title.startswith(word)), "")
        for part in ("headline", "detail"):
            text = str(record.get(part, ""))
            for n, match in enumerate(_NUMBER.findall(_PERIOD.sub(" ", text)), start=1):
                rows.append(_row(pack, f"summary:{gap or title}:{part}:{n}", gap=gap,
                                 indicator_name=f"{title}: {text}", unit="as printed",
                                 value=float(match.replace(",", "")), source="this pack"))
    return rows


def _projection_rows(pack: PackContext, name: str, frame: pd.DataFrame) -> list[dict]:
    """The finance model's projection: every column of every year."""
    return [_row(pack, f"finance_model:{column}", gap="finance", period=str(record["year"]),
                 indicator_name=column.replace("_", " "), value=record[column],
                 unit="£m" if column.endswith("gbp_m") else "£ per head" if
                 column.endswith("per_head") else "people", source="finance model")
            for record in frame.to_dict("records") for column in frame.columns
            if column != "year"]


def _labelled_rows(key: str, value_columns: tuple[str, ...], unit: str
                   ) -> Callable[[PackContext, str, pd.DataFrame], list[dict]]:
    """Rows of a finance table keyed by ``key`` (bridge steps, sensitivities, assumptions)."""

    def convert(pack: PackContext, name: str, frame: pd.DataFrame) -> list[dict]:
        return [_row(pack, f"finance_{name}:{record[key]}:{column}", gap="finance",
                     indicator_name=str(record.get("label") or record.get("name") or record[key]),
                     value=record[column], unit=str(record.get("unit") or unit),
                     source=str(record.get("source") or "finance model"))
                for record in frame.to_dict("records") for column in value_columns
                if column in record and isinstance(record[column], (int, float))]

    return convert


def _activity_rows(pack: PackContext, name: str, frame: pd.DataFrame) -> list[dict]:
    """Activity per 1,000 residents: the count and the rate of each financial year."""
    return [_row(pack, f"{record['indicator']}:{column}", gap="finance",
                 period=str(record["financial_year"]), value=record[column],
                 unit="per 1,000 residents" if column == "per_1000" else
                 "%" if column.endswith("pct") else "count")
            for record in frame.to_dict("records")
            for column in ("count", "per_1000", "count_growth_pct", "per_1000_growth_pct")]


def _facts_rows(pack: PackContext, name: str, frame: pd.DataFrame) -> list[dict]:
    """The area's registered population."""
    facts = dict(zip(frame["item"], frame["value"], strict=True))
    return [_row(pack, "registered_population", gap="", value=facts["registered_population"],
                 indicator_name="Registered population", unit="people",
                 source="NHS Digital (GP registered population)")]


#: (frame name or None for any, required columns, converter), first match wins
CONVERTERS: tuple[tuple[str | None, frozenset[str], Callable[..., list[dict]]], ...] = (
    ("spine", frozenset({"indicator", "worst", "best"}), _spine_rows),
    ("tiles", frozenset({"title", "headline", "detail"}), _tile_rows),
    ("facts", frozenset({"item", "value"}), _facts_rows),
    ("projection", frozenset({"year"}), _projection_rows),
    ("bridge", frozenset({"label", "amount_gbp_m"}), _labelled_rows("label", ("amount_gbp_m",),
                                                                    "£m")),
    ("sensitivity", frozenset({"assumption"}), _labelled_rows(
        "assumption", ("residual_low", "residual_high", "do_nothing_low", "do_nothing_high"),
        "£m")),
    ("assumptions", frozenset({"name", "value"}), _labelled_rows("name", ("value",), "")),
    ("activity", frozenset({"financial_year", "per_1000"}), _activity_rows),
    (None, frozenset(_STORE_SHAPE), _store_rows),
    (None, frozenset({"area_code", "value"}), _areas_rows),
    (None, frozenset(_SERIES_SHAPE), _series_rows),
)


def _convert(pack: PackContext, name: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of one section table, or none for a table without numbers to print (messages,
    sources, methods, notes, limits of a funnel)."""
    if name.endswith(" limits"):
        return []
    for wanted, columns, converter in CONVERTERS:
        if (wanted is None or wanted == name) and columns <= set(frame.columns):
            return converter(pack, name, frame)
    return []


def pack_data(pack: PackContext, tables: Iterable[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """Every number of the given section tables as :data:`PACK_DATA_COLUMNS` rows: numeric
    values only, England's rows left out of the area's file, duplicates dropped, sorted."""
    rows = [row for name, frame in tables for row in _convert(pack, name, frame)]
    frame = pd.DataFrame(rows, columns=list(PACK_DATA_COLUMNS)).astype("object")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame = frame[frame["value"].notna() & frame["area_code"].ne(ENGLAND_CODE)]
    frame = _fill_from_store(pack, frame)
    for column in ("lower", "upper", "england_value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    text = [c for c in PACK_DATA_COLUMNS if c not in ("value", "lower", "upper", "england_value")]
    frame[text] = frame[text].fillna("").astype("str")
    frame = frame.drop_duplicates(subset=[c for c in PACK_DATA_COLUMNS if c != "source"])
    return frame.sort_values(SORT_KEYS, kind="mergesort").reset_index(drop=True)


_FILLED = ("lower", "upper", "england_value", "comparison", "status")


def _fill_from_store(pack: PackContext, frame: pd.DataFrame) -> pd.DataFrame:
    """A chart series gives period and value only: its interval, England value, comparison and
    status come from the store row of the same indicator, area and period (persons)."""
    store = pack.store[pack.store["sex"].eq("Persons")]
    keys = ["indicator", "area_code", "period"]
    lookup = store.loc[:, [*keys, *_FILLED]].drop_duplicates(subset=keys)
    mine = frame.loc[:, keys].map(lambda v: "" if narrative.is_missing(v) else str(v))
    joined = mine.merge(lookup.astype({key: "str" for key in keys}), on=keys, how="left")
    joined = joined.set_axis(frame.index).astype("object")
    for column in _FILLED:
        blank = frame[column].map(lambda v: narrative.is_missing(v) or v == "")
        frame[column] = frame[column].where(~blank, joined[column])
    return frame


def section_tables(shown: Iterable[Section]) -> list[tuple[str, pd.DataFrame]]:
    """(table name, frame) of every section shown (a section shown twice counts once; the
    downloads block itself is left out), so a section added to the notebook reaches
    pack-data.csv without a new line."""
    unique = {id(section): section for section in shown if not isinstance(section, Downloads)}
    return [(name, frame) for section in unique.values() for name, frame in section.data.items()]


def to_csv_text(frame: pd.DataFrame) -> str:
    """The CSV text of :func:`pack_data` (``\\n`` line ends, numbers as Python writes them)."""
    return frame.to_csv(index=False, lineterminator="\n")


class Downloads(Section):
    """The pack's download links; in a notebook its one output also carries the CSV text of
    every number in the pack (:data:`PACK_DATA_MIME`), which the build writes to
    ``pack-data.csv``."""

    def _ipython_display_(self) -> None:
        from IPython.display import display as show

        csv_text = to_csv_text(self.data["pack_data"])
        show({"text/html": str(self.pieces[0]), PACK_DATA_MIME: csv_text}, raw=True)


#: the all-areas files the build writes beside index.html (relative to a pack folder: "../")
ALL_AREAS_NAMES = ("all-areas.csv", "all-areas.xlsx")


def downloads_html(rows: int) -> Markup:
    """The links to this pack's numbers and to every area's (relative, static)."""
    return display.heading("Numbers to download") + Markup(
        '<p class="pack-downloads">Every number in this pack, one row each ({rows} rows, CSV): '
        '<a href="{name}">{name}</a>. Every area built with it: '
        '<a href="../{csv}">{csv}</a> and <a href="../{xlsx}">{xlsx}</a> '
        '(one sheet per gap and a notes sheet with sources and the licence).</p>'
    ).format(rows=f"{rows:,}", name=PACK_DATA_NAME, csv=ALL_AREAS_NAMES[0],
             xlsx=ALL_AREAS_NAMES[1])


def downloads(pack: PackContext, shown: Iterable[Section]) -> Downloads:
    """The downloads block of the pack built from the sections ``shown``."""
    frame = pack_data(pack, section_tables(shown))
    return Downloads("Downloads", [downloads_html(len(frame))], {"pack_data": frame})
