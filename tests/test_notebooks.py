"""The three gaps notebook as executed for three footprints of different shape (the shared
build of tests/conftest.py) and as an analyst runs it: what a reader would see -- the sections,
the charts (with alt text), key messages that agree with the metric store, and "data not
supplied" for standards without data.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from stp_analytics import paths

pytestmark = pytest.mark.slow

NOTEBOOK = paths.notebooks_dir() / "three_gaps.ipynb"
FOOTPRINTS = {
    "E54000007": "Greater Manchester",  # large, many CCGs, LAs and trusts
    "E54000047": "Cumbria",  # West, North and East Cumbria: few parts, a split district
    "E54000027": "North West London",  # London: many small boroughs, several trusts
}
SECTIONS = ("Summary", "Health and wellbeing gap", "Care and quality gap",
            "Finance and efficiency gap", "Annex")
OGL = "Contains public sector information licensed under the Open Government Licence v3.0"


@pytest.fixture(scope="module")
def catalog():
    from stp_analytics.data.catalog import load_catalog

    return load_catalog()


@pytest.fixture(scope="module")
def store_path(catalog) -> Path:
    from stp_analytics import metrics

    return metrics.load_or_build_store(catalog, area_set="stp2017")


@pytest.fixture(scope="module")
def store(store_path: Path) -> pd.DataFrame:
    from stp_analytics import metrics

    return metrics.read_store(store_path)


@pytest.fixture(scope="module")
def executed(real_packs) -> dict:
    """The executed notebook (``pack.ipynb``) of each footprint, from the shared build
    (``real_packs``, tests/conftest.py): what papermill ran in a build's kernel. A build silences
    warnings; the notebook run as an analyst runs it, warnings shown, is
    :func:`test_nbconvert_execute_shows_every_section_with_its_explanation`."""
    assert set(real_packs.manifest["packs"]) == set(FOOTPRINTS)
    return {code: nbformat.read(real_packs.folder(code) / "pack.ipynb", as_version=4)
            for code in FOOTPRINTS}


def _html(notebook: nbformat.NotebookNode) -> str:
    """Every markdown source and HTML/text output the pack keeps, as one string (cells tagged
    remove-cell, the notes for analysts, are left out as the pack leaves them out)."""
    parts = []
    for cell in notebook.cells:
        if "remove-cell" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts.append(data.get("text/html", ""))
    return "\n".join(parts)


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("code", FOOTPRINTS)
def test_sections_and_area(executed: dict, code: str) -> None:
    html = _html(executed[code])
    for title in SECTIONS:
        assert f"## {title}" in html
    assert FOOTPRINTS[code] in _text(html)
    assert OGL in _text(html)


@pytest.mark.parametrize("code", FOOTPRINTS)
def test_no_errors_warnings_or_logs_in_outputs(executed: dict, code: str) -> None:
    for cell in executed[code].cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error"
            assert not (output.output_type == "stream" and output.name == "stderr"), output.text
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and "injected-parameters" not in tags:  # papermill's own
            assert "remove-input" in tags


@pytest.mark.parametrize("code", FOOTPRINTS)
def test_expected_charts_have_alt_text(executed: dict, code: str) -> None:
    html = _html(executed[code])
    images = re.findall(r"<img [^>]*>", html)
    alts = [unescape(m) for img in images for m in re.findall(r'alt="([^"]*)"', img)]
    assert len(alts) == len(images) and all(alt.strip() for alt in alts)
    for kind in ("Spine chart", "SPC chart", "Funnel plot", "Trend chart", "Caterpillar chart",
                 "Bridge chart", "Tornado chart"):
        # the finding comes first, then the chart's own description
        assert any(kind in alt for alt in alts), f"{code}: no {kind} ({len(alts)} images)"
    assert "not yet available" not in _text(html)


@pytest.mark.parametrize("code", FOOTPRINTS)
def test_activity_per_1000_table_matches_the_store(executed: dict, store, code: str) -> None:
    """The finance section's activity table: one row per complete financial year, and its
    latest count is the sum of the store's 12 monthly A&E attendances."""
    text = _text(_html(executed[code])).split("## Annex", 1)[1]  # a detail table in the annex
    assert "attendances per 1,000 residents" in text and "Within the ambition" in text
    rows = store[(store["indicator"] == "ae_attendances_all") & (store["area_code"] == code)
                 & (store["area_role"] == "area")]
    last = rows[(rows["period"] >= "2018-04") & (rows["period"] <= "2019-03")]
    assert len(last) == 12
    assert f"2018/19 {int(last['value'].sum()):,}" in " ".join(text.split())


