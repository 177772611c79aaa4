"""The licence engine's SQL (the only place in ptmx.licenses that talks to the store).

Two reads: model→project links with both sides' licences, and base→derived edges. For the audit
each is one query for the whole dataset (optionally filtered by a model or project id, always as
bind parameters); the engine then judges each distinct licence pair once. A page (one model's or
one project's links, the lineage above its models) reads only its own rows, by id, with small
filters: a one-shot ``ptmx model`` pays for what it shows, not for the dataset's size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ptmx.licenses.chains import HUB_COLUMNS
from ptmx.store import Store

if TYPE_CHECKING:  # imported where a function builds Arrow: page lookups read plain rows
    import pyarrow as pa

# A model's card licence, for models whose dataset row names none.
_CARD_CTE = """
card AS (SELECT model_id, any_value(license) AS license FROM model_card
         WHERE license IS NOT NULL GROUP BY model_id)"""
_NO_CARD_CTE = """
card AS (SELECT CAST(NULL AS BIGINT) AS model_id, CAST(NULL AS VARCHAR) AS license WHERE false)"""


def _ctes(store: Store) -> str:
    return f"WITH {_CARD_CTE if store.has('model_card') else _NO_CARD_CTE}"


# A project's licence is ``project_summary.license``, built with the cache: its distinct
# ScanCode keys as one AND expression (a key that is itself an OR expression parenthesised),
# 'NONE' when scanned with nothing found, NULL when never scanned. The graph reads the same
# column, so every view of a project shows one text.


def links(store: Store, *, model_id: int | None = None,
          project_id: int | None = None) -> pa.Table:
    """One row per model→project link: model_id, model, upstream, project_id, project,
    downstream ('NONE' = scanned without a licence, NULL = never scanned)."""
    sql = f"""
        {_ctes(store)}
        SELECT mr.model_id, ms.model, coalesce(ms.license, card.license) AS upstream,
               mr.reuse_repository_id AS project_id, ps.project, ps.license AS downstream
        FROM model_to_reuse_repository mr
        JOIN model_summary ms ON ms.model_id = mr.model_id
        JOIN project_summary ps ON ps.project_id = mr.reuse_repository_id
        LEFT JOIN card ON card.model_id = mr.model_id
        WHERE (CAST(? AS BIGINT) IS NULL OR mr.model_id = ?)
          AND (CAST(? AS BIGINT) IS NULL OR mr.reuse_repository_id = ?)
        ORDER BY mr.model_id, mr.reuse_repository_id  -- ids: sorting names costs ~2x more
    """
    return store.query(sql, [model_id, model_id, project_id, project_id])


def link_rows(store: Store, *, model_id: int | None = None,
              project_id: int | None = None) -> list[dict[str, Any]]:
    """The links of one model or one project (exactly one of the two), with the columns of
    :func:`links`, as plain rows. Read from the cache's ``reuse_link`` (one row per distinct
    link, sorted by model; a page keys its links by name, so the repeated rows :func:`links`
    keeps change nothing), cards only for models whose dataset row names no licence: at 10x
    PeaTMOSS ~4 ms where filtering :func:`links` took 190 (it aggregates every card first)."""
    if (model_id is None) == (project_id is None):
        raise ValueError("link_rows needs exactly one of model_id and project_id")
    column = "model_id" if model_id is not None else "project_id"  # ptmx's text, not the user's
    rows = store.rows(f"""
        SELECT l.model_id, l.model, l.license AS upstream,
               l.project_id, l.project, ps.license AS downstream
        FROM reuse_link l JOIN project_summary ps ON ps.project_id = l.project_id
        WHERE l.{column} = ?
        ORDER BY l.model_id, l.project_id""", [model_id if model_id is not None else project_id])
    cards = _card_licences(store, sorted({r["model_id"] for r in rows if r["upstream"] is None}))
    for r in rows:
        if r["upstream"] is None:
            r["upstream"] = cards.get(r["model_id"])
    return rows


def _card_licences(store: Store, ids: list[int]) -> dict[int, str]:
    """The licence each of these models' cards names (models with none left out)."""
    if not ids or not store.has("model_card"):
        return {}
    return {r["model_id"]: r["license"] for r in store.rows(f"""
        SELECT model_id, any_value(license) AS license FROM model_card
        WHERE license IS NOT NULL AND {_among("model_id", ids)}
        GROUP BY model_id""", [ids])}


