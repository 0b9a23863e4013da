"""The A&E monthly CSV before September 2020: a fixture made from the real March 2025 sample.

No pre-2020 CSV is vendored (none was found committed anywhere), so the fixture renames the
real file's columns to the earlier names ("Number of A&E attendances Type 1", "Number of
attendances over 4hrs Type 1", ...) and drops the booked-appointment columns, which the
earlier files lack. Expected figures are computed here from the fixture's TOTAL row.
"""

from __future__ import annotations

import csv

import pytest

from stp_analytics.data.official import detect_layout
from stp_analytics.data.official.ae import read_pre_2020

from .conftest import unzipped

pytestmark = pytest.mark.official

RENAMES = {
    "A&E attendances Type 1": "Number of A&E attendances Type 1",
    "A&E attendances Type 2": "Number of A&E attendances Type 2",
    "A&E attendances Other A&E Department": "Number of A&E attendances Other A&E Department",
    "Attendances over 4hrs Type 1": "Number of attendances over 4hrs Type 1",
    "Attendances over 4hrs Type 2": "Number of attendances over 4hrs Type 2",
    "Attendances over 4hrs Other Department":
        "Number of attendances over 4hrs Other A&E Department",
    "Patients who have waited 4-12 hs from DTA to admission":
        "Number of patients spending >4 hours from decision to admit to admission",
    "Patients who have waited 12+ hrs from DTA to admission":
        "Number of patients spending >12 hours from decision to admit to admission",
}


@pytest.fixture(scope="module")
def old_csv(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ae_old")
    source = unzipped("ae", folder)
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    keep = [i for i, name in enumerate(rows[0]) if "Booked Appointments" not in name]
    header = [RENAMES.get(rows[0][i], rows[0][i]) for i in keep]
    target = folder / "MSitAE-old-header.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([row[i] for i in keep] for row in rows[1:])
    return target


def test_old_header_detected_as_the_pre_2020_vintage(old_csv):
    assert detect_layout(old_csv).key == "ae_monthly_pre2020"


def test_old_header_totals_and_four_hours(old_csv):
    with old_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Org Code"] == "TOTAL")
    attendances = sum(float(total[f"Number of A&E attendances {t}"])
                      for t in ("Type 1", "Type 2", "Other A&E Department"))
    over = sum(float(total[f"Number of attendances over 4hrs {t}"])
               for t in ("Type 1", "Type 2", "Other A&E Department"))
    data = read_pre_2020(old_csv)
    assert data.totals.differences() == {}
    assert data.totals.published["attendances"] == attendances == 2_299_660
    obs = data.observations[data.observations["indicator"] == "ae_four_hour_all"]
    assert obs["denominator"].sum() == attendances
    assert obs["numerator"].sum() == attendances - over
    assert data.england["pct_within_4_hours"] == round(100 * (1 - over / attendances), 1)
    twelve = data.observations[data.observations["indicator"] == "ae_12_hour_dta_waits"]
    assert twelve["numerator"].sum() == 46_766
