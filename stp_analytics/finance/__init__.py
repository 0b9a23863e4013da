"""The finance and efficiency gap MODEL: do-nothing and do-something to 2020/21.

Public API:

* :class:`FinanceAssumptions`, :func:`default_assumptions`, :func:`resolve_assumptions`
  (defaults and source sentences in ``data_catalog/finance_assumptions.yml``);
* :func:`finance_baseline` (per-area funding share, allocation, provider position, loans);
* :func:`project_gap`, :func:`bridge_table`, :func:`sensitivity_table`, :func:`national_table`;
* :func:`finance_section` -> :class:`FinanceResult` (everything the pack's section shows);
* :func:`load_calibration` (published national figures, ``data_catalog/finance_calibration.yml``)
  and :func:`national_reconciliation` (the sums over all areas beside them; ``reconcile``).

Name matching of the finance sources is in :mod:`stp_analytics.data.loaders.finance_sources`.
"""

from __future__ import annotations

from stp_analytics.finance.applicability import FinanceNotApplicable, finance_not_applicable
from stp_analytics.finance.assumptions import (
    FinanceAssumptions,
    assumption_specs,
    assumptions_table,
    default_assumptions,
    parse_parameter_pairs,
    resolve_assumptions,
)
from stp_analytics.finance.baseline import area_baseline, finance_baseline
from stp_analytics.finance.calibration import load_calibration
from stp_analytics.finance.model import (
    YEARS,
    bridge_table,
    national_figures,
    project_gap,
    projection_table,
)
from stp_analytics.finance.reconcile import national_reconciliation
from stp_analytics.finance.section import FinanceResult, data_caveats, finance_section
from stp_analytics.finance.sensitivity import sensitivity_table
from stp_analytics.finance.tables import national_table

__all__ = [
    "YEARS",
    "FinanceAssumptions",
    "FinanceNotApplicable",
    "FinanceResult",
    "area_baseline",
    "assumption_specs",
    "assumptions_table",
    "bridge_table",
    "data_caveats",
    "default_assumptions",
    "finance_baseline",
    "finance_not_applicable",
    "finance_section",
    "load_calibration",
    "national_figures",
    "national_reconciliation",
    "national_table",
    "parse_parameter_pairs",
    "project_gap",
    "projection_table",
    "resolve_assumptions",
    "sensitivity_table",
]
