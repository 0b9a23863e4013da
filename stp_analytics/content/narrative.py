"""Plain-English sentences and rule-based key messages, filled from the metric store.

Every sentence comes from a Jinja2 template in ``stp_analytics/content/templates/`` (never
hand-written
per area). HTML output is rendered with autoescape on, so text from data cannot inject markup.
Key messages are chosen by fixed rules, in a fixed order (see :func:`key_messages`):

1. significantly worse than England (Fingertips comparison against England's CI),
2. furthest from a national standard (``target_gap``, positive = short of the standard),
3. largest RightCare-style opportunity against the best 5 of the 10 most similar areas,
4. (only to reach three messages) significantly better than England.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jinja2
import pandas as pd
from markupsafe import Markup

from stp_analytics import schema
from stp_analytics.metrics import gap_figures

if TYPE_CHECKING:
    from stp_analytics.data.catalog import Catalog

NOT_SUPPLIED = "data not supplied"
SUPPRESSED = "suppressed: fewer than 10 events"
SIGNIFICANT = ("Better", "Worse", "Higher", "Lower")
RULES: tuple[str, ...] = (
    "worse_than_england",
    "furthest_from_target",
    "peer_opportunity",
    "better_than_england",
)


@dataclass(frozen=True)
class IndicatorMeta:
    """What a sentence needs to know about an indicator (from the catalogue, else defaults)."""

    indicator: str
    name: str
    unit: str = ""
    source: str = ""
    gap: str = ""
    decimals: int = 1


@dataclass(frozen=True)
class KeyMessage:
    """One key message: the rule that chose it, its indicator, plain text and escaped HTML."""

    rule: str
    indicator: str
    score: float
    text: str
    html: Markup


# ---------------------------------------------------------------- formatting


def ordinal(number: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd, 101st, 111th."""
    number = int(number)
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas NA and empty strings."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_number(value: float, decimals: int = 1) -> str:
    """A number with thousands separators and a fixed number of decimals; "" if missing."""
    if is_missing(value):
        return ""
    return f"{float(value):,.{decimals}f}"


def format_value(value: float, unit: str = "", decimals: int = 1) -> str:
    """A value with its unit: ``7.1%``, ``£1,234``, ``79.2 years``, ``123.4 per 100,000``."""
    number = format_number(value, decimals)
    if not number:
        return ""
    unit = (unit or "").strip()
    if unit.startswith("%") or unit in ("percent", "per cent"):
        return f"{number}%"
    if unit.startswith("£"):
        rest = unit[1:].strip()
        sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
        return f"{sign}£{digits}" + (f" {rest}" if rest else "")
    return f"{number} {unit}" if unit else number


def format_gap(difference: float, unit: str = "", decimals: int = 1) -> str:
    """A difference between two values: percentage points for % units, else the value's unit."""
    if (unit or "").strip().startswith("%"):
        return f"{format_number(difference, decimals)} percentage points"
    return format_value(difference, unit, decimals)


# ---------------------------------------------------------------- catalogue and store access


def indicator_meta(catalog: Catalog | None, indicator: str) -> IndicatorMeta:
    """Name, unit, source ("publisher (period)") and gap of ``indicator`` from the catalogue;
    an indicator the catalogue does not have gets its id as name."""
    entry = catalog.indicators.get(indicator) if catalog is not None else None
    if entry is None:
        return IndicatorMeta(indicator=indicator, name=indicator.replace("_", " ").capitalize())
    source_id = entry.source or ""
    source = catalog.sources.get(source_id)
    if source is not None:
        publisher, period = source.publisher, source.period
        source_id = f"{publisher} ({period})" if publisher and period else publisher or source_id
    return IndicatorMeta(
        indicator=indicator,
        name=entry.name or indicator,
        unit=entry.unit,
        source=source_id,
        gap=entry.gap,
        decimals=entry.decimals,
    )


