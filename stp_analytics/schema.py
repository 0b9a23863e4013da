"""Column contracts shared by the loaders, the metric store, the charts and the notebooks.

Observations are what loaders return: one row per indicator x area x period x sex at the
source's own geography. The metric store is what every pack reads: one row per
indicator x area x period x sex for the areas of an area set (the 44 footprints by default),
England, the regions and each area's parts, with comparators and derived statistics.
"""

from __future__ import annotations

OBSERVATION_COLUMNS: tuple[str, ...] = (
    "indicator",  # catalogue indicator id
    "area_type",  # practice | ccg | lad | utla | lsoa | trust | stp | region | england
    "area_code",  # ODS or ONS code
    "period",  # text label: "2016/17", "2016-04" (monthly), "2016" (calendar), "2014-16" (rolling)
    "sex",  # Persons | Male | Female
    "numerator",  # float, NaN when the source gives only a value
    "denominator",  # float, NaN when the source gives only a value
    "value",  # float: the published value (NaN when it is to be computed from counts)
    "lower",  # float: published lower confidence limit, NaN if none
    "upper",  # float: published upper confidence limit, NaN if none
)

ENGLAND_CODE = "E92000001"
ENGLAND_NAME = "England"

#: ``area_role``: one of the areas compared (the 44 footprints of stp2017), England, a region,
#: or a part of an area (a CCG, local authority or trust; ``parent_code`` is its area)
ROLE_AREA, ROLE_ENGLAND, ROLE_REGION, ROLE_PART = "area", "england", "region", "part"
AREA_ROLES: tuple[str, ...] = (ROLE_AREA, ROLE_ENGLAND, ROLE_REGION, ROLE_PART)

#: ``status`` of a store row: a value with its confidence interval, a population-weighted value
#: without one, withheld under the small-number rule, or no value at all (the note says why)
STATUS_OK = "ok"
STATUS_APPROXIMATE = "approximate"
STATUS_SUPPRESSED = "suppressed"
STATUS_NOT_SUPPLIED = "not supplied"
STATUSES: tuple[str, ...] = (STATUS_OK, STATUS_APPROXIMATE, STATUS_SUPPRESSED, STATUS_NOT_SUPPLIED)
#: the note on a suppressed row
SUPPRESSED_NOTE = "suppressed: fewer than 10 events"

#: ``comparison`` labels (Fingertips): significance against England, or not compared
BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED = (
    "Better", "Similar", "Worse", "Higher", "Lower", "Not compared")
COMPARISON_LABELS: tuple[str, ...] = (BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED)
SIGNIFICANT_LABELS: frozenset[str] = frozenset({BETTER, WORSE, HIGHER, LOWER})

#: catalogue vocabularies the store is built with
POLARITIES: tuple[str, ...] = ("high_is_good", "low_is_good", "none")
STATISTICS: tuple[str, ...] = ("proportion", "rate", "published", "count", "mean")
AGGREGATIONS: tuple[str, ...] = ("sum_counts", "population_weighted_mean", "sum",
                                  "survey_weighted_mean")

#: ``spc_point_type`` of a monthly series (Making Data Count); fewer points give trial limits
SPC_POINT_TYPES: tuple[str, ...] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
SPC_TRIAL_LIMIT_POINTS = 13
#: the store columns of one area's SPC series (metrics.spc_view gives them, charts.spc draws them)
SPC_SERIES_COLUMNS: tuple[str, ...] = (
    "period", "period_start", "value", "spc_mean", "spc_lpl", "spc_upl", "spc_point_type",
    "target",
)

STORE_COLUMNS: tuple[str, ...] = (
    # what and where
    "indicator",
    "area_set",  # stp2017 | ccg2017 | ...
    "area_role",  # area (one of the set compared) | england | region | part (a part of an area)
    "area_type",  # stp | ccg | lad | utla | trust | region | england
    "area_code",
    "area_name",
    "parent_code",  # part -> its area; area -> its region; region -> England code; england -> ""
    "period",
    "period_start",  # pandas Timestamp, for ordering periods
    "sex",
    # the statistic
    "numerator",
    "denominator",
    "value",
    "lower",
    "upper",
    "confidence",  # 0.95 or 0.998
    "method",  # Wilson | Byars | Exact | Dobson | population-weighted mean | published
    "approximate",  # bool: population-weighted from parts, no CI
    "note",  # suppression or data-quality note ("" when none)
    "status",  # ok | approximate | suppressed | not supplied (STATUSES)
    # comparators
    "england_value",
    "england_lower",
    "england_upper",
    "region_code",
    "region_value",
    "comparison",  # Better | Similar | Worse | Higher | Lower | Not compared
    "quintile",  # 1 (best) .. 5 (worst), <NA> when not ranked
    "rank",  # 1 = best among the areas of the set, ties share the lowest rank
    "rank_of",  # number of areas ranked
    # peers and opportunity (RightCare)
    "peer_best5_mean",
    "opportunity",  # (value - peer best-5 mean) x volume; worse side and significant only
    "target",
    "target_gap",  # value - target, signed so positive means short of the target
    # SPC (monthly series only)
    "spc_point_type",
    "spc_mean",
    "spc_lpl",
    "spc_upl",
    "is_latest",  # bool: the latest period of this indicator for this area
)