def _section(text: str, title: str, next_title: str) -> str:
    return text.split(f"## {title}", 1)[1].split(f"## {next_title}", 1)[0]


def _worst_ranked(latest: pd.DataFrame, catalog) -> pd.DataFrame:
    """Rows ranked in the worst tenth of at least 10 areas (indicators with a polarity; not
    totals, not the slope index of inequality), Persons where an indicator has it, worst
    share first, then furthest from England."""
    persons = set(latest.loc[latest["sex"] == "Persons", "indicator"])
    rows = latest[(latest["sex"] == "Persons") | ~latest["indicator"].isin(persons)]
    polarity = rows["indicator"].map({k: e.polarity for k, e in catalog.indicators.items()})
    rank, rank_of = rows["rank"].astype(float), rows["rank_of"].astype(float)
    rows = rows[polarity.isin(["high_is_good", "low_is_good"]) & (rank_of >= 10)
                & (rank > 0.9 * rank_of) & ~rows["method"].isin(["sum", "count"])
                & (rows["indicator"] != "slope_index_of_inequality") & rows["value"].notna()]
    rows = rows.assign(share=rows["rank"].astype(float) / rows["rank_of"].astype(float),
                       distance=(rows["value"] - rows["england_value"]).abs()
                       / rows["england_value"].abs())
    return rows.sort_values(["share", "distance", "indicator", "sex"],
                            ascending=[False, False, True, True])


@pytest.mark.parametrize("code", FOOTPRINTS)
def test_first_key_message_recomputed_from_store(executed, store, catalog, code) -> None:
    """The first key message follows the first rule that applies: a rank in the worst tenth of
    the areas (worst share, then furthest from England), else the indicator furthest
    (relatively) worse than England, else the one furthest short of its standard."""
    latest = store[(store["area_role"] == "area") & (store["area_code"] == code)
                   & store["is_latest"].astype(bool)]
    ranked = _worst_ranked(latest, catalog)
    if not ranked.empty:
        top = ranked.iloc[0]
        _assert_first_message(executed[code], catalog, top, f" ranks {int(top['rank'])}")
        return
    # one row per indicator: Persons where there is one, else the first sex alphabetically
    latest = (latest.assign(order=(latest["sex"] != "Persons").astype(int))
              .sort_values(["indicator", "order", "sex"]).drop_duplicates("indicator"))
    worse = latest[(latest["comparison"] == "Worse") & latest["value"].notna()]
    short = latest[(latest["target_gap"] > 0) & latest["target"].notna()]
    if not worse.empty:
        distance = (worse["value"] - worse["england_value"]).abs() / worse["england_value"].abs()
        top, phrase = worse.assign(distance=distance), "is significantly worse than England"
    else:
        assert not short.empty, f"{code}: no rule applies; the pack would have no key message"
        top = short.assign(distance=short["target_gap"].abs() / short["target"].abs())
        phrase = "against a standard of"
    top = top.sort_values(["distance", "indicator"], ascending=[False, True]).iloc[0]
    _assert_first_message(executed[code], catalog, top, phrase)


def _assert_first_message(notebook, catalog, top: pd.Series, phrase: str) -> None:
    """The pack's first key message names ``top``'s indicator (and sex), then ``phrase``."""
    name = catalog.indicators[top["indicator"]].name
    if top["sex"] != "Persons":
        name += f" ({top['sex'].lower()}s)"
    summary = _section(_text(_html(notebook)), "Summary", "Health and wellbeing gap")
    first = summary.split("Key messages", 1)[1].strip()
    assert first.startswith(name), first[:300]
    assert phrase in first[len(name):len(name) + 80], first[:300]


