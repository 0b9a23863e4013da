"""Every error class stp-packs raises, in one place.

All derive from :class:`StpPacksError`, so a caller (or the CLI) can catch one type and print a
clear message without a traceback.
"""

from __future__ import annotations


class StpPacksError(Exception):
    """Base class for every error raised on purpose by stp-packs."""


class DataValidationError(StpPacksError, ValueError):
    """A data file breaks a rule; the message names the file, row, column and the problem."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.row = row
        self.column = column
        where = []
        if file is not None:
            where.append(f"file {file}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {problem}" if prefix else problem)


class CatalogError(StpPacksError):
    """The data catalogue (catalog.yml) is malformed or refers to something that does not exist."""


class UnknownAreaError(StpPacksError, KeyError):
    """An area code or name is not in the registry; the message lists the closest names."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class ParameterError(StpPacksError, ValueError):
    """A pack or build parameter is missing, of the wrong type, or unsafe."""


class BuildError(StpPacksError):
    """A pack build failed; the message names the pack, the cell and the exception."""
