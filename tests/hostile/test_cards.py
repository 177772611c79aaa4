"""Hostile input, category "cards": model ids and card fields written by strangers reach
`ptmx cards show` and `ptmx cards report` (table, Markdown, HTML, JSON) as text, never as control.

The dataset is built in a temporary folder with the real importer's card mapping; its ids and card
fields carry terminal escapes (CSI, OSC title, OSC 8 hyperlinks, a bidi override), rich markup
(``[/]``, ``[link=…]``) and HTML/Markdown injection (``<script>``, ``|``, ``](javascript:…)``).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ptmx.cli import main
from tests.cards.conftest import build_dataset, full_card
from tests.hostile.conftest import (
    ESC,
    Outcome,
    assert_one_line,
    outside_escapes,
    run_on_tty,
    snapshot_tree,
)

CSI = f"{ESC}[2J{ESC}[31m"  # clear the screen, turn red
TITLE = f"{ESC}]0;pwned{chr(7)}"  # set the window title
LINK = f"{ESC}]8;;https://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\"  # OSC 8 hyperlink
MARKUP = "[/][link=https://evil.example/]click[/link][bold red]"
SCRIPT = "<script>alert(1)</script>"
MD_LINK = "x|y](javascript:alert(1))"
BIDI = "\u202egnp.exe"

# id → card overrides (a field of each kind of text)
MODELS = {
    f"evil/esc{CSI}{TITLE}": {"license": f"mit{CSI}", "limitation_and_bias": f"risky{TITLE}"},
    "evil/osc8": {"limitation_and_bias": LINK, "hardware": BIDI},
    "evil/[bold]markup[/]": {"license": MARKUP, "limitation_and_bias": MARKUP,
                             "model_tasks": MARKUP},
    f"evil/{SCRIPT}": {"model_tasks": SCRIPT + MD_LINK, "paper": f"[paper]({MD_LINK[4:]}"},
    f"[red]own{ESC}[5m/pipe|x](javascript:alert(1))": {"model_tasks": f"task|{CSI}"},
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-cards") / "ds"
    build_dataset(folder, [{"id": model, "reuse": i + 1, "licenses": ["mit"],
                            "card": full_card(**fields)}
                           for i, (model, fields) in enumerate(MODELS.items())])
    return folder


def _assert_inert_on_terminal(outcome: Outcome) -> None:
    assert outcome.code == 0, outcome.stdout[-2000:]
    assert "Traceback" not in outcome.stdout
    assert outside_escapes(outcome.stdout) == []
    assert "\u202e" not in outcome.stdout


@pytest.mark.parametrize("model", list(MODELS), ids=range(len(MODELS)))
def test_show_on_a_terminal_shows_ids_and_card_fields_as_text(dataset: Path, model: str) -> None:
    before = snapshot_tree(dataset)
    outcome = run_on_tty("cards", "show", model, "--data", str(dataset), columns=200)
    _assert_inert_on_terminal(outcome)
    assert "\\x1b" in outcome.stdout or "markup" in model or "script" in model
    if "markup" in model:  # the card's markup is printed as written, not applied
        assert "[link=https://evil.example/]click[/link]" in outcome.stdout.replace("\n", "")
    assert snapshot_tree(dataset) == before


@pytest.mark.parametrize("view", ["field", "model", "author", "task", "license"])
def test_report_table_on_a_terminal_is_inert(dataset: Path, view: str) -> None:
    outcome = run_on_tty("cards", "report", "--by", view, "--data", str(dataset), columns=200)
    _assert_inert_on_terminal(outcome)
    assert "5 of 5 models" in outcome.stdout


def _in_process(capsys: pytest.CaptureFixture[str], *args: str) -> Outcome:
    """``ptmx ARGS`` in this process (no terminal involved: quicker than a subprocess)."""
    code = main(list(args))
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def _report(capsys: pytest.CaptureFixture[str], dataset: Path, fmt: str, by: str) -> Outcome:
    outcome = _in_process(capsys, "cards", "report", "--by", by, "--format", fmt,
                          "--data", str(dataset))
    assert outcome.code == 0, outcome.stderr
    assert_one_line(outcome.stderr)
    assert ESC not in outcome.stdout and "\u202e" not in outcome.stdout
    return outcome


@pytest.mark.parametrize("by", ["model", "task", "author"])
def test_markdown_report_escapes_ids_and_card_fields(capsys: pytest.CaptureFixture[str],
                                                     dataset: Path, by: str) -> None:
    out = _report(capsys, dataset, "markdown", by).stdout
    assert "<script>" not in out and "\\<script\\>" in out
    assert not re.search(r"(?<!\\)\]\(javascript:", out)  # `]` escaped: no link can form
    # A `|` in an id or a task must not add a column: every row of a table has as many
    # unescaped pipes as its header.
    tables: list[list[int]] = [[]]
    for line in out.splitlines():
        if line.startswith("|"):
            tables[-1].append(len(re.findall(r"(?<!\\)\|", line)))
        elif tables[-1]:
            tables.append([])
    assert any(tables) and all(len(set(t)) <= 1 for t in tables)
    assert "\\x1b" in out


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [v or "" for k, v in attrs if k == "href"]


@pytest.mark.parametrize("by", ["model", "task"])
def test_html_report_escapes_ids_and_card_fields(capsys: pytest.CaptureFixture[str],
                                                 dataset: Path, by: str) -> None:
    out = _report(capsys, dataset, "html", by).stdout
    page = _Tags()
    page.feed(out)
    assert "script" not in page.tags and page.links == []
    assert "&lt;script&gt;" in out and "\\x1b" in out


def test_show_json_keeps_the_text_and_escapes_it(capsys: pytest.CaptureFixture[str],
                                                 dataset: Path) -> None:
    model = next(iter(MODELS))
    outcome = _in_process(capsys, "cards", "show", model, "--format", "json",
                          "--data", str(dataset))
    assert outcome.code == 0 and outcome.stderr == ""
    assert ESC not in outcome.stdout  # JSON writes it as \u001b
    shown = json.loads(outcome.stdout)
    assert shown["model"] == model
    # the evidence quotes the card's value with its escapes written out
    assert any("mit\\x1b[2J" in e for r in shown["rules"] for e in r["evidence"])
