"""The `ptmx` command as a user runs it: exit codes, stdout for data, stderr for diagnostics."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ptmx import __version__


def ptmx(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ptmx", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_version_and_help() -> None:
    assert ptmx("--version").stdout.strip() == f"ptmx {__version__}"
    helptext = ptmx("--help").stdout
    for command in ("browse", "stats", "query", "import", "sample"):
        assert command in helptext


def test_browse_help_names_the_settings_the_tui_points_to() -> None:
    """The TUI's hints say "start ptmx browse with PTMX_QUERY_TIMEOUT=…" / "HF_HUB_OFFLINE=1":
    `ptmx browse --help` is where a user looks them up."""
    helptext = ptmx("browse", "--help").stdout
    for setting in ("PTMX_DATA", "PTMX_QUERY_TIMEOUT", "HF_HUB_OFFLINE", "HF_TOKEN", "F1", "ctrl+p"):
        assert setting in helptext


def test_stats_json_on_the_bundled_sample() -> None:
    result = ptmx("stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert {k: counts[k] for k in ("models", "projects", "links", "hubs")} == {
        "models": 2421, "projects": 7956, "links": 22860, "hubs": 1}
    assert counts["licenses"] == 27


def test_query_csv_goes_to_stdout_and_timing_to_stderr() -> None:
    result = ptmx("query", "SELECT name FROM license ORDER BY name LIMIT 3", "--format", "csv")
    assert result.returncode == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["name"] and len(rows) == 4
    assert "3 rows" in result.stderr


@pytest.mark.parametrize(("args", "needle"), [
    (["query", "DROP TABLE model"], "read-only"),
    (["query", "SELEC 1"], "syntax error"),
    (["query", "SELECT * FROM nope"], "nope"),
    (["--data", "/definitely/not/here", "stats"], "does not exist"),
    (["model", "bert-base-uncasd"], "bert-base-uncased"),
    (["stats", "--format", "yaml"], "invalid choice"),
    (["query", "SELECT 1", "--limit", "-1"], "must be 0 or more"),
    (["search", "bert", "--limit", "many"], "expected a whole number"),
    (["no-such-command"], "invalid choice"),
])
def test_user_mistakes_are_one_line_exit_2(args: list[str], needle: str) -> None:
    result = ptmx(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in result.stderr


def test_ptmx_data_env_selects_the_dataset(tmp_path: Path) -> None:
    result = ptmx("stats", env={"PTMX_DATA": str(tmp_path / "missing")})
    assert result.returncode == 2 and str(tmp_path / "missing") in result.stderr


def test_browse_on_a_bad_folder_fails_before_the_ui(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = ptmx("browse", "--data", str(tmp_path / "empty"))
    assert result.returncode == 2 and "no Parquet tables" in result.stderr


def test_core_modules_do_not_load_textual_or_rich() -> None:
    # httpx imports rich for its own command line when rich is installed (it is, for ptmx's
    # CLI); that optional part of httpx is kept out so only ptmx's own imports count.
    code = (
        "import sys\n"
        "sys.modules['httpx._main'] = None\n"
        "import ptmx.store, ptmx.ingest.sqlite_import, ptmx.ingest.sample\n"
        "import importlib.util as u\n"
        "for name in ('ptmx.licenses', 'ptmx.graph', 'ptmx.cards', 'ptmx.hub', 'ptmx.scan'):\n"
        "    if u.find_spec(name): __import__(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
