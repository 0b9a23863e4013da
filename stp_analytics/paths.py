"""Where things live: the project root, the data catalogue, pack definitions, notebooks and outputs.

Paths resolve from the installed package (an editable install points back at the checkout). The
environment variable ``STP_PACKS_HOME`` overrides the project root, e.g. for tests.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The checkout that holds data_catalog/, packs/ and notebooks/."""
    override = os.environ.get("STP_PACKS_HOME")
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parent.parent


def package_dir() -> Path:
    """The installed ``stp_analytics`` package folder."""
    return Path(__file__).resolve().parent


def data_catalog_dir() -> Path:
    """The folder with catalog.yml, SOURCES.md and the vendored sources."""
    return project_root() / "data_catalog"


def default_catalog_path() -> Path:
    """The default data catalogue file."""
    return data_catalog_dir() / "catalog.yml"


def sources_dir() -> Path:
    """The vendored raw files (gzip-compressed)."""
    return data_catalog_dir() / "sources"


def packs_dir() -> Path:
    """Pack definitions (YAML) and the HTML/print templates."""
    return project_root() / "packs"


def notebooks_dir() -> Path:
    """The parameterised notebooks."""
    return project_root() / "notebooks"


def outputs_dir() -> Path:
    """Default output folder for built packs (git-ignored)."""
    return project_root() / "outputs"
