"""The benchmark questions answered with plain sqlite3 on a PeaTMOSS SQLite file (the format
PeaTMOSS ships), as a careful user would: indexes for each lookup, ANALYZE, warm connection.

Call from ``benchmarks/run.py`` (same folder, so ``import sqlite_baseline as sb`` when run as a
script; ``benchmarks`` is not a package)::

    sb.prepare(db, licenses_json=lic, cards_json=cards)   # once: indexes + side tables
    con = sb.connect(db)
    targets = sb.pick_targets(con)                        # same inputs for ptmx and sqlite3
    results = sb.run_all(db, repeat=5, targets=targets)   # {question: {"seconds", "median", "size"}}

or one question at a time: ``sb.timed(sb.model_page, con, "bert-base-uncased", repeat=5)``.
Standalone: ``python benchmarks/sqlite_baseline.py DB --licenses-json F --cards-json F``.

What :func:`prepare` changes: it adds indexes (``CREATE INDEX IF NOT EXISTS``; ``ptmx import``
reads tables only, so they do not affect it) and runs ANALYZE on the database file; the side
data that PeaTMOSS does not ship inside the database (project license scan, model cards) goes
into a separate SQLite file beside it (``<db>.side.db``, attached as ``side``), converted with
ptmx's own importer functions so both tools answer from the same rows.

Each question function returns its answer (rows or a dict), so callers can check that ptmx and
sqlite3 agree on sizes; :func:`timed` and :func:`run_all` return wall-clock seconds per run.
Questions: name search (substring LIKE, ranked like ptmx's), model page, project page, license
audit (every link joined with both sides' licenses, fetched), cards report (documentation
completeness of every model, aggregated), depth-2 neighbourhood (no per-branch limit).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# Lookups a careful user adds to PeaTMOSS.db (the release only has its PK/UNIQUE indexes).
INDEXES = (
    # model by name, case-insensitively (exact ids and prefixes; LIKE '%x%' still scans)
    "CREATE INDEX IF NOT EXISTS bx_model_context_nocase ON model (context_id COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS bx_model_downloads ON model (downloads)",
    # project → models (the PK covers model → projects)
    "CREATE INDEX IF NOT EXISTS bx_mrr_repo ON model_to_reuse_repository "
    "(reuse_repository_id, model_id)",
    "CREATE INDEX IF NOT EXISTS bx_reuse_file_link ON reuse_file "
    "(model_id, reuse_repository_id, path)",
    "CREATE INDEX IF NOT EXISTS bx_repo_nocase ON reuse_repository "
    "(owner COLLATE NOCASE, name COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS bx_model_to_license_license ON model_to_license (license_id)",
)
SIDE_SCHEMA = (
    "CREATE TABLE repo_license (reuse_repository_id INTEGER, license_key VARCHAR)",
    "CREATE INDEX repo_license_id ON repo_license (reuse_repository_id, license_key)",
    "CREATE TABLE model_card (model_id INTEGER, model VARCHAR, datasets VARCHAR, "
    "frameworks VARCHAR, task VARCHAR, model_type VARCHAR, license VARCHAR, base_model VARCHAR, "
    "paper VARCHAR, github VARCHAR, parameter_count VARCHAR, hardware VARCHAR, carbon VARCHAR, "
    "limitations_and_bias VARCHAR, demo VARCHAR, input_format VARCHAR, output_format VARCHAR, "
    "hyper_parameters VARCHAR, evaluation VARCHAR)",
    "CREATE INDEX model_card_id ON model_card (model_id)",
    "CREATE TABLE model_base (model_id INTEGER, base_model VARCHAR, base_model_id INTEGER)",
    "CREATE INDEX model_base_model ON model_base (model_id)",
    "CREATE INDEX model_base_base ON model_base (base_model_id)",
    "CREATE INDEX model_base_name ON model_base (base_model COLLATE NOCASE)",
)
CARD_FIELDS = ("task", "model_type", "license", "base_model", "paper", "github",
               "parameter_count", "hardware", "carbon", "limitations_and_bias", "demo",
               "input_format", "output_format", "hyper_parameters", "evaluation")
# (page field, lookup table, link table, key column), as on ptmx's model page
MODEL_LISTS = (
    ("tags", "tag", "model_to_tag", "tag_id"),
    ("datasets", "dataset", "model_to_dataset", "dataset_id"),
    ("papers", "paper", "model_to_paper", "paper_id"),
    ("libraries", "library", "model_to_library", "library_id"),
    ("frameworks", "framework", "model_to_framework", "framework_id"),
    ("architectures", "architecture", "model_to_architecture", "architecture_id"),
    ("languages", "language", "model_to_language", "language_id"),
)
CORE_TABLES = ("model", "license", "model_to_license", "reuse_repository",
               "model_to_reuse_repository")


def side_path(db: Path) -> Path:
    """Where :func:`prepare` keeps the side tables for ``db``."""
    return db.with_name(db.name + ".side.db")


# --- setup ---------------------------------------------------------------------------------


def prepare(db: str | Path, *, licenses_json: str | Path | None = None,
            cards_json: str | Path | None = None) -> dict[str, float]:
    """Add the indexes and ANALYZE ``db``; build the side file from the JSON inputs.

    Idempotent for the indexes; the side file is rebuilt each call. Returns seconds per step.
    """
    db = Path(db)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    con = sqlite3.connect(db)
    try:
        for sql in INDEXES:
            con.execute(sql)
        con.execute("ANALYZE")
        con.commit()
    finally:
        con.close()
    timings["indexes"] = time.perf_counter() - started
    started = time.perf_counter()
    _build_side(db, licenses_json, cards_json)
    timings["side"] = time.perf_counter() - started
    return timings


def _build_side(db: Path, licenses_json: str | Path | None,
                cards_json: str | Path | None) -> None:
    # ptmx's own converters, so that both tools read identical rows.
    from ptmx.ingest.extensions import card_rows, load_json, repo_license_rows

    side = side_path(db)
    side.unlink(missing_ok=True)
    main = sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True)
    out = sqlite3.connect(side)
    try:
        for sql in SIDE_SCHEMA:
            out.execute(sql)
        if licenses_json:
            projects = {f"{o}/{n}".lower(): i for i, o, n in
                        main.execute("SELECT id, owner, name FROM reuse_repository")}
            table, _ = repo_license_rows(load_json(Path(licenses_json), "licenses"), projects)
            out.executemany("INSERT INTO repo_license VALUES (?, ?)",
                            zip(table.column("reuse_repository_id").to_pylist(),
                                table.column("license_key").to_pylist(), strict=True))
        if cards_json:
            models = {str(c): int(i) for i, c in main.execute("SELECT id, context_id FROM model")}
            cards, bases, _ = card_rows(load_json(Path(cards_json), "cards"), models)
            rows = cards.select(["model_id", "model", "datasets", "frameworks", *CARD_FIELDS])
            out.executemany(
                f"INSERT INTO model_card VALUES ({', '.join('?' * rows.num_columns)})",
                ([json.dumps(v) if isinstance(v, list) else v for v in row.values()]
                 for row in rows.to_pylist()))
            out.executemany("INSERT INTO model_base VALUES (?, ?, ?)", (
                (r["model_id"], r["base_model"], r["base_model_id"])
                for r in bases.to_pylist()))
        out.execute("ANALYZE")
        out.commit()
    finally:
        out.close()
        main.close()


def connect(db: str | Path) -> sqlite3.Connection:
    """A read-only connection with the side file attached as ``side``; checks the core tables
    (what `ptmx` validates at open)."""
    db = Path(db)
    con = sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True, check_same_thread=False)
    side = side_path(db)
    if side.exists():
        con.execute("ATTACH DATABASE ? AS side", (f"file:{side.resolve()}?mode=ro",))
    else:  # no side data: empty stand-ins so every question still runs
        con.execute("ATTACH DATABASE ':memory:' AS side")
        for sql in SIDE_SCHEMA:
            con.execute(sql.replace("CREATE TABLE ", "CREATE TABLE side.")
                        .replace("CREATE INDEX ", "CREATE INDEX side."))
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for t in CORE_TABLES if t not in names]
    if missing:
        con.close()
        raise ValueError(f"{db}: not a PeaTMOSS database (missing {', '.join(missing)})")
    return con


# --- the questions -------------------------------------------------------------------------


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def open_db(db: str | Path) -> sqlite3.Connection:
    """Open and validate (the counterpart of opening a ptmx dataset)."""
    con = connect(db)
    con.execute("SELECT count(*) FROM model").fetchone()
    return con


def search(con: sqlite3.Connection, text: str, limit: int = 100) -> list[tuple[Any, ...]]:
    """Models whose id contains ``text`` (case-insensitive): exact, then prefix, then substring
    matches, each by downloads; with license and reuse count, one page of ``limit``."""
    needle = _like_escape(text.strip())
    return con.execute(
        r"""SELECT m.id, m.context_id, m.downloads, m.likes,
                   (SELECT group_concat(name, ' AND ') FROM (
                        SELECT l.name FROM model_to_license ml JOIN license l ON l.id = ml.license_id
                        WHERE ml.model_id = m.id ORDER BY l.name)) AS license,
                   (SELECT count(*) FROM model_to_reuse_repository x
                    WHERE x.model_id = m.id) AS reuse_count
            FROM model m
            WHERE m.context_id LIKE '%' || :n || '%' ESCAPE '\'
            ORDER BY CASE WHEN m.context_id = :t COLLATE NOCASE THEN 0
                          WHEN m.context_id LIKE :n || '%' ESCAPE '\'
                            OR m.context_id LIKE '%/' || :n || '%' ESCAPE '\' THEN 1
                          ELSE 2 END,
                     m.downloads DESC, m.context_id
            LIMIT :limit""",
        {"n": needle, "t": text.strip(), "limit": limit},
    ).fetchall()


def _model_id(con: sqlite3.Connection, name: str) -> int | None:
    row = con.execute("SELECT id FROM model WHERE context_id = ?", (name,)).fetchone() or \
        con.execute("SELECT id FROM model WHERE context_id = ? COLLATE NOCASE ORDER BY id LIMIT 1",
                    (name,)).fetchone()
    return row[0] if row else None


def _project_id(con: sqlite3.Connection, ref: str) -> int | None:
    owner, _, name = ref.partition("/")
    row = con.execute(
        """SELECT id FROM reuse_repository
           WHERE owner = ? COLLATE NOCASE AND name = ? COLLATE NOCASE
           ORDER BY (owner = ? AND name = ?) DESC, id LIMIT 1""",
        (owner, name, owner, name)).fetchone()
    return row[0] if row else None


def _column(con: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[Any]:
    return [r[0] for r in con.execute(sql, params)]


def model_page(con: sqlite3.Connection, name: str) -> dict[str, Any] | None:
    """Everything about one model, as on ptmx's model page."""
    mid = _model_id(con, name)
    if mid is None:
        return None
    head = con.execute(
        """SELECT m.id, m.context_id, h.name, m.repo_url, m.sha, m.downloads, m.likes
           FROM model m LEFT JOIN model_hub h ON h.id = m.model_hub_id WHERE m.id = ?""",
        (mid,)).fetchone()
    page: dict[str, Any] = dict(zip(
        ("id", "model", "hub", "repo_url", "sha", "downloads", "likes"), head, strict=True))
    page["licenses"] = _column(con, """SELECT l.name FROM model_to_license ml
                                       JOIN license l ON l.id = ml.license_id
                                       WHERE ml.model_id = ? ORDER BY l.name""", (mid,))
    page["projects"] = con.execute(
        """SELECT r.owner || '/' || r.name AS project, r.url,
                  (SELECT group_concat(path, char(10)) FROM (
                       SELECT DISTINCT f.path FROM reuse_file f
                       WHERE f.model_id = x.model_id AND f.reuse_repository_id = r.id
                       ORDER BY f.path)) AS files
           FROM model_to_reuse_repository x JOIN reuse_repository r ON r.id = x.reuse_repository_id
           WHERE x.model_id = ? ORDER BY project""", (mid,)).fetchall()
    page["reuse_count"] = len(page["projects"])
    for attr, table, link, key in MODEL_LISTS:
        page[attr] = _column(con, f"SELECT t.name FROM {link} x JOIN {table} t ON t.id = x.{key} "
                                  "WHERE x.model_id = ? ORDER BY t.name", (mid,))
    page["base_models"] = con.execute(
        "SELECT base_model, base_model_id IS NOT NULL FROM side.model_base WHERE model_id = ? "
        "ORDER BY base_model", (mid,)).fetchall()
    page["derived_models"] = _column(
        con, """SELECT m.context_id FROM side.model_base b JOIN model m ON m.id = b.model_id
                WHERE b.base_model_id = ?
                   OR (b.base_model_id IS NULL AND b.base_model = ? COLLATE NOCASE)
                ORDER BY m.context_id""", (mid, page["model"]))
    card = con.execute("SELECT * FROM side.model_card WHERE model_id = ? LIMIT 1",
                       (mid,)).fetchone()
    page["card"] = card
    return page


