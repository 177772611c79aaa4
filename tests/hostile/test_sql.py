"""Hostile SQL through `ptmx query` (and so the console, which runs the same code): statements
that would write, read files, reach the network or change settings are refused or fail; a
query that never ends stops at the time limit, one that would eat all memory at the memory limit.

Each case: exit 2, one line on stderr without a traceback, nothing written anywhere we can see."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ptmx.store import run_readonly
from tests.core.hostile_data import assert_clean_failure, copy_sample, run_cli
from tests.hostile.conftest import base_env, run_ptmx, snapshot_tree

REFUSED = {
    "copy-out": "COPY model TO '/tmp/ptmx-hostile-copy.csv'",
    "copy-in": "COPY model FROM '/etc/passwd'",
    "attach": "ATTACH '/tmp/ptmx-hostile.duckdb' AS x",
    "detach": "DETACH memory",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "set-external": "SET enable_external_access=true",
    "set-memory": "SET memory_limit='100GB'",
    "reset": "RESET lock_configuration",
    "pragma": "PRAGMA database_list",
    "call": "CALL pragma_version()",
    "create": "CREATE TABLE pwned AS SELECT 1",
    "insert": "INSERT INTO model (id) VALUES (-1)",
    "update": "UPDATE model SET downloads = 0",
    "delete": "DELETE FROM model",
    "drop": "DROP TABLE model",
    "export": "EXPORT DATABASE '/tmp/ptmx-hostile-export'",
    "checkpoint": "CHECKPOINT",
    "vacuum": "VACUUM",
    "use": "USE memory",
    "two-statements": "SELECT 1; DROP TABLE model",
    "select-then-set": "SELECT 1; SET enable_external_access=true",
    "explain-analyze-insert": "EXPLAIN ANALYZE INSERT INTO model (id) VALUES (-1)",
    "explain-analyze-delete": "EXPLAIN ANALYZE DELETE FROM model",
    "explain-create": "EXPLAIN CREATE TABLE x AS SELECT 1",
    "explain-explain": "EXPLAIN EXPLAIN ANALYZE DELETE FROM model",
    "empty": "   ",
    "comment-only": "-- nothing",
    "syntax": "SELEC 1",
}

BLOCKED = {
    "read-csv-passwd": "SELECT * FROM read_csv('/etc/passwd')",
    "read-text-passwd": "SELECT * FROM read_text('/etc/passwd')",
    "read-blob-proc": "SELECT * FROM read_blob('/proc/self/environ')",
    "read-parquet-outside": "SELECT * FROM read_parquet('/tmp/*.parquet')",
    "glob-root": "SELECT * FROM glob('/etc/*')",
    "http": "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')",
    "s3": "SELECT * FROM 's3://bucket/x.parquet'",
    "replacement-scan": "SELECT * FROM '/etc/passwd'",
    "setting-function": "SELECT set_config('enable_external_access', 'true')",
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("sql") / "data")


@pytest.mark.parametrize("sql", list(REFUSED.values()), ids=list(REFUSED))
def test_statements_that_are_not_a_select_are_refused(sql: str, data: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot_tree(data)
    code, out, err = run_cli(["--data", str(data), "query", sql], capsys)
    assert_clean_failure(code, out, err)
    assert snapshot_tree(data) == before
    assert not Path("/tmp/ptmx-hostile-copy.csv").exists()
    assert not Path("/tmp/ptmx-hostile.duckdb").exists()
    assert not Path("/tmp/ptmx-hostile-export").exists()


@pytest.mark.parametrize("sql", list(BLOCKED.values()), ids=list(BLOCKED))
def test_selects_cannot_reach_files_or_the_network(sql: str, data: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["--data", str(data), "query", sql], capsys)
    assert_clean_failure(code, out, err)
    assert "root:" not in out  # /etc/passwd's first line


def test_explain_of_a_select_still_runs(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for sql in ("EXPLAIN SELECT count(*) FROM model", "EXPLAIN ANALYZE SELECT count(*) FROM model",
                "explain analyze select 1"):
        code, _, err = run_cli(["--data", str(data), "query", sql, "--format", "json"], capsys)
        assert code == 0, err


def test_a_recursive_query_that_never_ends_stops_at_the_time_limit(data: Path) -> None:
    started = time.monotonic()
    outcome = run_ptmx("--data", str(data), "query",
                       "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) "
                       "SELECT max(n) FROM t", "--timeout", "2",
                       env=base_env(PTMX_CACHE=str(data.parent / "cache")), timeout=60)
    outcome.assert_clean_failure(2)
    assert "time limit of 2 s" in outcome.stderr
    assert time.monotonic() - started < 20


def test_the_time_limit_comes_from_the_environment(data: Path) -> None:
    outcome = run_ptmx("--data", str(data), "query",
                       "SELECT count(*) FROM range(1000000000000) a",
                       env=base_env(PTMX_CACHE=str(data.parent / "cache"),
                                    PTMX_QUERY_TIMEOUT="1"), timeout=60)
    outcome.assert_clean_failure(2)
    assert "time limit of 1 s" in outcome.stderr


def test_a_huge_aggregate_stops_at_the_memory_limit(data: Path, tmp_path: Path) -> None:
    # A fresh cache folder: the limit is set when the store's database is first opened.
    outcome = run_ptmx("--data", str(data), "query",
                       "SELECT list(a.range || b.range) FROM range(100000) a, range(1000) b",
                       env=base_env(PTMX_CACHE=str(tmp_path / "cache"), PTMX_QUERY_MEMORY="64MB",
                                    PTMX_QUERY_TIMEOUT="60"), timeout=90)
    outcome.assert_clean_failure(2)
    assert "memory" in outcome.stderr.lower()


def test_a_timer_never_interrupts_the_next_query_on_a_borrowed_cursor(sample_store) -> None:
    # The TUI console hands its own cursor in; a time limit that did not fire must not
    # interrupt whatever that cursor runs next.
    with sample_store.cursor() as cur:
        for _ in range(3):
            result = run_readonly(sample_store, "SELECT 1 AS x", cursor=cur, timeout=0.05)
            assert result.table.num_rows == 1
            time.sleep(0.1)
        assert cur.execute("SELECT count(*) FROM range(3000000)").fetchone() == (3000000,)
