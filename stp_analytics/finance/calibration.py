"""National reference figures for the finance MODEL (``data_catalog/finance_calibration.yml``).

Each figure is a PUBLISHED number (the Five Year Forward View's gap, the efficiency requirement,
provider outturns, sustainability funding, NHS Improvement's inflation path, NHS England's
allocations by year) with its scope, year, source and quoted sentence, and whether it was verified.
The figures are never model outputs: :mod:`stp_analytics.finance.reconcile` prints the model's
44-footprint sums beside them, and some model defaults refer to them (``calibration:`` in
``finance_assumptions.yml``).

:func:`load_calibration` validates the file with pydantic; a missing key, a non-numeric value or
an unknown scope raises :class:`~stp_analytics.errors.DataValidationError` naming the file, the
figure and the field.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from stp_analytics.errors import DataValidationError
from stp_analytics.paths import data_catalog_dir

CALIBRATION_FILE = "finance_calibration.yml"
SCOPES = ("whole NHS", "NHS England", "place-based", "providers")


class Source(BaseModel):
    """Where a figure was read: publisher, title, date and address (as text)."""

    model_config = ConfigDict(extra="forbid")

    publisher: str
    title: str
    date: str | None
    url: str | None

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: object) -> object:
        return None if value is None else str(value)


class Figure(BaseModel):
    """One published reference figure (a number, or a number by year)."""

    model_config = ConfigDict(extra="forbid")

    key: str
    label: str
    value: float | None = None
    values: dict[str, float] | None = None
    unit: str
    scope: Literal["whole NHS", "NHS England", "place-based", "providers"]
    year: str
    verified: bool
    source: Source
    quote: str
    note: str = ""
    compare_with: str = "none"
    scope_note: str = ""

    @field_validator("year", mode="before")
    @classmethod
    def _year_as_text(cls, value: object) -> object:
        return str(value)

    @field_validator("quote", "note", "scope_note", "label", mode="after")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())

    @model_validator(mode="after")
    def _one_of_value_or_values(self) -> Figure:
        if (self.value is None) == (self.values is None):
            raise ValueError("give exactly one of 'value' (a number) or 'values' (year: number)")
        if not self.quote:
            raise ValueError("'quote' is empty: give the sentence the figure comes from")
        return self


def calibration_path() -> Path:
    """Where the reference figures live."""
    return data_catalog_dir() / CALIBRATION_FILE


def _error(path: Path, key: str, error: ValidationError) -> DataValidationError:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "(figure)"
    problem = first["msg"]
    if first["type"] == "missing":
        problem = f"required field {field!r} is missing"
    elif first["type"].startswith(("float", "int")):
        problem = f"{field!r} must be a number, got {first.get('input')!r}"
    elif first["type"] == "literal_error":
        problem = f"{field!r} must be one of {', '.join(SCOPES)}, got {first.get('input')!r}"
    return DataValidationError(f"figure {key!r}: {problem}", file=path.name,
                               column=f"{key}.{field}")


@lru_cache(maxsize=4)
def _load(path_text: str) -> dict[str, Figure]:
    path = Path(path_text)
    if not path.exists():
        raise DataValidationError("finance calibration file not found", file=str(path))
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("figures"), dict):
        raise DataValidationError("expected a mapping 'figures: {key: figure}'", file=path.name,
                                  column="figures")
    figures: dict[str, Figure] = {}
    for key, entry in data["figures"].items():
        if not isinstance(entry, dict):
            raise DataValidationError(f"figure {key!r} must be a mapping", file=path.name,
                                      column=str(key))
        try:
            figures[str(key)] = Figure(key=str(key), **entry)
        except ValidationError as error:
            raise _error(path, str(key), error) from None
        except TypeError as error:  # e.g. a duplicate 'key' field
            raise DataValidationError(f"figure {key!r}: {error}", file=path.name,
                                      column=str(key)) from None
    return figures


def load_calibration(path: Path | None = None) -> dict[str, Figure]:
    """key -> :class:`Figure` for every reference figure, validated (file order)."""
    return dict(_load(str(path or calibration_path())))


def figure(key: str, path: Path | None = None) -> Figure:
    """One reference figure; DataValidationError naming the key if it is not in the file."""
    figures = load_calibration(path)
    if key not in figures:
        raise DataValidationError(f"no figure {key!r} in the calibration file",
                                  file=(path or calibration_path()).name, column=key)
    return figures[key]


def figure_value(key: str, year: str | None = None, path: Path | None = None) -> float:
    """A figure's number (for a by-year figure, the number of ``year``)."""
    entry = figure(key, path)
    if entry.values is None:
        return float(entry.value)
    if year not in entry.values:
        raise DataValidationError(
            f"figure {key!r} has no value for {year!r}; years: {', '.join(entry.values)}",
            file=(path or calibration_path()).name, column=key)
    return float(entry.values[year])


def calibration_table(path: Path | None = None) -> pd.DataFrame:
    """One row per figure: key, label, value (or the by-year values as text), unit, scope, year,
    verified, source (publisher, title, date, url in one text), quote, note, scope_note."""
    rows = []
    for entry in load_calibration(path).values():
        source = entry.source
        rows.append({
            "key": entry.key,
            "label": entry.label,
            "value": entry.value,
            "values": "" if entry.values is None else "; ".join(
                f"{year}: {number:g}" for year, number in entry.values.items()),
            "unit": entry.unit,
            "scope": entry.scope,
            "year": entry.year,
            "verified": entry.verified,
            "source": ", ".join(part for part in (source.publisher, source.title, source.date,
                                                  source.url) if part),
            "quote": entry.quote,
            "note": entry.note,
            "compare_with": entry.compare_with,
            "scope_note": entry.scope_note,
        })
    return pd.DataFrame(rows)


__all__ = ["Figure", "calibration_table", "figure", "figure_value", "load_calibration"]
