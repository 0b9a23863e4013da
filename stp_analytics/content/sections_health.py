"""The health chapter's inequality and detection-gap sections (issue 20 items 1 and 3).

:func:`inequality` shows, for each practice-level indicator of
:data:`stp_analytics.metrics.health_tables.INEQUALITY_INDICATORS`, the area's practices by
national deprivation quintile (chart with 95% CIs and the fitted line, and a table) and the slope
and relative index of inequality with England's. :func:`detection_gap` shows the estimated
number of people with undiagnosed diabetes and the detection rate, with England's. The numbers
come from :func:`stp_analytics.metrics.health_tables.load_or_build_health_tables`, computed
once per build beside the metric store; this module only words and lays them out.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from stp_analytics.charts import inequality as inequality_chart
from stp_analytics.content import display, vintage
from stp_analytics.content.narrative import format_number
from stp_analytics.content.pack_content import PackContext, indicator_name
from stp_analytics.content.sections import Section, not_in_vintage
from stp_analytics.errors import StpPacksError
from stp_analytics.metrics import detection as detection_metrics
from stp_analytics.metrics import health_tables, natural_units
from stp_analytics.schema import ENGLAND_CODE

LOGGER = logging.getLogger(__name__)
SII_SOURCE = ("QOF 2017-18 and PHE cervical screening Dec 2017 by practice; OHID Fingertips "
              "93553 (IMD 2019 score of each practice)")
NCVIN_SOURCE = "PHE NCVIN diabetes prevalence estimates 2017 (2016 CCGs); QOF 2017-18"
INEQUALITY_INTRO = (
    "Every practice in England is placed in a national quintile by the IMD 2019 deprivation "
    "score of its registered population (quintile 1: the most deprived fifth of practices). "
    "The slope index of inequality (SII) is the difference, along a line fitted to the "
    "quintiles weighted by their registered population, between the most and the least "
    "deprived ends of the {label}'s population; the relative index (RII) is their ratio. "
    "Method: PHE (PHEindicatormethods phe_sii), 95% confidence intervals by simulation. "
    "A positive SII means the value is higher among the more deprived.")
QUINTILE_COLUMNS = (("quintile", "Quintile"), ("practices", "Practices"),
                    ("denominator", "People counted"), ("value", "Value (%)"),
                    ("interval", "95% CI"))
DETECTION_COLUMNS = (("area", "Area"), ("estimated", "Estimated with diabetes (16+)"),
                     ("recorded", "On practice registers (17+)"),
                     ("undiagnosed", "Estimated undiagnosed"),
                     ("detection_rate", "Detection rate"))


def pack_health_tables(pack: PackContext) -> dict[str, pd.DataFrame]:
    """The build's health tables (cached beside the pack's metric store)."""
    cache_dir = Path(pack.store_path).parent if pack.store_path else None
    return health_tables.load_or_build_health_tables(pack.catalog, pack.area_set.name, cache_dir)


def health_tables_or_none(pack: PackContext) -> dict[str, pd.DataFrame] | None:
    """:func:`pack_health_tables`, or None (cause logged) when they cannot be computed."""
    try:
        return pack_health_tables(pack)
    except (StpPacksError, OSError, LookupError, ValueError):
        LOGGER.exception("health tables could not be computed")
        return None


def _row(frame: pd.DataFrame, indicator: str | None, area_code: str) -> pd.Series | None:
    rows = frame[frame["area_code"] == area_code]
    if indicator is not None:
        rows = rows[rows["indicator"] == indicator]
    return None if rows.empty else rows.iloc[0]


def _sii_text(fit: pd.Series) -> str:
    return (f"{format_number(fit['sii'], 2)} percentage points (95% CI "
            f"{format_number(fit['sii_lower'], 2)} to {format_number(fit['sii_upper'], 2)})")


def sii_sentence(name: str, area_name: str, fit: pd.Series | None,
                 england: pd.Series | None) -> str:
    """The SII and RII of an area in words, with England's and whether their CIs overlap."""
    if fit is None or pd.isna(fit["sii"]):
        reason = "" if fit is None else f" ({fit['note']})"
        return f"{name}: no slope index of inequality for {area_name}{reason}."
    direction = "higher" if fit["sii"] > 0 else "lower"
    text = (f"{name}: in {area_name} it is {direction} among the more deprived practices' "
            f"patients: slope index of inequality {_sii_text(fit)}, relative index "
            f"{format_number(fit['rii'], 2)}.")
    if england is not None and pd.notna(england["sii"]):
        text += f" England: SII {_sii_text(england)}, RII {format_number(england['rii'], 2)}."
        if fit["sii_lower"] <= england["sii_upper"] and england["sii_lower"] <= fit["sii_upper"]:
            text += " The intervals overlap: no clear difference from England's gap."
        elif (fit["sii"] > 0) != (england["sii"] > 0):
            text += f" The gradient in {area_name} runs the other way from England's."
        else:
            size = "larger" if abs(fit["sii"]) > abs(england["sii"]) else "smaller"
            text += f" The gap is {size} in {area_name} (the intervals do not overlap)."
    return text


