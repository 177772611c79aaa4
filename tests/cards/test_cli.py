"""`ptmx cards` as a user runs it: formats, files, exit codes of the CI gate, one-line errors."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from ptmx.cards import RULES
from ptmx.cli import main
from tests.cards.conftest import build_dataset, full_card


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


class _Page(HTMLParser):
    """Collects tags, external references and visible text; checks that tags balance."""

    VOID: ClassVar[frozenset[str]] = frozenset({"meta", "br", "hr", "img", "input", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.external: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_report_table_has_the_bar_chart_and_riskiest(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, "cards", "report", "--top", "3")
    assert rc == 0
    assert "█" in out and "limitations and bias" in out and "facebook/bart-base" in out
    assert "not assessed" in out and "2,371" in out
    assert "assessed in" in err


def test_report_json_csv_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "cards", "report", "--format", "json", "--top", "5")
    data = json.loads(out)
    assert rc == 0 and data["assessed"] == 50 and len(data["riskiest"]) == 5
    assert {f["field"] for f in data["fields"]} == {r.key for r in RULES}

    rc, out, _ = run(capsys, "cards", "report", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and {r["field"] for r in rows} == {r.key for r in RULES}

    rc, out, _ = run(capsys, "cards", "report", "--format", "csv", "--by", "author", "--top", "4")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and len(rows) == 4 and rows[0]["group"] == "facebook"

    rc, out, _ = run(capsys, "cards", "report", "--format", "markdown", "--by", "license")
    assert rc == 0 and out.startswith("# Model-card documentation")
    assert "## By license" in out and "| apache-2.0 |" in out.replace("\\-", "-")


def test_html_report_is_one_self_contained_page(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    target = tmp_path / "cards.html"
    rc, out, err = run(capsys, "cards", "report", "--format", "html", "--by", "task",
                       "--out", str(target))
    assert rc == 0 and out == "" and str(target) in err
    page = _Page()
    page.feed(target.read_text(encoding="utf-8"))
    page.close()
    assert page.stack == []
    assert page.external == [] and "script" not in page.tags and "link" not in page.tags
    text = " ".join(page.text)
    assert "facebook/bart-base" in text and "limitations and bias" in text


def test_html_and_markdown_escape_data(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    evil = "<script>alert(1)</script>|x"
    build_dataset(tmp_path / "ds", [
        {"id": "acme/evil", "reuse": 1, "card": full_card(model_tasks=evil)}])
    html_file = tmp_path / "r.html"
    rc, _, _ = run(capsys, "cards", "report", "--data", str(tmp_path / "ds"), "--by", "task",
                   "--format", "html", "--out", str(html_file))
    assert rc == 0
    page = _Page()
    page.feed(html_file.read_text(encoding="utf-8"))
    assert "script" not in page.tags
    assert any("<script>alert(1)</script>" in t for t in page.text)
    rc, out, _ = run(capsys, "cards", "report", "--data", str(tmp_path / "ds"), "--by", "task",
                     "--format", "markdown")
    assert "<script>" not in out and "\\<script\\>" in out


def test_show_lists_every_rule_with_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "cards", "show", "nomic-ai/gpt4all-j")
    assert rc == 0
    for r in RULES:
        assert r.label in out
    assert "DGX cluster" in out  # the card's hardware, as evidence
    rc, out, _ = run(capsys, "cards", "show", "gpt2", "--format", "json")
    data = json.loads(out)
    assert data["status"] == "not assessed" and data["completeness"] is None


@pytest.mark.parametrize(("args", "code"), [
    (["--model", "facebook/bart-base"], 1),           # misses datasets, limitations, evaluation
    (["--model", "MoritzLaurer/DeBERTa-v3-large-mnli-fever-anli-ling-wanli"], 0),
    (["--model", "MoritzLaurer/DeBERTa-v3-large-mnli-fever-anli-ling-wanli",
      "--fail-on", "important"], 1),
    (["--model", "gpt2"], 0),                         # not assessed: no card data
    (["--project", "huggingface/transformers"], 1),   # reuses facebook/bart-base
])
def test_check_is_a_ci_gate(capsys: pytest.CaptureFixture[str], args: list[str],
                            code: int) -> None:
    rc, out, err = run(capsys, "cards", "check", *args, "--format", "json")
    assert rc == code, err
    rows = json.loads(out)
    assert rows and all(r["result"] in ("ok", "fail", "not assessed") for r in rows)
    assert (code == 1) == any(r["result"] == "fail" for r in rows)


@pytest.mark.parametrize(("args", "needle"), [
    (["cards", "show", "bert-base-uncasd"], "bert-base-uncased"),
    (["cards", "check", "--project", "nobody/nothing"], "no project"),
    (["cards", "report", "--top", "0"], "at least 1"),
    (["cards", "report", "--by", "colour"], "invalid choice"),
    (["cards", "check", "--model", "gpt2", "--project", "a/b"], "not allowed"),
])
def test_mistakes_are_one_line_exit_2(capsys: pytest.CaptureFixture[str], args: list[str],
                                      needle: str) -> None:
    try:
        rc = main(args)
    except SystemExit as exc:  # argparse errors exit from inside the parser
        rc = exc.code
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and needle in err


def test_report_without_card_table_says_what_is_needed(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    build_dataset(tmp_path / "ds", [{"id": "acme/x"}])
    (tmp_path / "ds" / "model_card.parquet").unlink()
    rc, out, err = run(capsys, "cards", "report", "--data", str(tmp_path / "ds"))
    assert rc == 2 and out == "" and "model_card" in err
    rc, out, _ = run(capsys, "cards", "check", "--data", str(tmp_path / "ds"),
                     "--model", "acme/x", "--format", "json")
    assert rc == 0 and json.loads(out)[0]["result"] == "not assessed"


def test_cards_written_before_the_source_column_still_report(capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    """A model_card.parquet imported by an older ptmx has no `source` column: the report and a
    model's card still work (the card's source is unknown), not a DuckDB binder error."""
    import pyarrow.parquet as pq

    build_dataset(tmp_path / "ds", [{"id": "acme/x", "card": full_card(), "reuse": 2}])
    path = tmp_path / "ds" / "model_card.parquet"
    table = pq.read_table(path)
    if "source" in table.column_names:
        table = table.drop_columns(["source"])
    pq.write_table(table, path)
    rc, out, err = run(capsys, "cards", "report", "--data", str(tmp_path / "ds"), "--format", "json")
    assert rc == 0, err
    assert json.loads(out)
    rc, out, err = run(capsys, "cards", "show", "acme/x", "--data", str(tmp_path / "ds"),
                       "--format", "json")
    assert rc == 0, err
