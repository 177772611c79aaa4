"""``base_link``: one row per derived → base model edge, with both ends' names and attributes.

``model_base`` records an edge by ids (the base's id NULL when it is not in the dataset). Every
lineage question of the graph wants the other end's license, downloads and reuse count as well,
and fetching those from ``model_summary`` by a list of ids scans all of its rows (it is stored in
downloads order for search): ~10 ms per query at 10x PeaTMOSS. Joined once when the cache is
built, a lineage step is a scan of this table only.
"""

from __future__ import annotations

import duckdb


def build_base_link(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
    """Create ``base_link`` from ``model_base`` and ``model_summary`` (empty without lineage)."""
    if "model_base" not in present:
        con.execute("""
            CREATE TABLE base_link (model_id BIGINT, model VARCHAR, license VARCHAR,
                downloads BIGINT, reuse_count BIGINT, base_model_id BIGINT, base_model VARCHAR,
                base_license VARCHAR, base_downloads BIGINT, base_reuse_count BIGINT,
                relation VARCHAR, source VARCHAR)""")
        return
    # The derived side must be a model of the dataset; the base may be known by name only,
    # and is then spelt as the card spells it (otherwise as the dataset does).
    con.execute("""
        CREATE TABLE base_link AS
        SELECT b.model_id, d.model, d.license, d.downloads, d.reuse_count,
               b.base_model_id, coalesce(s.model, b.base_model) AS base_model,
               s.license AS base_license, s.downloads AS base_downloads,
               s.reuse_count AS base_reuse_count, b.relation, b.source
        FROM model_base b JOIN model_summary d ON d.model_id = b.model_id
             LEFT JOIN model_summary s ON s.model_id = b.base_model_id
        ORDER BY b.model_id, base_model
    """)