def quintile_rows(quantiles: pd.DataFrame) -> list[dict[str, str]]:
    """One area's quintiles as table rows (empty quintiles say so)."""
    rows = []
    for _, row in quantiles.sort_values("quantile").iterrows():
        label = f"{int(row['quantile'])}" + {1: " (most deprived)", 5: " (least deprived)"}.get(
            int(row["quantile"]), "")
        empty = row["practices"] == 0
        rows.append({
            "quintile": label, "practices": format_number(row["practices"], 0),
            "denominator": format_number(row["denominator"], 0),
            "value": "no practices" if empty else format_number(row["value"], 1),
            "interval": "" if empty else (f"{format_number(row['lower'], 1)} to "
                                          f"{format_number(row['upper'], 1)}"),
        })
    return rows


def inequality_caveats(pack: PackContext, tables: dict[str, pd.DataFrame]) -> list[str]:
    """Caveats for this area: a quintile with no practice, practices missing from QOF."""
    notes = []
    fits = tables["sii"][tables["sii"]["area_code"] == pack.area_code]
    fitted = fits.loc[fits["note"].astype(str).str.startswith("fitted on"), "note"]
    if len(fitted):
        notes.append(
            f"{pack.area_name} has no practice in national quintile 1 (the most deprived fifth "
            f"of England's practices): its SII is {fitted.iloc[0]}, so it describes a "
            "narrower range of deprivation than an area with practices in every quintile.")
    gap = _row(tables["detection"], None, pack.area_code)
    low, high = detection_metrics.COVERAGE_RANGE
    if gap is not None and not low <= gap["coverage"] <= high:
        notes.append(
            f"Practices are missing from the QOF 2017-18 files (they have no Buckinghamshire "
            f"practice): the practices of "
            f"{pack.area_name} in the data list {format_number(100 * gap['coverage'], 0)}% of "
            "its modelled adult population, so these quintiles describe the practices present "
            "only.")
    notes.append("Practices that closed or merged before the IMD 2019 practice scores were "
                 "published have no score and are left out of the quintiles.")
    return notes


def _indicator_pieces(pack: PackContext, tables: dict[str, pd.DataFrame], indicator: str
                      ) -> list[Markup]:
    name = indicator_name(pack, indicator)
    quantiles = tables["quantiles"][tables["quantiles"]["indicator"] == indicator]
    fits = tables["sii"][tables["sii"]["indicator"] == indicator]
    area = quantiles[quantiles["area_code"] == pack.area_code]
    period = str(quantiles["period"].iloc[0]) if len(quantiles) else ""
    sentence = sii_sentence(f"{name} ({period})", pack.area_name,
                            _row(fits, None, pack.area_code), _row(fits, None, ENGLAND_CODE))

    def chart() -> object:
        data = inequality_chart.prepare_sii_data(quantiles, fits, pack.area_code, name=name,
                                                 area_name=pack.area_name, source=SII_SOURCE)
        return inequality_chart.plot_sii(data)

    return [display.paragraph(sentence), display.try_chart(name, chart),
            display.indicator_table(quintile_rows(area), QUINTILE_COLUMNS,
                                    caption=f"{name} by national deprivation quintile of "
                                            f"practice, {pack.area_name}")]


