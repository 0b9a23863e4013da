"""Derive the two vendored AmbSYS files from NHS England's AmbSYS xlsx time series (run once).

* :func:`extract_csv`: the England and ambulance trust rows of sheet ``Raw`` for 2017-18 to
  2019-20, written in the AmbSYS CSV layout (``Year`` calendar year, ``Month`` number) with only
  the columns the packs use and ``raw_sheet_row`` (the row in ``Raw``), so
  :func:`stp_analytics.data.official.ambulance.read_csv` reads it.
* :func:`ccg_services`: each April 2017 CCG -> the ambulance service that covers it, from the
  workbook's own ``CCG lookup`` (April 2021 CCGs) and ``ICB lookup`` (service names -> ODS
  codes), joined to the 2017 CCGs by the CCG's ODS code where it did not change, else by the
  sub-ICB location (July 2022) that holds its LSOAs; the two 2021 CCGs the workbook says are
  "partly covered" by two services are split by their 2017 CCGs by hand (``basis`` says so).

    python -m stp_analytics.data.official.ambsys_derive AMBSYS.xlsx CROSSWALK.csv.gz OUT_DIR
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
from pathlib import Path

import openpyxl
import pandas as pd

CODES = ("A0", "A1", "A8", "A10", "A24", "A25", "A30", "A31")
YEARS = ("2017-18", "2018-19", "2019-20")
MONTHS = ("JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST",
          "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER")
#: 2017 CCGs of the two 2021 CCGs "partly covered" by two services (the workbook's note)
BY_HAND = {"04F": ("SCAS", "by hand: Milton Keynes CCG, the SCAS part of BLMK CCG M1J4Y "
                           "('partly covered by EEAST, partly by SCAS')"),
           "06F": ("EEAST", "by hand: Bedfordshire CCG, the EEAST part of BLMK CCG M1J4Y"),
           "06P": ("EEAST", "by hand: Luton CCG, the EEAST part of BLMK CCG M1J4Y"),
           "10L": ("Isle of Wight", "by hand: Isle of Wight CCG, the Isle of Wight NHS Trust "
                                    "part of CCG D9Y0V ('partly covered by Isle of Wight "
                                    "Ambulance Service, partly by SCAS')"),
           **{ods: ("SCAS", f"by hand: {ods}, a mainland Hampshire part of CCG D9Y0V (SCAS)")
              for ods in ("10J", "10K", "10V", "10X", "11A")}}


def _rows(book: openpyxl.Workbook, sheet: str) -> list[tuple]:
    return list(book[sheet].iter_rows(values_only=True))


def _text(value: object) -> str:
    """A cell as CSV text: blank, an integer without '.0', or the float's repr."""
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def extract_csv(xlsx: Path) -> bytes:
    """The gzip CSV extract of sheet ``Raw`` (England and trust rows, 2017-18 to 2019-20)."""
    book = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    header: dict[str, int] = {}
    out = []
    for number, row in enumerate(book["Raw"].iter_rows(values_only=True), 1):
        if not header:
            if row[0] == "Concatenated":  # first occurrence: later helper columns repeat names
                for index, name in enumerate(row):
                    header.setdefault(name, index)
            continue
        year, month, area = (row[header[k]] for k in ("Year", "Month", "Area"))
        if year not in YEARS or not (area == "ENG" or re.fullmatch(r"R[A-Z0-9]{2}", str(area))):
            continue
        month_number = MONTHS.index(month) + 1
        values = [_text(row[header[c]]) for c in CODES]
        out.append([int(year[:4]) + (month_number < 4), month_number, row[header["Reg"]] or "",
                    "Eng" if area == "ENG" else area,
                    "England" if area == "ENG" else row[header["Trust"]], *values, number])
    out.sort(key=lambda r: (r[0], r[1], r[3] != "Eng", r[3]))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["Year", "Month", "Region", "Org Code", "Org Name", *CODES, "raw_sheet_row"])
    writer.writerows(out)
    return gzip.compress(text.getvalue().encode(), compresslevel=9, mtime=0)


def ccg_services(xlsx: Path, crosswalk: Path) -> pd.DataFrame:
    """One row per April 2017 CCG: its footprint, LSOA count and ambulance service."""
    book = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    by_ccg21 = {r[1]: r[4] for r in _rows(book, "CCG lookup")[2:] if r[1] and r[4]}
    icb = _rows(book, "ICB lookup")
    codes_row = next(r for r in icb if r[2] == "Ambulance Service code:")
    names_row = icb[icb.index(codes_row) + 1]
    trust_of = dict(zip(names_row[3:], codes_row[3:], strict=True))
    short = {"NEAS": "North East", "NWAS": "North West", "YAS": "Yorkshire",
             "EMAS": "East Midlands", "WMAS": "West Midlands", "EEAST": "East of England",
             "LAS": "London", "SECAmb": "South East Coast", "SCAS": "South Central",
             "SWAS": "South Western", "Isle of Wight": "Isle of Wight"}
    pieces = pd.read_csv(crosswalk, dtype=str)
    pieces["n_lsoa11"] = pieces["n_lsoa11"].astype(int)
    rows = []
    for (stp, ccg, ods, name), part in pieces.groupby(
            ["STP17CD", "CCG17CD", "CCG17CDH", "CCG17NM"], sort=True):
        if ods in BY_HAND:
            service, basis = BY_HAND[ods]
        elif ods in by_ccg21:
            service, basis = by_ccg21[ods], f"AmbSYS CCG lookup: 2021 CCG {ods} (same code)"
        else:
            owner = part.sort_values("n_lsoa11", ascending=False).iloc[0]["LOC22CDH"]
            service = by_ccg21[owner]
            basis = f"AmbSYS CCG lookup: 2021 CCG {owner}, which holds its LSOAs"
        rows.append({"ccg_code": ccg, "ccg_ods_code": ods, "ccg_name": name,
                     "area_code": stp, "n_lsoa11": int(part["n_lsoa11"].sum()),
                     "trust_code": trust_of[short[service]], "service": service,
                     "basis": basis})
    return pd.DataFrame(rows)


def main(argv: list[str]) -> int:
    """Write both files into OUT_DIR."""
    xlsx, crosswalk, out = (Path(a) for a in argv)
    (out / "NHSE_AmbSYS_response_times_2017-08_to_2020-03_extract.csv.gz").write_bytes(
        extract_csv(xlsx))
    ccg_services(xlsx, crosswalk).to_csv(out / "ambulance_service_ccg2017.csv", index=False,
                                         lineterminator="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
