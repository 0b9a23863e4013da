"""Area-set definitions checked against their schema (data/geography/area_set_schema.py): each
problem is named with the file, the line where there is one, the key and what was expected."""

from __future__ import annotations

import pytest

from stp_analytics.data.geography.area_set_schema import PART_TYPES, read_area_set_definition
from stp_analytics.errors import CatalogError

BASE = "label: area\nlabel_plural: areas\narea_type: area\ndescription: test\nareas: a.csv\n"


@pytest.mark.parametrize(("text", "message"), [
    (BASE + "parts: {practice: p.csv}\nlables: x\n",
     r"t\.yml: line 7: unknown key\(s\) lables; allowed: area_type, areas, compose"),
    (BASE + "parts: {ccg: c.csv}\n", "a practice lookup is needed for the registered population"),
    (BASE + "parts: {ccg: c.csv}\ncompose: {base: ccg2017, via: lad}\n",
     r"'compose' must be \{base: <area set>, via: <part type listed in parts>\}"),
    (BASE + "parts: {ccg: c.csv}\ncompose: {base: ccg2017}\n", "'compose' must be"),
    (BASE + "parts: {practice: p.csv, ward: w.csv}\n",
     rf"unknown part type\(s\) ward; expected {', '.join(PART_TYPES)}"),
    ("label: area\nareas: a.csv\nparts: {practice: p.csv}\n",
     r"missing key\(s\) label_plural, area_type, description"),
    (BASE.replace("description: test", "description:") + "parts: {practice: p.csv}\n",
     r"missing key\(s\) description"),
    (BASE + "parts: {practice: p.csv}\nsources: one.csv\n",
     "line 7: sources: expected a list, got str"),
    ("- a list\n", "expected a mapping of keys to values"),
])
def test_bad_definitions_are_named(tmp_path, text, message) -> None:
    path = tmp_path / "t.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        read_area_set_definition(path)


def test_a_good_definition_is_returned_as_written(tmp_path) -> None:
    path = tmp_path / "t.yml"
    path.write_text(BASE + 'parts: {practice: {"2017/18": p.csv}}\nsources:\nderivation:\n',
                    encoding="utf-8")
    definition = read_area_set_definition(path)
    assert definition["parts"] == {"practice": {"2017/18": "p.csv"}}
    assert definition["label"] == "area"
