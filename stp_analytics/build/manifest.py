"""``manifest.json``: what each pack was built from and what it wrote, read back to skip packs
whose inputs and outputs are unchanged; and the national index page, skipped the same way."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from stp_analytics.build import fingerprint, render
from stp_analytics.build.config import (
    INDEX_NAME,
    OUTPUT_NAMES,
    BuildConfig,
    PackOutcome,
    PackTask,
    json_bytes,
)
from stp_analytics.build.render.annex_split import ANNEX_PDF
from stp_analytics.content.index_finance import finance_parameters
from stp_analytics.data.files import sha256_file, write_atomic
from stp_analytics.errors import BuildError


def check_same_area_set(manifest: dict[str, Any], area_set: str, path: Path) -> None:
    """Refuse to add packs of one area set to a manifest written for another."""
    recorded = manifest.get("area_set")
    if recorded is not None and recorded != area_set:
        raise BuildError(
            f"{path} records packs of area set {recorded!r}, not {area_set!r}: packs of two "
            "area sets are never mixed in one folder; choose another --out"
        )


def read_manifest(path: Path) -> dict[str, Any]:
    """The previous manifest, or an empty one (an unreadable manifest means: rebuild all)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return {"packs": {}}
    return data if isinstance(data.get("packs"), dict) else {"packs": {}}


def is_current(entry: dict | None, task: PackTask) -> bool:
    """True when a previous successful build of exactly these inputs is still on disk intact."""
    if not entry or entry.get("status") != "built" or entry.get("input_hash") != task.input_hash:
        return False
    area_dir = Path(task.area_dir)
    outputs = entry.get("outputs") or {}
    wanted = {OUTPUT_NAMES[f] for f in ("ipynb", *task.formats)}
    # beside them, when the pack has them: the technical annex's PDF and the pack's numbers
    if not wanted <= set(outputs) or not set(outputs) <= wanted | {ANNEX_PDF,
                                                                   render.PACK_DATA_NAME}:
        return False
    for name, digest in outputs.items():
        path = area_dir / name
        if not path.is_file() or sha256_file(path) != digest:
            return False
    return True


def manifest_entry(outcome: PackOutcome) -> dict[str, Any]:
    return {
        "area_name": outcome.area_name,
        "folder": outcome.folder,
        "status": outcome.status,
        "duration_s": outcome.duration_s,
        "input_hash": outcome.input_hash,
        "outputs": outcome.outputs,
        "error": outcome.error,
        "attempts": outcome.attempts,
    }


def write_index(pack_dir: Path, spec, manifest: dict, store: Path, store_hash: str,
                config: BuildConfig, label: tuple[str, str],
                heatmap: tuple[str, str] | None = None) -> Path:
    """The national overview page: league heat map and links to every pack (static HTML).

    Skipped when its inputs (manifest entries, store, templates, library) and the file on disk
    are unchanged, so a no-change rebuild draws nothing. ``heatmap``: the heat map already
    drawn for this store (:func:`render.league_heatmap`), else it is drawn here.
    """
    path = pack_dir / INDEX_NAME
    key = {"packs": manifest["packs"], "store": store_hash, "templates": render.templates_hash(),
           "library": fingerprint.library_hash(), "title": spec.title, "area_set": config.area_set,
           "catalog": str(config.catalog_path or ""),
           "finance": finance_parameters({**spec.parameters, **config.parameters})}
    digest = hashlib.sha256(json_bytes(without_durations(key))).hexdigest()
    previous = manifest.get("index") or {}
    if (previous.get("input_hash") == digest and path.is_file()
            and sha256_file(path) == previous.get("sha256")):
        return path
    document = render.render_index(
        title=spec.title, entries=manifest["packs"], store_path=store,
        area_set=config.area_set, area_label=label[0], area_label_plural=label[1],
        catalog_path=config.catalog_path, heatmap=heatmap,
        finance_parameters={**spec.parameters, **config.parameters},
    ).encode("utf-8")
    write_atomic(path, document)
    manifest["index"] = {"input_hash": digest, "sha256": hashlib.sha256(document).hexdigest()}
    return path


def without_durations(key: dict) -> dict:
    packs_only = {code: {k: v for k, v in entry.items() if k not in ("duration_s", "attempts")}
                  for code, entry in key["packs"].items()}
    return {**key, "packs": packs_only}
