"""Loaders: small pure functions that turn one source file into tidy observations.

The contract (every loader follows it; ``docs/adding_data.md`` shows an example)::

    @register_loader("my_loader")
    def load_my_source(path: Path, source: Source, indicators: list[Indicator]) -> pd.DataFrame:
        ...

* ``path`` is the absolute path of one file of the source (a source with several files, such
  as QOF 2016-17 and 2017-18, is loaded once per file; ``source.file`` and ``source.options``
  are that file's, with the file's own options merged over the source's).
* ``indicators`` are the catalogue indicators that name this source; each one's ``select``
  mapping says which rows of the file are that indicator (e.g. ``{group: DM}``).
* The result has the columns of :data:`stp_analytics.schema.OBSERVATION_COLUMNS` plus two
  optional bookkeeping columns: ``source_row`` (the 1-based row in the file as a person counts
  it, header = row 1; used in error messages) and ``set_aside`` (a non-empty reason for a row
  that is deliberately kept out of the observations, e.g. a suppressed value). Set-aside rows
  are counted and reported by ``stp-packs validate``; nothing is dropped silently.
* Raise :class:`stp_analytics.errors.DataValidationError` (file, row, column, problem) for bad
  data; :mod:`stp_analytics.data.loaders.common` has readers and converters that already do.

Modules in this package are discovered with :mod:`pkgutil`, so a new loader is a new module
that calls :func:`register_loader`; nothing else needs to change.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stp_analytics.errors import CatalogError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

LoaderFunc = Callable[[Path, Any, list], "pd.DataFrame"]

_REGISTRY: dict[str, LoaderFunc] = {}
_discovered = False


def register_loader(name: str) -> Callable[[LoaderFunc], LoaderFunc]:
    """Decorator: register ``func`` as the loader called ``name`` in catalog.yml."""

    def decorate(func: LoaderFunc) -> LoaderFunc:
        existing = _REGISTRY.get(name)
        if existing is not None and existing is not func:
            qualified = f"{existing.__module__}.{existing.__name__}"
            if qualified != f"{func.__module__}.{func.__name__}":
                raise CatalogError(f"loader {name!r} is registered twice ({qualified})")
        _REGISTRY[name] = func
        return func

    return decorate


def discover() -> None:
    """Import every module of this package once, so their loaders register themselves."""
    global _discovered
    if _discovered:
        return
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{module.name}")
    _discovered = True


def loader_names() -> list[str]:
    """The names of every registered loader, sorted."""
    discover()
    return sorted(_REGISTRY)


def get_loader(name: str) -> LoaderFunc:
    """The loader registered as ``name``; :class:`CatalogError` lists the known names if none."""
    discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise CatalogError(f"no loader called {name!r}; known loaders: {known}") from None