@pytest.mark.parametrize("code", FOOTPRINTS)
def test_standards_without_data_say_not_supplied(executed, catalog, store, code) -> None:
    text = _text(_html(executed[code]))
    care_section = _section(text, "Care and quality gap", "Finance and efficiency gap")
    with_values = set(store.loc[(store["area_role"] == "area") & (store["area_code"] == code)
                                & store["value"].notna(), "indicator"])
    missing = [entry for key, entry in catalog.indicators.items()  # England-only: context
               if entry.gap == "care" and entry.geography != "england" and key not in with_values]
    assert missing, "the default catalogue lists care standards without data (RTT, cancer...)"
    for entry in missing:
        assert entry.name in care_section
        if entry.official_source is not None:  # the notice names the file that fills it
            assert entry.official_source.publication in care_section, entry.id
    assert "data not supplied" in care_section
    assert "stp-packs inspect FILE --add my_catalog.yml" in care_section
    assert "stp-packs validate --catalog my_catalog.yml" in care_section


def test_packs_differ_by_footprint(executed: dict) -> None:
    texts = {code: _text(_html(notebook)) for code, notebook in executed.items()}
    assert len(set(texts.values())) == len(texts)


def test_ccg_area_set_says_ccg(tmp_path: Path) -> None:
    """With area_set = "ccg2017" the same notebook makes a CCG pack and its text says "CCG"."""
    import papermill

    from stp_analytics import metrics

    store_path = metrics.load_or_build_store(area_set="ccg2017")
    output = tmp_path / "ccg.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(output),
        parameters={"footprint": "E38000001", "area_set": "ccg2017", "store_path": str(store_path)},
        kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
    )
    text = _text(_html(nbformat.read(output, as_version=4)))
    assert "About this CCG" in text and "NHS Airedale, Wharfedale and Craven CCG" in text
    assert re.search(r"ranks (joint )?\d+(st|nd|rd|th) of \d+ CCGs", text)
    assert "of 44 footprints" not in text


