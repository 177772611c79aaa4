"""What a one-shot `ptmx` command loads and does before it answers (issue 17).

A shell lookup pays for every import and every check at open, so: `--help` imports no area,
a command imports only its own area, the JSON paths of search/model/project draw nothing (no
rich) and convert nothing through Arrow, a cached dataset is not re-validated, and JSON is
streamed compact (or as JSON lines) with the same values as before.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ptmx import cli
from ptmx.config import bundled_data_dir
from ptmx.render.output import dumps, emit
from ptmx.store import open_store, search_model_rows, search_models

HEAVY = ("rich", "pyarrow", "networkx", "httpx", "textual")


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str | None]]:
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return [(choice.dest, choice.help) for choice in action._choices_actions]


def test_the_static_command_table_matches_what_the_areas_register() -> None:
    full = _subcommands(cli.build_parser())
    assert full == [(name, help_line) for name, _area, help_line in cli.COMMANDS]
    # Each command is registered by the area the table names.
    for name, area, _help in cli.COMMANDS:
        assert name in [n for n, _ in _subcommands(cli.build_parser((area,), placeholders=False))]


def test_help_lists_every_command_like_the_full_parser() -> None:
    quick = cli.build_parser(()).format_help()  # what `ptmx --help` prints, no area imported
    assert quick == cli.build_parser().format_help()
    for name, _area, help_line in cli.COMMANDS:
        assert name in quick and help_line.split()[0] in quick


@pytest.mark.parametrize("argv", [["search", "--help"], ["graph", "neighbors", "--help"],
                                  ["--data", "x", "licenses", "audit", "--help"],
                                  ["--data=x", "hub", "info", "--help"]])
def test_a_command_help_is_the_full_parsers(argv: list[str], capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    texts = []
    for parser in (cli.parser_for(argv), cli.build_parser()):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
        texts.append(capsys.readouterr().out)
    assert texts[0] == texts[1] and "usage: ptmx" in texts[0]


def _modules_after(argv: list[str]) -> set[str]:
    """The modules a fresh process has loaded after running ``ptmx ARGV`` (on the sample,
    whose cache the session's store has built already)."""
    code = (
        "import sys, os\n"
        "from ptmx.cli import main\n"
        "sys.stdout = open(os.devnull, 'w')\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stdout = sys.__stdout__\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_help_and_version_import_no_area() -> None:
    for argv in (["--help"], ["--version"], ["no-such-command"]):
        loaded = _modules_after(argv)
        assert not {m for m in loaded if m.startswith("ptmx.cli.")}, argv
        assert not {m for m in loaded if m.split(".")[0] in (*HEAVY, "duckdb")}, argv


@pytest.mark.parametrize("argv", [
    ["search", "bert", "--format", "json"],
    ["model", "bert-base-uncased", "--format", "json"],
    ["project", "groq/mlagility", "--format", "json"],
    ["stats", "--format", "json"],
])
def test_json_lookups_load_only_the_core_area(argv: list[str], sample_store: Any) -> None:
    loaded = _modules_after(argv)
    areas = {m for m in loaded if m.startswith("ptmx.cli.")}
    assert areas == {"ptmx.cli.common", "ptmx.cli.core"}
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}


def test_a_cached_dataset_is_opened_without_reading_its_parquet_footers(tmp_path: Path) -> None:
    data = tmp_path / "ds"
    shutil.copytree(bundled_data_dir(), data)
    first = open_store(data)  # builds the cache: every footer read and checked
    assert all("schema" in tf.__dict__ for tf in first._files.values())
    again = open_store(data)
    assert again.cache_file == first.cache_file
    assert not any("schema" in tf.__dict__ for tf in again._files.values())
    # Row counts are still there for whoever asks (stats).
    assert again.row_counts["model"] == 2421


def test_row_counts_are_counted_only_when_asked(tmp_path: Path) -> None:
    data = tmp_path / "ds"
    shutil.copytree(bundled_data_dir(), data)
    store = open_store(data)
    assert store._row_counts is None
    assert store.row_counts["license"] == 27 and store._row_counts is not None


def _ranked_oracle(names: list[str], needle: str) -> list[str]:
    """Exact id, then prefix (or name part) matches, then the rest; downloads order within."""
    def rank(name: str) -> int:
        lc = name.lower()
        if not needle or lc == needle:
            return 0
        return 1 if lc.startswith(needle) or f"/{needle}" in lc else 2
    return sorted((n for n in names if needle in n.lower()), key=rank)


@pytest.mark.parametrize("needle", ["bert", "base", "e", "gpt2", "spacy/en_core_web_sm", "t5",
                                    "sentence-transformers/", "zzqx", ""])
@pytest.mark.parametrize(("limit", "offset"), [(20, 0), (7, 13), (300, 0), (1, 0)])
def test_search_ranks_like_a_full_sort(sample_store: Any, needle: str, limit: int,
                                       offset: int) -> None:
    names = [r["model"] for r in sample_store.rows(
        "SELECT model FROM model_summary ORDER BY downloads DESC NULLS LAST, model")]
    want = _ranked_oracle(names, needle)[offset:offset + limit]
    table = search_models(sample_store, needle, limit=limit, offset=offset)
    assert table.column("model").to_pylist() == want
    rows = search_model_rows(sample_store, needle, limit=limit, offset=offset)
    assert rows == table.to_pylist()


def test_an_exact_match_with_few_downloads_still_comes_first(sample_store: Any) -> None:
    # The model with the most better-downloaded prefix matches (e.g. x/name-large above
    # x/name): a page smaller than those is filled by them in downloads order before the
    # early scan reaches the exact id, which must still come first.
    row = sample_store.rows(
        """SELECT a.model, (SELECT count(*) FROM model_summary b
                            WHERE starts_with(b.model_lc, a.model_lc) AND b.model_lc <> a.model_lc
                              AND coalesce(b.downloads, -1) > coalesce(a.downloads, -1)) AS better
           FROM model_summary a ORDER BY better DESC, a.model LIMIT 1""")[0]
    assert row["better"] >= 3
    names = [r["model"] for r in sample_store.rows(
        "SELECT model FROM model_summary ORDER BY downloads DESC NULLS LAST, model")]
    page = search_model_rows(sample_store, row["model"], limit=row["better"] - 1)
    assert page[0]["model"] == row["model"]
    assert [r["model"] for r in page] == _ranked_oracle(names, row["model"].lower())[:len(page)]


def test_json_is_compact_valid_and_streams_every_record() -> None:
    rows = [{"model": f"m{i}", "n": i, "tags": ["a", "b"]} for i in range(2500)]
    out = io.StringIO()
    emit(rows, "json", out=out)
    text = out.getvalue()
    assert json.loads(text) == rows
    lines = text.splitlines()  # one record per line between the brackets
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(rows) + 2
    out = io.StringIO()
    emit(rows, "jsonl", columns=["n", "model"], out=out)
    lines = out.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == [{"n": r["n"], "model": r["model"]}
                                                    for r in rows]
    assert list(json.loads(lines[0])) == ["n", "model"]  # key order is the columns'


def test_empty_results_are_still_valid_json() -> None:
    out = io.StringIO()
    emit([], "json", columns=["model"], out=out)
    assert json.loads(out.getvalue()) == []
    out = io.StringIO()
    emit([], "jsonl", columns=["model"], out=out)
    assert out.getvalue() == ""


def test_dumps_indents_only_for_people() -> None:
    value = {"a": [1, 2], "b": None}
    assert dumps(value, pretty=False) == '{"a": [1, 2], "b": null}'
    assert json.loads(dumps(value, pretty=True)) == value and "\n  " in dumps(value, pretty=True)


def test_search_jsonl_from_the_command_line() -> None:
    done = subprocess.run([sys.executable, "-m", "ptmx", "search", "bert", "--limit", "5",
                           "--format", "jsonl"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == 5 and list(records[0]) == ["model", "downloads", "license",
                                                      "reuse_count"]
