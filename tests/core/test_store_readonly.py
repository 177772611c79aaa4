"""The SQL console cannot write, read other files, reach the network, or unlock itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptmx.errors import QueryError
from ptmx.store import Store, run_readonly


@pytest.mark.parametrize("sql", [
    "CREATE TABLE x (a INT)",
    "DROP TABLE model",
    "INSERT INTO license VALUES (999, 'x')",
    "DELETE FROM model",
    "COPY model TO '/tmp/ptmx-leak.csv'",
    "ATTACH '/tmp/other.db' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "PRAGMA enable_profiling",
    "CALL pragma_version()",
    "SELECT 1; SELECT 2",
])
def test_writes_and_side_effects_are_refused(sample_store: Store, sql: str) -> None:
    with pytest.raises(QueryError):
        run_readonly(sample_store, sql)
    assert sample_store.scalar("SELECT count(*) FROM model") == 2421


def test_other_files_cannot_be_read(sample_store: Store, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    with pytest.raises(QueryError, match="disabled"):
        run_readonly(sample_store, f"SELECT * FROM read_csv('{secret}')")


def test_network_is_unreachable(sample_store: Store) -> None:
    with pytest.raises(QueryError):
        run_readonly(sample_store, "SELECT * FROM read_parquet('https://example.com/x.parquet')")


def test_configuration_is_locked(sample_store: Store) -> None:
    with pytest.raises(QueryError):
        sample_store.query("SET enable_external_access = true")


def test_row_cap_reports_truncation(sample_store: Store) -> None:
    result = run_readonly(sample_store, "SELECT * FROM model", limit=10)
    assert result.table.num_rows == 10 and result.truncated
    assert result.shown == "10 of >10 rows"
    whole = run_readonly(sample_store, "SELECT * FROM license", limit=1000)
    assert not whole.truncated and whole.table.num_rows == 27


def test_user_text_is_bound_not_spliced(sample_store: Store) -> None:
    from ptmx.store import search_models

    hostile = "x'); DROP TABLE model; --"
    assert search_models(sample_store, hostile).num_rows == 0
    assert sample_store.scalar("SELECT count(*) FROM model") == 2421
