"""Gallery: every chart for one footprint into a folder, with a static index page."""

from __future__ import annotations

import pytest
from catalog_fixtures import small_catalog
from chart_fixtures import AREA, INDICATOR_INFO, synthetic_store

from stp_analytics.cli.app import build_parser
from stp_analytics.content.gallery import catalog_indicator_info, main, render_gallery
from stp_analytics.data.catalog import Catalog

STORE_CHARTS = ["spine", "spc", "funnel", "caterpillar", "benchmark", "trend",
                "trend-small-multiples", "heatmap"]


def _catalog() -> Catalog:
    statistic = {"smoking": "proportion", "hle": "published", "dm_prev": "proportion",
                 "ae_4hr": "proportion"}
    indicators = {
        row.indicator: {
            "name": row.name, "short_name": row.name.split(" ")[0], "unit": row.unit,
            "polarity": row.polarity, "source": f"src_{row.indicator}", "multiplier": 100.0,
            "statistic": statistic[row.indicator],
            "gap": "care" if row.indicator == "ae_4hr" else "health"}
        for row in INDICATOR_INFO.itertuples()
    }
    sources = {f"src_{i}": {"publisher": f"Publisher <{i}>", "period": "2016/17"}
               for i in indicators}
    return small_catalog(indicators, sources)


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gallery")
    items = render_gallery("West Yorkshire", folder, synthetic_store(), catalog=_catalog(),
                           include_finance=False)
    return folder, items


def test_every_store_chart_is_written(gallery):
    folder, items = gallery
    assert [item.name for item in items] == STORE_CHARTS
    for item in items:
        assert item.path is not None, item.reason
        assert item.path.read_bytes().startswith(b"\x89PNG") and item.alt_text
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{n:02d}-{name}.png" for n, name in enumerate(STORE_CHARTS, start=1)] + ["index.html"])


def test_index_is_static_and_escapes_text(gallery):
    folder, items = gallery
    page = (folder / "index.html").read_text()
    assert "<script" not in page.lower() and "http" not in page
    for item in items:
        assert f'src="{item.path.name}"' in page
    assert "Publisher &lt;smoking&gt;" in page and "Publisher <smoking>" not in page


def test_missing_data_is_reported_not_invented(tmp_path):
    store = synthetic_store()
    store = store[store["indicator"] != "ae_4hr"]
    items = render_gallery(AREA, tmp_path, store, catalog=_catalog(), include_finance=False)
    spc = next(item for item in items if item.name == "spc")
    assert spc.path is None and "spc chart" in spc.reason
    assert not (tmp_path / "02-spc.png").exists()
    assert "Data not supplied: no indicator" in (tmp_path / "index.html").read_text()


def test_catalog_information_and_cli_options():
    info = catalog_indicator_info(_catalog(), short=True)
    assert list(info["indicator"]) == list(INDICATOR_INFO["indicator"])
    assert info.loc[0, "name"] == "Smoking" and info.loc[0, "source"] == \
        "Publisher <smoking> (2016/17)"
    args = build_parser().parse_args(["gallery", "--footprint", "Kent", "--out", "x"])
    assert (args.footprint, args.out, args.no_finance) == ("Kent", "x", False)


def test_unknown_footprint_is_one_clear_error(capsys, tmp_path):
    assert main(["--footprint", "Atlantis", "--out", str(tmp_path)]) == 2
    assert "Atlantis" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