def _among(column: str, ids: list[int]) -> str:
    """``column`` is one of ``ids`` (bound as one list parameter). A few ids: a plain filter
    (list_contains, ~2 ms at 1x where a semi-join costs ~3.5); many (a busy project's 223
    models): a hash semi-join, as list_contains compares every row with every id."""
    if len(ids) <= 16:
        return f"list_contains(CAST(? AS BIGINT[]), {column})"
    return f"{column} IN (SELECT unnest(CAST(? AS BIGINT[])))"


# One base→derived edge with both sides' names and licences (the dataset's, else the card's), as
# :func:`edges` reads them for the audit (:func:`ancestry` gives a page's edges the same columns).
_EDGE_SELECT = """SELECT b.base_model AS base, b.base_model_id AS base_id,
               coalesce(bs.license, bc.license) AS upstream,
               coalesce(ds.model, b.model) AS derived, b.model_id AS derived_id,
               coalesce(ds.license, dc.license) AS downstream, b.relation
        FROM model_base b
        LEFT JOIN model_summary bs ON bs.model_id = b.base_model_id
        LEFT JOIN card bc ON bc.model_id = b.base_model_id
        LEFT JOIN model_summary ds ON ds.model_id = b.model_id
        LEFT JOIN card dc ON dc.model_id = b.model_id"""


def edges(store: Store, *, model_id: int | None = None) -> pa.Table:
    """One row per base→derived edge: base, base_id (NULL when the base is not in the dataset),
    upstream, derived, derived_id, downstream, relation. ``model_id`` keeps edges where it is
    either the base or the derived model."""
    if not store.has("model_base"):
        import pyarrow as pa

        return pa.table({name: pa.array([], pa.string()) for name in
                         ("base", "upstream", "derived", "downstream", "relation")})
    sql = f"""
        {_ctes(store)}
        {_EDGE_SELECT}
        WHERE CAST(? AS BIGINT) IS NULL OR b.model_id = ? OR b.base_model_id = ?
        ORDER BY b.base_model_id NULLS LAST, b.model_id, b.base_model
    """
    return store.query(sql, [model_id, model_id, model_id])


def ancestry(store: Store, model_ids: list[int]) -> list[dict[str, Any]]:
    """The base edges above these models, to the top of each chain (the columns and order of
    :func:`edges`): what their chains need, without reading every edge of the dataset.

    Read a level at a time (a chain has a handful of hops): a recursive CTE joined the whole
    edge table at every step, 20-40 ms for a model with no base at all at 10x PeaTMOSS, where a
    level is a 2 ms filter. A model met again (a cycle) is not read twice."""
    if not store.has("model_base") or not model_ids:
        return []
    found: list[dict[str, Any]] = []
    seen = set(model_ids)
    frontier = sorted(seen)
    while frontier:
        level = store.rows(f"""
            SELECT base_model, base_model_id, model, model_id, relation FROM model_base
            WHERE {_among("model_id", frontier)}""", [frontier])
        found.extend(level)
        frontier = sorted({r["base_model_id"] for r in level} - seen - {None})
        seen.update(frontier)
    if not found:
        return []
    names, licences = _names_and_licences(
        store, sorted({r["model_id"] for r in found} | {r["base_model_id"] for r in found} - {None}))
    rows = [{"base": r["base_model"], "base_id": r["base_model_id"],
             "upstream": licences.get(r["base_model_id"]),
             "derived": names.get(r["model_id"], r["model"]), "derived_id": r["model_id"],
             "downstream": licences.get(r["model_id"]), "relation": r["relation"]}
            for r in found]
    # ORDER BY base_id NULLS LAST, derived_id, base (DuckDB and Python both order text by
    # code point).
    rows.sort(key=lambda r: (r["base_id"] is None, r["base_id"] or 0, r["derived_id"],
                             r["base"] is None, r["base"] or ""))
    return rows