def project_page(con: sqlite3.Connection, ref: str) -> dict[str, Any] | None:
    """One project: its license scan and the models it reuses (license, downloads, reuse count,
    files)."""
    pid = _project_id(con, ref)
    if pid is None:
        return None
    project, url = con.execute(
        "SELECT owner || '/' || name, url FROM reuse_repository WHERE id = ?", (pid,)).fetchone()
    scan = con.execute("SELECT license_key FROM side.repo_license WHERE reuse_repository_id = ? "
                       "ORDER BY license_key", (pid,)).fetchall()
    models = con.execute(
        """SELECT m.context_id,
                  (SELECT group_concat(name, ' AND ') FROM (
                       SELECT l.name FROM model_to_license ml JOIN license l ON l.id = ml.license_id
                       WHERE ml.model_id = m.id ORDER BY l.name)) AS license,
                  m.downloads,
                  (SELECT count(*) FROM model_to_reuse_repository y
                   WHERE y.model_id = m.id) AS reuse_count,
                  (SELECT group_concat(path, char(10)) FROM (
                       SELECT DISTINCT f.path FROM reuse_file f
                       WHERE f.model_id = m.id AND f.reuse_repository_id = x.reuse_repository_id
                       ORDER BY f.path)) AS files
           FROM model_to_reuse_repository x JOIN model m ON m.id = x.model_id
           WHERE x.reuse_repository_id = ? ORDER BY m.context_id""", (pid,)).fetchall()
    return {"id": pid, "project": project, "url": url,
            "licenses": None if not scan else [k for (k,) in scan if k is not None],
            "models": models}


