"""`stp-packs finance`: every area's 2020/21 do-nothing finance gap per head (a MODEL), sorted;
with ``--national``, the sums over all areas beside the published national figures
(:mod:`stp_analytics.finance.reconcile`); or, with ``--matches``, how every name in the three
finance sources was matched to a code."""

from __future__ import annotations

import argparse
import io
import json
import sys

import pandas as pd

from stp_analytics.data import finance_tables
from stp_analytics.finance import (
    assumptions_table,
    finance_baseline,
    national_table,
    parse_parameter_pairs,
    project_gap,
    reconcile,
    resolve_assumptions,
)
from stp_analytics.finance.section import MODEL_LABEL

MISSING_KIND = {
    "ccg": "NHSSpend_ccg_allocations.csv.gz",
    "performance": "NHSSpend_trust_performance_2018_19.csv.gz",
    "loans": "BBC_NHS_loans_ALL_TRUSTS_sheet.csv.gz",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--areas, -p name=value (repeatable), --matches, --format."""
    parser.add_argument("--areas", default="stp2017", help="area set (default stp2017)")
    parser.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a finance assumption, e.g. -p provider_efficiency=0.015 (repeatable)",
    )
    parser.add_argument(
        "--matches",
        action="store_true",
        help="print how each name in the finance sources was matched (exact, normalised, hand, "
        "unmatched, set aside) and the organisations with no row in a source",
    )
    parser.add_argument(
        "--national",
        action="store_true",
        help="print the sums over all areas (do-nothing, each lever, residual, per-head range, "
        "areas in deficit) beside the published national figures, with the scope differences",
    )
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")


def match_report() -> pd.DataFrame:
    """Every source row's match, then every reference organisation absent from each source."""
    rows = [finance_tables.all_matches()]
    for kind, file_name in MISSING_KIND.items():
        missing = finance_tables.missing_from_source(kind)
        reason = (
            "no DHSC interim revenue support loan listed for this trust"
            if kind == "loans"
            else "in the reference list but no usable row in the source: data not supplied"
        )
        rows.append(
            pd.DataFrame(
                {
                    "source_file": file_name,
                    "source_row": pd.NA,
                    "source_name": "",
                    "code": missing["code"],
                    "reference_name": missing["name"],
                    "method": "not_in_source",
                    "reason": reason,
                }
            )
        )
    report = pd.concat(rows, ignore_index=True)
    report["source_row"] = report["source_row"].astype("Int64")
    return report


def _format_national(table: pd.DataFrame) -> pd.DataFrame:
    shown = table.copy()
    shown["population"] = shown["population"].map(lambda v: f"{v:,.0f}")
    for column in ("gap_do_nothing_gbp_m", "residual_gap_gbp_m"):
        shown[column] = shown[column].map(lambda v: f"{v:,.1f}")
    for column in ("gap_do_nothing_per_head", "residual_gap_per_head"):
        shown[column] = shown[column].map(lambda v: f"{v:,.0f}")
    shown["note"] = shown["note"].map(lambda text: "*" if text else "")
    return shown.rename(
        columns={
            "gap_do_nothing_gbp_m": "do-nothing gap £m",
            "gap_do_nothing_per_head": "do-nothing £/head",
            "residual_gap_gbp_m": "residual gap £m",
            "residual_gap_per_head": "residual £/head",
        }
    )


def _print_table(table: pd.DataFrame, notes: pd.DataFrame, assumptions) -> None:
    out = sys.stdout
    out.write(f"2020/21 finance gap by area, sorted by do-nothing gap per head. {MODEL_LABEL}\n")
    out.write("Gap > 0: spending above income; < 0: surplus. Residual = after every lever.\n\n")
    out.write(_format_national(table).to_string(index=False) + "\n\n")
    out.write("Assumptions:\n")
    for row in assumptions_table(assumptions).itertuples():
        flag = " (changed)" if row.changed else ""
        out.write(f"  {row.name} = {row.display}{flag}\n")
    flagged = notes[notes["note"] != ""]
    if len(flagged):
        out.write("\n* Notes:\n")
        for row in flagged.itertuples():
            out.write(f"  {row.area_code} {row.area_name}: {row.note}\n")


def _csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format="%.6f")
    return buffer.getvalue()


def run(args: argparse.Namespace) -> int:
    """Print the national table (or the match report) and return 0."""
    if args.matches:
        report = match_report()
        if args.format == "csv":
            sys.stdout.write(_csv(report))
        else:
            with pd.option_context("display.max_rows", None, "display.max_colwidth", 70,
                                   "display.width", 250):
                sys.stdout.write(report.to_string(index=False) + "\n")
            counts = report.groupby(["source_file", "method"]).size()
            sys.stdout.write("\n" + counts.to_string() + "\n")
        return 0
    assumptions = resolve_assumptions(parse_parameter_pairs(args.parameter))
    if args.national:
        return _national(assumptions, args)
    baseline = finance_baseline(args.areas)
    table = national_table(baseline, project_gap(baseline, assumptions))
    if args.format == "csv":
        sys.stdout.write(_csv(table))
    elif args.format == "json":
        sys.stdout.write(json.dumps(json.loads(table.to_json(orient="records")), indent=2) + "\n")
    else:
        _print_table(table, table[["area_code", "area_name", "note"]], assumptions)
    return 0


def _national(assumptions, args: argparse.Namespace) -> int:
    """``--national``: the reconciliation as text, CSV (sums by year) or JSON."""
    recon = reconcile.national_reconciliation(assumptions, args.areas)
    if args.format == "json":
        sys.stdout.write(json.dumps(recon.as_json(), indent=2) + "\n")
    elif args.format == "csv":
        sys.stdout.write(_csv(recon.sums))
    else:
        sys.stdout.write(reconcile.format_reconciliation(recon))
    return 0
