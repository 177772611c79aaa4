"""Shared fixtures: the bundled sample store and a tiny PeaTMOSS-schema SQLite builder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ptmx.config import bundled_data_dir
from ptmx.store import Store, open_store

REPO = Path(__file__).resolve().parent.parent
ARTIFACT = REPO.parent / "shared" / "peatmoss" / "artifact"


@pytest.fixture(scope="session")
def sample_store() -> Store:
    """The bundled real sample, opened once for the whole run (it is read-only)."""
    return open_store(bundled_data_dir())


def make_peatmoss_db(path: Path, *, models: int = 4, extra: bool = True) -> Path:
    """A small SQLite file with PeaTMOSS's core tables, declared as the published schema does.

    ``model.context_id`` is declared INTEGER but holds hub names, as in the real release.
    """
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE model_hub (id INTEGER PRIMARY KEY, name VARCHAR UNIQUE, url VARCHAR UNIQUE);
        CREATE TABLE model (id INTEGER PRIMARY KEY, context_id INTEGER UNIQUE,
            model_hub_id INTEGER, sha VARCHAR, repo_url VARCHAR, downloads INTEGER,
            likes INTEGER, has_snapshot INTEGER, ptm_issues_id INTEGER,
            ptm_pull_requests_id INTEGER);
        CREATE TABLE license (id INTEGER PRIMARY KEY, name VARCHAR UNIQUE);
        CREATE TABLE model_to_license (model_id INTEGER, license_id INTEGER,
            PRIMARY KEY (model_id, license_id));
        CREATE TABLE reuse_repository (id INTEGER PRIMARY KEY, owner VARCHAR, name VARCHAR,
            url VARCHAR, UNIQUE (owner, name));
        CREATE TABLE model_to_reuse_repository (model_id INTEGER, reuse_repository_id INTEGER,
            PRIMARY KEY (model_id, reuse_repository_id));
        CREATE TABLE reuse_file (id INTEGER PRIMARY KEY, path VARCHAR, model_id INTEGER,
            reuse_repository_id INTEGER);
    """)
    con.execute("INSERT INTO model_hub VALUES (1, 'Hugging Face', 'https://huggingface.co')")
    names = ["bert-base-uncased", "gpt2", "acme/tiny-llm", "acme/tiny-llm-ft"][:models]
    for i, name in enumerate(names, 1):
        con.execute("INSERT INTO model VALUES (?, ?, 1, ?, ?, ?, ?, 1, NULL, NULL)",
                    (i, name, f"sha{i}", f"https://huggingface.co/{name}", 1000 * (10 - i), i))
    con.executemany("INSERT INTO license VALUES (?, ?)", [(1, "apache-2.0"), (2, "mit")])
    con.executemany("INSERT INTO model_to_license VALUES (?, ?)", [(1, 1), (2, 2), (3, 1)])
    con.executemany("INSERT INTO reuse_repository VALUES (?, ?, ?, ?)", [
        (1, "alice", "chatbot", "https://github.com/alice/chatbot"),
        (2, "bob", "search", "https://github.com/bob/search"),
        (3, "carol", "notes", "https://github.com/carol/notes"),
    ])
    con.executemany("INSERT INTO model_to_reuse_repository VALUES (?, ?)",
                    [(1, 1), (1, 2), (2, 1), (3, 3)])
    con.executemany("INSERT INTO reuse_file VALUES (?, ?, ?, ?)",
                    [(1, "app/bot.py", 1, 1), (2, "index.py", 1, 2)])
    if extra:
        # Not in the published schema: must be carried over as is.
        con.execute("CREATE TABLE lab_notes (id INTEGER PRIMARY KEY, note TEXT, score REAL)")
        con.executemany("INSERT INTO lab_notes VALUES (?, ?, ?)", [(1, "hello", 0.5), (2, None, 2)])
        con.execute("ALTER TABLE reuse_repository ADD COLUMN stars INTEGER")
        con.execute("UPDATE reuse_repository SET stars = id * 10")
    con.commit()
    con.close()
    return path


@pytest.fixture
def peatmoss_db(tmp_path: Path) -> Path:
    """A small PeaTMOSS-schema SQLite file."""
    return make_peatmoss_db(tmp_path / "PeaTMOSS.db")


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Store caches (and hub caches) and state (the console history) go to temp folders, never
    the user's: TUI tests outside tests/tui had been adding their queries to the real history."""
    import os

    os.environ["PTMX_CACHE"] = str(tmp_path_factory.mktemp("ptmx-cache"))
    os.environ["PTMX_STATE_DIR"] = str(tmp_path_factory.mktemp("ptmx-state"))