def _names_and_licences(store: Store, ids: list[int]) -> tuple[dict[int, str], dict[int, str]]:
    """These models' names (those in the dataset) and licences (the dataset's, else their
    card's; models with neither are left out). Cards are read only for the models whose
    dataset row names no licence: most chains need none."""
    names: dict[int, str] = {}
    licences: dict[int, str] = {}
    for r in store.rows(f"""SELECT model_id, model, license FROM model_summary
                            WHERE {_among("model_id", ids)}""", [ids]):
        if r["model"] is not None:
            names[r["model_id"]] = r["model"]
        if r["license"] is not None:
            licences[r["model_id"]] = r["license"]
    licences.update(_card_licences(store, [i for i in ids if i not in licences]))
    return names, licences


def model_license(store: Store, model_id: int) -> tuple[str, str | None]:
    """A model's name and licence (the dataset's, else its card's), by id."""
    rows = store.rows("SELECT model, license FROM model_summary WHERE model_id = ?", [model_id])
    if not rows:
        return ("", None)
    license = rows[0]["license"]
    if license is None:
        license = _card_licences(store, [model_id]).get(model_id)
    return rows[0]["model"], license


# ------------------------------------------------------------------------------------ remedies
_CANDIDATE_COLUMNS = """ms.model_id, ms.model, coalesce(ms.license, card.license) AS license,
               ms.reuse_count, ms.downloads"""
_CANDIDATE_ORDER = "ORDER BY ms.reuse_count DESC, ms.downloads DESC NULLS LAST, ms.model LIMIT ?"


def tasks(store: Store, model_ids: list[int], pipeline_tags: list[str]) -> dict[int, str]:
    """Each model's task: a pipeline tag among its tags, else its card's task (normalised to the
    tag spelling). Models with neither are left out."""
    found: dict[int, str] = {}
    if store.has("model_to_tag") and store.has("tag"):
        rows = store.query("""
            SELECT mt.model_id, min(t.name) AS task
            FROM model_to_tag mt JOIN tag t ON t.id = mt.tag_id
            WHERE mt.model_id IN (SELECT unnest(CAST(? AS BIGINT[])))
              AND t.name IN (SELECT unnest(CAST(? AS VARCHAR[])))
            GROUP BY 1""", [model_ids, pipeline_tags]).to_pylist()
        found.update({r["model_id"]: r["task"] for r in rows})
    if store.has("model_card"):
        rows = store.query("""
            SELECT model_id, any_value(regexp_replace(lower(trim(task)), '[ _]+', '-', 'g')) AS task
            FROM model_card
            WHERE model_id IN (SELECT unnest(CAST(? AS BIGINT[]))) AND task IS NOT NULL
            GROUP BY 1""", [model_ids]).to_pylist()
        for r in rows:
            if r["task"] in pipeline_tags:
                found.setdefault(r["model_id"], r["task"])
    return found


def architectures(store: Store, model_ids: list[int]) -> dict[int, str]:
    """Each model's architecture (e.g. BertForMaskedLM), where the dataset records one."""
    if not (store.has("model_to_architecture") and store.has("architecture")):
        return {}
    rows = store.query("""
        SELECT ma.model_id, min(a.name) AS architecture
        FROM model_to_architecture ma JOIN architecture a ON a.id = ma.architecture_id
        WHERE ma.model_id IN (SELECT unnest(CAST(? AS BIGINT[])))
        GROUP BY 1""", [model_ids]).to_pylist()
    return {r["model_id"]: r["architecture"] for r in rows}


def candidates_by_task(store: Store, task: str, limit: int) -> pa.Table:
    """The most reused models with this task (pipeline tag or card task), best first."""
    parts = []
    params: list[object] = []
    if store.has("model_to_tag") and store.has("tag"):
        parts.append("""SELECT mt.model_id FROM model_to_tag mt JOIN tag t ON t.id = mt.tag_id
                        WHERE t.name = ?""")
        params.append(task)
    if store.has("model_card"):
        parts.append("""SELECT model_id FROM model_card
                        WHERE regexp_replace(lower(trim(task)), '[ _]+', '-', 'g') = ?""")
        params.append(task)
    if not parts:
        import pyarrow as pa

        return pa.table({})
    sql = f"""
        {_ctes(store)}, job AS ({" UNION ".join(parts)})
        SELECT {_CANDIDATE_COLUMNS}
        FROM model_summary ms JOIN job ON job.model_id = ms.model_id
        LEFT JOIN card ON card.model_id = ms.model_id
        {_CANDIDATE_ORDER}"""
    return store.query(sql, [*params, limit])


