"""What a build is asked to do and what it reports: the build configuration, one pack's task
and outcome, the build's result, and the names of the files a build writes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from stp_analytics.build.render import PageContext

MANIFEST_NAME = "manifest.json"
INDEX_NAME = "index.html"
LOG_NAME = "build.log"
FAILED_NAME = "failed.ipynb"
OUTPUT_NAMES = {"ipynb": "pack.ipynb", "html": "pack.html", "pdf": "pack.pdf"}
KERNEL_EXTRA_ARGUMENTS = ["--HistoryManager.enabled=False"]
#: papermill's tag (and, here, the cell id) for the cell of parameters it adds
#: papermill's tag (and, here, the cell id) for the cell of parameters it adds
INJECTED_TAG = "injected-parameters"


#: the area set whose packs keep the plain ``<out>/<pack>/`` folder; other sets add their name
DEFAULT_AREA_SET = "stp2017"


def pack_folder_name(pack: str, area_set: str) -> str:
    """The folder under ``--out`` for one pack and area set: ``three_gaps`` for the default
    set, ``three_gaps-icb2022`` for another, so two sets never share a manifest or an index
    (E54 codes such as E54000008 name a 2017 STP and a 2022 ICB)."""
    return pack if area_set == DEFAULT_AREA_SET else f"{pack}-{area_set}"


@dataclass(frozen=True)
class BuildConfig:
    """Everything one ``stp-packs build`` needs; defaults build every area as HTML and PDF."""

    pack: str = "three_gaps"
    area_set: str = "stp2017"
    areas: tuple[str, ...] = ()
    formats: tuple[str, ...] | None = None
    workers: int | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    out_dir: Path | None = None
    force: bool = False
    executor: str = "process"
    scheduler: str | None = None
    timeout: float = 600.0
    start_timeout: float = 60.0
    allow_outside: bool = False
    wait_for_lock: bool = False
    store_path: Path | None = None
    catalog_path: Path | None = None
    progress: bool | None = None


@dataclass(frozen=True)
class PackTask:
    """One area's pack: everything a worker needs (plain data, picklable)."""

    pack: str
    notebook: str
    parameters: dict[str, Any]
    context: PageContext
    area_dir: str
    formats: tuple[str, ...]
    timeout: float
    start_timeout: float
    input_hash: str
    kernel_preload: str = ""


@dataclass
class PackOutcome:
    """What happened to one area's pack."""

    area_code: str
    area_name: str
    folder: str
    status: str  # built | failed | skipped
    input_hash: str
    duration_s: float = 0.0
    outputs: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    attempts: int = 1


@dataclass
class BuildResult:
    """All outcomes of a build, the manifest and index paths, and the exit status."""

    outcomes: list[PackOutcome]
    out_dir: Path
    manifest_path: Path
    index_path: Path | None

    @property
    def failed(self) -> list[PackOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def executed(self) -> list[PackOutcome]:
        return [o for o in self.outcomes if o.status != "skipped"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def with_overrides(config: BuildConfig, **changes: Any) -> BuildConfig:
    """A copy of ``config`` with some fields changed."""
    return replace(config, **changes)


def json_bytes(data: Any) -> bytes:
    """Stable JSON (sorted keys, indent 2, UTF-8, final newline) for manifests and hashes."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
