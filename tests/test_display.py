"""Tests for stp_analytics.content.display: escaped static HTML, real tables, notices not
failures."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest
from pack_fixtures import cells

from stp_analytics.content import display


def test_heading_and_section_escape() -> None:
    assert str(display.section("Summary")) == '<h2 id="summary">Summary</h2>'
    html = str(display.heading("A&E <4 hours>"))
    assert html.startswith('<h3 id="a-e-4-hours">') and "&lt;4 hours&gt;" in html
    with pytest.raises(ValueError, match="heading level"):
        display.heading("x", level=9)


def test_indicator_table_is_a_real_escaped_table() -> None:
    rows = [{"indicator": "<script>alert(1)</script>", "value": "7.1", "unit": "%",
             "source": "QOF"}]
    html = str(display.indicator_table(rows, caption="Health & wellbeing"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<th ") == len(display.TABLE_COLUMNS)
    rows = cells(html)
    assert rows[0] == [header for _, header in display.TABLE_COLUMNS]
    assert rows[1][0] == "<script>alert(1)</script>"  # text survives, markup does not
    assert "Unit" in rows[0] and "Source" in rows[0]


def test_empty_table_is_a_notice() -> None:
    html = str(display.indicator_table([], caption="Trusts"))
    assert "<table" not in html and "Trusts: data not supplied." in html


def test_chart_html_and_try_chart() -> None:
    image = '<img alt="Spine chart" src="data:image/png;base64,AA">'
    chart = SimpleNamespace(img_html=lambda: image)
    html = str(display.chart_html(chart))
    assert html.startswith('<figure class="stp-chart"><img alt="Spine chart"')

    def broken(*args, **kwargs):
        raise KeyError("no such indicator")

    notice = str(display.try_chart("Funnel plot", broken, 1, x=2))
    assert "Funnel plot: data not supplied." in notice and "<img" not in notice
    assert "Trend: data not supplied." in str(display.chart_html(None, title="Trend"))

    def failing(*args, **kwargs):
        raise AttributeError("a bug, not missing data")

    bug = str(display.try_chart("SPC chart", failing))
    assert "SPC chart: not yet available for this area." in bug  # never blamed on the data


def test_tiles_static_and_escaped() -> None:
    tiles = [display.GapTile("Health <gap>", "3 worse", "of 12", "worse"),
             display.GapTile("Care", "1 worse", "of 4", "unknown-status")]
    html = str(display.gap_tiles(tiles))
    assert "<script" not in html and "&lt;gap&gt;" in html
    assert "stp-tile-worse" in html and "stp-tile-neutral" in html
    assert not re.search(r"https?://", html)


def test_key_value_and_frame_tables() -> None:
    html = display.key_value_table({"footprint": "E54000007", "efficiency": 0.02})
    assert cells(html)[1:] == [["footprint", "E54000007"], ["efficiency", "0.02"]]
    frame = pd.DataFrame({"Trust": ["A & B"], "Value": ["1"]})
    assert cells(display.frame_table(frame))[1] == ["A & B", "1"]
    assert "data not supplied" in str(display.frame_table(pd.DataFrame(), caption="Loans"))


def test_bullet_list_and_stylesheet() -> None:
    assert str(display.bullet_list([])) == ""
    assert "<li>a &amp; b</li>" in str(display.bullet_list(["a & b"], ordered=True))
    style = str(display.stylesheet())
    assert style.startswith("<style>") and "url(" not in style and "@import" not in style


def test_try_call_gives_a_notice_on_failure() -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    notice = display.try_call("Finance model", broken)
    assert "Finance model: not yet available for this area." in str(notice)
    assert display.try_call("ok", lambda: 3) == 3


def test_format_frame() -> None:
    frame = pd.DataFrame({"year": ["2020/21"], "income_gbp_m": [5940.31], "other": [1]})
    shown = display.format_frame(frame, {"year": "Year", "income_gbp_m": "Income (£m)"})
    assert shown.to_dict("records") == [{"Year": "2020/21", "Income (£m)": "5,940"}]
