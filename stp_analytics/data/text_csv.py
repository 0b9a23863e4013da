"""Reading a small hand-kept CSV (lookups, hand-match tables) as text with its columns checked."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from stp_analytics.errors import DataValidationError


def read_text_csv(path: Path, columns: Sequence[str], *, what: str, label: str | None = None,
                  header_row: int | None = None) -> pd.DataFrame:
    """Every column as text (blank cells ""), after checking the file exists and has ``columns``.

    ``what`` names the file in "<what> not found"; errors name the file as ``label`` (default
    the path) and a missing column the ``header_row`` when given.
    """
    if not path.exists():
        raise DataValidationError(f"{what} not found", file=str(path))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise DataValidationError(
            f"missing column(s) {', '.join(missing)}; expected {', '.join(columns)}",
            file=label or str(path), row=header_row,
        )
    return frame