def candidates_by_architecture(store: Store, architecture: str, limit: int) -> pa.Table:
    """The most reused models of this architecture, best first."""
    sql = f"""
        {_ctes(store)}
        SELECT {_CANDIDATE_COLUMNS}
        FROM model_summary ms
        JOIN model_to_architecture ma ON ma.model_id = ms.model_id
        JOIN architecture a ON a.id = ma.architecture_id
        LEFT JOIN card ON card.model_id = ms.model_id
        WHERE a.name = ?
        {_CANDIDATE_ORDER}"""
    return store.query(sql, [architecture, limit])


def candidates_by_ids(store: Store, model_ids: list[int], limit: int) -> pa.Table:
    """These models (a base family), most reused first."""
    sql = f"""
        {_ctes(store)}
        SELECT {_CANDIDATE_COLUMNS}
        FROM model_summary ms LEFT JOIN card ON card.model_id = ms.model_id
        WHERE ms.model_id IN (SELECT unnest(CAST(? AS BIGINT[])))
        {_CANDIDATE_ORDER}"""
    return store.query(sql, [model_ids, limit])


def candidates_by_name(store: Store, pattern: str, limit: int) -> pa.Table:
    """Models whose name (after the owner) matches ``pattern`` (a regular expression on the
    lower-case id, bound as a parameter), most reused first."""
    sql = f"""
        {_ctes(store)}
        SELECT {_CANDIDATE_COLUMNS}
        FROM model_summary ms LEFT JOIN card ON card.model_id = ms.model_id
        WHERE regexp_matches(ms.model_lc, ?)
        {_CANDIDATE_ORDER}"""
    return store.query(sql, [pattern, limit])


# ------------------------------------------------------------------------------------ hub lineage
HUB_TABLES = ("hub_snapshot", "hub_models")  # written by `hub refresh` and `hub crawl`
MAX_HUB_DEPTH = 32  # levels a page's hub walk follows (real chains have a handful)
_HUB_COLUMNS = {"license": "VARCHAR", "license_name": "VARCHAR", "license_link": "VARCHAR",
                "base_models": "VARCHAR[]", "base_model_relation": "VARCHAR"}


_HUB_EXTRA = {"live_id": "VARCHAR", "pipeline_tag": "VARCHAR", "downloads": "BIGINT",
              "private": "BOOLEAN"}


def _hub_rows_sql(store: Store, extra: tuple[str, ...] = ()) -> str | None:
    """Every row of both hub tables as (model, status, fetched_at, licence and lineage
    columns); a column an older table lacks (``license_link`` in hub_snapshot) reads as NULL.
    None when neither table is there."""
    tables = [t for t in HUB_TABLES if store.has(t)]
    if not tables:
        return None
    columns = store.columns()
    parts = []
    for table in tables:
        have = {name for name, _ in columns.get(table, [])}
        if not {"model", "status", "fetched_at", "base_models"} <= have:
            continue
        wanted = {**_HUB_COLUMNS, **{c: _HUB_EXTRA[c] for c in extra}}
        cols = ", ".join(c if c in have else f"CAST(NULL AS {t}) AS {c}"
                         for c, t in wanted.items())
        parts.append(f"SELECT model, status, fetched_at, {cols} FROM {table}")
    return " UNION ALL ".join(parts) or None


