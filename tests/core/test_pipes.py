"""`--format table` into a pipe: whole values, one record per line, no colour.

Each command runs as a subprocess whose stdout is a pipe, as in ``ptmx search bert | grep …``.
"""

from __future__ import annotations

import os
import subprocess
import sys


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
