"""The SQL ptmx.hub needs from the store (model ids only as bind parameters)."""

from __future__ import annotations

from typing import Any

from ptmx.store import Store


def project_licenses(store: Store, model_id: int) -> list[dict[str, Any]]:
    """The projects reusing a model and their own licenses.

    ``licenses`` is None for a project never scanned, [] for one scanned with no license found.
    Without the ``reuse_repository_license`` table every project is "never scanned".
    """
    if not store.has("reuse_repository_license"):
        return [
            {"project": r["project"], "licenses": None}
            for r in store.rows(
                """SELECT DISTINCT r.owner || '/' || r.name AS project
                   FROM model_to_reuse_repository x
                   JOIN reuse_repository r ON r.id = x.reuse_repository_id
                   WHERE x.model_id = ? ORDER BY project""",
                [model_id],
            )
        ]
    rows = store.rows(
        """SELECT r.owner || '/' || r.name AS project,
                  count(l.reuse_repository_id) AS scanned,
                  list(DISTINCT l.license_key ORDER BY l.license_key)
                      FILTER (WHERE l.license_key IS NOT NULL) AS keys
           FROM (SELECT DISTINCT reuse_repository_id FROM model_to_reuse_repository
                 WHERE model_id = ?) x
           JOIN reuse_repository r ON r.id = x.reuse_repository_id
           LEFT JOIN reuse_repository_license l ON l.reuse_repository_id = r.id
           GROUP BY project ORDER BY project""",
        [model_id],
    )
    return [
        {"project": r["project"], "licenses": (list(r["keys"] or []) if r["scanned"] else None)}
        for r in rows
    ]


def snapshot_row(store: Store, model: str) -> dict[str, Any] | None:
    """The model's row in the ``hub_snapshot`` table written by ``hub refresh`` (None without
    the table or the row). An older table without the weight columns gives what it has."""
    if not store.has("hub_snapshot"):
        return None
    from ptmx.errors import QueryError

    try:
        rows = store.rows("SELECT * FROM hub_snapshot WHERE model = ? OR live_id = ? LIMIT 1",
                          [model, model])
    except QueryError:
        return None
    return rows[0] if rows else None
