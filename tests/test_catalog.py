"""The catalogue: the default catalog.yml covers the issue's list, and bad entries are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from catalog_fixtures import good_csv, indicator_entry, write_catalog

from stp_analytics.data import catalog as catalog_module
from stp_analytics.data.catalog import (
    AGGREGATIONS,
    COMPARISON_METHODS,
    POLARITIES,
    STATISTICS,
    load_catalog,
)
from stp_analytics.errors import CatalogError
from stp_analytics.paths import data_catalog_dir
from stp_analytics.schema import OBSERVATION_COLUMNS


@pytest.fixture(scope="module")
def default():
    return load_catalog()


REQUIRED_WITH_DATA = {
    "qof_diabetes_prevalence", "qof_obesity_prevalence", "qof_depression_prevalence",
    "qof_hypertension_prevalence", "qof_dementia_prevalence", "qof_mental_health_prevalence",
    "ae_four_hour_type1", "ae_four_hour_all", "ae_attendances_type1", "ae_attendances_all",
    "emergency_admissions_via_ae", "smoking_prevalence", "adult_excess_weight",
    "year6_excess_weight", "physical_inactivity", "healthy_life_expectancy", "life_expectancy",
    "slope_index_of_inequality", "u75_preventable_mortality", "u75_preventable_cancer_mortality",
    "alcohol_admissions", "falls_admissions", "self_harm_admissions", "deaths_usual_residence",
    "dementia_diagnosis_rate", "cervical_screening_25_49", "cervical_screening_50_64",
    "delayed_transfer_days", "delayed_transfer_days_per_100k", "deprivation_most_deprived_decile",
    "ccg_allocation_per_head", "ccg_distance_from_target", "trust_surplus_deficit",
    "trust_loans_outstanding",
}
NO_DEFAULT_DATA = {"rtt_18_weeks", "cancer_62_day", "diagnostics_6_weeks", "iapt_access",
                   "cqc_good_or_outstanding"}


def test_default_catalogue_covers_the_issue_list(default):
    assert REQUIRED_WITH_DATA <= set(default.indicators)
    with_data = {i.id for i in default.indicators.values() if i.has_data}
    assert REQUIRED_WITH_DATA <= with_data
    without = {i.id for i in default.indicators.values() if not i.has_data}
    assert without == NO_DEFAULT_DATA


def test_targets_from_the_standards(default):
    targets = {i.id: i.target for i in default.indicators.values() if i.target is not None}
    assert targets["ae_four_hour_type1"] == 95
    assert targets["dementia_diagnosis_rate"] == 66.7
    assert targets["cervical_screening_25_49"] == targets["cervical_screening_50_64"] == 80
    assert targets["rtt_18_weeks"] == 92 and targets["cancer_62_day"] == 85
    assert targets["diagnostics_6_weeks"] == 1 and targets["iapt_recovery"] == 50
    assert all(default.indicators[k].target_label for k in targets)


def test_every_source_file_exists_and_is_described_in_sources_md(default):
    sources_md = (data_catalog_dir() / "SOURCES.md").read_text(encoding="utf-8")
    for source in default.sources.values():
        assert source.licence and source.provenance and source.publisher and source.period
        for name in source.files:
            path = source.resolve(name)
            assert path.exists(), path
            assert path.name.removesuffix(".gz") in sources_md, path.name


def test_every_indicator_has_allowed_values(default):
    for indicator in default.indicators.values():
        assert indicator.polarity in POLARITIES
        assert indicator.method in COMPARISON_METHODS
        assert indicator.statistic in STATISTICS
        assert indicator.aggregation in AGGREGATIONS
        assert indicator.confidence in (0.95, 0.998)
        assert indicator.definition
        assert indicator.comparison == {"method": indicator.method,
                                        "confidence": indicator.confidence}


def test_peer_variables_use_catalogue_indicators_with_data(default):
    assert default.peer_method
    assert {p.indicator for p in default.peer_variables} >= {"deprivation_most_deprived_decile"}
    for peer in default.peer_variables:
        assert default.indicators[peer.indicator].has_data
        assert peer.weight > 0 and peer.reason
    assert sum(p.weight for p in default.peer_variables) == pytest.approx(1.0)


def test_unknown_indicator_lists_the_closest_ids(default):
    with pytest.raises(CatalogError, match="no indicator called 'smoking_prevalance'.*closest"):
        default.observations(["smoking_prevalance"])


def test_indicators_without_data_give_an_empty_table_with_the_columns(default):
    empty = default.observations(["rtt_18_weeks"])
    assert list(empty.columns) == list(OBSERVATION_COLUMNS) and empty.empty


def test_catalogue_is_cached_and_sources_load_once(tmp_path, monkeypatch):
    path = write_catalog(tmp_path, good_csv())
    first = load_catalog(path)
    calls = []
    original = catalog_module.Catalog.load_source

    def counting(self, source_id):
        calls.append(source_id)
        return original(self, source_id)

    first.observations()
    monkeypatch.setattr(catalog_module.Catalog, "load_source", counting)
    assert load_catalog(path) is first
    first.observations()
    first.observations(["user_indicator"])
    assert calls == ["user_data", "user_data"]  # served from the in-memory cache
    assert set(first._loaded) == {"user_data"}


def test_an_edited_source_file_is_read_again(tmp_path):
    path = write_catalog(tmp_path, good_csv())
    assert len(load_catalog(path).observations()) == 3
    (tmp_path / "user_data.csv").write_text(good_csv(("900,E08000009,2016/17,20.0,,,40,200",)))
    assert len(load_catalog(path).observations()) == 1


# ---------------------------------------------------------------- bad catalogue entries


def _rewrite(path: Path, change) -> Path:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("key", "value", "allowed"), [
    ("polarity", "up_is_good", "high_is_good, low_is_good, none"),
    ("statistic", "ratio", "proportion, rate, published, count, mean"),
    ("aggregation", "average", "sum_counts, population_weighted_mean, sum"),
    ("geography", "ward", "practice, lad, utla, trust, ccg, lsoa"),
    ("gap", "money", "health, care, finance"),
    ("frequency", "weekly", "annual, monthly"),
])
def test_unknown_choice_names_the_indicator_and_allowed_values(tmp_path, key, value, allowed):
    path = write_catalog(tmp_path, good_csv(), indicator=indicator_entry(**{key: value}))
    with pytest.raises(CatalogError, match=rf"indicator 'user_indicator': {key} '{value}' is not "
                       rf"allowed; expected one of: {allowed}"):
        load_catalog(path)


def test_unknown_comparison_method_or_confidence(tmp_path):
    entry = indicator_entry(comparison={"method": "triple", "confidence": 0.95})
    with pytest.raises(CatalogError, match="comparison: method 'triple' is not allowed; expected "
                       "one of: single, double, quintiles, none"):
        load_catalog(write_catalog(tmp_path, good_csv(), indicator=entry))
    entry = indicator_entry(comparison={"method": "single", "confidence": 0.9})
    with pytest.raises(CatalogError, match="confidence 0.9 is not allowed; expected one of: "
                       "0.95, 0.998"):
        load_catalog(write_catalog(tmp_path, good_csv(), indicator=entry))


def test_indicator_pointing_at_a_missing_source(tmp_path):
    path = write_catalog(tmp_path, good_csv(), indicator=indicator_entry(source="nowhere"))
    with pytest.raises(CatalogError, match="indicator 'user_indicator': source 'nowhere' is not in "
                       r"the catalogue's sources \(known: user_data\)"):
        load_catalog(path)


def test_misspelt_key_is_refused(tmp_path):
    entry = indicator_entry()
    entry["polarty"] = entry.pop("polarity")
    with pytest.raises(CatalogError, match=r"unknown key\(s\) polarty"):
        load_catalog(write_catalog(tmp_path, good_csv(), indicator=entry))


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text("sources:\n  a: {file: x\nindicators: [\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"broken\.yml line \d+, column \d+: YAML syntax error"):
        load_catalog(path)


def test_yaml_tags_that_run_code_are_refused(tmp_path):
    path = tmp_path / "hostile.yml"
    path.write_text("sources: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="hostile.yml.*YAML"):
        load_catalog(path)


def test_missing_catalogue_file(tmp_path):
    with pytest.raises(CatalogError, match="catalogue file not found"):
        load_catalog(tmp_path / "absent.yml")


def test_peer_variable_must_name_a_catalogue_indicator(tmp_path):
    path = write_catalog(tmp_path, good_csv())
    _rewrite(path, lambda d: d.update(peer_variables={
        "variables": [{"indicator": "ghost", "period": "2016", "weight": 1}]}))
    with pytest.raises(CatalogError, match="variable 1: indicator 'ghost' is not in the catalogue"):
        load_catalog(path)
