"""Every SQL statement of the graph package, each fetching only what one question needs.

Ids arrive as Python lists bound to one ``?`` (DuckDB turns them into a LIST), so a whole BFS
frontier costs one query, not one per node. Names typed by users are always bind parameters.
Reuse links are read with DISTINCT because a full PeaTMOSS import may repeat a pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import duckdb

from ptmx.store import Store
from ptmx.store.lookup import model_id_of

if TYPE_CHECKING:
    import pyarrow as pa  # loaded by the store's Arrow queries; an unlimited walk never needs it

# Projects' link counts and license expressions (the ScanCode keys as one AND expression, as the
# license engine reads them; 'NONE' when scanned without a license, NULL when never scanned) are
# precomputed by the store in project_summary; distinct links are in reuse_link.


def _model_attrs(ids_sql: str) -> str:
    """A CTE ``attrs(model_id, model, license, downloads, reuse_count)`` for the models
    ``ids_sql`` selects (license = hub tags joined ' AND ', as on model pages and lists).

    Filtered with IN (a semi-join) before anything is joined: joining ``model_summary`` whole
    makes DuckDB scan every column, ~10x slower at full PeaTMOSS scale.
    """
    return f"""attrs AS (
                SELECT model_id, model, license, downloads, reuse_count FROM model_summary
                WHERE model_id IN ({ids_sql}))"""


def card_licenses(store: Store, model_ids: Sequence[int]) -> dict[int, str]:
    """The license each model's card states, for models that have one (the license engine
    falls back to it when a model has no hub license tag)."""
    if not model_ids or not store.has("model_card"):
        return {}
    rows = store.rows(
        """SELECT model_id, any_value(license) AS license FROM model_card
           WHERE license IS NOT NULL AND model_id IN (SELECT unnest(?)) GROUP BY model_id""",
        [list(model_ids)],
    )
    return {r["model_id"]: r["license"] for r in rows}


def models_by_id(store: Store, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Model node attributes: id, name, license, downloads, links (projects reusing it)."""
    if not ids:
        return []
    return store.rows(
        f"""WITH {_model_attrs("SELECT unnest(?)")}
            SELECT model_id AS id, model AS name, license, downloads, reuse_count AS links
            FROM attrs""",
        [list(ids)],
    )


def model_named(store: Store, ref: str) -> dict[str, Any] | None:
    """The attributes of :func:`models_by_id` of the model ``ref`` names, found as
    ``ptmx.store.find_model_id`` finds it (exact spelling first, then case-insensitive, lowest
    id); None when no model has that name."""
    model_id = model_id_of(store, ref)
    if model_id is None:
        return None
    rows = store.rows(
        """SELECT model_id AS id, model AS name, license, downloads, reuse_count AS links
           FROM model_summary WHERE model_id = $id""",
        {"id": model_id},
    )
    return rows[0] if rows else None


