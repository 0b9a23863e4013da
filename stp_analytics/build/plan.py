"""Planning a build before any kernel starts: the pack definition and its parameters checked,
the areas chosen, the metric store built once, and one task per area with its input hash."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stp_analytics import paths
from stp_analytics.build import executors, fingerprint, render
from stp_analytics.build import pack_spec as packs
from stp_analytics.build.config import BuildConfig, PackTask, json_bytes, pack_folder_name
from stp_analytics.data.files import slugify
from stp_analytics.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd


def select_areas(config: BuildConfig):
    """The area table rows to build (all, or those named by code or name), sorted by code."""
    from stp_analytics.data import geography

    area_set = geography.load_area_set(config.area_set)
    table = area_set.areas.sort_values("area_code", ignore_index=True)
    if config.areas:
        wanted = {geography.resolve_area(query, area_set) for query in config.areas}
        table = table[table["area_code"].isin(wanted)].reset_index(drop=True)
    return table, (area_set.label, area_set.label_plural)


def metric_store(config: BuildConfig, out_dir: Path) -> Path:
    """The metric store parquet: given, or built once (cached next to the outputs)."""
    if config.store_path is not None:
        if not Path(config.store_path).is_file():
            raise ParameterError(f"store_path {config.store_path}: no such file")
        return Path(config.store_path).resolve()
    from stp_analytics import metrics

    return Path(
        metrics.load_or_build_store(
            catalog=config.catalog_path, area_set=config.area_set, cache_dir=out_dir / ".cache"
        )
    ).resolve()


def latest_rows(store_path: Path, as_at: str = "") -> pd.DataFrame:
    """Each area's latest row per indicator among the periods ending by ``as_at`` (all when
    ""): indicator, area_code, period, period_start."""
    import pandas as pd

    from stp_analytics.metrics.vintage import in_vintage

    columns = ["indicator", "area_code", "period", "period_start", "area_role"]
    try:
        frame = pd.read_parquet(store_path, columns=columns)
    except Exception:  # a store without these columns gives no period, not a failure
        return pd.DataFrame(columns=columns)
    frame = frame[frame["area_role"].eq("area")].dropna(subset=["period_start"])
    frame = frame[in_vintage(frame, as_at)]
    latest = frame.groupby(["indicator", "area_code"])["period_start"].transform("max")
    return frame[frame["period_start"].eq(latest)]


def data_periods(store_path: Path, as_at: str = "") -> dict[str, str]:
    """Area code -> "first to last" latest period in the store (the pack's data period)."""
    frame = latest_rows(store_path, as_at).sort_values(["area_code", "period_start", "period"])
    periods: dict[str, str] = {}
    for code, rows in frame.groupby("area_code", sort=True):
        first, last = rows["period"].iloc[0], rows["period"].iloc[-1]
        periods[str(code)] = first if first == last else f"{first} to {last}"
    return periods


def data_vintages(store_path: Path, as_at: str, catalog_path: Path | str | None
                  ) -> dict[str, str]:
    """Area code -> the cover's vintage line: the vintage and, per gap, the oldest and newest
    latest period used (:func:`stp_analytics.content.vintage.vintage_line`)."""
    from stp_analytics.content.vintage import vintage_line
    from stp_analytics.data.catalog import load_catalog
    from stp_analytics.metrics.vintage import period_ranges

    gaps = {key: entry.gap for key, entry in load_catalog(catalog_path or None).indicators.items()}
    frame = latest_rows(store_path, as_at)
    return {str(code): vintage_line(as_at, period_ranges(rows, gaps))
            for code, rows in frame.groupby("area_code", sort=True)}


def _runner_parameters(
    config: BuildConfig, spec: packs.PackSpec, declared: dict, code: str, store: Path
) -> dict:
    """The parameters the build sets for each area (only those the notebook declares)."""
    values = {
        "footprint": code,
        "area_set": config.area_set,
        "store_path": str(store),
        "catalog_path": str(Path(config.catalog_path or paths.default_catalog_path()).resolve()),
        "pack_config": str(spec.source) if spec.source else "",
    }
    return {name: value for name, value in values.items() if name in declared}


def plan_build(config: BuildConfig) -> tuple[packs.PackSpec, dict[str, Any], Path]:
    """Checks that need no kernel and no store: pack, parameters, formats, output folder."""
    executors.check_executor(config.executor, config.scheduler)
    spec = packs.load_pack(config.pack)
    user = dict(config.parameters)
    reserved = sorted(set(user) & set(packs.RUNNER_PARAMETERS))
    if reserved:
        raise ParameterError(
            f"parameter {reserved[0]!r} is set by the build for each area; use --footprint / "
            "--areas instead of -p"
        )
    merged = {**spec.parameters, **user}
    checked = packs.validate_parameters(spec.notebook, merged)
    out_dir = packs.check_output_dir(
        config.out_dir if config.out_dir is not None else paths.outputs_dir(),
        allow_outside=config.allow_outside,
    )
    return spec, checked, out_dir


def make_tasks(
    config, spec, checked, out_dir, store, store_hash, table, label: tuple[str, str]
) -> list[PackTask]:
    declared = packs.notebook_parameters(spec.notebook)
    formats = config.formats or spec.formats
    shared = {
        "notebook": hashlib.sha256(spec.notebook.read_bytes()).hexdigest(),
        "store": store_hash,
        "templates": render.templates_hash(),
        "library": fingerprint.library_hash(),
        "formats": list(formats),
    }
    as_at = str(checked.get("as_at", "") or "")
    periods = data_periods(store, as_at)
    vintages = data_vintages(store, as_at, config.catalog_path) if "as_at" in declared else {}
    tasks = []
    for row in table.itertuples(index=False):
        code = str(row.area_code)
        parameters = {**checked, **_runner_parameters(config, spec, declared, code, store)}
        packs.validate_parameters(spec.notebook, parameters)
        context = render.PageContext(
            title=spec.title,
            area_code=code,
            area_name=str(row.area_name),
            data_period=periods.get(code, "not stated"),
            vintage=vintages.get(code, ""),
            region_name=str(getattr(row, "region_name", "") or ""),
            area_label=render.sentence_case(label[0]),
        )
        key = {**shared, "parameters": {k: v for k, v in parameters.items() if k != "store_path"},
               "context": asdict(context)}
        digest = hashlib.sha256(json_bytes(key)).hexdigest()
        tasks.append(
            PackTask(
                pack=spec.name,
                notebook=str(spec.notebook),
                parameters=parameters,
                context=context,
                area_dir=str(out_dir / pack_folder_name(spec.name, config.area_set)
                             / f"{code}-{slugify(str(row.area_name))}"),
                formats=tuple(formats),
                timeout=config.timeout,
                start_timeout=config.start_timeout,
                input_hash=digest,
                kernel_preload=spec.kernel_preload,
            )
        )
    return tasks
