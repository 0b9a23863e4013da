"""The schema of an area-set definition (``data_catalog/areas/<name>.yml``) as pydantic models.

:func:`read_area_set_definition` parses the file with PyYAML's safe loader, checks it against
:class:`AreaSetDefinition` (required keys, known part types, a ``compose`` naming a base set and
a part type listed in ``parts``, a practice lookup or a base set for the registered population,
no unknown keys) and returns the mapping as written. The first problem is a
:class:`~stp_analytics.errors.CatalogError` naming the file (and the line of the key where
there is one) and what was expected. See docs/area_sets.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pydantic

from stp_analytics.data.yaml_models import YamlDocument, first_error, read_yaml_mapping
from stp_analytics.errors import CatalogError

PART_TYPES: tuple[str, ...] = ("practice", "ccg", "lad", "utla", "trust", "lsoa", "sicbl")
REQUIRED_KEYS: tuple[str, ...] = ("label", "label_plural", "area_type", "description", "areas")
COMPOSE_RULE = "'compose' must be {base: <area set>, via: <part type listed in parts>}"

#: a lookup file, or (practices only) one file per QOF year
LookupFile = str | dict[str, str]


class _Model(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Compose(_Model):
    """Parts come from a base set: part -> base area (the base set's lookups) -> area."""

    base: str = pydantic.Field(min_length=1)
    via: Literal[PART_TYPES]


class AreaSetDefinition(_Model):
    """One area set: what the areas are called, the area file and the part lookups."""

    label: str = pydantic.Field(min_length=1)
    label_plural: str = pydantic.Field(min_length=1)
    area_type: str = pydantic.Field(min_length=1)
    description: str = pydantic.Field(min_length=1)
    areas: str = pydantic.Field(min_length=1, description="CSV of area_code, area_name, region")
    parts: dict[Literal[PART_TYPES], LookupFile] = pydantic.Field(default_factory=dict)
    compose: Compose | None = None
    sources: list[str] = pydantic.Field(default_factory=list)
    derivation: dict[str, str] = pydantic.Field(default_factory=dict)
    finance_model: bool = pydantic.Field(
        True, description="False where the 2016/17-2020/21 footprint finance model does not "
        "apply (the ICBs of 2022)")

    @pydantic.field_validator("parts", "sources", "derivation", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any, info: pydantic.ValidationInfo) -> Any:
        if value is None:
            return [] if info.field_name == "sources" else {}
        return value

    @pydantic.model_validator(mode="after")
    def _parts_cover_the_set(self) -> AreaSetDefinition:
        if self.compose is not None and self.compose.via not in self.parts:
            raise ValueError(COMPOSE_RULE)
        if "practice" not in self.parts and self.compose is None:
            raise ValueError("a practice lookup is needed for the registered population")
        return self


def _message(error: pydantic.ValidationError, document: YamlDocument) -> str:
    """Today's wording: all missing keys together, unknown part types with the allowed ones."""
    errors = error.errors(include_url=False)
    missing = [key for key in REQUIRED_KEYS
               if any(e["loc"] == (key,) and e["type"] in ("missing", "string_too_short")
                      or e["loc"] == (key,) and e.get("input") is None for e in errors)]
    if missing:
        return f"missing key(s) {', '.join(missing)}"
    unknown_parts = [str(e["loc"][1]) for e in errors
                     if e["loc"][:1] == ("parts",) and e["loc"][-1] == "[key]"]
    if unknown_parts:
        return (f"unknown part type(s) {', '.join(unknown_parts)}; "
                f"expected {', '.join(PART_TYPES)}")
    if any(e["loc"][:1] == ("compose",) for e in errors):
        return COMPOSE_RULE
    problem = first_error(error, AreaSetDefinition, document)
    return f"line {problem.line}: {problem.text}" if problem.loc else problem.text


def read_area_set_definition(path: Path) -> dict[str, Any]:
    """Parse and check an area-set YAML file; return the mapping as written."""
    document = read_yaml_mapping(path, CatalogError, label=str(path),
                                 expected="a mapping of keys to values")
    try:
        AreaSetDefinition.model_validate(document.data)
    except pydantic.ValidationError as error:
        raise CatalogError(f"{path}: {_message(error, document)}") from None
    return document.data
