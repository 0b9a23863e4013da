"""Observations at their source geography -> each area of the set, its parts, regions, England.

Rules (DESIGN.md "Aggregation rules", methods README):
* ``sum_counts``: numerators and denominators are summed (a split district contributes its share)
  and the statistic and its CI are computed from the sums with :func:`methods.proportion`
  (Wilson) or :func:`methods.rate` (exact below 10 events, else Byar's). Rates are never averaged;
  a rate from fewer than 10 events is suppressed (value missing, reason in ``note``).
* ``population_weighted_mean``: only values exist, so an area gets the mean of its parts' values
  weighted by mid-year population x share; flagged approximate, no CI. England is the published
  England row when the file has one, otherwise weighted the same way.
* ``sum``: amounts (days, pounds, counts) are summed; no CI.
* ``survey_weighted_mean``: districts' survey estimates with weighted counts and limits
  (:mod:`stp_analytics.metrics.survey_aggregate`): Σ count ÷ Σ population with the CI of
  independent estimates.
Successor LAD codes (2019/2021 mergers) are mapped back to the 2017 districts they replaced.
Everything is grouped and vectorised; nothing loops over rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics import methods, schema
from stp_analytics.metrics.geo import ENGLAND_CODE, ENGLAND_NAME, PART_LEVEL, GeoContext
from stp_analytics.metrics.notes import join_notes, population_year_notes, row_notes
from stp_analytics.metrics.periods import period_table
from stp_analytics.metrics.survey_aggregate import SURVEY, survey_rows

KEYS = ["indicator", "period", "sex"]
SUM_COLUMNS = ["num", "den", "wsum", "wtot", "vsum", "n_parts", "n_missing", "split", "merged"]
WEIGHTED_NOTE = "approximate: population-weighted mean of local authority values, no CI"
MIN_EVENTS = 10
NON_ENGLISH_CODE = r"[WSN]\d{8}"  # ONS codes of Wales, Scotland, Northern Ireland


def aggregate(observations: pd.DataFrame, specs: pd.DataFrame, geo: GeoContext) -> pd.DataFrame:
    """Statistic rows for every area, part, region and England of ``geo``.

    ``observations`` follow ``schema.OBSERVATION_COLUMNS``; ``specs`` come from
    :func:`stp_analytics.metrics.specs.indicator_specs`. Returns one row per indicator x
    area_role x area_code x parent_code x period x sex with numerator, denominator, value,
    lower, upper, confidence, method, approximate, note, area_type, area_name, region_code,
    period_start.
    """
    survey = specs["aggregation"].eq(SURVEY)
    if survey.any():  # survey estimates: their own rule (survey_aggregate.py)
        ids = observations["indicator"].isin(specs.loc[survey, "indicator"])
        frames = [survey_rows(observations.loc[ids], specs.loc[survey], geo)]
        if (~ids).any() and (~survey).any():
            frames.insert(0, aggregate(observations.loc[~ids], specs.loc[~survey], geo))
        return pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
    obs = _native(_prepare(observations, specs), geo)
    source = obs.loc[obs["area_type"] == obs["geography"]]
    mapped = _map_to_areas(source, geo)
    area_sums = _complete(_sum_parts(mapped, ["indicator", "area_code", "period", "sex"]), geo)
    area_sums = _expected_parts(area_sums, specs, geo)
    region_of = geo.areas.set_index("area_code")["region_code"]
    region_sums = _sum_parts(
        area_sums.assign(region_code=area_sums["area_code"].map(region_of)),
        ["indicator", "region_code", "period", "sex"],
    ).rename(columns={"region_code": "area_code"})
    frames = [
        _label(_with_direct_values(area_sums, source, geo), "area", geo),
        _label(region_sums, "region", geo),
        _england(source, area_sums, obs),
        _parts(source, mapped, geo),
    ]
    rows = pd.concat([f for f in frames if len(f)], ignore_index=True)
    rows = rows.merge(specs, on="indicator", how="left", validate="many_to_one")
    periods = obs.loc[:, ["indicator", "period", "period_start", "ref_year"]]
    rows = rows.merge(periods.drop_duplicates(["indicator", "period"]),
                      on=["indicator", "period"], how="left")
    return _finish(rows, geo)


def _prepare(observations: pd.DataFrame, specs: pd.DataFrame) -> pd.DataFrame:
    """Observations of catalogue indicators with their specs and parsed periods."""
    obs = observations.loc[observations["indicator"].isin(specs["indicator"])].copy()
    for column in ("numerator", "denominator", "value", "lower", "upper"):
        obs[column] = pd.to_numeric(obs[column], errors="coerce").astype("float64")
    for column in ("indicator", "area_type", "area_code", "period", "sex"):
        obs[column] = obs[column].astype("str")
    obs = obs.merge(
        specs.loc[:, ["indicator", "geography", "aggregation", "frequency", "statistic"]],
        on="indicator",
    )
    monthly = obs["frequency"].eq("monthly")
    parts = []
    for flag in (False, True):
        labels = obs.loc[monthly == flag, "period"]
        if len(labels):
            parts.append(period_table(labels, monthly=flag).assign(monthly=flag))
    table = pd.concat(parts, ignore_index=True)
    obs = obs.assign(monthly=monthly).merge(table, on=["period", "monthly"], how="left")
    return obs.drop(columns="monthly")


def _native(obs: pd.DataFrame, geo: GeoContext) -> pd.DataFrame:
    """Rows published at the set's own area type (IAPT's ICB rows from 2022-23 for an ICB set)
    are that set's areas, whatever the indicator's geography. England rows of a period whose
    only other rows belong to another set's area type are dropped: a 2017 footprint pack gets
    no England value for a year that has only ICB rows."""
    native = obs["area_type"].eq(geo.area_type) & obs["geography"].ne(geo.area_type)
    obs = obs.assign(geography=obs["geography"].where(~native, geo.area_type))
    england = obs["area_type"].eq("england")
    usable = obs.loc[obs["area_type"].eq(obs["geography"]), KEYS].drop_duplicates()
    other = obs.loc[~england, KEYS].drop_duplicates()
    orphan = other.merge(usable, how="left", indicator=True).query("_merge == 'left_only'")
    if orphan.empty:
        return obs
    drop = obs.loc[:, KEYS].merge(orphan[KEYS].assign(orphan=True), how="left")["orphan"]
    return obs.loc[~(england & drop.eq(True).to_numpy())]


def _map_to_areas(source: pd.DataFrame, geo: GeoContext) -> pd.DataFrame:
    """Source rows joined to the areas they lie in, with share, weights and contributions."""
    pieces = []
    for geography, rows in source.groupby("geography", sort=True):
        try:
            lookup = geo.lookup(geography)
        except (KeyError, ValueError):
            continue  # no look-up for this geography: the indicator gets no area rows
        codes = _code_map(rows["area_code"].drop_duplicates(), lookup, geography, geo)
        joined = rows.merge(codes, left_on="area_code", right_on="source_code")
        joined = joined.drop(columns=["area_code", "source_code"]).merge(lookup, on="part_code")
        pieces.append(joined)
    if not pieces:
        return pd.DataFrame(columns=[*source.columns, "part_code", "part_name", "share"])
    mapped = pd.concat(pieces, ignore_index=True)
    return _with_weights(mapped, geo)


def _code_map(
    codes: pd.Series, lookup: pd.DataFrame, geography: str, geo: GeoContext
) -> pd.DataFrame:
    """source_code -> part_code with split_share (1, or a merged authority's population share)."""
    known = codes[codes.isin(lookup["part_code"])]
    direct = pd.DataFrame({"source_code": known, "part_code": known, "split_share": 1.0,
                           "merged": False})
    if geography not in ("lad", "utla"):
        return direct
    changes = geo.code_changes()
    changes = changes.loc[changes["new_code"].isin(codes[~codes.isin(lookup["part_code"])])
                          & changes["old_code"].isin(lookup["part_code"])]
    if changes.empty:
        return direct
    merged = pd.DataFrame({"source_code": changes["new_code"], "part_code": changes["old_code"],
                           "split_share": changes["weight"].astype("float64"), "merged": True})
    return pd.concat([direct, merged], ignore_index=True)


def _with_weights(mapped: pd.DataFrame, geo: GeoContext) -> pd.DataFrame:
    """Add population weights (lad/utla, population x share) and each row's contributions."""
    weighted = mapped["aggregation"].eq("population_weighted_mean")
    population = pd.Series(np.nan, index=mapped.index)
    for (geography, year), idx in mapped.loc[weighted].groupby(
        ["geography", "ref_year"], sort=True
    ).groups.items():
        if geography in ("lad", "utla"):
            pop, _ = geo.population(geography, int(year))
            population[idx] = mapped.loc[idx, "part_code"].map(pop).to_numpy()
        else:  # value-only data at an NHS geography: weight by its denominator
            population[idx] = mapped.loc[idx, "denominator"].to_numpy()
    share = mapped["share"] * mapped["split_share"]
    amount = mapped["numerator"].fillna(mapped["value"])
    counts = mapped["aggregation"].eq("sum_counts")
    missing = np.where(
        counts,
        mapped["numerator"].isna()
        | (mapped["denominator"].isna() & mapped["statistic"].ne("count")),
        np.where(weighted, mapped["value"].isna() | population.isna(), amount.isna()),
    )
    has = mapped["value"].notna() & population.notna()
    return mapped.assign(
        num=mapped["numerator"] * share,
        den=mapped["denominator"] * share,
        wsum=(mapped["value"] * population * mapped["share"]).where(has),
        wtot=(population * mapped["share"]).where(has),
        vsum=amount * share,
        n_parts=1,
        n_missing=missing.astype("int64"),
        split=mapped["share"] < 1,
    )


def _sum_parts(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sum contributions within groups (min_count=1 so all-missing stays missing)."""
    if frame.empty:
        return pd.DataFrame(columns=[*by, *SUM_COLUMNS])
    grouped = frame.groupby(by, sort=True, dropna=False)
    sums = grouped[["num", "den", "wsum", "wtot", "vsum"]].sum(min_count=1)
    counts = grouped[[c for c in ("n_parts", "n_missing", "n_expected") if c in frame]].sum()
    flags = grouped[["split", "merged"]].any()
    return pd.concat([sums, counts, flags], axis=1).reset_index()


def _with_direct_values(
    area_sums: pd.DataFrame, source: pd.DataFrame, geo: GeoContext
) -> pd.DataFrame:
    """Published values of sources already at the set's own geography (e.g. CCG data, CCG set)."""
    direct = source.loc[source["geography"].eq(geo.area_type),
                        [*KEYS, "area_code", "value", "lower", "upper", "numerator",
                         "denominator"]]
    direct = direct.drop_duplicates([*KEYS, "area_code"]).rename(columns={
        "value": "pub_value", "lower": "pub_lower", "upper": "pub_upper",
        "numerator": "pub_num", "denominator": "pub_den"})
    return area_sums.merge(direct, on=[*KEYS, "area_code"], how="left")


def _complete(area_sums: pd.DataFrame, geo: GeoContext) -> pd.DataFrame:
    """One row per area for every indicator, period and sex that any area has (empty if none)."""
    if area_sums.empty:
        return area_sums
    grid = area_sums.loc[:, KEYS].drop_duplicates().merge(geo.areas[["area_code"]], how="cross")
    full = grid.merge(area_sums, on=[*KEYS, "area_code"], how="left")
    full["n_parts"] = full["n_parts"].fillna(0).astype("int64")
    full["n_missing"] = full["n_missing"].fillna(0).astype("int64")
    full["split"] = full["split"].astype("boolean").fillna(False).astype("bool")
    full["merged"] = full["merged"].astype("boolean").fillna(False).astype("bool")
    return full.sort_values(["indicator", "area_code", "period", "sex"], ignore_index=True)


def _expected_parts(area_sums: pd.DataFrame, specs: pd.DataFrame, geo: GeoContext) -> pd.DataFrame:
    """n_expected: how many local authorities each area has, so absent ones are counted too."""
    expected = pd.Series(0, index=area_sums.index, dtype="int64")
    geography = area_sums["indicator"].map(specs.set_index("indicator")["geography"])
    for kind in ("lad", "utla"):
        if kind == geo.area_type or not geography.eq(kind).any():
            continue
        try:
            per_area = geo.lookup(kind).groupby("area_code").size()
        except (KeyError, ValueError):
            continue
        mask = geography.eq(kind)
        expected[mask] = area_sums.loc[mask, "area_code"].map(per_area).fillna(0).astype("int64")
    return area_sums.assign(n_expected=expected)


def _label(sums: pd.DataFrame, role: str, geo: GeoContext) -> pd.DataFrame:
    """Attach role, names, parents and region codes to area or region sums."""
    if sums.empty:
        return sums
    if role == "area":
        info = geo.areas.rename(columns={"region_code": "parent_code"}).assign(
            region_code=geo.areas["region_code"], area_type=geo.area_type
        )
    else:
        info = geo.regions.rename(columns={"region_code": "area_code", "region_name": "area_name"})
        info = info.assign(parent_code=ENGLAND_CODE, region_code=info["area_code"],
                           area_type="region")
    info = info.loc[:, ["area_code", "area_name", "parent_code", "region_code", "area_type"]]
    return sums.merge(info, on="area_code", how="left").assign(area_role=role)


def _england(source: pd.DataFrame, area_sums: pd.DataFrame, obs: pd.DataFrame) -> pd.DataFrame:
    """England: the source's own England row where it has counts, else counts and amounts over
    every English source row; weights over the areas; the published England row kept alongside
    (used for value-only indicators)."""
    english = source.loc[~source["area_code"].str.fullmatch(NON_ENGLISH_CODE)]
    english = english.assign(
        num=english["numerator"],
        den=english["denominator"],
        vsum=english["numerator"].fillna(english["value"]),
    )
    grouped = english.groupby(KEYS, sort=True)
    totals = grouped[["num", "den", "vsum"]].sum(min_count=1)
    totals["n_parts"] = grouped.size()
    weights = area_sums.groupby(KEYS, sort=True)[["wsum", "wtot"]].sum(min_count=1)
    sums = totals.join(weights, how="outer").reset_index()
    published = obs.loc[obs["area_type"].eq("england"), [*KEYS, "value", "lower", "upper",
                                                        "numerator", "denominator"]]
    published = published.drop_duplicates(KEYS).rename(columns={
        "value": "pub_value", "lower": "pub_lower", "upper": "pub_upper",
        "numerator": "pub_num", "denominator": "pub_den"})
    sums = sums.merge(published, on=KEYS, how="outer")
    # England means the source's England row where it has one (not the sum over the area set)
    own = sums["pub_num"].notna() & (sums["pub_den"].notna() | sums["den"].isna())
    sums.loc[own, "num"] = sums.loc[own, "pub_num"]
    sums.loc[own, "den"] = sums.loc[own, "pub_den"]
    sums.loc[own, "vsum"] = sums.loc[own, "pub_num"]
    return sums.assign(
        area_role="england", area_code=ENGLAND_CODE, area_name=ENGLAND_NAME, parent_code="",
        region_code="", area_type="england", n_missing=0, split=False, merged=False,
    )


def _parts(source: pd.DataFrame, mapped: pd.DataFrame, geo: GeoContext) -> pd.DataFrame:
    """Rows for each area's parts: CCGs for practice data, else the source units themselves."""
    pieces = []
    practice = source.loc[source["geography"].eq("practice")]
    ccgs = geo.practice_parts() if len(practice) and geo.area_type != "ccg" else None
    if ccgs is not None:
        joined = practice.merge(ccgs.rename(columns={"part_code": "area_code",
                                                     "area_code": "ccg_code"}), on="area_code")
        joined = joined.assign(num=joined["numerator"], den=joined["denominator"],
                               wsum=np.nan, wtot=np.nan, vsum=joined["numerator"], n_parts=1,
                               n_missing=joined["numerator"].isna().astype("int64"),
                               split=False, merged=False)
        # each practice counts in its own area's CCG row (a CCG split between areas, such as
        # Tameside and Glossop between two ICBs, gets one row per area with its practices there)
        homes = geo.lookup("practice").loc[:, ["part_code", "area_code"]].rename(
            columns={"part_code": "area_code", "area_code": "parent_code"})
        joined = joined.merge(homes, on="area_code")
        sums = _sum_parts(joined, ["indicator", "ccg_code", "parent_code", "period", "sex"])
        parents = geo.lookup("ccg").rename(columns={"part_code": "ccg_code",
                                                    "area_code": "parent_code"})
        sums = sums.merge(parents, on=["ccg_code", "parent_code"]).rename(
            columns={"ccg_code": "area_code", "part_name": "area_name"})
        pieces.append(sums.assign(area_type=PART_LEVEL["practice"]))
    # parts are CCGs, local authorities and trusts; LSOAs are too small to show
    own = mapped.loc[~mapped["geography"].isin(["practice", "lsoa", geo.area_type])]
    if len(own):
        own = own.assign(
            num=own["numerator"], den=own["denominator"], wsum=np.nan, wtot=np.nan,
            vsum=own["numerator"].fillna(own["value"]), n_parts=1, n_missing=0,
            pub_value=own["value"], pub_lower=own["lower"], pub_upper=own["upper"],
        )
        own = own.rename(columns={"area_code": "parent_code", "part_code": "area_code",
                                  "part_name": "area_name"})
        keep = [*KEYS, "area_code", "area_name", "parent_code", "area_type", "share", "num", "den",
                "wsum", "wtot", "vsum", "n_parts", "n_missing", "split", "merged", "pub_value",
                "pub_lower", "pub_upper"]
        pieces.append(own.loc[:, keep])
    if not pieces:
        return pd.DataFrame()
    parts = pd.concat(pieces, ignore_index=True)
    region_of = geo.areas.set_index("area_code")["region_code"]
    return parts.assign(area_role="part", region_code=parts["parent_code"].map(region_of))


def _basis(rows: pd.DataFrame, geo: GeoContext) -> pd.Series:
    """How each row's value is obtained: counts, weighted, sum or published."""
    by_aggregation = rows["aggregation"].map(
        {"sum_counts": "counts", "population_weighted_mean": "weighted", "sum": "sum"}
    )
    basis = by_aggregation.copy()
    part = rows["area_role"].eq("part")
    has_counts = rows["num"].notna()
    basis[part & ~(by_aggregation.eq("counts") & has_counts) & ~by_aggregation.eq("sum")] = (
        "published"
    )
    direct = rows["area_role"].eq("area") & rows["geography"].eq(geo.area_type)
    basis[direct & ~(by_aggregation.eq("counts") & has_counts)] = "published"
    england_pub = rows["area_role"].eq("england") & rows["pub_value"].notna()
    basis[england_pub & (by_aggregation.eq("weighted") | ~has_counts)] = "published"
    return basis


def _finish(rows: pd.DataFrame, geo: GeoContext) -> pd.DataFrame:
    """Compute value, CI, method, approximate flag and notes for every row."""
    for column in ("pub_value", "pub_lower", "pub_upper", "pub_num", "pub_den", "share"):
        if column not in rows:
            rows[column] = np.nan
    rows = rows.astype({c: "float64" for c in ("num", "den", "wsum", "wtot", "vsum", "pub_value",
                                                 "pub_lower", "pub_upper", "pub_num", "pub_den",
                                                 "share")})
    rows["split"] = rows["split"].fillna(False).astype("bool")
    rows["merged"] = rows["merged"].fillna(False).astype("bool")
    rows["n_missing"] = rows["n_missing"].fillna(0).astype("int64")
    rows["n_parts"] = rows["n_parts"].fillna(0).astype("int64")
    rows["n_expected"] = rows.get("n_expected", pd.Series(0, index=rows.index)).fillna(0)
    basis = _basis(rows, geo)
    out = pd.DataFrame(index=rows.index)
    out["numerator"] = rows["num"]
    out["denominator"] = rows["den"]
    out["value"] = np.nan
    out["lower"] = np.nan
    out["upper"] = np.nan
    out["method"] = ""
    out["note"] = ""
    _from_counts(rows, basis.eq("counts"), out)
    weighted = basis.eq("weighted")
    out.loc[weighted, "value"] = (rows["wsum"] / rows["wtot"])[weighted]
    out.loc[weighted, "method"] = "population-weighted mean"
    out.loc[weighted, "note"] = np.where(
        rows.loc[weighted, "geography"].isin(["lad", "utla"]),
        WEIGHTED_NOTE,
        "approximate: weighted mean of " + rows.loc[weighted, "geography"] + " values, no CI",
    )
    summed = basis.eq("sum")
    out.loc[summed, "value"] = rows.loc[summed, "vsum"]
    out.loc[summed, "method"] = "sum"
    published = basis.eq("published")
    for column in ("value", "lower", "upper"):
        out.loc[published, column] = rows.loc[published, f"pub_{column}"]
    out.loc[published, "numerator"] = rows["pub_num"].fillna(rows["num"])[published]
    out.loc[published, "denominator"] = rows["pub_den"].fillna(rows["den"])[published]
    out.loc[published, "method"] = "published"
    out["approximate"] = weighted
    out["note"] = join_notes(row_notes(rows, out["note"]),
                             population_year_notes(rows, weighted, geo))
    keep = ["indicator", "area_role", "area_type", "area_code", "area_name", "parent_code",
            "region_code", "period", "period_start", "sex", "confidence"]
    result = pd.concat([rows.loc[:, keep], out], axis=1)
    for column in ("area_name", "parent_code", "region_code", "area_type"):
        result[column] = result[column].fillna("").astype("str")
    return result


def _from_counts(rows: pd.DataFrame, mask: pd.Series, out: pd.DataFrame) -> None:
    """Proportions (Wilson) and rates (exact/Byar's) from summed counts, in place."""
    num, den = rows["num"], rows["den"]
    statistic = rows["statistic"]
    counted = mask & statistic.eq("count")
    out.loc[counted, "value"] = num[counted]
    out.loc[counted, "method"] = "count"
    ratio = mask & statistic.isin(["published", "mean"])
    out.loc[ratio, "value"] = (num / den * rows["multiplier"])[ratio]
    out.loc[ratio, "method"] = "ratio of sums"
    stats = mask & statistic.isin(["proportion", "rate"])
    missing = stats & (num.isna() | den.isna())
    zero_den = stats & ~missing & (den <= 0)
    over = stats & statistic.eq("proportion") & ~missing & ~zero_den & (num > den)
    # PHE: rates from fewer than 10 events are not published (proportions keep Wilson limits)
    small = stats & statistic.eq("rate") & ~missing & ~zero_den & (num < MIN_EVENTS)
    out.loc[missing, "note"] = "numerator or denominator not supplied"
    out.loc[zero_den, "note"] = "denominator is zero"
    out.loc[over, "note"] = "numerator exceeds denominator: not computed"
    out.loc[small, "note"] = schema.SUPPRESSED_NOTE
    good = stats & ~missing & ~zero_den & ~over & ~small
    out.loc[stats, "method"] = np.where(statistic[stats].eq("proportion"), "Wilson", "Byars")
    keys = rows.loc[good, ["statistic", "multiplier", "confidence"]].drop_duplicates()
    for statistic_name, multiplier, confidence in keys.itertuples(index=False):
        idx = rows.index[good & statistic.eq(statistic_name) & rows["multiplier"].eq(multiplier)
                         & rows["confidence"].eq(confidence)]
        function = methods.proportion if statistic_name == "proportion" else methods.rate
        result = function(num[idx].to_numpy(), den[idx].to_numpy(), confidence=confidence,
                          multiplier=multiplier)
        for column in ("value", "lower", "upper"):
            out.loc[idx, column] = np.asarray(result[column], dtype="float64")
