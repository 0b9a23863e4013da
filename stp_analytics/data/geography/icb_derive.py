"""Derive the ``icb2022`` area-set files: the 42 integrated care boards of 1 July 2022.

Called by :func:`stp_analytics.data.geography.derive.derived_tables` (``python -m
stp_analytics.data.geography`` rewrites ``data_catalog/areas/icb2022/``). Methods:

* areas: ICB22 code (ONS E54), name, ODS code (Q..) and NHS England region (7, NHSER22) from the
  ONS LOC22 -> ICB22 -> NHSER22 lookup;
* sicbl: the 106 sub-ICB locations (LOC22, E38) -> ICB, share 1 (same lookup);
* lsoa: ONS LSOA11 -> ICB22, share 1;
* ccg: April 2017 CCG -> ICB, share = the CCG's share of its 2011 LSOAs in the ICB (4 CCGs are
  split between two ICBs);
* lad: LAD17 -> ICB, share = the district's share of its LSOAs in the ICB (11 LAD17, i.e. 12
  LAD22, districts are split); utla: LAD shares weighted by ONS mid-2017 population;
* practice: the ICB of the practice's sub-ICB location in the February 2023 ODS file when the
  practice was open on 1 July 2022; else (closed earlier) the ICB of its April 2017 CCG when that
  CCG lies wholly in one ICB; else the practice is set aside (listed in
  ``practices_set_aside.csv`` with its list size, not in any ICB);
* trust: the acute trusts of ``stp2017`` -> the ICB of the trust's headquarters (ODS etr field 4,
  an ICB ODS code); share 1. (Catchment proportions are not used.)
* nhs_trust: every trust of ``areas/nhs_trust_footprint.csv`` (acute, mental health, community,
  ambulance) -> the ICB of its headquarters, for the trust-level loaders (workforce, sickness
  absence, bed sitreps): see :func:`nhs_trust_lookup`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from stp_analytics.data.geography import derive, icb_sources, sources
from stp_analytics.errors import DataValidationError
from stp_analytics.paths import data_catalog_dir

#: practices open on or after this date carry a sub-ICB location commissioner in ODS
ICB_START = "20220701"
SET_ASIDE_COLUMNS = ["qof_year", "practice_code", "practice_name", "ccg_code", "close_date",
                     "list_size", "reason"]


def area_table() -> pd.DataFrame:
    """The 42 ICBs: area_code, area_name, region_code, region_name, area_ods_code."""
    locs = icb_sources.loc_icb_lookup()
    areas = locs.rename(columns={"icb_code": "area_code", "icb_name": "area_name",
                                 "icb_ods_code": "area_ods_code"})
    areas = areas[[*derive.AREA_COLUMNS, "area_ods_code"]].drop_duplicates()
    duplicated = areas["area_code"].duplicated()
    if duplicated.any():
        raise DataValidationError(
            f"ICB {areas.loc[duplicated, 'area_code'].iloc[0]} has two names, ODS codes or regions",
            file=icb_sources.LOC_ICB_FILE,
        )
    return areas.sort_values("area_code", ignore_index=True)


def sicbl_parts() -> pd.DataFrame:
    """Sub-ICB location (LOC22) -> ICB, share 1."""
    locs = icb_sources.loc_icb_lookup()
    return derive._tidy(derive._whole(locs, "loc_code", "loc_name", "icb_code"))


def lsoa_parts() -> pd.DataFrame:
    """LSOA11 -> ICB, share 1."""
    lsoas = icb_sources.lsoa_icb_lookup()
    return derive._tidy(derive._whole(lsoas, "lsoa_code", "lsoa_name", "icb_code"))


def _by_lsoa_share(frame: pd.DataFrame, code: str, name: str) -> pd.DataFrame:
    """part -> ICB with share = the part's LSOAs in the ICB / all its LSOAs."""
    counts = frame.groupby([code, name, "icb_code"], as_index=False)["lsoas"].sum()
    counts["share"] = counts["lsoas"] / counts.groupby(code)["lsoas"].transform("sum")
    lookup = counts.rename(columns={code: "part_code", name: "part_name",
                                    "icb_code": "area_code"})
    return derive._tidy(lookup)


