"""Reader for PHE NCVIN modelled diabetes prevalence (diagnosed and undiagnosed, 16+) by 2016 CCG.

:func:`read_ncvin_diabetes` reads the tidy extract (``org_name, org_code, numerator, value,
period, denominator, multiplier``) into ``ccg16_code, ccg_name, period, estimated, prevalence,
population, is_england``. England's own row is kept but flagged: PHE modelled each CCG separately,
so the CCG estimates do not add up to it (2017: 4,080,029 vs 4,032,506). The two CCGs listed
under their pre-April-2016 codes take their 2016 codes (:data:`OLD_CCG_CODES`). Bad data (missing
column, blank or non-numeric or negative value, duplicate CCG x year, a code that is neither E38
nor England) raises :class:`~stp_analytics.errors.DataValidationError` naming file, row, column.
:func:`read_lsoa_ccg16` reads the ONS LSOA11 -> CCG16 lookup that places those CCGs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stp_analytics.data.loaders.common import check_unique, read_csv_checked, to_number
from stp_analytics.data.loaders.practice_imd import first_row_error
from stp_analytics.schema import ENGLAND_CODE

NCVIN_DIABETES_FILE = (
    "PHE_NCVIN_diabetes_prevalence_estimates_CCG16_2015-2035_dm_data_via_ianbatesncc.csv.gz"
)

#: codes the NCVIN file gives two CCGs -> their April 2016 codes (ONS CCG16 lookup)
OLD_CCG_CODES: dict[str, str] = {
    "E38000036": "E38000213",  # NHS Coastal West Sussex CCG
    "E38000067": "E38000214",  # NHS Guildford and Waverley CCG
}


def read_ncvin_diabetes(path: Path) -> pd.DataFrame:
    """NCVIN modelled diabetes prevalence (16+) by 2016 CCG and year, England row flagged."""
    table = read_csv_checked(path, ["org_name", "org_code", "numerator", "value", "period",
                                    "denominator"])
    table["org_code"] = table["org_code"].str.strip().replace(OLD_CCG_CODES)
    check_unique(table, ["org_code", "period"], path)
    columns = {name: to_number(table, name, path) for name in ("numerator", "value", "period",
                                                               "denominator")}
    for name, values in columns.items():
        missing = values.isna().to_numpy()
        if missing.any():
            raise first_row_error(table, pd.Series(missing), "blank value (expected a number)",
                                   path, name)
        negative = (values < 0).to_numpy()
        if negative.any():
            raise first_row_error(table, pd.Series(negative), "negative value {value}", path,
                                   name)
    unknown = ~(table["org_code"].str.fullmatch(r"E38\d{6}") | (table["org_code"] == ENGLAND_CODE))
    if unknown.any():
        raise first_row_error(table, unknown, "org_code {value!r} is neither a CCG (E38) nor "
                               f"England ({ENGLAND_CODE})", path, "org_code")
    return pd.DataFrame({
        "ccg16_code": table["org_code"].to_numpy(),
        "ccg_name": table["org_name"].to_numpy(),
        "period": columns["period"].astype("int64").to_numpy(),
        "estimated": columns["numerator"].to_numpy(),
        "prevalence": columns["value"].to_numpy(),
        "population": columns["denominator"].to_numpy(),
        "is_england": (table["org_code"] == ENGLAND_CODE).to_numpy(),
    })


LSOA_CCG16_FILE = "ONS_LSOA11_CCG16_LAD16_lookup_April2016.csv.gz"


def read_lsoa_ccg16(path: Path) -> pd.DataFrame:
    """ONS LSOA11 -> CCG16 (April 2016) as ``lsoa_code, ccg_code`` (one row per LSOA)."""
    table = read_csv_checked(path, ["LSOA11CD", "CCG16CD"])
    table["LSOA11CD"] = table["LSOA11CD"].str.strip()
    check_unique(table, ["LSOA11CD"], path)
    return pd.DataFrame({"lsoa_code": table["LSOA11CD"].to_numpy(),
                         "ccg_code": table["CCG16CD"].str.strip().to_numpy()})
