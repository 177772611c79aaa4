"""The SQL ``hub crawl --reused`` needs from the store: the models the dataset's projects use."""

from __future__ import annotations

from ptmx.store import Store


def reused_models(store: Store) -> list[str]:
    """Hub ids of the models at least one project of the dataset reuses, sorted."""
    rows = store.rows(
        """SELECT DISTINCT m.context_id AS model FROM model m
           JOIN model_to_reuse_repository x ON x.model_id = m.id
           WHERE m.context_id IS NOT NULL ORDER BY model""")
    return [str(r["model"]) for r in rows]
