"""Indicator statistics that match the published methods (PHE / Fingertips / Making Data Count).

One small module per family; this package re-exports the public API:

* :func:`proportion` (Wilson), :func:`rate` (exact < 10, else Byar's), :func:`dsr` (Dobson,
  incl. non-independent events), :func:`isr` (ratio or rate), :func:`mean_ci` (Student's t).
* :func:`compare` (Fingertips significance labels), :func:`quintile`, :func:`quantile_groups`.
* :func:`funnel_proportion_limits`, :func:`funnel_significance`, :func:`spiegelhalter_limits`,
  :func:`overdispersion_tau2`.
* :func:`xmr` (Making Data Count XmR chart with rules, variation and assurance).
* :func:`rank_areas`, :func:`nearest_peers`, :func:`peer_best_mean`, :func:`opportunity`,
  :func:`target_gap` (ranks, RightCare-style peers and opportunity, gaps to targets).
* :func:`sii` (slope and relative index of inequality of one area's quantiles, PHE ``phe_sii``).

Array inputs are matched by position (a single value is repeated); results carry the index of
the first full-length Series given, else a RangeIndex. Every CI method returns a DataFrame with
``value, lower, upper, confidence, statistic, method, note``; suppressed values are NaN with the
reason in ``note``. Invalid input raises a
``ValueError`` subclass (``stp_analytics.errors.DataValidationError`` or ``ParameterError``)
whose message names the argument and the offending value. Formulas:
``tests/reference/README.md``.
"""

from stp_analytics.methods._output import RESULT_COLUMNS
from stp_analytics.methods.comparison import COMPARISON_LABELS, compare
from stp_analytics.methods.dsr import ESP2013, dsr
from stp_analytics.methods.funnels import (
    FUNNEL_LABELS,
    funnel_proportion_limits,
    funnel_significance,
    overdispersion_tau2,
    spiegelhalter_limits,
)
from stp_analytics.methods.isr import isr
from stp_analytics.methods.means import mean_ci
from stp_analytics.methods.proportions import proportion
from stp_analytics.methods.quantiles import quantile_groups, quintile
from stp_analytics.methods.ranking import (
    nearest_peers,
    opportunity,
    peer_best_mean,
    rank_areas,
    target_gap,
)
from stp_analytics.methods.rates import rate
from stp_analytics.methods.sii import sii
from stp_analytics.methods.spc import ASSURANCE_TYPES, POINT_TYPES, assurance_type, xmr

__all__ = [
    "ASSURANCE_TYPES",
    "COMPARISON_LABELS",
    "ESP2013",
    "FUNNEL_LABELS",
    "POINT_TYPES",
    "RESULT_COLUMNS",
    "assurance_type",
    "compare",
    "dsr",
    "funnel_proportion_limits",
    "funnel_significance",
    "isr",
    "mean_ci",
    "nearest_peers",
    "opportunity",
    "overdispersion_tau2",
    "peer_best_mean",
    "proportion",
    "quantile_groups",
    "quintile",
    "rank_areas",
    "rate",
    "sii",
    "spiegelhalter_limits",
    "target_gap",
    "xmr",
]
