"""Match organisation names (as finance sources give them) to codes, reporting every outcome.

The finance files carry names only. A name is matched to a reference list (ONS CCG names, the
Health Foundation trust lookup) in a fixed order, and the method travels with the result:

1. ``hand``: the name is in the project's hand-match table (``data_catalog/name_matches/*.csv``,
   each row with the code, the reference name it must have and the reason);
2. ``exact``: the stripped name equals a reference name;
3. ``normalised``: equal after :func:`normalise_name` (case, ``&`` -> ``and``, punctuation,
   organisation-type words such as "NHS", "Foundation", "Trust", "CCG" removed);
4. ``unmatched``: none of these.

Nothing is dropped: :func:`match_names` returns one row per source name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from stp_analytics.data.text_csv import read_text_csv
from stp_analytics.errors import DataValidationError
from stp_analytics.paths import data_catalog_dir

MATCH_COLUMNS: tuple[str, ...] = (
    "source_file",
    "source_row",
    "source_name",
    "code",
    "reference_name",
    "method",  # exact | normalised | hand | unmatched | set_aside
    "reason",
)

HAND_MATCH_COLUMNS: tuple[str, ...] = ("source_name", "code", "reference_name", "reason")

#: words that name an organisation's type rather than the organisation
_TYPE_WORDS = r"\b(the|nhs|foundation|trust|nhsft|ft|ccg|clinical|commissioning|group)\b"


def normalise_name(name: str) -> str:
    """Lower-case key for a name: ``&`` read as ``and``, apostrophes and punctuation dropped,
    leading ``**`` markers dropped, organisation-type words removed, spaces collapsed."""
    text = str(name).replace("\u2019", "'").replace("&", " and ").lower()
    text = re.sub(r"['.]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(_TYPE_WORDS, " ", text)
    return re.sub(r"\s+", " ", text).strip()


def name_matches_dir() -> Path:
    """The folder of hand-match tables."""
    return data_catalog_dir() / "name_matches"


def read_hand_matches(file_name: str) -> pd.DataFrame:
    """A hand-match table: source_name, code, reference_name, reason (every field required)."""
    path = name_matches_dir() / file_name
    table = read_text_csv(path, HAND_MATCH_COLUMNS, what="hand-match table", label=file_name,
                          header_row=1)
    for position, row in enumerate(table.itertuples(index=False), start=2):
        for column in HAND_MATCH_COLUMNS:
            if not str(getattr(row, column)).strip():
                raise DataValidationError(
                    "empty value (every hand match needs a name, a code, the reference name "
                    "and a reason)",
                    file=file_name,
                    row=position,
                    column=column,
                )
    duplicated = table["source_name"].str.strip().duplicated()
    if duplicated.any():
        raise DataValidationError(
            f"source name {table['source_name'][duplicated].iloc[0]!r} is hand-matched twice",
            file=file_name,
            row=int(duplicated.to_numpy().nonzero()[0][0]) + 2,
            column="source_name",
        )
    return table[list(HAND_MATCH_COLUMNS)].apply(lambda column: column.str.strip())


def check_hand_matches(hand: pd.DataFrame, reference: pd.DataFrame, file_name: str) -> None:
    """Every hand match must point at a code in ``reference`` carrying the stated name."""
    names_by_code = dict(zip(reference["code"], reference["name"], strict=True))
    for position, row in enumerate(hand.itertuples(index=False), start=2):
        if row.code not in names_by_code:
            raise DataValidationError(
                f"code {row.code!r} is not in the reference list",
                file=file_name,
                row=position,
                column="code",
            )
        if normalise_name(names_by_code[row.code]) != normalise_name(row.reference_name):
            raise DataValidationError(
                f"code {row.code!r} is {names_by_code[row.code]!r} in the reference list, "
                f"not {row.reference_name!r}",
                file=file_name,
                row=position,
                column="reference_name",
            )


def match_names(
    names: pd.Series,
    reference: pd.DataFrame,
    hand: pd.DataFrame,
    *,
    source_file: str,
    source_rows: pd.Series | None = None,
    unmatched_reason: str = "no reference name matches, exactly or after normalising",
) -> pd.DataFrame:
    """Match each of ``names`` to ``reference`` (columns code, name); one row per name.

    ``reference`` names must be unique after normalising, otherwise a normalised match would be
    ambiguous and :class:`DataValidationError` is raised.
    """
    reference = reference[["code", "name"]].astype(str)
    keys = reference["name"].map(normalise_name)
    clashes = keys[keys.duplicated()]
    if len(clashes):
        raise DataValidationError(
            f"two reference names normalise to {clashes.iloc[0]!r}; matching would be ambiguous"
        )
    by_exact = dict(zip(reference["name"].str.strip(), reference["code"], strict=True))
    by_key = dict(zip(keys, reference["code"], strict=True))
    name_of = dict(zip(reference["code"], reference["name"], strict=True))
    hand_by_name = {row.source_name: row for row in hand.itertuples(index=False)}
    rows = []
    positions = source_rows if source_rows is not None else pd.Series(range(2, len(names) + 2))
    for name, position in zip(names, positions, strict=True):
        stripped = str(name).strip()
        code, method, reason = "", "unmatched", unmatched_reason
        if stripped in hand_by_name:
            code, method = hand_by_name[stripped].code, "hand"
            reason = hand_by_name[stripped].reason
        elif stripped in by_exact:
            code, method, reason = by_exact[stripped], "exact", ""
        elif normalise_name(stripped) in by_key:
            code, method, reason = by_key[normalise_name(stripped)], "normalised", ""
        rows.append(
            {
                "source_file": source_file,
                "source_row": int(position),
                "source_name": stripped,
                "code": code,
                "reference_name": name_of.get(code, ""),
                "method": method,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=list(MATCH_COLUMNS))


def unused_hand_matches(hand: pd.DataFrame, names: pd.Series, file_name: str) -> None:
    """A hand match whose source name is not in the file is a stale entry: raise."""
    present = set(names.astype(str).str.strip())
    stale = [name for name in hand["source_name"] if name not in present]
    if stale:
        raise DataValidationError(
            f"hand match for {stale[0]!r} names nothing in the source file",
            file=file_name,
            column="source_name",
        )