def inequality(pack: PackContext) -> Section:
    """Each practice-level indicator by deprivation quintile with its SII and RII (data:
    ``quantiles``, ``sii`` for this area and England)."""
    if vintage.after_vintage(pack.as_at, "2018-03-31"):
        return not_in_vintage(pack, "Inequality", "the QOF and cervical screening data it uses")
    title = f"Inequality inside the {pack.label}"
    tables = health_tables_or_none(pack)
    pieces = [display.heading(title)]
    if tables is None:
        return Section(title, [*pieces, display.not_supplied(title, display.NOT_AVAILABLE)])
    pieces.append(display.paragraph(INEQUALITY_INTRO.format(label=pack.label)))
    for indicator in health_tables.INEQUALITY_INDICATORS:
        pieces += _indicator_pieces(pack, tables, indicator)
    pieces.append(display.bullet_list(inequality_caveats(pack, tables)))
    codes = [pack.area_code, ENGLAND_CODE]
    return Section(title, pieces, lambda: {
        name: tables[name][tables[name]["area_code"].isin(codes)].reset_index(drop=True)
        for name in ("quantiles", "sii")})


def _about(value: float) -> str:
    return f"about {format_number(round(value, -1), 0)}"


def detection_sentence(area_name: str, gap: pd.Series | None, england: pd.Series | None) -> str:
    """The detection gap in words, with England's."""
    if gap is None or pd.isna(gap["detection_rate"]):
        reason = "" if gap is None else f": {gap['note']}"
        return f"Undiagnosed diabetes in {area_name}: data not supplied{reason}."
    text = (f"PHE's model estimates {_about(gap['estimated'])} people aged 16+ with diabetes in "
            f"{area_name} in 2017; {format_number(gap['recorded'], 0)} are on practice "
            f"registers (QOF 2017-18): {_about(gap['undiagnosed'])} people with diabetes not "
            f"yet diagnosed, a detection rate of {format_number(100 * gap['detection_rate'])}%.")
    if england is not None and pd.notna(england["detection_rate"]):
        text += (f" England: {_about(england['undiagnosed'])} undiagnosed, detection rate "
                 f"{format_number(100 * england['detection_rate'])}%.")
    return text


def detection_rows(gap: pd.Series, area: str) -> dict[str, str]:
    """A table row of the detection gap (figures "about", rounded to tens)."""
    shown = pd.notna(gap["detection_rate"])
    return {"area": area, "estimated": _about(gap["estimated"]),
            "recorded": format_number(gap["recorded"], 0),
            "undiagnosed": _about(gap["undiagnosed"]) if shown else "not computed",
            "detection_rate": (f"{format_number(100 * gap['detection_rate'])}%" if shown
                               else "not computed")}


def detection_caveat(england: pd.Series | None) -> str:
    """Why England is the sum of the CCG estimates, how CCGs map to footprints, the ages."""
    published = ("" if england is None or pd.isna(england["england_published"]) else
                 f" ({format_number(england['estimated'], 0)} summed against "
                 f"{format_number(england['england_published'], 0)} published for 2017)")
    return (f"PHE modelled each CCG separately, so the CCG estimates do not sum to its England "
            f"figure{published}: England here is the sum of the CCGs, as the source intends. "
            "The estimates are for 2016 CCGs, mapped to this pack's areas by population share "
            "(each CCG's share of LSOAs, which hold similar populations). The model counts "
            "people aged 16+, the registers 17+; the estimates carry no published interval, "
            "so the gap is approximate and has no confidence interval. Buckinghamshire's "
            "practices are missing from the QOF 2017-18 files, so England's register total "
            "and detection rate are slightly low.")


def detection_gap(pack: PackContext) -> Section:
    """Estimated undiagnosed diabetes as a count and a detection rate, with England's (data:
    ``detection`` for this area and England)."""
    if vintage.after_vintage(pack.as_at, "2018-03-31"):
        return not_in_vintage(pack, "Detection gap",
                              "the modelled prevalence and the registers it uses")
    title = "Undiagnosed diabetes"
    tables = health_tables_or_none(pack)
    pieces = [display.heading(title)]
    if tables is None:
        return Section(title, [*pieces, display.not_supplied(title, display.NOT_AVAILABLE)])
    table = tables["detection"]
    gap, england = _row(table, None, pack.area_code), _row(table, None, ENGLAND_CODE)
    rows = [detection_rows(row, label) for row, label in
            ((gap, pack.area_name), (england, "England (sum of CCG estimates)"))
            if row is not None]
    pieces += [display.paragraph(detection_sentence(pack.area_name, gap, england)),
               display.indicator_table(rows, DETECTION_COLUMNS,
                                       caption=f"Diabetes detection gap, 2017 ({NCVIN_SOURCE})"),
               display.paragraph(detection_caveat(england))]
    return Section(title, pieces, lambda: {"detection": table[table["area_code"].isin(
        [pack.area_code, ENGLAND_CODE])].reset_index(drop=True)})