def hub_bases(store: Store, model_ids: list[int] | None = None) -> dict[str, list[Any]]:
    """The Hub's ``base_model`` edges above the dataset's models (``model_ids`` only, when
    given), followed upwards through models outside the dataset, from the newest hub row per
    model (hub_snapshot and hub_models; a model whose newest row is a failure adds nothing).

    One value per edge in each column (:data:`HUB_COLUMNS`): child, parent, relation,
    child_id / parent_id (the dataset's, NULL outside it), parent_license (the dataset's), and
    the parent's newest hub row: hub_license, license_name, license_link, parent_on_hub
    (whether the hub answered for it)."""
    rows_sql = _hub_rows_sql(store)
    if rows_sql is None:
        return {name: [] for name in HUB_COLUMNS}
    if model_ids is not None:
        return _hub_bases_above(store, rows_sql, model_ids)
    # The walk starts at the models whose chains the audit judges: the reused ones and both
    # ends of the dataset's base edges (a crawl of the whole Hub holds millions of others).
    lineage_ids = ("UNION SELECT model_id FROM model_base UNION SELECT base_model_id "
                   "FROM model_base" if store.has("model_base") else "")
    start = f"""SELECT child_l FROM hub_edges WHERE child_l IN (
                    SELECT model_lc FROM model_summary WHERE model_id IN (
                        SELECT model_id FROM model_summary WHERE reuse_count > 0
                        {lineage_ids}))"""
    sql = f"""
        {_ctes(store)},
        latest AS MATERIALIZED (
            SELECT *, lower(model) AS model_l FROM ({rows_sql})
            QUALIFY row_number() OVER (PARTITION BY lower(model)
                                       ORDER BY fetched_at DESC NULLS LAST) = 1),
        hub_edges AS MATERIALIZED (
            SELECT child, child_l, parent, lower(parent) AS parent_l, relation FROM (
                SELECT model AS child, model_l AS child_l, unnest(base_models) AS parent,
                       coalesce(base_model_relation, 'unspecified') AS relation
                FROM latest WHERE status IN ('ok', 'renamed'))
            WHERE parent IS NOT NULL AND lower(parent) <> child_l),
        up AS (
            WITH RECURSIVE up(name) AS (
                {start}
                UNION
                SELECT e.parent_l FROM up JOIN hub_edges e ON e.child_l = up.name)
            SELECT name FROM up)
        SELECT coalesce(cs.model, e.child) AS child, coalesce(ps.model, e.parent) AS parent,
               e.relation, cs.model_id AS child_id, ps.model_id AS parent_id,
               coalesce(ps.license, pc.license) AS parent_license, ph.license AS hub_license,
               ph.license_name, ph.license_link,
               coalesce(ph.status IN ('ok', 'renamed'), false) AS parent_on_hub
        FROM hub_edges e
        LEFT JOIN model_summary cs ON cs.model_lc = e.child_l
        LEFT JOIN model_summary ps ON ps.model_lc = e.parent_l
        LEFT JOIN card pc ON pc.model_id = ps.model_id
        LEFT JOIN latest ph ON ph.model_l = e.parent_l
        WHERE e.child_l IN (SELECT name FROM up)
        ORDER BY e.child_l, e.parent_l
    """
    table = store.query(sql)  # tens of thousands of edges: columns through Arrow
    return {name: table.column(name).to_pylist() for name in HUB_COLUMNS}


def _hub_bases_above(store: Store, rows_sql: str, model_ids: list[int]) -> dict[str, list[Any]]:
    """:func:`hub_bases` for a page's few models, a level at a time: each query reads only the
    newest rows of the names it asks for, so a crawl of millions of rows is never ranked whole
    for one page. Plain rows, no Arrow."""
    names = [r["model_lc"] for r in store.rows(
        "SELECT model_lc FROM model_summary WHERE model_id IN (SELECT unnest(CAST(? AS BIGINT[])))",
        [model_ids])]
    latest: dict[str, dict[str, Any]] = {}
    level = set(names)
    for _ in range(MAX_HUB_DEPTH):
        if not level:
            break
        for r in store.rows(f"""
                SELECT model, lower(model) AS model_l, status, license, license_name, license_link,
                       base_models, base_model_relation
                FROM ({rows_sql}) WHERE lower(model) IN (SELECT unnest(CAST(? AS VARCHAR[])))
                QUALIFY row_number() OVER (PARTITION BY lower(model)
                                           ORDER BY fetched_at DESC NULLS LAST) = 1""",
                [sorted(level)]):
            latest[r["model_l"]] = r
        parents = {p.lower() for n in level for p in _hub_parents(latest.get(n), n)}
        level = parents - set(latest) - set(names)
    edges = sorted((child, parent) for child, row in latest.items()
                   for parent in _hub_parents(row, child))
    dataset = models_by_name(store, sorted({n for e in edges for n in e} | set(latest)))
    out: dict[str, list[Any]] = {name: [] for name in HUB_COLUMNS}
    for child_l, parent in edges:
        parent_l, row = parent.lower(), latest[child_l]
        mine, theirs, up = dataset.get(child_l), dataset.get(parent_l), latest.get(parent_l)
        values = {
            "child": mine["model"] if mine else row["model"],
            "parent": theirs["model"] if theirs else parent, "relation":
            row["base_model_relation"] or "unspecified", "child_id": mine and mine["model_id"],
            "parent_id": theirs and theirs["model_id"],
            "parent_license": theirs and theirs["license"],
            "hub_license": up and up["license"], "license_name": up and up["license_name"],
            "license_link": up and up["license_link"],
            "parent_on_hub": bool(up and up["status"] in ("ok", "renamed"))}
        for name in HUB_COLUMNS:
            out[name].append(values[name])
    return out


