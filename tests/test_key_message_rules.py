"""Key messages weighing ranks and published verdicts (issue 20 item 1): small hand-made stores,
then Greater Manchester from the real store."""

from __future__ import annotations

import pandas as pd
import pytest
from pack_fixtures import GM, make_pack
from store_factory import make_store

from stp_analytics.content import key_message_rules as kmr

ROWS = [
    # ranked 44th of 44 on an approximate value (no test of its own)
    {"indicator": "diabetes", **GM, "value": 8.1, "england_value": 6.7, "rank": 44,
     "rank_of": 44, "approximate": True},
    # significantly worse, ranked 30th: not in the worst tenth, left to the narrative rules
    {"indicator": "ae", **GM, "value": 88.0, "england_value": 90.0, "comparison": "Worse",
     "rank": 30, "rank_of": 44},
    # 40th of 44 is in the worst tenth (40 > 39.6) and significantly worse
    {"indicator": "rtt", **GM, "value": 85.0, "england_value": 88.0, "comparison": "Worse",
     "rank": 40, "rank_of": 44},
]


def test_rank_candidates_worst_tenth_with_a_polarity_only():
    latest = make_store(ROWS)
    polarity = {"diabetes": "low_is_good", "ae": "high_is_good", "rtt": "high_is_good"}
    assert kmr.rank_candidates(latest, polarity) == [(1.0, "diabetes", "Persons"),
                                                     (40 / 44, "rtt", "Persons")]
    # no polarity: a rank says nothing about better or worse
    assert kmr.rank_candidates(latest, {**polarity, "diabetes": "none"})[0][1] == "rtt"
    few = make_store([{**ROWS[0], "rank": 9, "rank_of": 9}])
    assert kmr.rank_candidates(few, polarity) == []  # ranked among fewer than 10 areas
    total = make_store([{**ROWS[0], "method": "sum"}])
    assert kmr.rank_candidates(total, polarity) == []  # a total ranks the largest area last


def test_ranked_messages_lead_with_ranks_and_only_call_tested_values_worse(monkeypatch):
    monkeypatch.setattr(kmr.district_summary, "district_records", lambda pack: [])
    messages = kmr.ranked_messages(make_pack(make_store(ROWS)))
    assert [m.rule for m in messages][:2] == ["ranked_among_worst", "ranked_among_worst"]
    assert messages[0].text == (
        "Diabetes prevalence: Greater Manchester ranks 44th of 44 footprints (8.1%, "
        "approximate, against 6.7% for England); an approximate value is not tested against "
        "England.")
    assert messages[1].text == (
        "RTT 18 weeks: Greater Manchester ranks 40th of 44 footprints (85.0%, against 88.0% "
        "for England), significantly worse than England.")
    # the narrative rules follow, each indicator once
    assert [m.indicator for m in messages] == ["diabetes", "rtt", "ae"]
    assert messages[2].rule == "worse_than_england"


def record(indicator: str, verdict: str, same: str = "E47000001", **counts) -> dict:
    base = {"sex": "Persons", "districts": 10, "worse": 0, "better": 0, "no_value": 0}
    return {"indicator": indicator, "same_area_code": same, "same_area_verdict": verdict,
            **base, **counts}


def assert_message(message, rule: str, text: str) -> None:
    assert (message.rule, message.text) == (rule, text)
    assert message.indicator == "" and 0 < message.score <= 1


def test_published_verdicts_say_whose_verdict_they_are():
    pack = make_pack(make_store(ROWS))
    records = [record("diabetes", "Worse"), record("ae", "Similar"),
               {**record("rtt", "Worse"), "sex": "Female"}]
    assert_message(kmr.verdict_message(pack, records), "published_verdicts", (
        "PHE's own verdicts for the Greater Manchester combined authority (E47000001), whose "
        "districts are Greater Manchester's: significantly worse than England on 2 of 3 "
        "indicators (Diabetes prevalence; RTT 18 weeks (females))."))
    assert kmr.verdict_message(pack, [record("ae", "Similar")]) is None


def test_without_a_published_area_the_districts_are_counted_as_districts():
    pack = make_pack(make_store(ROWS))
    records = [record("diabetes", "", same="", worse=4, better=1, no_value=1),
               record("ae", "", same="", worse=2)]
    assert_message(kmr.verdict_message(pack, records), "district_verdicts", (
        "Greater Manchester's districts, each compared with England by PHE: 6 of 19 district "
        "results significantly worse than England, 1 better, over 2 indicators that have no "
        "test of the footprint itself."))
    assert kmr.verdict_message(pack, [record("ae", "", same="", better=3)]) is None


@pytest.mark.slow
def test_greater_manchester_leads_with_its_ranks_and_phe_verdicts():
    from stp_analytics.content.pack_content import open_pack

    pack = open_pack("E54000007")
    messages = kmr.ranked_messages(pack)
    rules = [m.rule for m in messages]
    assert rules[:4] == ["ranked_among_worst"] * 3 + ["published_verdicts"]
    # last of 44, furthest from England first (delayed days, a total, and the mean of the
    # districts' slope indices, not an index, are not ranked)
    assert [m.indicator for m in messages[:3]] == [
        "u75_preventable_mortality", "u75_preventable_cancer_mortality", "life_expectancy"]
    assert "Life expectancy at birth (females)" in messages[2].text
    store = pack.store
    for message in messages[:3]:
        rows = store[(store["indicator"] == message.indicator)
                     & (store["area_code"] == pack.area_code) & store["is_latest"]]
        assert (pd.to_numeric(rows["rank"]) == 44).any()  # last of 44
        assert " ranks 44th of 44 footprints" in message.text
        if "significantly worse" in message.text:
            assert (rows["comparison"] == "Worse").any()
    assert "PHE's own verdicts for the Greater Manchester combined authority" in messages[3].text
    assert "on 9 of 11 indicators" in messages[3].text  # the "worse on nine"