NATURAL_UNIT_COLUMNS = (("indicator", "Indicator"), ("period", "Period"),
                        ("england", "Against England's rate"),
                        ("peers", "Against the best 5 of the 10 most similar"),
                        ("basis", "Counted on"))


def natural_unit_gaps(pack: PackContext) -> pd.DataFrame:
    """:func:`metrics.natural_units.gap_in_natural_units` for the pack's area: its latest rows,
    volumes from the mid-2018 age profile (finance ageing's) where there are no counts."""
    from stp_analytics.content import narrative
    from stp_analytics.finance.ageing import area_age_profiles

    try:
        profile = area_age_profiles(pack.area_set.name).loc[pack.area_code]
        populations = natural_units.band_populations(profile)
    except (StpPacksError, OSError, LookupError, ValueError):
        LOGGER.exception("no mid-2018 age profile for %s", pack.area_code)
        populations = {}
    rows = narrative.area_rows(pack.store, pack.area_code)
    return natural_units.gap_in_natural_units(
        rows, populations, peers_label=f"the best 5 of the 10 most similar {pack.label_plural}")


def natural_units_section(pack: PackContext) -> Section:
    """The health gap in people or events: each rate's difference from England and from the
    best similar areas (data: ``gaps``)."""
    if vintage.after_vintage(pack.as_at, "2018-06-30"):
        return not_in_vintage(pack, "Natural units section", "the population estimates it uses")
    title = "The gap in people and events"
    try:
        gaps = natural_unit_gaps(pack)
    except (StpPacksError, LookupError, ValueError):
        LOGGER.exception("natural-unit gaps could not be computed")
        return Section(title, [display.heading(title),
                               display.not_supplied(title, display.NOT_AVAILABLE)])
    health = set(pack.indicators("health"))
    shown = gaps[gaps["indicator"].isin(health) & gaps["gap_england"].notna()]
    rows = [{"indicator": indicator_name(pack, row["indicator"]), "period": row["period"],
             "england": row["text_england"], "peers": row["text_peers"],
             "basis": row["volume_basis"]} for _, row in shown.iterrows()]
    intro = (f"Each rate's difference from England's, and from the best 5 of the 10 most "
             f"similar {pack.label_plural}, as people or events in {pack.area_name}. Where the "
             "value has no counts, the difference is applied to the mid-2018 population of the "
             "indicator's age group (ONS) and is approximate (\"about\").")
    return Section(title, [display.heading(title), display.paragraph(intro),
                           display.indicator_table(rows, NATURAL_UNIT_COLUMNS,
                                                   caption=f"The gap in natural units, "
                                                           f"{pack.area_name}")],
                   {"gaps": gaps})


SMOKING_COMPARISON = {"Worse": "significantly worse than", "Better": "significantly better than",
                      "Similar": "similar to"}


def smoking_sentence(area_name: str, row: pd.Series) -> str:
    """Smoking 2019 from counts in words: value, CI, the comparison with England, the method."""
    if pd.isna(row["value"]):
        return f"Adult smoking 2019 in {area_name}: data not supplied (no district value)."
    verdict = SMOKING_COMPARISON.get(row["comparison"], "not compared with")
    text = (f"Adult smoking 2019 (ONS Annual Population Survey via OHID Fingertips 92443, from "
            f"district counts): "
            f"{format_number(row['value'])}% of adults in {area_name} smoke (95% CI "
            f"{format_number(row['lower'])} to {format_number(row['upper'])}), {verdict} "
            f"England ({format_number(row['england_value'])}%, 95% CI "
            f"{format_number(row['england_lower'])} to {format_number(row['england_upper'])}). "
            f"The value is the estimated smokers over the adults of its "
            f"{int(row['districts'])} districts or district shares; the interval combines the "
            "districts' independent survey estimates.")
    if row["split"]:
        text += (f" {row['split']} (created in 2019) is apportioned to the districts it "
                 "replaced by their mid-2017 population share, each taking the merged "
                 "district's rate.")
    if row["suppressed"]:
        text += f" {row['suppressed']}: value suppressed by PHE, left out."
    return text + (" The 2016-2018 smoking values elsewhere in this chapter are approximate: "
                   "population-weighted means of district values, without an interval.")


