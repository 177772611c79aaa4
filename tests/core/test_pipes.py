"""`--format table` into a pipe: whole values, one record per line, no colour.

Each command runs as a subprocess whose stdout is a pipe, as in ``ptmx search bert | grep …``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def piped(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env["COLUMNS"] = "80"  # what a narrow terminal would draw at: a pipe must not care
    result = subprocess.run([sys.executable, "-m", "ptmx", *args], capture_output=True,
                            text=True, env=env, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout  # no colour or cursor codes in a pipe
    return result.stdout


def test_search_into_grep_finds_the_full_id_on_one_line() -> None:
    out = piped("search", "bert")
    lines = [ln for ln in out.splitlines() if "bert-base-multilingual-uncased-sentiment" in ln]
    assert len(lines) == 1
    line = lines[0]
    assert "nlptown/bert-base-multilingual-uncased-sentiment" in line
    # the whole record is on that line: downloads and licence too
    assert "mit" in line and any(ch.isdigit() for ch in line)
    assert "…" not in out


def test_project_page_ids_are_whole() -> None:
    out = piped("project", "groq/mlagility")
    rows = [ln for ln in out.splitlines() if ln.startswith("│")]
    assert len(rows) > 50
    assert not any("…" in ln for ln in rows)
    # every row is one record: a model id in its first cell
    assert all(ln.split("│")[1].strip() for ln in rows)


def test_audit_with_limit_100_is_about_100_lines_of_records() -> None:
    out = piped("licenses", "audit", "--limit", "100")
    lines = out.splitlines()
    assert "100 of" in out
    records = [ln for ln in lines if ln.startswith("│")]
    # 100 records, plus the summary tables' rows; before, each record was folded over many lines
    assert 100 <= len(records) < 200, len(records)
    assert len(lines) < 250


def run(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "ptmx", *args], capture_output=True,
                            text=True, timeout=180)
    assert result.returncode in (0, 1), result.stderr
    return result


def records(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith("│")]


def test_model_page_lists_a_default_limit_with_the_total_and_a_summary() -> None:
    result = run("model", "bert-base-uncased")
    rows = records(result.stdout)
    assert len(rows) == 100
    assert "100 of 1,704" in result.stdout
    assert "1,604 more reusing projects not listed" in result.stderr
    # the sample has no reuse_file table: no column of "—" in every row
    assert "files" not in result.stdout.split("projects reusing")[1]
    everything = run("model", "bert-base-uncased", "--limit", "0")
    assert len(records(everything.stdout)) == 1704
    assert "more reusing projects" not in everything.stderr
    # JSON lists everything unless --limit is given
    assert len(json.loads(run("model", "bert-base-uncased", "--format", "json").stdout)
               ["projects"]) == 1704
    assert len(json.loads(run("model", "bert-base-uncased", "--format", "json", "--limit",
                              "5").stdout)["projects"]) == 5


def test_licenses_check_lists_the_worst_findings_first_up_to_a_limit() -> None:
    full_csv = run("licenses", "check", "--format", "csv").stdout.splitlines()
    findings = len(full_csv) - 1
    assert findings > 100
    table = run("licenses", "check")
    assert len(records(table.stdout)) == 100
    assert f"100 of {findings:,} findings" in table.stdout
    assert f"{findings - 100:,} more findings not listed" in table.stderr
    assert "checked" in table.stderr  # the summary line stays
    assert len(records(run("licenses", "check", "--limit", "0").stdout)) == findings
    assert len(run("licenses", "check", "--format", "csv", "--limit", "3").stdout
               .splitlines()) == 4


def test_limit_0_means_all_for_query_and_search() -> None:
    models = run("query", "SELECT count(*) AS n FROM model", "--format", "csv").stdout
    total = int(models.splitlines()[1])
    assert total > 1000
    out = run("query", "SELECT * FROM model", "--limit", "0", "--format", "csv").stdout
    assert len(out.splitlines()) == total + 1
    few = run("search", "bert", "--format", "csv").stdout.splitlines()
    every = run("search", "bert", "--limit", "0", "--format", "csv").stdout.splitlines()
    assert len(few) == 21 and len(every) > len(few)


def test_help_and_explanations_point_at_things_that_ship() -> None:
    helptext = run("query", "--help").stdout
    assert "SCHEMA.md" not in helptext
    assert "information_schema.tables" in helptext
    # the command the help gives works as written
    tables = run("query", "SELECT table_name FROM information_schema.tables", "--format",
                 "csv").stdout
    assert "model" in tables.splitlines()
    for args in (["mit"], ["llama2"], ["mit", "cc-by-nc-4.0"], ["gpl-3.0", "mit"]):
        for fmt in ("table", "json"):
            out = run("licenses", "explain", *args, "--format", fmt).stdout
            assert "research notes" not in out and "shared/research" not in out


def test_model_and_project_pages_show_reuse_file_paths_when_the_dataset_has_them(
        peatmoss_db: Path, tmp_path: Path) -> None:
    from ptmx.ingest import sqlite_import

    data = tmp_path / "ds"
    sqlite_import.import_sqlite(peatmoss_db, data)
    out = run("--data", str(data), "model", "bert-base-uncased").stdout
    projects = out.split("projects reusing")[1]
    assert "files" in projects
    assert any("alice/chatbot" in ln and "app/bot.py" in ln for ln in records(projects))
    assert any("bob/search" in ln and "index.py" in ln for ln in records(projects))
    page = run("--data", str(data), "project", "alice/chatbot").stdout
    assert "files" in page and "app/bot.py" in page


def test_titles_are_one_line_of_their_own_without_padding() -> None:
    # a title longer than its narrow table used to wrap mid-sentence ("(3 of" / "1,704)"), and a
    # title over a wide table was padded with a thousand spaces
    out = piped("model", "bert-base-uncased", "--limit", "3")
    assert "projects reusing bert-base-uncased (3 of 1,704, worst verdict first)\n" in out
    audit = piped("licenses", "audit", "--limit", "2")
    title = next(ln for ln in audit.splitlines() if ln.startswith("Licence verdicts"))
    assert title == title.rstrip() and title.endswith("records)")


def _rich_lines(table: object) -> list[str]:
    import io

    from ptmx.render.output import console_for

    buf = io.StringIO()
    console_for(buf).print(table)
    return buf.getvalue().splitlines()


def test_long_tables_are_drawn_as_rich_draws_them_only_faster() -> None:
    # Long tables in a pipe skip rich's layout (22,000 findings took ~40 s to draw at 1x): the
    # lines must be the very characters rich writes, hostile values included.
    from rich.table import Table
    from rich.text import Text

    from ptmx.render.plaintable import plain_table_lines
    from ptmx.render.safe import safe_text

    table = Table(header_style="bold")
    table.add_column("model")
    table.add_column("downloads", justify="right")
    table.add_column("mid", justify="center")
    table.add_column("")
    table.add_row("a/b", "1", "x", "")
    table.add_row(safe_text("evil\x1b]0;pwned\x07/\u202emodel", newlines=False),
                  Text("1,000", justify="right"), "yy", "[bold]m[/bold]")
    table.add_row(Text("模型/中文", style="red"), "", "", safe_text("[link=x]y[/link]"))
    assert plain_table_lines(table, min_rows=0) == _rich_lines(table)
    assert plain_table_lines(table) is None  # short: rich draws it
    multi = Table()
    multi.add_column("a")
    multi.add_row("two\nlines")
    assert plain_table_lines(multi, min_rows=0) is None  # declined: rich draws it
    grid = Table.grid()
    grid.add_column()
    grid.add_row("x")
    assert plain_table_lines(grid, min_rows=0) is None


def test_all_1704_projects_of_a_model_page_in_a_pipe_are_whole() -> None:
    out = piped("model", "bert-base-uncased", "--limit", "0")
    rows = records(out)
    assert len(rows) == 1704 and len({len(r) for r in rows}) == 1  # one width: one table
    assert "projects reusing bert-base-uncased (1,704, worst verdict first)\n" in out


def test_piped_lines_carry_no_trailing_spaces() -> None:
    """The page's key-value block was padded to the widest line of the output (a project's
    707-character licence expression): a pipe gets each line as long as its content."""
    out = piped("model", "bert-base-uncased")
    assert "\nhub             Hugging Face\n" in out
    assert not [line for line in out.splitlines() if line.endswith(" ")]