def _hub_parents(row: dict[str, Any] | None, name: str) -> list[str]:
    """The base models a newest hub row names (none for a failure)."""
    if row is None or row["status"] not in ("ok", "renamed"):
        return []
    return [p for p in dict.fromkeys(row["base_models"] or []) if p and p.lower() != name]


def models_by_name(store: Store, names: list[str]) -> dict[str, dict[str, Any]]:
    """Dataset models by lower-case id (model_id, model, license), for bases a Hub model
    names."""
    if not names:
        return {}
    rows = store.rows(f"""
        {_ctes(store)}
        SELECT ms.model_lc, ms.model_id, ms.model, coalesce(ms.license, card.license) AS license
        FROM model_summary ms LEFT JOIN card ON card.model_id = ms.model_id
        WHERE ms.model_lc IN (SELECT lower(unnest(CAST(? AS VARCHAR[]))))""", [names])
    return {r["model_lc"]: r for r in rows}


def hub_task_candidates(store: Store, task: str, limit: int) -> list[dict[str, Any]]:
    """Crawled Hub models of this task (pipeline tag), newest row per model, most downloaded
    first: model (the live id), license, license_name, license_link, downloads, bases."""
    rows_sql = _hub_rows_sql(store, ("live_id", "pipeline_tag", "downloads", "private"))
    if rows_sql is None:
        return []
    return store.rows(f"""
        WITH latest AS (
            SELECT * FROM ({rows_sql})
            QUALIFY row_number() OVER (PARTITION BY lower(model)
                                       ORDER BY fetched_at DESC NULLS LAST) = 1)
        SELECT coalesce(live_id, model) AS model, license, license_name, license_link,
               downloads, coalesce(base_models, []) AS bases
        FROM latest
        WHERE status IN ('ok', 'renamed') AND pipeline_tag = ? AND NOT coalesce(private, false)
        ORDER BY downloads DESC NULLS LAST, model LIMIT ?""", [task, limit])


def hub_tasks(store: Store, model_ids: list[int]) -> dict[int, str]:
    """The pipeline tag of each of these models in its newest hub row (hub_models /
    hub_snapshot), for models whose task the dataset does not record."""
    rows_sql = _hub_rows_sql(store, ("pipeline_tag",))
    if rows_sql is None or not model_ids:
        return {}
    rows = store.rows(f"""
        WITH latest AS (
            SELECT * FROM ({rows_sql})
            QUALIFY row_number() OVER (PARTITION BY lower(model)
                                       ORDER BY fetched_at DESC NULLS LAST) = 1)
        SELECT ms.model_id, latest.pipeline_tag AS task
        FROM model_summary ms JOIN latest ON lower(latest.model) = ms.model_lc
        WHERE ms.model_id IN (SELECT unnest(CAST(? AS BIGINT[])))
          AND latest.status IN ('ok', 'renamed') AND latest.pipeline_tag IS NOT NULL""",
                      [model_ids])
    return {r["model_id"]: r["task"] for r in rows}