def ccg_parts() -> pd.DataFrame:
    """CCG17 -> ICB by the CCG's share of 2011 LSOAs (the CCG17 -> ICB22 crosswalk)."""
    return _by_lsoa_share(icb_sources.ccg_icb_crosswalk(), "ccg_code", "ccg_name")


def lad_parts() -> pd.DataFrame:
    """LAD17 -> ICB by the district's share of 2011 LSOAs (the LAD17/LAD22 -> ICB22 crosswalk)."""
    return _by_lsoa_share(icb_sources.lad_icb_crosswalk(), "lad_code", "lad_name")


def utla_parts() -> pd.DataFrame:
    """UTLA -> ICB: LAD shares weighted by ONS mid-2017 LAD population."""
    return derive.utla_from_lads(lad_parts())


def _ods_icb_codes() -> pd.Series:
    """ICB ODS code (Q..) -> ICB22 E54 code."""
    locs = icb_sources.loc_icb_lookup()
    return locs.drop_duplicates("icb_ods_code").set_index("icb_ods_code")["icb_code"]


def practice_icbs(year: str) -> pd.DataFrame:
    """Every practice of a QOF year with its April 2017 CCG, ICB ('' if set aside) and route."""
    practices = derive.practice_ccgs(year)[["practice_code", "practice_name", "ccg_code"]]
    ods = icb_sources.epraccur().drop_duplicates("practice_code").set_index("practice_code")
    absent = practices.loc[~practices["practice_code"].isin(ods.index), "practice_code"]
    if len(absent):
        raise DataValidationError(
            f"practice {absent.iloc[0]} of QOF {year} is not in the ODS practice file",
            file=icb_sources.EPRACCUR_FILE,
        )
    record = ods.reindex(practices["practice_code"])
    close = record["close_date"].to_numpy()
    loc_icb = icb_sources.loc_icb_lookup().set_index("loc_ods_code")["icb_code"]
    open_in_2022 = (close == "") | (close >= ICB_START)
    by_commissioner = record["commissioner"].map(loc_icb).where(open_in_2022)
    ccg_icbs = ccg_parts()
    whole = ccg_icbs[ccg_icbs.groupby("part_code")["area_code"].transform("size").eq(1)]
    by_ccg = practices["ccg_code"].map(whole.set_index("part_code")["area_code"])
    icb = by_commissioner.to_numpy()
    route = pd.Series("ODS sub-ICB location", index=practices.index)
    closed = pd.isna(icb)
    icb[closed] = by_ccg.to_numpy()[closed]
    route[closed] = "April 2017 CCG"
    route[pd.isna(icb)] = "set aside"
    return practices.assign(area_code=pd.Series(icb, index=practices.index).fillna(""),
                            close_date=close, route=route)


def practice_parts(year: str) -> pd.DataFrame:
    """Practice -> ICB (share 1) for one QOF year; set-aside practices are left out."""
    placed = practice_icbs(year)
    placed = placed[placed["area_code"] != ""]
    return derive._tidy(derive._whole(placed, "practice_code", "practice_name", "area_code"))


def practices_set_aside() -> pd.DataFrame:
    """Practices of both QOF years that closed before July 2022 in a CCG split between ICBs."""
    frames = []
    for year in ("2017/18", "2016/17"):
        rows = practice_icbs(year)
        rows = rows[rows["route"] == "set aside"]
        sizes = sources.qof_list_sizes(year)
        frames.append(rows.assign(
            qof_year=year,
            list_size=rows["practice_code"].map(sizes).astype("Int64"),
            reason="closed before July 2022; its April 2017 CCG is split between ICBs",
        ))
    table = pd.concat(frames, ignore_index=True)[SET_ASIDE_COLUMNS]
    return table.sort_values(["qof_year", "practice_code"], ignore_index=True)