def smoking_table(pack: PackContext) -> pd.DataFrame:
    """:func:`metrics.smoking.area_smoking` for every area of the pack's set and England."""
    from stp_analytics.data.geography import lad_code_changes
    from stp_analytics.data.loaders.aps_smoking import APS_SMOKING_FILE, read_aps_smoking
    from stp_analytics.metrics.smoking import area_smoking
    from stp_analytics.paths import sources_dir

    districts = read_aps_smoking(sources_dir() / APS_SMOKING_FILE)
    return area_smoking(districts, pack.area_set.part_lookup("lad"), lad_code_changes())


def smoking_2019(pack: PackContext) -> Section:
    """Adult smoking 2019 with a CI and a comparison with England (data: ``smoking``)."""
    if vintage.after_vintage(pack.as_at, "2019-12-31"):
        return not_in_vintage(pack, "Smoking 2019", "the Annual Population Survey results it uses")
    title = "Adult smoking 2019, from counts"
    try:
        table = smoking_table(pack)
        row = _row(table, None, pack.area_code)
    except (StpPacksError, OSError, LookupError, ValueError):
        LOGGER.exception("smoking 2019 could not be computed")
        row = None
    if row is None:
        return Section(title, [display.heading(title),
                               display.not_supplied(title, display.NOT_AVAILABLE)])
    return Section(title, [display.heading(title),
                           display.paragraph(smoking_sentence(pack.area_name, row))],
                   {"smoking": table[table["area_code"].isin([pack.area_code, ENGLAND_CODE])]
                    .reset_index(drop=True)})


def age_profile_data(pack: PackContext) -> tuple[pd.DataFrame, str]:
    """(``band, area_share, england_share, area_people, england_people``, alt text) from the
    mid-2018 single-year profiles (the finance model's ageing input)."""
    from stp_analytics.finance.ageing import area_age_profiles, lad_age_profiles
    from stp_analytics.metrics.age_profile import band_shares, share_aged

    area = band_shares(area_age_profiles(pack.area_set.name).loc[pack.area_code])
    england = band_shares(lad_age_profiles().loc[ENGLAND_CODE])
    data = pd.DataFrame({"band": area["band"], "area_share": area["share"],
                         "england_share": england["share"], "area_people": area["people"],
                         "england_people": england["people"]})
    alt = (f"Chart of {pack.area_name}'s population by age, mid-2018, against England's: "
           f"{format_number(share_aged(area, 65))}% aged 65 and over (England "
           f"{format_number(share_aged(england, 65))}%), {format_number(share_aged(area, 0, 15))}"
           f"% under 20 (England {format_number(share_aged(england, 0, 15))}%).")
    return data, alt


def age_profile(pack: PackContext) -> Section:
    """The footprint's population by age against England's (data: ``age_profile``)."""
    if vintage.after_vintage(pack.as_at, "2018-06-30"):
        return not_in_vintage(pack, "Age profile", "the population estimates it uses")
    from stp_analytics.charts.age_profile import plot_age_profile

    title = "Population by age"
    try:
        data, alt = age_profile_data(pack)
    except (StpPacksError, OSError, LookupError, ValueError):
        LOGGER.exception("age profile could not be computed")
        return Section(title, [display.heading(title),
                               display.not_supplied(title, display.NOT_AVAILABLE)])
    note = ("Persons only: the vendored ONS file has no split by sex, so this is an age "
            "profile rather than a pyramid. The same profiles drive the finance model's "
            "ageing assumption.")
    chart = display.try_chart(title, plot_age_profile, data, area_name=pack.area_name,
                              alt_text=alt)
    return Section(title, [display.heading(title), chart, display.paragraph(note)],
                   {"age_profile": data})