def test_nbconvert_execute_shows_every_section_with_its_explanation(store_path, tmp_path):
    """``jupyter nbconvert --to notebook --execute`` as an analyst runs it (default parameters,
    the cached store): it succeeds, every section heading is there, and every section cell
    shows HTML after the note that explains it, with no error or warning output."""
    import subprocess
    import sys

    output = tmp_path / "x.ipynb"
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         str(NOTEBOOK), "--output", str(output), "--ExecutePreprocessor.timeout=600"],
        capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    notebook = nbformat.read(output, as_version=4)
    headings = [c.source[3:].strip() for c in notebook.cells
                if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert tuple(headings) == SECTIONS
    shown = 0
    for before, cell in zip(notebook.cells, notebook.cells[1:], strict=False):
        if cell.cell_type != "code" or "sections." not in cell.source or "import" in cell.source:
            continue
        assert before.cell_type == "markdown" and ".data" in before.source, cell.source
        kinds = [output.output_type for output in cell.outputs]
        assert "error" not in kinds and not any(
            o.output_type == "stream" and o.name == "stderr" for o in cell.outputs), cell.source
        assert any("text/html" in o.get("data", {}) for o in cell.outputs), cell.source
        shown += 1
    assert shown >= 20


def _pack_data(notebook: nbformat.NotebookNode) -> pd.DataFrame:
    """The pack-data.csv rows the notebook's downloads cell carries (what the build writes)."""
    import io

    from stp_analytics.build.render import pack_data_csv

    text = pack_data_csv(notebook)
    assert text, "no downloads output"
    return pd.read_csv(io.BytesIO(text), dtype={"period": "str"}, keep_default_na=False,
                       na_values={c: [""] for c in ("value", "lower", "upper", "england_value")})


def _numbers(text: str) -> set[str]:
    """Figures in a text, periods and years left out ("£577m gap in 2020/21" -> {"577"})."""
    text = re.sub(r"\b(?:19|20)\d{2}(?:[/-]\d{2})?\b", " ", text)
    return {number.replace(",", "") for number in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


@pytest.mark.parametrize("code", FOOTPRINTS)
def test_every_number_of_the_tiles_and_the_spine_is_in_pack_data(executed, code) -> None:
    """pack-data.csv holds each figure of the summary tiles as the HTML prints it, and each
    value, England value, worst and best of the spine chart as the chart prints it."""
    from stp_analytics.content import pack_charts, pack_content

    notebook = executed[code]
    rows = _pack_data(notebook)
    assert set(rows["area_code"]) >= {code} and len(rows) > 100
    outputs = [output.get("data", {}).get("text/html", "") for cell in notebook.cells
               for output in cell.get("outputs", [])]
    tiles = next(html for html in outputs if '<div class="stp-tiles"' in html)
    printed = _numbers(_text(tiles))
    assert printed, "the tiles print figures"
    summary = rows[rows["indicator"].str.startswith("summary:")]
    assert printed <= {f"{v:g}" for v in summary["value"]}
    pack = pack_content.open_pack(code, store_path=_store_parameter(notebook))
    spine = pack_charts.spine_data(pack, "health")
    assert len(spine) > 5
    for row in spine.itertuples(index=False):
        for column, indicator in (("value", row.indicator), ("england_value", row.indicator),
                                  ("worst", f"{row.indicator}:worst"),
                                  ("best", f"{row.indicator}:best")):
            shown = getattr(row, column)
            if pd.isna(shown):
                continue
            mine = rows[(rows["indicator"] == indicator) & (rows["period"] == row.period)]
            values = mine["england_value" if column == "england_value" else "value"]
            assert any(f"{v:,.1f}" == f"{shown:,.1f}" for v in values), (indicator, column)


def _store_parameter(notebook: nbformat.NotebookNode) -> str:
    """The store_path papermill injected."""
    injected = next(cell for cell in notebook.cells
                    if "injected-parameters" in cell.metadata.get("tags", []))
    return re.search(r'store_path = "([^"]*)"', injected.source).group(1)


@pytest.mark.parametrize("code", FOOTPRINTS)
def test_every_alt_text_states_a_finding_not_only_a_chart_type(executed, code) -> None:
    html = _html(executed[code])
    alts = [unescape(alt) for alt in re.findall(r'<img [^>]*alt="([^"]*)"', html)]
    assert alts
    for alt in alts:
        first = alt.split(". ", 1)[0]
        assert re.search(r"\d", first), alt[:200]  # a figure in the first sentence
        assert not re.fullmatch(r"[A-Za-z ]*(chart|plot)[A-Za-z ]*\.?", first), alt[:200]


def test_worked_example_alt_text_matches_the_store(executed, store) -> None:
    """Greater Manchester's A&E type 1 SPC chart: first and latest month from the store."""
    rows = store[(store["indicator"] == "ae_four_hour_type1")
                 & (store["area_code"] == "E54000007") & (store["sex"] == "Persons")
                 & store["value"].notna()].sort_values("period_start")
    first, last = rows.iloc[0], rows.iloc[-1]
    word = "fell" if last["value"] < first["value"] else "rose"
    expected = (f"Greater Manchester's A&E 4-hour performance, type 1 (major) departments {word} "
                f"from {first['value']:.1f}% to {last['value']:.1f}% over")
    alts = [unescape(alt) for alt in re.findall(r'<img [^>]*alt="([^"]*)"',
                                                _html(executed["E54000007"]))]
    (alt,) = [alt for alt in alts if alt.startswith(expected)]
    assert f"({first['period']} to {last['period']})" in alt
    assert "standard" in alt and "SPC chart" in alt


AS_AT, AS_AT_END = "2016-06", pd.Timestamp("2016-07-01")  # periods must end before AS_AT_END
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")


def period_ends(text: str) -> list[tuple[str, pd.Timestamp]]:
    """Each period label in ``text`` with the first day after it: "2019/20" and "2017-18"
    (financial or rolling years), "2016-07" (a month), "March 2019", "2016-Q3", "2014-16"."""
    found = []
    if re.fullmatch(r"(?:19|20)\d{2}", text.strip()):  # a calendar year (a data period)
        return [(text.strip(), pd.Timestamp(int(text) + 1, 1, 1))]
    for match in re.finditer(r"\b(\d{4})\s*[/-]\s*Q([1-4])\b", text):
        year, quarter = int(match[1]), int(match[2])
        found.append((match[0], pd.Timestamp(year, 3 * quarter, 1) + pd.DateOffset(months=1)))
    for match in re.finditer(r"\b((?:19|20)\d{2})/(\d{2})\b", text):
        found.append((match[0], pd.Timestamp(int(match[1]) + 1, 4, 1)))
    for match in re.finditer(r"\b((?:19|20)\d{2})-(\d{2})\b(?![-/]\d)", text):
        first, second = int(match[1]), int(match[2])
        span = (first // 100) * 100 + second - first
        if 1 <= span <= 9:  # rolling or financial years: the later year's end at the latest
            found.append((match[0], pd.Timestamp(first + span + 1, 1, 1)))
        elif 1 <= second <= 12:
            found.append((match[0], pd.Timestamp(first, second, 1) + pd.DateOffset(months=1)))
    for match in re.finditer(r"\b(" + "|".join(_MONTH_NAMES) + r")\s+((?:19|20)\d{2})\b",
                             text, re.IGNORECASE):
        month = _MONTH_NAMES.index(match[1].lower()) + 1
        found.append((match[0], pd.Timestamp(int(match[2]), month, 1) + pd.DateOffset(months=1)))
    return found


def test_period_parser_reads_the_forms_a_pack_prints() -> None:
    late = dict(period_ends("2017-18, 2019/20, March 2019, 2016-Q3, 2016-07, 2014-16, 2016-06"))
    assert period_ends("2016") == [("2016", pd.Timestamp("2017-01-01"))]
    assert late["2017-18"] == pd.Timestamp("2019-01-01")
    assert late["2019/20"] == pd.Timestamp("2020-04-01")
    assert late["March 2019"] == pd.Timestamp("2019-04-01")
    assert late["2016-Q3"] == pd.Timestamp("2016-10-01")
    assert late["2016-07"] == pd.Timestamp("2016-08-01")
    assert late["2014-16"] == pd.Timestamp("2017-01-01")
    assert late["2016-06"] == AS_AT_END


def _without(text: str, start: str, end: str) -> str:
    """``text`` less the part from heading ``start`` up to heading ``end``."""
    if start not in text:
        return text
    head, rest = text.split(start, 1)
    return head + (rest.split(end, 1)[1] if end in rest else "")


#: text of a pack as at 2016-06 that names a later year without using later data: the planning
#: horizon, and the activity method's example. KNOWN GAP, also left out: the registered
#: population is the area set's QOF 2017/18 list size (no earlier one is vendored).
NOT_DATA_PERIODS = ("2020/21", "(mid-2016 for 2016/17)", "(QOF 2017/18 list sizes)")


def test_a_pack_as_at_june_2016_uses_no_later_period(store_path, catalog, tmp_path) -> None:
    """``as_at = "2016-06"``: no period ending after June 2016 in pack-data.csv (the finance
    model's own years, 2016/17 to 2020/21, are projections, not data periods) nor in the pack's
    text outside the model, its assumptions and the annex (which names what each source file
    holds and the build parameters), the catalogue's names and source descriptions (which say
    what a file holds, e.g. "2015-17 to 2023-25") and :data:`NOT_DATA_PERIODS`."""
    import papermill

    from stp_analytics.content import narrative

    output = tmp_path / "as_at.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(output), parameters={"footprint": "E54000007", "as_at": AS_AT,
                                                "store_path": str(store_path)},
        kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    notebook = nbformat.read(output, as_version=4)
    rows = _pack_data(notebook)
    data = rows[~rows["indicator"].str.startswith(("finance_model:", "finance_"))]
    assert len(data) > 100
    late = [(p, end) for p in sorted(set(data["period"])) for _, end in period_ends(str(p))
            if end > AS_AT_END]
    assert late == []
    unparsed = [p for p in set(data["period"]) if p and not period_ends(str(p))]
    assert unparsed == []
    text = _text(_html(notebook))
    text = _without(text, "Do-nothing and do-something model", "Opportunity against")
    text = text.split("## Annex", 1)[0]
    for key in catalog.indicators:
        meta = narrative.indicator_meta(catalog, key)
        for described in (meta.source, meta.name):
            text = text.replace(described, " ") if described else text
    for words in NOT_DATA_PERIODS:
        text = text.replace(words, " ")
    late_text = [label for label, end in period_ends(text) if end > AS_AT_END]
    assert late_text == [], sorted(set(late_text))[:20]
