"""``model_detail``: a model's lineage both ways, built with the cache; and the SQL of its lists.

A model page shows seven name lists (tags, datasets, papers, libraries, frameworks,
architectures, languages) and the model's lineage both ways.

The lists are read per page (``list_query``): the link tables are stored sorted by
``model_id``, so one model's rows are one row group of each, and sorting and deduplicating a
page's few names costs nothing. Aggregating every model's lists when the cache is built took
~30 s of a 10x PeaTMOSS first open (24M tag rows grouped into 2.8M lists, plus their index), for
a page that reads one model's lists: a few milliseconds more per page instead.

Lineage needs a scan of ``model_base`` with a name comparison per page, so it is aggregated once:
one row per model with ``list`` = 'lineage' holding ``base_models`` and ``derived_models``.
"""

from __future__ import annotations

import duckdb

# (column, lookup table, link table, key column in the link table): what ModelPage lists.
MODEL_LISTS = (
    ("tags", "tag", "model_to_tag", "tag_id"),
    ("datasets", "dataset", "model_to_dataset", "dataset_id"),
    ("papers", "paper", "model_to_paper", "paper_id"),
    ("libraries", "library", "model_to_library", "library_id"),
    ("frameworks", "framework", "model_to_framework", "framework_id"),
    ("architectures", "architecture", "model_to_architecture", "architecture_id"),
    ("languages", "language", "model_to_language", "language_id"),
)

_BASE = "STRUCT(base_model VARCHAR, in_dataset BOOLEAN, relation VARCHAR, source VARCHAR)"
_DERIVED = "STRUCT(model VARCHAR, relation VARCHAR, source VARCHAR)"


def list_query(present: set[str]) -> str | None:
    """SQL of one model's names (bind ``$id``), one row per (``list``, ``name``) over every list
    of ``MODEL_LISTS`` whose tables are in ``present``; None when there is none. Rows come
    unsorted and may repeat a name: the caller sorts and deduplicates a page's few names.
    (One UNION ALL: seven scalar subqueries cost DuckDB ~1 ms each, this ~3 ms in all.)"""
    parts = [f"""SELECT '{column}' AS list, t.name FROM {link} x JOIN {table} t
                 ON t.id = x.{key} WHERE x.model_id = $id AND t.name IS NOT NULL"""
             for column, table, link, key in MODEL_LISTS if table in present and link in present]
    return " UNION ALL ".join(parts) or None


def build_model_detail(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
    """Create ``model_detail`` (lineage rows, and its index) from the tables in ``present``."""
    parts = []
    if "model_base" in present:
        # Derived models point at their base by id, or (a base outside the ``model`` table, or
        # one imported before its id was known) by name: both count as derived from this model.
        # Each list sorted after aggregating (by name, then the other fields: the struct's
        # order), not by an ordered aggregate, which was twice as slow.
        ctes = """WITH up AS (
                SELECT model_id, list_sort(list(struct_pack(base_model := base_model,
                           in_dataset := base_model_id IS NOT NULL, relation := relation,
                           source := source))) AS base_models
                FROM model_base GROUP BY model_id),
            down AS (
                SELECT coalesce(b.base_model_id, m.id) AS model_id,
                       list_sort(list(struct_pack(model := b.model, relation := b.relation,
                           source := b.source))) AS derived_models
                FROM model_base b LEFT JOIN model m
                     ON b.base_model_id IS NULL AND m.context_id = b.base_model
                WHERE coalesce(b.base_model_id, m.id) IS NOT NULL
                GROUP BY 1)"""
        parts.append(f"""{ctes} SELECT coalesce(up.model_id, down.model_id), 'lineage', NULL,
                               up.base_models, down.derived_models
                        FROM up FULL JOIN down ON down.model_id = up.model_id""")
    con.execute(f"""CREATE TABLE model_detail (model_id BIGINT, list VARCHAR, names VARCHAR[],
                        base_models {_BASE}[], derived_models {_DERIVED}[])""")
    for part in parts:
        con.execute(f"INSERT INTO model_detail {part}")
    con.execute("CREATE INDEX model_detail_id ON model_detail (model_id)")