def projects_by_id(store: Store, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Project node attributes: id, name (owner/name), license, links (models it uses)."""
    if not ids:
        return []
    return store.rows(
        """SELECT project_id AS id, project AS name, license, links FROM project_summary
           WHERE project_id IN (SELECT unnest(?))""",
        [list(ids)],
    )


_PROJECTS_USING = """
    SELECT l.model_id AS parent, p.project_id AS id, p.project AS name, p.license, p.links
    FROM reuse_link l JOIN project_summary p ON p.project_id = l.project_id
    WHERE l.model_id IN (SELECT unnest(?))
    ORDER BY parent, p.links DESC, lower(name), id"""

_MODELS_USED_BY = """
    SELECT project_id AS parent, model_id AS id, model AS name, license, downloads,
           reuse_count AS links
    FROM reuse_link WHERE project_id IN (SELECT unnest(?))
    ORDER BY parent, downloads DESC NULLS LAST, name"""


def projects_using(store: Store, model_ids: Sequence[int]) -> pa.Table:
    """Projects using the given models: parent (model id), id, name, license, links.

    Per model, projects using more models come first. Arrow columns, because a popular model
    has thousands of projects and the walk builds nodes only for the ones it shows. Reads the
    store's precomputed reuse_link and project_summary, so nothing is aggregated per call.
    """
    return store.query(_PROJECTS_USING, [list(model_ids)])


def models_used_by(store: Store, project_ids: Sequence[int]) -> pa.Table:
    """Models the given projects use: parent (project id), id, name, license, downloads, links.

    Per project, most downloaded models first. reuse_link carries the models' attributes, so
    nothing is joined per call.
    """
    return store.query(_MODELS_USED_BY, [list(project_ids)])


def projects_using_columns(store: Store, model_ids: Sequence[int]) -> dict[str, Sequence[Any]]:
    """:func:`projects_using` as plain columns (name → values), for a walk that shows every row."""
    return _columns(store, _PROJECTS_USING, [list(model_ids)])


def models_used_by_columns(store: Store, project_ids: Sequence[int]) -> dict[str, Sequence[Any]]:
    """:func:`models_used_by` as plain columns (name → values), for a walk that shows every row."""
    return _columns(store, _MODELS_USED_BY, [list(project_ids)])


def _columns(store: Store, sql: str, params: list[Any]) -> dict[str, Sequence[Any]]:
    """The result's columns as tuples, from DuckDB's rows: an unlimited walk turns every value
    into Python anyway, and this way a shell lookup does not import pyarrow (~20 ms)."""
    with store.cursor() as cur:
        try:
            cur.execute(sql, params)
            names = [d[0] for d in cur.description or ()]
            rows = cur.fetchall()
        except duckdb.Error as exc:
            raise store.failure(exc) from exc
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    return dict(zip(names, columns, strict=True))


def lineage_of(
    store: Store,
    base_ids: Sequence[int],
    derived_ids: Sequence[int] = (),
    outside_names: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Lineage edges touching the given models, with the other end's attributes.

    ``direction`` 'base': model ``parent`` (from ``base_ids``) derives from the row's model
    (``id`` NULL when that base is not in the dataset). 'derived': the row's model derives from
    ``parent`` (from ``derived_ids``), or, when ``parent`` is NULL, from the base outside the
    dataset named ``parent_name`` (matched case-insensitively against ``outside_names``).
    Reads the store's base_link, where both ends' attributes are already joined.
    """
    if not store.has("model_base") or not (base_ids or derived_ids or outside_names):
        return []
    by_name = ""
    if outside_names:
        by_name = """UNION ALL
            SELECT 'derived', NULL, base_model, model_id, model, license, downloads,
                   reuse_count, relation, source
            FROM base_link
            WHERE base_model_id IS NULL AND lower(base_model) IN (SELECT unnest($names))"""
    params: dict[str, Any] = {"up": list(base_ids) or [None], "down": list(derived_ids) or [None]}
    if outside_names:
        params["names"] = [n.lower() for n in outside_names]
    return store.rows(
        f"""SELECT 'base' AS direction, model_id AS parent, NULL AS parent_name,
                   base_model_id AS id, base_model AS name, base_license AS license,
                   base_downloads AS downloads, base_reuse_count AS links, relation, source
            FROM base_link WHERE model_id IN (SELECT unnest($up))
            UNION ALL
            SELECT 'derived', base_model_id, base_model, model_id, model, license, downloads,
                   reuse_count, relation, source
            FROM base_link WHERE base_model_id IN (SELECT unnest($down))
            {by_name}
            ORDER BY direction, downloads DESC NULLS LAST, name, parent, parent_name""",
        params,
    )


HUB_TABLES = ("hub_snapshot", "hub_models")  # written by `hub refresh` and `hub crawl`
_HUB_COLUMNS = {"base_models": "VARCHAR[]", "base_model_relation": "VARCHAR",
                "relation_corrected_from": "VARCHAR", "declared_base_models": "VARCHAR[]"}


def _hub_rows_sql(store: Store) -> str | None:
    """Every hub row of both tables as (model, status, fetched_at, lineage columns); a column an
    older table lacks reads as NULL. None when neither table is there."""
    columns = store.columns()
    parts = []
    for table in HUB_TABLES:
        if not store.has(table):
            continue
        have = {name for name, _ in columns.get(table, [])}
        if not {"model", "status", "fetched_at"} <= have:
            continue
        cols = ", ".join(c if c in have else f"CAST(NULL AS {t}) AS {c}"
                         for c, t in _HUB_COLUMNS.items())
        parts.append(f"SELECT model, status, fetched_at, {cols} FROM {table}")
    return " UNION ALL ".join(parts) or None


def hub_lineage(store: Store, up_from: Sequence[str], down_from: Sequence[str]
                ) -> list[dict[str, Any]]:
    """The hub's typed lineage edges reachable from the given models, in one query.

    From ``hub_snapshot`` and ``hub_models`` (the newest row per model across both; a model whose
    newest row is a failure contributes nothing): edges ``child -> parent`` with ``relation``
    (the hub's, as ptmx corrected it from the files), ``corrected_from`` (the hub's own tag when
    corrected) and ``source`` (``hub``, or ``card-declared`` for card parents the hub did not
    recognise). Followed upwards from ``up_from`` and downwards from ``down_from`` to the end of
    each chain (names compared case-insensitively; cycles end because each name is reached once).
    The two tables are scanned once: the edges are a materialised CTE, each step an equi-join.
    """
    rows_sql = _hub_rows_sql(store)
    if rows_sql is None or not (up_from or down_from):
        return []
    return store.rows(
        f"""WITH RECURSIVE latest AS MATERIALIZED (
                SELECT * FROM ({rows_sql})
                QUALIFY row_number() OVER (PARTITION BY model
                                           ORDER BY fetched_at DESC NULLS LAST) = 1),
            edges AS MATERIALIZED (
                SELECT child, parent, lower(child) AS child_l, lower(parent) AS parent_l,
                       relation, corrected_from, source FROM (
                    SELECT model AS child, unnest(base_models) AS parent,
                           coalesce(base_model_relation, 'unspecified') AS relation,
                           relation_corrected_from AS corrected_from, 'hub' AS source
                    FROM latest WHERE status IN ('ok', 'renamed')
                    UNION ALL
                    SELECT model, unnest(declared_base_models), 'declared', NULL,
                           'card-declared'
                    FROM latest WHERE status IN ('ok', 'renamed'))
                WHERE parent IS NOT NULL AND lower(parent) <> lower(child)),
            up(name) AS (
                SELECT lower(unnest($up))
                UNION
                SELECT e.parent_l FROM up JOIN edges e ON e.child_l = up.name),
            down(name) AS (
                SELECT lower(unnest($down))
                UNION
                SELECT e.child_l FROM down JOIN edges e ON e.parent_l = down.name)
            SELECT 'base' AS direction, child, parent, relation, corrected_from, source
            FROM edges WHERE child_l IN (SELECT name FROM up)
            UNION ALL
            SELECT 'derived', child, parent, relation, corrected_from, source
            FROM edges WHERE parent_l IN (SELECT name FROM down)
            ORDER BY direction, child, parent, source""",
        {"up": list(up_from) or [None], "down": list(down_from) or [None]},
    )


def models_by_name(store: Store, names: Sequence[str]) -> list[dict[str, Any]]:
    """Model node attributes (as :func:`models_by_id`) for dataset models named in ``names``
    (case-insensitively)."""
    if not names:
        return []
    return store.rows(
        """SELECT model_id AS id, model AS name, license, downloads, reuse_count AS links
           FROM model_summary WHERE lower(model) IN (SELECT lower(unnest(?)))""",
        [list(names)],
    )


def outside_model(store: Store, name: str) -> dict[str, Any] | None:
    """A base model known only by name from ``model_base`` (not in the ``model`` table)."""
    if not store.has("model_base"):
        return None
    rows = store.rows(
        """SELECT base_model AS name FROM model_base
           WHERE base_model_id IS NULL AND lower(base_model) = lower(?)
           ORDER BY base_model = ? DESC LIMIT 1""",
        [name, name],
    )
    return rows[0] if rows else None


# -- whole graph ------------------------------------------------------------------------------

def linked_models(store: Store, lineage: bool = True) -> pa.Table:
    """Every model with a reuse link (or, with ``lineage``, a lineage edge), with attributes."""
    lineage_ids = (
        "UNION SELECT model_id FROM model_base UNION SELECT base_model_id FROM model_base "
        "WHERE base_model_id IS NOT NULL" if lineage and store.has("model_base") else ""
    )
    return store.query(
        f"""WITH {_model_attrs("SELECT model_id FROM model_to_reuse_repository "
                                  + lineage_ids)}
            SELECT model_id AS id, model AS name, license, downloads, reuse_count AS links
            FROM attrs"""
    )


def linked_projects(store: Store) -> pa.Table:
    """Every project with at least one reuse link, with node attributes."""
    return store.query(
        """SELECT project_id AS id, project AS name, license, links FROM project_summary
           WHERE links > 0"""
    )


def all_links(store: Store) -> pa.Table:
    """Every distinct (project id, model id) reuse link."""
    return store.query("SELECT project_id, model_id FROM reuse_link")


def all_bases(store: Store) -> pa.Table:
    """Every lineage edge: derived model id, base id (NULL outside the dataset), base name."""
    return store.query(
        """SELECT model_id, base_model_id, base_model AS base_name, relation, source
           FROM base_link"""
    )


# -- rankings ---------------------------------------------------------------------------------

def most_reused(store: Store, limit: int) -> list[dict[str, Any]]:
    """Models by number of distinct reusing projects."""
    return store.rows(
        """SELECT s.model, s.reuse_count AS projects, s.downloads,
                   s.license AS license
            FROM model_summary s WHERE s.reuse_count > 0
            ORDER BY s.reuse_count DESC, s.downloads DESC NULLS LAST, s.model LIMIT ?""",
        [limit],
    )


def in_degree(store: Store, limit: int) -> list[dict[str, Any]]:
    """Models by dependents: reusing projects plus models derived from them."""
    derived = (
        "(SELECT count(DISTINCT b.model_id) FROM model_base b WHERE b.base_model_id = s.model_id)"
        if store.has("model_base") else "0"
    )
    return store.rows(
        f"""SELECT model, in_degree, projects, derived, downloads, license FROM (
                SELECT s.model, s.reuse_count AS projects, {derived} AS derived,
                       s.reuse_count + {derived} AS in_degree, s.downloads,
                       s.license AS license
                FROM model_summary s)
            WHERE in_degree > 0
            ORDER BY in_degree DESC, downloads DESC NULLS LAST, model LIMIT ?""",
        [limit],
    )


def busiest_projects(store: Store, limit: int) -> list[dict[str, Any]]:
    """Projects by number of distinct models they use."""
    return store.rows(
        """SELECT project, links AS models, license FROM project_summary WHERE links > 0
           ORDER BY models DESC, lower(project) LIMIT ?""",
        [limit],
    )


def co_usage(store: Store, limit: int, model_id: int | None = None) -> list[dict[str, Any]]:
    """Pairs of models used together by the most projects (self-join of the link table).

    With ``model_id``, only pairs containing that model (what its users also use).
    """
    return store.rows(
        """SELECT sa.model AS model_a, sb.model AS model_b, count(*) AS projects
            FROM reuse_link a JOIN reuse_link b ON a.project_id = b.project_id
                                             AND a.model_id < b.model_id
                     JOIN model_summary sa ON sa.model_id = a.model_id
                     JOIN model_summary sb ON sb.model_id = b.model_id
            WHERE ? IS NULL OR a.model_id = ? OR b.model_id = ?
            GROUP BY sa.model, sb.model
            ORDER BY projects DESC, model_a, model_b LIMIT ?""",
        [model_id, model_id, model_id, limit],
    )
