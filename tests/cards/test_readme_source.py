"""Card facts from crawled READMEs (the ``hub_card`` table): the report, ``cards show`` and
``cards check`` cover them, say each row's source, and filter by ``--source``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.cards import report
from ptmx.cards.readme import assess_by_source, readme_facts
from ptmx.cli import main
from ptmx.store import open_store

DATA = Path(__file__).resolve().parents[2] / "data"
GOOD = """---
license: mit
datasets:
- squad
---
# A model
## Limitations
It is biased in ways we describe at length.
## Training data
SQuAD v1.
## Evaluation
F1 88 on the dev set.
"""
HOSTILE = ("\x1b[31m[bold red]boom[/bold red]\x1b]8;;http://x\x07\n" + "---\n" +
           "a: &a [*a, *a]\n" * 200 + "---\n" + "#" * 7 + " [link](x)\n" + "- " * 5000 + "\n"
           + "\ufffd" * 100 + "\n# Usage\n" + "nested " * 200_000)


def _hub_card(folder: Path, rows: list[tuple[str, str, str | None, str]]) -> None:
    """``hub_card/part-0.parquet``: (model, source, readme, status), fetched on the source's
    date."""
    (folder / "hub_card").mkdir()
    pq.write_table(pa.table({
        "model": [r[0] for r in rows], "live_id": [r[0] for r in rows],
        "fetched_at": pa.array([dt.datetime.strptime(r[1][-10:], "%Y-%m-%d").replace(
            tzinfo=dt.UTC) for r in rows], pa.timestamp("ms", tz="UTC")),
        "source": [r[1] for r in rows], "readme": [r[2] for r in rows],
        "status": [r[3] for r in rows],
    }), folder / "hub_card" / "part-0.parquet")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crawled") / "data"
    shutil.copytree(DATA, folder)
    _hub_card(folder, [
        ("facebook/bart-base", "README 2026-11-01", "# old\n", "ok"),
        ("facebook/bart-base", "README 2026-12-01", GOOD, "ok"),   # newest wins
        ("only/crawled", "README 2026-12-01", HOSTILE, "ok"),      # not in the dataset
        ("gpt2", "README 2026-12-01", None, "not_found"),          # deleted: no card
    ])
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    rc = main(list(args))
    return rc, capsys.readouterr().out


def test_report_sources_filter_and_label_rows(crawled: Path) -> None:
    store = open_store(crawled)
    peat = report(store, by="model", top=100, source="peatmoss")
    readme = report(store, by="model", top=100, source="readme")
    both = report(store, by="model", top=100, source="all")
    assert {m.source for m in peat.riskiest} == {"PeaTMOSS extraction"}
    assert {m.source for m in readme.riskiest} == {"README 2026-12-01"}
    assert {m.model for m in readme.riskiest} == {"facebook/bart-base", "only/crawled"}
    # bart has both: the README (newer) is used once, not counted twice
    bart = [m for m in both.riskiest if m.model == "facebook/bart-base"]
    assert [m.source for m in bart] == ["README 2026-12-01"]
    assert both.assessed == peat.assessed + 1  # + the crawled model outside the dataset
    assert (both.from_peatmoss, both.from_readme) == (peat.assessed - 1, 2)
    assert both.models == peat.models + 1


def test_report_matches_show_for_a_readme(crawled: Path) -> None:
    """One evaluator: the report's row and `cards show` agree on the README's score."""
    store = open_store(crawled)
    row = next(m for m in report(store, by="model", top=100, source="readme").riskiest
               if m.model == "facebook/bart-base")
    shown, other = assess_by_source(store, "facebook/bart-base", "all")
    assert shown.source == "README 2026-12-01"
    assert shown.completeness == row.completeness
    assert [r.key for r in shown.missing()] == row.missing
    assert other is not None and other.source == "PeaTMOSS extraction"
    peat, _ = assess_by_source(store, "facebook/bart-base", "peatmoss")
    assert peat.source == "PeaTMOSS extraction"


def test_hostile_readme_stays_data(crawled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = readme_facts(open_store(crawled))
    assert facts is not None and "only/crawled" in facts.column("model").to_pylist()
    rc, out = run(capsys, "cards", "show", "only/crawled", "--data", str(crawled))
    assert rc == 0 and "README 2026-12-01" in out
    assert "\x1b]8" not in out and "\x1b[31m" not in out


def test_cli_source_option(crawled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out = run(capsys, "cards", "report", "--by", "model", "--top", "100", "--source",
                  "readme", "--format", "csv", "--data", str(crawled))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and {r["source"] for r in rows} == {"README 2026-12-01"}
    rc, out = run(capsys, "cards", "report", "--format", "json", "--data", str(crawled))
    data = json.loads(out)
    assert data["source"] == "all" and data["from_readme"] == 2
    rc, out = run(capsys, "cards", "show", "facebook/bart-base", "--data", str(crawled))
    assert "README 2026-12-01" in out and "also: PeaTMOSS extraction" in out
    rc, out = run(capsys, "cards", "check", "--source", "readme", "--format", "json",
                  "--data", str(crawled))
    checked = json.loads(out)
    assert {r["model"] for r in checked} == {"facebook/bart-base", "only/crawled"}
    assert {r["source"] for r in checked} == {"README 2026-12-01"}
    rc, out = run(capsys, "cards", "check", "--source", "peatmoss", "--format", "json",
                  "--data", str(crawled))
    assert {r["source"] for r in json.loads(out)} == {"PeaTMOSS extraction"}


def test_project_check_reads_each_models_card_as_show_does(
        crawled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`cards check --project` takes a reused model's crawled README where there is one (as
    `cards show` does), the dataset's card otherwise, for every model the project reuses."""
    store = open_store(crawled)
    rows = {}
    # Exit 1 when a model misses a critical field: only the dataset's cards do here.
    for source, code in (("all", 1), ("readme", 0), ("peatmoss", 1)):
        rc, out = run(capsys, "cards", "check", "--project", "huggingface/transformers",
                      "--source", source, "--format", "json", "--data", str(crawled))
        rows[source] = {r["model"]: r for r in json.loads(out)}
        assert rc == code and len(rows[source]) > 100  # every model the project reuses
    assert rows["all"]["facebook/bart-base"]["source"] == "README 2026-12-01"
    assert rows["peatmoss"]["facebook/bart-base"]["source"] == "PeaTMOSS extraction"
    assert rows["readme"]["facebook/bart-base"]["source"] == "README 2026-12-01"
    assert rows["readme"]["gpt2"]["result"] == "not assessed"  # crawled, but deleted on the hub
    carded = [m for m, r in rows["peatmoss"].items() if r["result"] != "not assessed"]
    for model in ["facebook/bart-base", "gpt2", *carded[:3]]:
        for source in ("all", "readme", "peatmoss"):
            shown, _ = assess_by_source(store, model, source)
            row = rows[source][model]
            assert (row["source"], row["completeness"]) == (shown.source, shown.completeness)
            assert row["missing"] == [r.key for r in shown.missing("critical", or_worse=True)]


def test_readme_source_without_crawl_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["cards", "report", "--source", "readme", "--data", str(DATA)])
    err = capsys.readouterr().err
    assert rc == 2 and "hub_card" in err and "Traceback" not in err
