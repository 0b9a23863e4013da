"""Tests for stp_analytics.content.narrative: ordinals, sentences and rule-based key messages."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from catalog_fixtures import small_catalog
from store_factory import make_store

from stp_analytics.content import narrative

GM = {"area_code": "E54000007", "area_name": "Greater Manchester"}
CATALOG = small_catalog(
    indicators={
        "diabetes": {"name": "Diabetes prevalence", "unit": "%", "source": "qof"},
        "smoking": {"name": "Smoking prevalence", "unit": "%", "source": "aps"},
        "ae_4hr": {"name": "A&E 4-hour performance", "unit": "%", "source": "nhse",
                   "gap": "care"},
        "hle": {"name": "Healthy life expectancy", "unit": "years", "source": "phe",
                "statistic": "published", "polarity": "high_is_good"},
    },
    sources={"qof": {"publisher": "QOF"}, "aps": {"publisher": "APS"},
             "nhse": {"publisher": "NHSE"}, "phe": {"publisher": "PHE"}},
)


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (23, "23rd"), (44, "44th"), (101, "101st"), (111, "111th"),
     (112, "112th"), (207, "207th")],
)
def test_ordinal(number: int, expected: str) -> None:
    assert narrative.ordinal(number) == expected


def test_format_value_units() -> None:
    assert narrative.format_value(7.123, "%") == "7.1%"
    assert narrative.format_value(1234.5, "£", 0) == "£1,234"
    assert narrative.format_value(79.26, "years") == "79.3 years"
    assert narrative.format_value(math.nan, "%") == ""


def _diabetes(**changes: object) -> dict:
    row = {
        "indicator": "diabetes", **GM, "value": 7.1, "lower": 7.0, "upper": 7.2,
        "comparison": "Higher", "england_value": 6.7, "rank": 38, "rank_of": 44,
        "approximate": False, "note": "", "confidence": 0.95, "period": "2016/17",
    }
    row.update(changes)
    return row


def test_sentence_significant_with_ci_and_rank() -> None:
    sentence = narrative.indicator_sentence(_diabetes(), catalog=CATALOG)
    assert sentence == (
        "Diabetes prevalence in Greater Manchester (2016/17) is 7.1% (95% CI 7.0–7.2), "
        "significantly higher than England (6.7%); Greater Manchester ranks 38th of 44 footprints."
    )


def test_sentence_similar_tied_and_ccg_label() -> None:
    sentence = narrative.indicator_sentence(
        _diabetes(comparison="Similar", rank=5), catalog=CATALOG, tied=True, label_plural="CCGs"
    )
    assert "similar to England (6.7%)" in sentence
    assert "ranks joint 5th of 44 CCGs" in sentence
    assert "significantly" not in sentence


def test_sentence_approximate_has_no_ci() -> None:
    sentence = narrative.indicator_sentence(_diabetes(approximate=True), catalog=CATALOG)
    assert "approximately 7.1%" in sentence
    assert "no confidence interval" in sentence
    assert "CI 7.0" not in sentence


def test_sentence_missing_and_suppressed() -> None:
    missing = narrative.indicator_sentence(_diabetes(value=math.nan), catalog=CATALOG)
    assert missing == "Diabetes prevalence in Greater Manchester: data not supplied."
    suppressed = narrative.indicator_sentence(
        _diabetes(value=math.nan, note="small numbers suppressed", status="suppressed"),
        catalog=CATALOG,
    )
    assert suppressed.endswith("suppressed: fewer than 10 events.")


def test_sentence_html_escapes_area_names() -> None:
    html = narrative.indicator_sentence(
        _diabetes(area_name="<b>Bad & Co</b>"), catalog=CATALOG, html=True
    )
    assert "<b>" not in html
    assert "&lt;b&gt;Bad &amp; Co&lt;/b&gt;" in html


def test_area_sentences_detects_ties_and_absent_indicators() -> None:
    store = make_store([
        _diabetes(rank=5),
        {**_diabetes(rank=5), "area_code": "E54000008", "area_name": "Cheshire"},
        {**_diabetes(rank=7), "area_code": "E54000009", "area_name": "Merseyside"},
    ])
    sentences = narrative.area_sentences(
        store, "E54000007", ["diabetes", "smoking"], catalog=CATALOG
    )
    assert "joint 5th of 44" in sentences[0]
    assert sentences[1] == "Smoking prevalence in Greater Manchester: data not supplied."
    other = narrative.area_sentences(store, "E54000009", ["diabetes"], catalog=CATALOG)
    assert "ranks 7th" in other[0] and "joint" not in other[0]


def _key_store():
    return make_store([
        {"indicator": "diabetes", **GM, "value": 8.0, "england_value": 6.0, "comparison": "Worse",
         "rank": 40, "rank_of": 44},
        {"indicator": "smoking", **GM, "value": 18.0, "england_value": 15.0,
         "comparison": "Worse", "opportunity": 1200.0, "peer_best5_mean": 14.0},
        {"indicator": "ae_4hr", **GM, "value": 88.0, "target": 95.0, "target_gap": 7.0,
         "comparison": "Worse", "england_value": 89.0},
        {"indicator": "hle", **GM, "value": 66.0, "england_value": 63.0, "comparison": "Better"},
        # an older period and another area must be ignored
        {"indicator": "hle", **GM, "value": 10.0, "england_value": 63.0, "comparison": "Worse",
         "is_latest": False, "period": "2013-15"},
        {"indicator": "diabetes", "area_code": "E54000008", "area_name": "Other",
         "value": 9.0, "england_value": 6.0, "comparison": "Worse"},
    ])


def test_key_messages_rules_and_order() -> None:
    messages = narrative.key_messages(_key_store(), "E54000007", CATALOG, n=5)
    # worse (largest relative gap: diabetes 33%), target (ae_4hr), opportunity (smoking)
    assert [(m.rule, m.indicator) for m in messages] == [
        ("worse_than_england", "diabetes"),
        ("furthest_from_target", "ae_4hr"),
        ("peer_opportunity", "smoking"),
    ]
    assert messages[0].text == (
        "Diabetes prevalence is significantly worse than England: 8.0% in Greater Manchester "
        "against 6.0% (40th of 44 footprints)."
    )
    assert "a gap of 7.0 percentage points" in messages[1].text
    assert "1,200" in messages[2].text
    assert "&amp;" in str(messages[1].html) and "A&E" in messages[1].text


def test_key_messages_deterministic_and_capped() -> None:
    store = _key_store()
    first = narrative.key_messages(store, "E54000007", CATALOG, n=2)
    assert len(first) == 2
    shuffled = store.sample(frac=1.0, random_state=3)
    again = narrative.key_messages(shuffled, "E54000007", CATALOG, n=2)
    assert [m.text for m in first] == [m.text for m in again]


def test_key_messages_fill_with_strengths_to_three() -> None:
    store = make_store([
        {"indicator": "diabetes", **GM, "value": 8.0, "england_value": 6.0, "comparison": "Worse"},
        {"indicator": "hle", **GM, "value": 66.0, "england_value": 63.0, "comparison": "Better"},
        {"indicator": "smoking", **GM, "value": 12.0, "england_value": 15.0,
         "comparison": "Better"},
    ])
    messages = narrative.key_messages(store, "E54000007", CATALOG)
    assert [m.rule for m in messages] == [
        "worse_than_england", "better_than_england", "better_than_england"
    ]
    # larger relative difference first: smoking 20% before hle 4.8%
    assert [m.indicator for m in messages[1:]] == ["smoking", "hle"]


def test_key_messages_unknown_area_is_empty() -> None:
    assert narrative.key_messages(_key_store(), "E54000099", CATALOG) == []


def test_rule_candidates_rejects_unknown_rule() -> None:
    with pytest.raises(ValueError, match="unknown key-message rule"):
        narrative.rule_candidates(_key_store(), "nonsense")


def test_money_and_gap_formatting() -> None:
    assert narrative.format_value(-1234.4, "£ thousand", 0) == "-£1,234 thousand"
    assert narrative.format_value(56.0, "% of patients aged 17+") == "56.0%"
    assert narrative.format_gap(16.1, "% seen within 4 hours") == "16.1 percentage points"
    assert narrative.format_gap(3.2, "years") == "3.2 years"


def test_indicators_without_persons_get_one_sentence_per_sex() -> None:
    store = make_store([
        {"indicator": "hle", **GM, "sex": "Male", "value": 61.0, "approximate": True},
        {"indicator": "hle", **GM, "sex": "Female", "value": 62.5, "approximate": True},
        {"indicator": "diabetes", **GM, "sex": "Male", "value": 8.0},
        {"indicator": "diabetes", **GM, "sex": "Persons", "value": 7.0},
    ])
    sentences = narrative.area_sentences(store, "E54000007", ["hle", "diabetes"],
                                         catalog=CATALOG)
    assert len(sentences) == 3
    assert sentences[0].startswith("Healthy life expectancy (females) in Greater Manchester")
    assert sentences[1].startswith("Healthy life expectancy (males) in Greater Manchester")
    assert "approximately 61.0 years" in sentences[1]
    assert sentences[2].startswith("Diabetes prevalence in Greater Manchester")


def test_sentence_states_the_standard() -> None:
    short = narrative.indicator_sentence(
        _diabetes(target=66.7, target_gap=3.6, value=63.1), catalog=CATALOG
    )
    assert short.endswith("; 3.6 percentage points short of the standard of 66.7%.")
    met = narrative.indicator_sentence(
        _diabetes(target=66.7, target_gap=-3.3, value=70.0), catalog=CATALOG
    )
    assert met.endswith("; the standard of 66.7% is met.")


def test_rows_by_indicator_groups_records_in_their_order():
    rows = pd.DataFrame({"indicator": ["b", "a", "b", "c"], "sex": ["Male", "Persons", "Female",
                                                                   "Persons"],
                         "value": [1.0, 2.0, 3.0, float("nan")]})
    grouped = narrative.rows_by_indicator(rows)
    assert list(grouped) == ["b", "a", "c"]
    assert [r["sex"] for r in grouped["b"]] == ["Male", "Female"]
    # the same records as converting each indicator's slice
    for indicator, records in grouped.items():
        expected = rows[rows["indicator"] == indicator].to_dict("records")
        assert str(records) == str(expected)
    assert narrative.rows_by_indicator(rows.iloc[:0]) == {}
