"""The pack definition as typed models: parsed once, unknown keys refused with file, line and
key, the build's PackSpec and the notebook's sections from the same parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from stp_analytics.build import pack_spec as packs
from stp_analytics.content import pack_content, pack_definition
from stp_analytics.content.pack_definition import PackDefinition, SectionSpec
from stp_analytics.errors import ParameterError

NOTEBOOK = Path(__file__).resolve().parent / "fixtures" / "notebooks" / "mini_pack.ipynb"


def _write(tmp_path: Path, sections: str, extra: str = "") -> Path:
    path = tmp_path / "pack.yml"
    path.write_text(f"title: T\nnotebook: {NOTEBOOK}\n{extra}sections:\n{sections}",
                    encoding="utf-8")
    return path


def test_shipped_pack_sections_are_typed() -> None:
    definition = pack_definition.load_pack_definition(pack_definition.DEFAULT_PACK)
    sections = definition.section_map()
    assert list(sections) == ["summary", "health", "care", "finance", "annex"]
    assert sections["health"].gap == "health"
    assert sections["health"].not_in_spine == ("registered_population",)
    assert sections["care"].spc[0] == "ae_four_hour_type1"
    assert sections["summary"].trends == ()
    spec = packs.load_pack(pack_definition.DEFAULT_PACK)
    assert spec.sections == definition.sections


def test_the_file_is_parsed_once_and_shared(tmp_path, monkeypatch) -> None:
    path = _write(tmp_path, "  - {id: health, trends: [smoking]}\n")
    calls = []
    original = pack_definition._parse
    monkeypatch.setattr(pack_definition, "_parse", lambda p: calls.append(p) or original(p))
    spec = packs.load_pack(path)
    sections = pack_content.load_sections(str(path))
    assert len(calls) == 1
    assert sections["health"] is spec.sections[0]
    assert pack_content.load_sections(pack_definition.load_pack_definition(path)) == sections


@pytest.mark.parametrize(("sections", "message"), [
    ("  - {id: health, trend: [smoking]}\n",
     r"pack\.yml line 4: unknown key\(s\) trend; allowed: activity, deprivation, funnel, gap"),
    ("  - {title: Health}\n", "pack.yml line 4: missing required key 'id'"),
    ("  - {id: health, gap: money}\n",
     "gap 'money' is not allowed; expected one of: health, care, finance"),
    ("  - {id: health, trends: smoking}\n", "trends: expected a list, got str"),
    ("  - {id: health}\n  - {id: health}\n", "sections repeat section id"),
])
def test_bad_sections_are_named(tmp_path, sections, message) -> None:
    path = _write(tmp_path, sections)
    with pytest.raises(ParameterError, match=message):
        packs.load_pack(path)


def test_unknown_top_level_key_is_named(tmp_path) -> None:
    path = _write(tmp_path, "  - {id: health}\n", extra="parameter: {a: 1}\n")
    with pytest.raises(ParameterError, match=r"line 3: unknown key\(s\) parameter; allowed: "
                       r"formats, kernel_preload, notebook, parameters, sections, title"):
        packs.load_pack(path)


def test_a_section_the_pack_does_not_define_has_no_settings(tmp_path) -> None:
    section = SectionSpec(id="care", trends=("ae",))
    assert section.get("trends") == ("ae",) and section.get("spc", []) == []
    with pytest.raises(KeyError, match="no setting 'trend'"):
        section.get("trend")
    definition = PackDefinition(title="T", notebook="n.ipynb", sections=(section,))
    assert definition.section_map() == {"care": section}