def trust_parts() -> pd.DataFrame:
    """The stp2017 acute trusts -> the ICB of their headquarters (ODS etr), share 1."""
    trusts = derive.trust_parts("stp2017")[["part_code", "part_name"]]
    headquarters = icb_sources.etr().drop_duplicates("trust_code").set_index("trust_code")
    ods_code = trusts["part_code"].map(headquarters["icb_ods_code"])
    area = ods_code.map(_ods_icb_codes())
    if area.isna().any():
        missing = trusts.loc[area.isna(), "part_code"].iloc[0]
        raise DataValidationError(
            f"trust {missing} has no ICB in the ODS trust file", file=icb_sources.ETR_FILE
        )
    return derive._tidy(trusts.assign(area_code=area, share=1.0))


#: trusts that are not in the ODS trust file (care trusts, historic codes): ICB by hand from the
#: place in the trust's name, each place lying wholly in one ICB
TRUSTS_BY_HAND = {
    "RYK-X": ("E54000062", "Dudley and Walsall lie in Black Country"),
    "TAD": ("E54000054", "Bradford lies in West Yorkshire"),
    "TAE": ("E54000057", "Manchester lies in Greater Manchester"),
    "TAF": ("E54000028", "Camden and Islington lie in North Central London"),
    "TAH": ("E54000061", "Sheffield lies in South Yorkshire"),
    "TAJ": ("E54000062", "the Black Country is Black Country ICB"),
}
TRUST_COLUMNS = ["trust_code", "trust_name", "area_code", "basis"]


def nhs_trust_lookup() -> pd.DataFrame:
    """Every trust of the 2017 trust lookup -> the ICB of its headquarters (ODS etr field 4).

    Ambulance trusts serve several ICBs and stay unmapped (blank ``area_code``), as in the 2017
    lookup; the six trusts missing from the ODS file are placed by hand (``TRUSTS_BY_HAND``).
    """
    path = data_catalog_dir() / "areas" / "nhs_trust_footprint.csv"
    trusts = pd.read_csv(path, dtype=str, keep_default_na=False)
    headquarters = icb_sources.etr().drop_duplicates("trust_code").set_index("trust_code")
    area = trusts["trust_code"].map(headquarters["icb_ods_code"]).map(_ods_icb_codes())
    basis = "ODS trust headquarters in ICB " + trusts["trust_code"].map(
        headquarters["icb_ods_code"]).fillna("")
    hand = trusts["trust_code"].map({k: v[0] for k, v in TRUSTS_BY_HAND.items()})
    area = area.fillna(hand)
    basis = basis.where(hand.isna(), "not in the ODS trust file: by hand from the trust name ("
                        + trusts["trust_code"].map({k: v[1] for k, v in TRUSTS_BY_HAND.items()})
                        + ")")
    ambulance = trusts["basis"].str.startswith("ambulance trust")
    area = area.where(~ambulance, "")
    basis = basis.where(~ambulance, "ambulance trust: serves several ICBs, not mapped")
    if area.isna().any():
        missing = trusts.loc[area.isna(), "trust_code"].iloc[0]
        raise DataValidationError(
            f"trust {missing} has no ICB in the ODS trust file", file=icb_sources.ETR_FILE
        )
    table = trusts.assign(area_code=area, basis=basis)[TRUST_COLUMNS]
    return table.sort_values("trust_code", ignore_index=True)


def builders() -> dict[str, Callable[[], pd.DataFrame]]:
    """File name -> function building it, for the icb2022 folder."""
    return {
        "areas.csv": area_table,
        "practice_2017-18.csv.gz": lambda: practice_parts("2017/18"),
        "practice_2016-17.csv.gz": lambda: practice_parts("2016/17"),
        "practices_set_aside.csv": practices_set_aside,
        "sicbl.csv": sicbl_parts,
        "ccg.csv": ccg_parts,
        "lad.csv": lad_parts,
        "utla.csv": utla_parts,
        "trust.csv": trust_parts,
        "nhs_trust.csv": nhs_trust_lookup,
        "lsoa.csv.gz": lsoa_parts,
    }
