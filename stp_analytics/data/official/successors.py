"""Organisation codes across years: the successor of a merged trust or commissioner.

The table is data, ``data_catalog/org_successors.csv`` (``org_type, old_code, new_code,
effective_date, date_basis, old_name, new_name, source, note``), every row evidenced in its
``source`` column from files kept with the project's open data:

* trusts (38 rows, 2015-2025): the old code's close date (and a new code's open date) in the
  ODS trust file ``etr``, and NHS workforce statistics table 5, where the old organisation's
  staff drop to zero and the successor gains about as many the next month;
* commissioners (120 rows): CCGs of 2016 into those of 2017 (all their LSOAs, ONS lookups),
  CCGs of 2017 into those of 2020 (all their practices still open, QOF 2017-18 list against
  the practice map of September 2020) and CCGs of 2020 into the sub-ICB locations of 2022-23
  (all their active practices in the ODS epraccur of February 2023). For these the exact day
  is not in the files: ``effective_date`` is the date by which the change is seen
  (``date_basis`` says so). CCGs split between successors are left out.

:func:`successor` follows chains (A -> B -> C) to the code in use today; :class:`AreaMapper`
maps a code of any year to the areas of a lookup keyed by another year's codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from stp_analytics import paths
from stp_analytics.data.loaders.common import check_unique, read_csv_checked
from stp_analytics.errors import DataValidationError

COLUMNS = ("old_code", "new_code", "effective_date", "old_name", "new_name", "source")


def successors_path() -> Path:
    """Where the successor table is kept."""
    return paths.data_catalog_dir() / "org_successors.csv"


def load_successors(path: Path | None = None) -> pd.DataFrame:
    """The successor table, checked: required columns, one row per old code, dates valid."""
    path = Path(path) if path is not None else successors_path()
    table = read_csv_checked(path, COLUMNS)
    for column in ("old_code", "new_code"):
        table[column] = table[column].str.strip()
        blank = table[column] == ""
        if blank.any():
            row = int(table.loc[blank, "source_row"].iloc[0])
            raise DataValidationError("blank organisation code", file=path.name, row=row,
                                      column=column)
    check_unique(table, ["old_code"], path)
    dates = pd.to_datetime(table["effective_date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        row = int(table.loc[dates.isna(), "source_row"].iloc[0])
        raise DataValidationError("effective_date is not a date (YYYY-MM-DD)", file=path.name,
                                  row=row, column="effective_date")
    same = table["old_code"] == table["new_code"]
    if same.any():
        row = int(table.loc[same, "source_row"].iloc[0])
        raise DataValidationError("an organisation cannot succeed itself", file=path.name,
                                  row=row, column="new_code")
    return table


def successor_map(table: pd.DataFrame) -> dict[str, str]:
    """old code -> new code, as a dict."""
    return dict(zip(table["old_code"], table["new_code"], strict=True))


def successor(code: str, table: pd.DataFrame | Mapping[str, str]) -> str:
    """The code in use today for ``code``: its successor's successor ... (itself if none).

    A cycle in the table is a :class:`DataValidationError` naming the codes.
    """
    links = successor_map(table) if isinstance(table, pd.DataFrame) else dict(table)
    seen = [code]
    while seen[-1] in links:
        following = links[seen[-1]]
        if following in seen:
            raise DataValidationError(
                f"the successor table has a cycle: {' -> '.join([*seen, following])}",
                file="org_successors.csv", column="new_code")
        seen.append(following)
    return seen[-1]


class AreaMapper:
    """Maps organisation codes of any year to the areas of a lookup keyed by other years' codes.

    A code is mapped directly when the lookup has it; otherwise through today's organisation:
    a retired code through its successor, a new code through its predecessors (all of them in
    one area; predecessors in different areas leave the code unmapped, with that reason).
    """

    def __init__(self, area_lookup: Mapping[str, str], successors: Mapping[str, str]) -> None:
        self.lookup = dict(area_lookup)
        self.successors = dict(successors)
        areas: dict[str, set[str]] = {}
        for code, area in self.lookup.items():
            areas.setdefault(successor(code, self.successors), set()).add(area)
        self.current = {code: next(iter(found)) for code, found in areas.items()
                        if len(found) == 1}
        self.split = {code: found for code, found in areas.items() if len(found) > 1}

    def area(self, code: str) -> tuple[str | None, str]:
        """(area code, how) for a mapped code; (None, reason) for one that does not map."""
        if code in self.lookup:
            return self.lookup[code], ""
        final = successor(code, self.successors)
        if final in self.current:
            how = (f"through its successor {final}" if final != code
                   else "through its predecessors' codes")
            return self.current[final], how
        if final in self.split:
            return None, (f"{final} was formed from organisations in different areas "
                          f"({', '.join(sorted(self.split[final]))})")
        if final != code:
            return None, f"merged into {final}, which is not in the area set's lookup either"
        return None, ""


#: the part types of an area set whose codes the successor table holds (its ``org_type``)
SUCCESSOR_PART_TYPES = ("trust", "ccg")


def successor_lookup_rows(lookup: pd.DataFrame, table: pd.DataFrame,
                          part_type: str) -> pd.DataFrame:
    """Rows to add to an area set's part lookup for codes of other years (successor table).

    ``lookup`` is ``part_code, part_name, area_code, share``. A code of ``part_type`` in the
    table but not in the lookup gets a row (its own code and name, share 1) when
    :class:`AreaMapper` places it in one area: a retired code through its successor, a newer
    code through predecessors that all lie wholly in one area. A code whose predecessors lie in
    different areas, or are split between areas, gets none (its rows are set aside). Columns as
    ``lookup`` plus ``via`` (how it was mapped).
    """
    columns = ["part_code", "part_name", "area_code", "share", "via"]
    table = table.loc[table["org_type"].eq(part_type)] if "org_type" in table else table
    if table.empty or lookup.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "share" else "object")
                             for c in columns})
    areas = lookup.groupby("part_code")["area_code"].agg(lambda s: "|".join(sorted(set(s))))
    whole = lookup.groupby("part_code")["share"].min().ge(1.0)
    # a code split between areas stands for all of them: its successors do not map
    simple = {code: area if whole[code] else f"split:{area}" for code, area in areas.items()}
    mapper = AreaMapper(simple, successor_map(table))
    names = dict(zip(table["old_code"], table["old_name"], strict=True))
    names.update(zip(table["new_code"], table["new_name"], strict=False))
    records = []
    for code in sorted(set(names) - set(areas.index)):
        area, how = mapper.area(code)
        if area is not None and "|" not in area and not area.startswith("split:"):
            records.append((code, names[code], area, 1.0, how))
    return pd.DataFrame.from_records(records, columns=columns)


def extended_lookup(lookup: pd.DataFrame, part_type: str,
                    table: pd.DataFrame | None = None) -> pd.DataFrame:
    """``lookup`` with :func:`successor_lookup_rows` appended (``via`` "" for its own rows);
    unchanged for a part type the successor table does not cover."""
    if part_type not in SUCCESSOR_PART_TYPES:
        return lookup
    table = load_successors() if table is None else table
    extra = successor_lookup_rows(lookup, table, part_type)
    if extra.empty:
        return lookup.assign(via="")
    return pd.concat([lookup.assign(via=""), extra], ignore_index=True)
