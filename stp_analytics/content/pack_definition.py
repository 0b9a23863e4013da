"""The pack definition (``packs/<name>.yml``) as typed, frozen pydantic models, parsed once.

:func:`load_pack_definition` reads and checks the whole file and returns a
:class:`PackDefinition`: title, notebook, formats, parameters, kernel_preload and the
:class:`SectionSpec` of each section in reading order. The build (``stp_analytics.build.pack_spec``)
and the notebook's :func:`stp_analytics.content.pack_content.open_pack` both use it, so the file
is parsed by one function (cached per file version within a process). A key the models do not
know is refused with a :class:`~stp_analytics.errors.ParameterError` naming the file, line and
key, and the keys allowed there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pydantic

from stp_analytics import paths
from stp_analytics.data.yaml_models import first_error, read_yaml_mapping
from stp_analytics.errors import ParameterError

#: the pack built when none is named (``stp-packs build``, a notebook run by hand)
DEFAULT_PACK = "three_gaps"

#: ``package.module:function``
CALLABLE_PATTERN = r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$"

#: the section settings that list indicator ids (each a list in the YAML)
INDICATOR_LISTS: tuple[str, ...] = (
    "not_in_spine", "trends", "variation", "deprivation", "spc", "funnel", "parts", "activity",
)

IndicatorIds = tuple[str, ...]


class _Frozen(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(frozen=True, extra="forbid")


class SectionSpec(_Frozen):
    """One section of the pack: its id, title, gap and the indicators given each view."""

    id: str = pydantic.Field(min_length=1)
    title: str = ""
    gap: Literal["health", "care", "finance"] | None = None
    not_in_spine: IndicatorIds = pydantic.Field(
        default=(), description="Indicators of the gap left out of the spine chart")
    trends: IndicatorIds = pydantic.Field(default=(), description="Indicators with a trend chart")
    variation: IndicatorIds = pydantic.Field(
        default=(), description="Indicators with a caterpillar plot of the area's parts")
    deprivation: IndicatorIds = pydantic.Field(
        default=(), description="Indicators described in the deprivation paragraph")
    spc: IndicatorIds = pydantic.Field(default=(), description="Indicators with an SPC chart")
    funnel: IndicatorIds = pydantic.Field(default=(), description="Indicators with a funnel plot")
    parts: IndicatorIds = pydantic.Field(
        default=(), description="Indicators shown for each constituent organisation")
    activity: IndicatorIds = pydantic.Field(
        default=(), description="Activity indicators shown per 1,000 residents")

    def get(self, setting: str, default: Any = ()) -> Any:
        """A setting by name (``section.get("trends")``), as notebooks written for the old
        mapping of settings ask; an empty list gives ``default``. Unknown names raise."""
        if setting not in type(self).model_fields:
            raise KeyError(f"section {self.id!r} has no setting {setting!r}")
        value = getattr(self, setting)
        return value if value not in ((), None, "") else default


class PackDefinition(_Frozen):
    """A pack definition file as written (paths not yet resolved)."""

    title: str = pydantic.Field(min_length=1)
    notebook: str = pydantic.Field(min_length=1, description="Relative to the project root")
    formats: tuple[str, ...] | str = ("html", "pdf")
    parameters: dict[str, Any] = pydantic.Field(
        default_factory=dict, description="Notebook parameter defaults for every footprint")
    kernel_preload: str = pydantic.Field(default="", pattern=CALLABLE_PATTERN + "|^$")
    sections: tuple[SectionSpec, ...] = ()

    @pydantic.field_validator("parameters", "kernel_preload", "sections", mode="before")
    @classmethod
    def _empty_is_default(cls, value: Any, info: pydantic.ValidationInfo) -> Any:
        """``parameters:`` with nothing after it means none (as ``{}``)."""
        if value is None:
            return {"parameters": {}, "kernel_preload": "", "sections": ()}[info.field_name]
        return value

    @pydantic.field_validator("title", "notebook")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must be a non-empty string")
        return value

    @pydantic.field_validator("sections")
    @classmethod
    def _unique_ids(cls, sections: tuple[SectionSpec, ...]) -> tuple[SectionSpec, ...]:
        ids = [section.id for section in sections]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"repeat section id(s) {', '.join(twice)}; each id once")
        return sections

    def section_map(self) -> dict[str, SectionSpec]:
        """The sections keyed by id, in reading order."""
        return {section.id: section for section in self.sections}


def pack_path(name_or_path: str | Path) -> Path:
    """The YAML file for a pack name (``packs/<name>.yml``) or an explicit path to one."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yml", ".yaml"):
        return candidate
    return paths.packs_dir() / f"{name_or_path}.yml"


_CACHE: dict[tuple[str, int, int], PackDefinition] = {}


def load_pack_definition(name_or_path: str | Path) -> PackDefinition:
    """Read and check a pack definition (a name under ``packs/`` or a path); cached per file
    version. Raises ParameterError naming the file, the line and the key at fault."""
    path = pack_path(name_or_path)
    if not path.is_file():
        known = sorted(p.stem for p in paths.packs_dir().glob("*.yml"))
        raise ParameterError(
            f"pack {str(name_or_path)!r}: no definition at {path}; known packs: "
            f"{', '.join(known) or 'none'}"
        )
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        _CACHE[key] = _parse(path)
    return _CACHE[key]


def _parse(path: Path) -> PackDefinition:
    document = read_yaml_mapping(path, ParameterError, label=f"file {path}",
                                 expected="a mapping with title, notebook, parameters")
    try:
        return PackDefinition.model_validate(document.data)
    except pydantic.ValidationError as error:
        problem = first_error(error, PackDefinition, document)
        where = f"file {path}" + (f" line {problem.line}" if problem.line else "")
        text = problem.text
        if problem.loc == ("kernel_preload",):
            text = ("key 'kernel_preload' must name a function as 'package.module:function', "
                    f"got {document.data.get('kernel_preload')!r}")
        elif problem.loc in (("title",), ("notebook",)):
            text = f"key {problem.loc[0]!r} must be a non-empty string"
        elif problem.loc == ("parameters",):
            text = "key 'parameters' must be a mapping of name: value"
        raise ParameterError(f"{where}: {text}") from None