def license_audit(con: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Every model→project link with the model's license tags (card license as fallback) and
    the project's scanned keys ('NONE' scanned without a license, NULL never scanned).

    Only gathers the pairs; ptmx also judges each distinct pair, so this is a lower bound.
    Correlated lookups per link (indexed) beat grouping the whole license tables first."""
    return con.execute(
        """SELECT m.context_id,
                  coalesce((SELECT group_concat(name, ' AND ') FROM (
                                SELECT l.name FROM model_to_license ml
                                JOIN license l ON l.id = ml.license_id
                                WHERE ml.model_id = x.model_id ORDER BY l.name)),
                           (SELECT max(license) FROM side.model_card c
                            WHERE c.model_id = x.model_id)) AS upstream,
                  r.owner || '/' || r.name AS project,
                  (SELECT CASE WHEN count(*) = 0 THEN NULL
                               WHEN count(license_key) = 0 THEN 'NONE'
                               ELSE group_concat(license_key, ' AND ') END
                   FROM (SELECT license_key FROM side.repo_license
                         WHERE reuse_repository_id = x.reuse_repository_id
                         ORDER BY license_key)) AS downstream
           FROM model_to_reuse_repository x
           JOIN model m ON m.id = x.model_id
           JOIN reuse_repository r ON r.id = x.reuse_repository_id
           ORDER BY m.context_id, project""").fetchall()


def cards_report(con: sqlite3.Connection) -> dict[str, Any]:
    """Documentation completeness of every model: how many have a card, how many card fields
    are filled, license/datasets/papers coverage; per card field; per license and library.

    Written the way a careful user would: aggregate the small tables (cards, link tables) by
    id and join names last, rather than probing every one of the models."""
    filled = " + ".join(f"(c.{f} IS NOT NULL AND trim(c.{f}) <> '')" for f in CARD_FIELDS)
    card_cte = f"WITH card AS (SELECT model_id, {filled} AS filled FROM side.model_card c)"
    overall = con.execute(
        f"""{card_cte}
            SELECT (SELECT count(*) FROM model),
                   (SELECT count(DISTINCT model_id) FROM card),
                   (SELECT coalesce(sum(filled), 0) FROM card) * 1.0 / (SELECT count(*) FROM model),
                   (SELECT count(DISTINCT model_id) FROM model_to_license),
                   (SELECT count(DISTINCT model_id) FROM model_to_dataset),
                   (SELECT count(DISTINCT model_id) FROM model_to_paper)""").fetchone()
    per_field = ", ".join(f"sum(c.{f} IS NOT NULL AND trim(c.{f}) <> '')" for f in CARD_FIELDS)
    report: dict[str, Any] = {
        "overall": overall,
        "fields": dict(zip(CARD_FIELDS, con.execute(
            f"SELECT {per_field} FROM side.model_card c").fetchone(), strict=True)),
    }
    for label, link, key, lookup in (("by_license", "model_to_license", "license_id", "license"),
                                     ("by_library", "model_to_library", "library_id", "library")):
        rows = con.execute(
            f"""{card_cte}
                SELECT t.name, x.n, x.cards, x.filled
                FROM (SELECT ml.{key} AS id, count(*) AS n, count(card.model_id) AS cards,
                             sum(card.filled) AS filled
                      FROM {link} ml LEFT JOIN card ON card.model_id = ml.model_id
                      GROUP BY ml.{key}) x
                JOIN {lookup} t ON t.id = x.id ORDER BY x.n DESC""").fetchall()
        none = con.execute(
            f"""{card_cte}
                SELECT (SELECT count(*) FROM model)
                       - (SELECT count(DISTINCT model_id) FROM {link}),
                       count(*), sum(filled)
                FROM card WHERE NOT EXISTS (
                    SELECT 1 FROM {link} ml WHERE ml.model_id = card.model_id)""").fetchone()
        report[label] = [*rows, ("(none)", *none)]
    return report


def neighbourhood(con: sqlite3.Connection, name: str, depth: int = 2) -> dict[str, set[Any]]:
    """Nodes within ``depth`` hops of a model: from a model its bases, derived models and
    reusing projects; from a project the models it uses (no per-branch limit)."""
    mid = _model_id(con, name)
    if mid is None:
        return {}
    models: set[int] = {mid}
    projects: set[int] = set()
    frontier_models, frontier_projects = {mid}, set()
    for _ in range(depth):
        new_models: set[int] = set()
        new_projects: set[int] = set()
        if frontier_models:
            ids = json.dumps(sorted(frontier_models))
            new_projects.update(_column(
                con, "SELECT reuse_repository_id FROM model_to_reuse_repository "
                     "WHERE model_id IN (SELECT value FROM json_each(?))", (ids,)))
            new_models.update(_column(
                con, """SELECT base_model_id FROM side.model_base
                        WHERE model_id IN (SELECT value FROM json_each(?))
                          AND base_model_id IS NOT NULL
                        UNION SELECT model_id FROM side.model_base
                        WHERE base_model_id IN (SELECT value FROM json_each(?))""", (ids, ids)))
        if frontier_projects:
            ids = json.dumps(sorted(frontier_projects))
            new_models.update(_column(
                con, "SELECT model_id FROM model_to_reuse_repository "
                     "WHERE reuse_repository_id IN (SELECT value FROM json_each(?))", (ids,)))
        frontier_models = new_models - models
        frontier_projects = new_projects - projects
        models |= frontier_models
        projects |= frontier_projects
    names = json.dumps(sorted(models))
    rows = con.execute(
        """SELECT m.id, m.context_id, m.downloads FROM model m
           WHERE m.id IN (SELECT value FROM json_each(?))""", (names,)).fetchall()
    proj = con.execute(
        """SELECT id, owner || '/' || name FROM reuse_repository
           WHERE id IN (SELECT value FROM json_each(?))""",
        (json.dumps(sorted(projects)),)).fetchall()
    return {"models": set(rows), "projects": set(proj)}


# --- timing --------------------------------------------------------------------------------


def timed(fn: Callable[..., Any], *args: Any, repeat: int = 5, warmup: int = 1,
          **kwargs: Any) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn(*args)`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn(*args, **kwargs)
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn(*args, **kwargs)
        seconds.append(time.perf_counter() - started)
    return seconds


def pick_targets(con: sqlite3.Connection) -> dict[str, str]:
    """Deterministic inputs for the questions: the most reused model (the heaviest page and
    neighbourhood), a typical reused model, the busiest project, a one-model project, and a
    search term."""
    def one(sql: str) -> Any:
        return con.execute(sql).fetchone()[0]

    reuse = """SELECT m.context_id FROM model m JOIN (
                   SELECT model_id, count(*) AS n FROM model_to_reuse_repository
                   GROUP BY model_id) x ON x.model_id = m.id"""
    busiest = """SELECT r.owner || '/' || r.name FROM reuse_repository r JOIN (
                     SELECT reuse_repository_id AS id, count(*) AS n
                     FROM model_to_reuse_repository GROUP BY 1) x ON x.id = r.id"""
    return {
        "top_model": one(reuse + " ORDER BY x.n DESC, m.id LIMIT 1"),
        "typical_model": one(reuse + " WHERE x.n BETWEEN 3 AND 10 ORDER BY m.id LIMIT 1"),
        "top_project": one(busiest + " ORDER BY x.n DESC, r.id LIMIT 1"),
        "small_project": one(busiest + " WHERE x.n = 1 ORDER BY r.id LIMIT 1"),
        "search": "bert",
    }


def run_all(db: str | Path, *, repeat: int = 5, targets: dict[str, str] | None = None
            ) -> dict[str, dict[str, Any]]:
    """Every question on ``db`` (already :func:`prepare`-d): seconds per run, median, size."""
    import statistics  # here, not at the top: whole_process.py times a bare import of this file

    results: dict[str, dict[str, Any]] = {}

    def record(label: str, seconds: list[float], size: int) -> None:
        results[label] = {"seconds": seconds, "median": statistics.median(seconds), "size": size}

    opened: list[sqlite3.Connection] = []
    record("open", timed(lambda: opened.append(open_db(db)), repeat=repeat, warmup=0), 1)
    for con in opened:
        con.close()
    con = connect(db)
    try:
        t = targets or pick_targets(con)
        questions: list[tuple[str, Callable[..., Any], tuple[Any, ...]]] = [
            ("search", search, (t["search"],)),
            ("model_page", model_page, (t["top_model"],)),
            ("model_page_typical", model_page, (t["typical_model"],)),
            ("project_page", project_page, (t["top_project"],)),
            ("project_page_small", project_page, (t["small_project"],)),
            ("license_audit", license_audit, ()),
            ("cards_report", cards_report, ()),
            ("neighbourhood_depth2", neighbourhood, (t["top_model"], 2)),
            ("neighbourhood_depth2_typical", neighbourhood, (t["typical_model"], 2)),
        ]
        for label, fn, args in questions:
            answer = fn(con, *args)
            seconds = timed(fn, con, *args, repeat=repeat, warmup=0)
            record(label, seconds, _size(answer))
        results["_targets"] = dict(t)
    finally:
        con.close()
    return results


def _size(answer: Any) -> int:
    if answer is None:
        return 0
    if isinstance(answer, dict):
        if "overall" in answer:  # cards report: models assessed
            return int(answer["overall"][0])
        if "models" in answer and isinstance(answer["models"], set | list):
            return len(answer["models"]) + len(answer.get("projects", ()))
        return len(answer.get("projects", answer))
    return len(answer)


def main(argv: Sequence[str] | None = None) -> int:
    """``python benchmarks/sqlite_baseline.py DB [--licenses-json F] [--cards-json F]``:
    prepare (unless --no-prepare), run every question, print JSON timings."""
    import argparse

    parser = argparse.ArgumentParser(prog="sqlite_baseline.py", description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--licenses-json", type=Path)
    parser.add_argument("--cards-json", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-prepare", action="store_true",
                        help="skip indexes and side tables (already prepared)")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"sqlite_baseline.py: {args.db}: file not found", file=sys.stderr)
        return 2
    out: dict[str, Any] = {}
    if not args.no_prepare:
        out["prepare"] = prepare(args.db, licenses_json=args.licenses_json,
                                 cards_json=args.cards_json)
    out["questions"] = run_all(args.db, repeat=args.repeat)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
