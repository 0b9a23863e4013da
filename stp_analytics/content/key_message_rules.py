"""Key messages that weigh ranks and published verdicts, not only footprint-level tests (issue 20).

Half of the health indicators have values but no counts, so the footprint has no test of its own
for them, and :func:`stp_analytics.content.narrative.key_messages` (significantly worse than
England, furthest from a standard, peer opportunity) never sees them: a footprint ranked last of
44 on under-75 preventable mortality led with a 0.8-point screening gap. :func:`ranked_messages`
puts, before those rules, in this order:

1. ``ranked_among_worst`` - indicators on which the area ranks in the worst tenth of the areas
   (at most :data:`MAX_RANKED` of them; worst rank share first, ties by relative distance
   from England). The message
   says "significantly worse than England" only when the store's CI comparison says so, and
   names an approximate value as approximate and untested.
2. ``published_verdicts`` - where a published area is exactly the footprint's districts (the
   Greater Manchester combined authority), how many of the approximate indicators its
   publisher (PHE) judged significantly worse than England: PHE's verdict, named as such;
   otherwise ``district_verdicts`` - the districts' own verdicts counted, when more are worse
   than better (never worded as a test of the footprint).
3. the narrative rules, each indicator used once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
from markupsafe import Markup

from stp_analytics.content import district_summary, narrative
from stp_analytics.content.narrative import KeyMessage
from stp_analytics.metrics.district_comparisons import COMBINED_AUTHORITIES, NOT_ADDITIVE

if TYPE_CHECKING:
    from stp_analytics.content.pack_content import PackContext

WORST_SHARE = 0.1  # the worst tenth of the areas ranked
MIN_RANKED = 10  # a rank among fewer areas says little
MAX_RANKED = 3
PUBLISHER = "PHE"
TOTALS = ("sum", "count")  # store methods of totals (days, beds, people): not ranked here


def rank_candidates(latest: pd.DataFrame, polarity: Mapping[str, str]
                    ) -> list[tuple[float, str, str]]:
    """(rank ÷ rank_of, indicator, sex) of the rows ranked in the worst tenth of at least
    :data:`MIN_RANKED` areas, indicators whose ``polarity`` (by indicator) says which end is
    good only, never totals (:data:`TOTALS`) nor indices (``NOT_ADDITIVE``); worst first, ties
    by relative distance from England, then indicator; one sex per indicator (its worst)."""
    if latest.empty:
        return []
    rank = pd.to_numeric(latest["rank"], errors="coerce")
    rank_of = pd.to_numeric(latest["rank_of"], errors="coerce")
    judged = latest["indicator"].map(polarity).isin(["high_is_good", "low_is_good"])
    judged &= ~latest["method"].isin(TOTALS)  # a total ranks the largest areas last
    judged &= ~latest["indicator"].isin(NOT_ADDITIVE)  # a mean of indices is no index
    chosen = latest[judged
                    & (rank_of >= MIN_RANKED) & (rank > rank_of * (1 - WORST_SHARE))
                    & latest["value"].notna()]
    distance = [narrative.relative_distance(v, e) for v, e in zip(chosen["value"],
                                                             chosen["england_value"], strict=True)]
    scored = sorted(zip(rank[chosen.index] / rank_of[chosen.index], distance,
                        chosen["indicator"].astype(str), chosen["sex"].astype(str), strict=True),
                    key=lambda item: (-item[0], -item[1], item[2], item[3]))
    seen: set[str] = set()
    return [(float(share), indicator, sex) for share, _, indicator, sex in scored
            if not (indicator in seen or seen.add(indicator))]


def _rendered(rule: str, indicator: str, score: float, context: dict[str, Any]) -> KeyMessage:
    return KeyMessage(rule=rule, indicator=indicator, score=float(score),
                      text=narrative.render("key_message", html=False, rule=rule, **context),
                      html=Markup(narrative.render("key_message", html=True, rule=rule,
                                                   **context)))


def rank_message(pack: PackContext, row: dict[str, Any], score: float) -> KeyMessage:
    """The ``ranked_among_worst`` message of one store row."""
    meta = narrative.indicator_meta(pack.catalog, str(row["indicator"]))
    context = narrative.message_context(row, meta, pack.area_name, pack.label_plural)
    context.update(
        tied=narrative.tied_ranks(pack.store, str(row["indicator"]), row.get("rank"),
                                  str(row.get("sex"))),
        approximate=bool(row.get("approximate")) and not narrative.is_missing(
            row.get("approximate")),
        comparison=str(row.get("comparison") or ""))
    return _rendered("ranked_among_worst", str(row["indicator"]), score, context)


def verdict_message(pack: PackContext, records: list[dict[str, Any]]) -> KeyMessage | None:
    """``published_verdicts`` when the records have a published same-area verdict, else
    ``district_verdicts`` when more district results are worse than better; else None."""
    published = [r for r in records if r.get("same_area_code") and r.get("same_area_verdict")]
    if published:
        worse = [r for r in published if r["same_area_verdict"] == "Worse"]
        if not worse:
            return None
        code = published[0]["same_area_code"]
        names = [narrative.indicator_meta(pack.catalog, r["indicator"]).name
                 + ("" if r["sex"] == "Persons" else f" ({r['sex'].lower()}s)") for r in worse]
        context = {"publisher": PUBLISHER, "area": pack.area_name, "worse": len(worse),
                   "published": len(published), "names": "; ".join(names),
                   "published_area": f"the {COMBINED_AUTHORITIES[code][0]} ({code})"}
        return _rendered("published_verdicts", "", len(worse) / len(published), context)
    totals = district_summary.district_totals(records)
    if not totals["results"] or totals["worse"] <= totals["better"]:
        return None
    context = {"publisher": PUBLISHER, "area": pack.area_name, "label": pack.label, **totals}
    return _rendered("district_verdicts", "", totals["worse"] / totals["results"], context)


def ranked_messages(pack: PackContext, n: int = 5) -> list[KeyMessage]:
    """Up to ``n`` (at most 5) key messages: ranks among the worst, the published verdicts,
    then :func:`narrative.key_messages` (see module); each indicator once, deterministic."""
    n = max(0, min(int(n), 5))
    latest = narrative.area_rows(pack.store, pack.area_code, all_sexes=True)
    rows = {(r["indicator"], r["sex"]): r for r in latest.to_dict("records")}
    polarity = {key: entry.polarity for key, entry in pack.catalog.indicators.items()}
    chosen = [rank_message(pack, rows[(indicator, sex)], score)
              for score, indicator, sex in rank_candidates(latest, polarity)[:MAX_RANKED]]
    verdict = verdict_message(pack, district_summary.district_records(pack))
    if verdict is not None:
        chosen.append(verdict)
    used = {m.indicator for m in chosen}
    rest = narrative.key_messages(pack.store, pack.area_code, pack.catalog, n=5,
                                  area_name=pack.area_name, label_plural=pack.label_plural)
    chosen += [m for m in rest if m.indicator not in used]
    return [m for m in chosen if not math.isnan(m.score)][:n]