def area_rows(store: pd.DataFrame, area_code: str, *, all_sexes: bool = False) -> pd.DataFrame:
    """The latest row of each indicator for one area, by indicator: the Persons row when there
    is one, else the first sex alphabetically (``all_sexes=True``: else every sex, e.g. life
    expectancy for females and males)."""
    rows = store[(store["area_role"] == "area") & (store["area_code"] == area_code)]
    rows = rows[rows["is_latest"].fillna(False).astype(bool)]
    rows = rows.assign(_not_persons=rows["sex"] != "Persons")
    rows = rows.sort_values(["indicator", "_not_persons", "sex"], kind="mergesort")
    if all_sexes:
        has_persons = rows.groupby("indicator")["_not_persons"].transform("min") == 0
        rows = rows[~has_persons | ~rows["_not_persons"]].drop_duplicates(["indicator", "sex"])
    else:
        rows = rows.drop_duplicates("indicator")
    return rows.drop(columns="_not_persons").reset_index(drop=True)


def rows_by_indicator(rows: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The rows as records, grouped by indicator, in their order (one conversion of the whole
    frame: converting each indicator's slice separately costs a conversion per indicator)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in rows.to_dict("records"):
        grouped.setdefault(record["indicator"], []).append(record)
    return grouped


def area_name_of(store: pd.DataFrame, area_code: str) -> str:
    """The area's name as the store spells it (the code itself if the store has no row)."""
    names = store.loc[store["area_code"] == area_code, "area_name"].dropna()
    return str(names.iloc[0]) if not names.empty else area_code


def tied_ranks(store: pd.DataFrame, indicator: str, rank: Any, sex: str = "Persons") -> bool:
    """True when more than one area of the set shares ``rank`` for the latest ``indicator``."""
    if is_missing(rank):
        return False
    latest = store[
        (store["indicator"] == indicator)
        & (store["area_role"] == "area")
        & store["is_latest"].fillna(False).astype(bool)
        & (store["sex"] == sex)
    ]
    return int((latest["rank"] == rank).sum()) > 1


# ---------------------------------------------------------------- templates


@lru_cache(maxsize=2)
def _environment(html: bool) -> jinja2.Environment:
    """Template environment: autoescape on for HTML, off for plain text; undefined is an error."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("stp_analytics.content", "templates"),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


def render(template: str, *, html: bool = False, **context: Any) -> str:
    """Render ``templates/<template>.j2``; HTML output is escaped (returned as ``Markup``)."""
    text = _environment(html).get_template(f"{template}.j2").render(**context).strip()
    return Markup(text) if html else text


def not_supplied_sentence(title: str, reason: str = NOT_SUPPLIED, *, html: bool = False) -> str:
    """'<title>: data not supplied.' (or another reason) from the template."""
    return render("not_supplied", html=html, title=title, reason=reason)


def _status(row: Mapping[str, Any]) -> str:
    """ok | suppressed | missing, from the store row's value and status."""
    if not is_missing(row.get("value")):
        return "ok"
    return "suppressed" if row.get("status") == schema.STATUS_SUPPRESSED else "missing"


def _suppression_note(row: Mapping[str, Any]) -> str:
    note = str(row.get("note") or "").strip().rstrip(".")
    return note if note.lower().startswith("suppressed") else SUPPRESSED


def message_context(
    row: Mapping[str, Any], meta: IndicatorMeta, area_name: str, label_plural: str
) -> dict[str, Any]:
    """The fields a message template fills from a store row: the indicator's name (with the
    sex), the area, the period, the value, England, target and best-five peers formatted in the
    indicator's unit, and the rank."""
    unit, places = meta.unit, meta.decimals

    def fmt(column: str) -> str:
        return format_value(row.get(column), unit, places)

    rank = row.get("rank")
    sex = str(row.get("sex") or "Persons")
    return {
        "name": meta.name if sex == "Persons" else f"{meta.name} ({sex.lower()}s)",
        "area": area_name or str(row.get("area_name") or row.get("area_code") or ""),
        "period": str(row.get("period") or ""),
        "value": fmt("value"),
        "england": fmt("england_value"),
        "target": fmt("target"),
        "peer": fmt("peer_best5_mean"),
        "rank": "" if is_missing(rank) else ordinal(int(rank)),
        "rank_of": "" if is_missing(row.get("rank_of")) else int(row.get("rank_of")),
        "label_plural": label_plural,
    }


def indicator_sentence(
    row: Mapping[str, Any] | pd.Series,
    *,
    catalog: Catalog | None = None,
    area_name: str = "",
    label_plural: str = "footprints",
    tied: bool = False,
    html: bool = False,
) -> str:
    """One sentence for one store row, e.g. "Diabetes prevalence in X (2016/17) is 7.1% (95% CI
    7.0–7.2), significantly higher than England (6.7%); X ranks 38th of 44 footprints."

    Missing values say "data not supplied"; suppressed values say why; approximate
    (population-weighted) values say "approximately" and give no CI.
    """
    row = dict(row)
    meta = indicator_meta(catalog, str(row.get("indicator", "")))
    context = message_context(row, meta, area_name, label_plural)
    approximate = bool(row.get("approximate")) and not is_missing(row.get("approximate"))
    lower = "" if approximate else format_number(row.get("lower"), meta.decimals)
    upper = "" if approximate else format_number(row.get("upper"), meta.decimals)
    confidence = row.get("confidence")
    confidence_pct = 95 if is_missing(confidence) else float(confidence) * 100
    comparison = "" if is_missing(row.get("comparison")) else str(row.get("comparison"))
    comparison_phrase = render(
        "comparison", comparison=comparison, england=context["england"]
    )
    target_gap = row.get("target_gap")
    short = not is_missing(target_gap) and float(target_gap) > 0
    context.update(
        short=short,
        gap=format_gap(abs(float(target_gap)), meta.unit, meta.decimals) if short else "",
        status=_status(row),
        note=_suppression_note(row),
        approximate=approximate,
        lower=lower,
        upper=upper,
        confidence=f"{confidence_pct:g}",
        comparison_phrase=comparison_phrase,
        tied=tied,
    )
    return render("indicator_sentence", html=html, **context)


def area_sentences(
    store: pd.DataFrame,
    area_code: str,
    indicators: list[str] | tuple[str, ...],
    *,
    catalog: Catalog | None = None,
    area_name: str = "",
    label_plural: str = "footprints",
    html: bool = False,
) -> list[str]:
    """One sentence per indicator for the area, in the order given ("data not supplied" if none)."""
    latest = rows_by_indicator(area_rows(store, area_code, all_sexes=True))
    area_name = area_name or area_name_of(store, area_code)
    sentences = []
    for indicator in indicators:
        rows = latest.get(indicator, [])
        for row in rows or [{"indicator": indicator, "value": math.nan}]:
            tied = tied_ranks(store, indicator, row.get("rank"), str(row.get("sex", "Persons")))
            sentences.append(
                indicator_sentence(
                    row, catalog=catalog, area_name=area_name, label_plural=label_plural,
                    tied=tied, html=html,
                )
            )
    return sentences


# ---------------------------------------------------------------- key messages


def relative_distance(value: Any, reference: Any) -> float:
    """|value - reference| / |reference| (0 when either is missing or the reference is 0)."""
    if is_missing(value) or is_missing(reference) or float(reference) == 0:
        return 0.0
    return abs(float(value) - float(reference)) / abs(float(reference))


def rule_candidates(latest: pd.DataFrame, rule: str) -> list[tuple[float, str]]:
    """(score, indicator) pairs meeting ``rule``, best first (score descending, then id)."""
    if latest.empty:
        return []
    if rule in ("worse_than_england", "better_than_england"):
        wanted = "Worse" if rule == "worse_than_england" else "Better"
        chosen = latest[(latest["comparison"] == wanted) & latest["value"].notna()]
        pairs = zip(chosen["value"], chosen["england_value"], strict=True)
        scores = [relative_distance(value, england) for value, england in pairs]
    elif rule == "furthest_from_target":
        gaps = pd.to_numeric(latest["target_gap"], errors="coerce")
        chosen = latest[(gaps > 0) & latest["target"].notna()]
        pairs = zip(chosen["target_gap"], chosen["target"], strict=True)
        scores = [abs(float(gap) / float(target)) if float(target) else float(gap)
                  for gap, target in pairs]
    elif rule == "peer_opportunity":
        opportunity = pd.to_numeric(latest["opportunity"], errors="coerce")
        chosen = latest[opportunity > 0]
        scores = [float(o) for o in chosen["opportunity"]]
    else:
        raise ValueError(f"unknown key-message rule {rule!r}; expected one of {RULES}")
    ranked = zip(scores, chosen["indicator"], strict=True)
    return sorted(ranked, key=lambda pair: (-pair[0], str(pair[1])))


def _message(
    rule: str,
    score: float,
    row: Mapping[str, Any],
    store: pd.DataFrame,
    catalog: Catalog | None,
    area_name: str,
    label_plural: str,
) -> KeyMessage:
    meta = indicator_meta(catalog, str(row["indicator"]))
    context = message_context(row, meta, area_name, label_plural)
    context.update(
        rule=rule,
        tied=tied_ranks(store, str(row["indicator"]), row.get("rank"), str(row.get("sex"))),
        gap=format_gap(abs(float(row.get("target_gap") or 0)), meta.unit, meta.decimals),
        opportunity=format_number(row.get("opportunity"), 0),
        opportunity_unit=gap_figures.opportunity_unit(meta.unit, row.get("opportunity"),
                                          str(row.get("period") or "")),
    )
    return KeyMessage(
        rule=rule,
        indicator=str(row["indicator"]),
        score=float(score),
        text=render("key_message", html=False, **context),
        html=Markup(render("key_message", html=True, **context)),
    )


def key_messages(
    store: pd.DataFrame,
    area_code: str,
    catalog: Catalog | None = None,
    n: int = 5,
    *,
    area_name: str = "",
    label_plural: str = "footprints",
) -> list[KeyMessage]:
    """Up to ``n`` (at most 5) key messages for an area, chosen by :data:`RULES`.

    The first three rules take turns (best candidate of rule 1, of rule 2, of rule 3, then the
    second of each...), each indicator used once; "significantly better than England" only fills
    up to three messages. Same store -> same messages in the same order.
    """
    n = max(0, min(int(n), 5))
    latest = area_rows(store, area_code)
    area_name = area_name or area_name_of(store, area_code)
    over_year = latest
    if catalog is not None:  # a standard's message is its latest 12 months, not one month
        from stp_analytics.metrics.care_headline import twelve_month_rows
        from stp_analytics.metrics.specs import indicator_specs

        over_year = twelve_month_rows(store, indicator_specs(catalog), area_code, latest)
    frames = {rule: over_year if rule == "furthest_from_target" else latest for rule in RULES}
    queues = {rule: rule_candidates(frames[rule], rule) for rule in RULES}
    chosen: list[KeyMessage] = []
    used: set[str] = set()

    def take(rule: str) -> bool:
        while queues[rule]:
            score, indicator = queues[rule].pop(0)
            if indicator not in used:
                used.add(indicator)
                row = frames[rule].set_index("indicator", drop=False).loc[indicator].to_dict()
                chosen.append(_message(rule, score, row, store, catalog, area_name, label_plural))
                return True
        return False

    while len(chosen) < n and any(queues[rule] for rule in RULES[:3]):
        for rule in RULES[:3]:
            if len(chosen) < n:
                take(rule)
    while len(chosen) < min(n, 3) and take(RULES[3]):
        pass
    return chosen
