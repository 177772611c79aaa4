"""Hostile input to `ptmx licenses`: license names, model ids and project names that carry
terminal escapes (CSI, OSC 8 hyperlinks, window titles), rich markup, bidi overrides or sheer
length, given as arguments or found in the dataset.

Each case runs in-process: exit code; stderr one line, no traceback; no escape byte from the
input in the output; markup shown as text, never applied; the dataset folder left as it was. The
cases that draw tables or echo input also run on a pseudo-terminal, where rich colours its output
and would turn markup into hyperlinks: no escape other than rich's own colours."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptmx.cli import main
from tests.hostile.conftest import (
    assert_one_line,
    base_env,
    outside_escapes,
    run_on_tty,
    snapshot_tree,
)
from tests.licenses.conftest import build_license_dataset

OSC8 = "\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07"
CLEAR = "\x1b[2J\x1b[H"
TITLE = "\x1b]0;pwned\x07"
LINK = "[link=http://evil.example]x[/link]"
CLOSE = "[/]"
BIDI = "\u202e"

MODELS = {
    f"evil/{OSC8}": ["mit"],
    f"evil/{LINK}": ["cc-by-nc-4.0"],
    f"evil/{CLEAR}red": ["gpl-3.0"],
    f"evil/{BIDI}lmth.exe": ["llama3"],
    "evil/tagged": [f"[bold]tag[/bold]{TITLE}"],
    f"evil/ft{CLOSE}": ["apache-2.0"],
}
PROJECTS: dict[str, tuple[list[str] | str | None, list[str]]] = {
    f"[red]own[/red]/{TITLE}app": (["mit", f"{CLEAR}key"], list(MODELS)),
    f"{OSC8}/x": (["gpl-2.0"], [f"evil/{OSC8}", "evil/tagged"]),
    "plain/app": (None, [f"evil/{LINK}"]),
}
EDGES = [(f"evil/ft{CLOSE}", f"evil/{LINK}", LINK)]  # a drift: NC base, Apache-2.0 fine-tune


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_license_dataset(tmp_path_factory.mktemp("hostile") / "lic", MODELS, PROJECTS,
                                 EDGES)


DATA = "{data}"
# (id, arguments, exit code, text a terminal must show literally)
CASES = [
    ("audit-table", ["audit", "--data", DATA, "--limit", "0"], 0, LINK),
    ("audit-json", ["audit", "--data", DATA, "--format", "json"], 0, None),
    ("check-table", ["check", "--data", DATA], 1, f"evil/ft{CLOSE}"),
    ("check-model-markup", ["check", "--data", DATA, "--model", f"evil/{LINK}"], 1, LINK),
    ("check-model-osc8", ["check", "--data", DATA, "--model", f"evil/{OSC8}"], 0, "\\x1b]8;;"),
    ("check-project-title", ["check", "--data", DATA, "--project", f"[red]own[/red]/{TITLE}app"],
     0, "[red]own[/red]/\\x1b]0;pwned\\x07app"),
    ("check-sarif", ["check", "--data", DATA, "--format", "sarif"], 1, None),
    ("explain-osc8", ["explain", f"mit{OSC8}"], 2, "\\x1b]8;;"),
    ("explain-close-tag", ["explain", CLOSE, "mit"], 2, CLOSE),
    ("explain-link", ["explain", "mit", LINK], 2, LINK),
    ("explain-bidi", ["explain", f"{BIDI}tim"], 2, "\\u202e"),
    ("explain-clear", ["explain", f"mit{CLEAR}", "--format", "json"], 2, "\\x1b[2J"),
    ("explain-long", ["explain", "L" * 5000], 2, None),
    ("explain-control-in-a-known-id", ["explain", "apache\x1e2.0", "mit"], 0, "apache\\x1e2.0"),
]


def _argv(args: list[str], data: Path) -> list[str]:
    return ["licenses", *(str(data) if a == DATA else a for a in args)]


@pytest.mark.parametrize(("args", "code", "literal"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_in_process(args: list[str], code: int, literal: str | None, hostile_data: Path,
                    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # no folding, so the literal text can be found
    before = snapshot_tree(hostile_data)
    assert main(_argv(args, hostile_data)) == code
    out, err = capsys.readouterr()
    assert_one_line(err)
    assert outside_escapes(out + err) == []
    assert snapshot_tree(hostile_data) == before
    if literal is not None:
        assert literal in out + err
    if out and ("json" in args or "sarif" in args):
        json.loads(out)  # machine output stays parsable JSON


ON_A_TERMINAL = ("audit-table", "check-model-markup", "check-project-title", "explain-osc8",
                 "explain-link", "explain-control-in-a-known-id")


@pytest.mark.parametrize(("args", "code", "literal"),
                         [c[1:] for c in CASES if c[0] in ON_A_TERMINAL],
                         ids=[c[0] for c in CASES if c[0] in ON_A_TERMINAL])
def test_on_a_terminal(args: list[str], code: int, literal: str | None, hostile_data: Path,
                       tmp_path: Path) -> None:
    result = run_on_tty(*_argv(args, hostile_data), columns=1000,
                        env=base_env(PTMX_CACHE=str(tmp_path / "cache")))
    assert result.code == code, result.stdout[-2000:]
    assert outside_escapes(result.stdout) == []
    assert "Traceback" not in result.stdout
    if literal is not None:
        assert literal in result.stdout


def test_machine_output_keeps_the_dataset_text_exact(hostile_data: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["licenses", "audit", "--data", str(hostile_data), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["model"] for r in rows} >= {f"evil/{OSC8}", f"evil/{LINK}", f"evil/{BIDI}lmth.exe"}
    edge = next(r for r in rows if r["derived"] == f"evil/ft{CLOSE}")
    assert edge["verdict"] == "drift" and edge["reason"].startswith(f"[{LINK}] ")
