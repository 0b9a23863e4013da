"""What a layout reader returns (:class:`OfficialFile`) and the check of published totals."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.official._tables import Table


@dataclass(frozen=True)
class PublishedTotals:
    """A file's own headline figures next to the same figures rebuilt from its rows."""

    where: str  # e.g. "Total row (row 15)" or "computed from rows (no England row)"
    published: dict[str, float]
    from_rows: dict[str, float]

    def differences(self, tolerance: float = 0.5) -> dict[str, tuple[float, float]]:
        """Figures whose rebuilt value differs from the published one by more than tolerance."""
        return {key: (value, self.from_rows[key]) for key, value in self.published.items()
                if key in self.from_rows and abs(value - self.from_rows[key]) > tolerance}


@dataclass(frozen=True)
class OfficialFile:
    """What a layout reader returns: tidy observations plus what the file says of itself."""

    layout: str
    path: Path
    observations: pd.DataFrame  # OBSERVATION_COLUMNS + source_row/set_aside/note
    totals: PublishedTotals
    england: dict[str, object]  # the headline figures `inspect` reports (numbers, a period)
    organisations: pd.DataFrame  # code, name, area_type (one row per organisation)
    rows_read: int = 0  # data rows read from the file (before any summing)

    @property
    def periods(self) -> list[str]:
        """The periods of the observations, sorted."""
        return sorted(self.observations["period"].unique())


def organisations(codes: pd.Series, names: pd.Series, area_type: str) -> pd.DataFrame:
    """One row per organisation code: code, name (first seen), area_type."""
    frame = pd.DataFrame({"code": codes.to_numpy(), "name": names.to_numpy()})
    frame = frame[frame["code"] != ""].drop_duplicates("code").sort_values("code")
    frame["area_type"] = area_type
    return frame.reset_index(drop=True)


def check_sum(name: str, rows: float, published: float | None, table: Table,
              row: int | None) -> None:
    """Error when organisation rows do not add up to the file's published total."""
    if published is not None and np.isfinite(published) and abs(rows - published) > 0.5:
        raise table.error(
            f"the organisation rows add up to {rows:,.0f} {name} but the file's total row "
            f"says {published:,.0f}: rows are missing or changed (a cut-off file?)", row=row)
