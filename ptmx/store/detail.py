"""``model_detail``: everything a model page lists, one row per model, built with the cache.

A model page shows seven name lists (tags, datasets, papers, libraries, frameworks,
architectures, languages) and the model's lineage both ways. Asked per page, that is seven joins
against link tables of millions of rows plus a scan of ``model_base`` with a name comparison:
about 10 ms at full PeaTMOSS scale, half of a page's budget. Aggregated once when the cache is
built (seconds, once per dataset version), a page reads it as one indexed row.

Lists are sorted by name; a list whose tables the dataset lacks is NULL (the page reports those
tables as missing), an empty one means the tables are there and name nothing for the model.
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


def build_model_detail(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
    """Create ``model_detail`` (and its index) from the tables in ``present``."""
    lists = [(column, table, link, key) for column, table, link, key in MODEL_LISTS
             if table in present and link in present]
    # One narrow stream of (model, list number, name), aggregated in a single GROUP BY: cheaper
    # than one aggregate and one join per list.
    parts = [f"SELECT x.model_id, {i} AS k, t.name FROM {link} x JOIN {table} t ON t.id = x.{key}"
             for i, (_column, table, link, key) in enumerate(lists)]
    numbered = {column: i for i, (column, *_) in enumerate(lists)}
    columns = [f"coalesce(n.{column}, []) AS {column}" if column in numbered
               else f"CAST(NULL AS VARCHAR[]) AS {column}" for column, *_ in MODEL_LISTS]
    # Distinct, because a full import may repeat a pair; sorted after aggregating, which is
    # several times cheaper than an ordered DISTINCT aggregate.
    aggregates = ", ".join(
        f"list_sort(list_distinct(list(name) FILTER (WHERE k = {i}))) AS {column}"
        for column, i in numbered.items())
    names_cte = (f"names AS (SELECT model_id, {aggregates} FROM ({' UNION ALL '.join(parts)}) "
                 "GROUP BY model_id)" if lists else
                 "names AS (SELECT NULL::BIGINT AS model_id WHERE false)")
    if "model_base" in present:
        # Derived models point at their base by id, or (a base outside the ``model`` table, or
        # one imported before its id was known) by name: both count as derived from this model.
        lineage_ctes = """
            , up AS (
                SELECT model_id, list(struct_pack(base_model := base_model,
                           in_dataset := base_model_id IS NOT NULL, relation := relation,
                           source := source) ORDER BY base_model) AS base_models
                FROM model_base GROUP BY model_id),
            down AS (
                SELECT coalesce(b.base_model_id, m.id) AS model_id,
                       list(struct_pack(model := b.model, relation := b.relation,
                           source := b.source) ORDER BY b.model) AS derived_models
                FROM model_base b LEFT JOIN model m
                     ON b.base_model_id IS NULL AND m.context_id = b.base_model
                WHERE coalesce(b.base_model_id, m.id) IS NOT NULL
                GROUP BY 1)"""
        lineage_cols = ("coalesce(up.base_models, []) AS base_models, "
                        "coalesce(down.derived_models, []) AS derived_models")
        lineage_joins = ("LEFT JOIN up ON up.model_id = ids.model_id "
                         "LEFT JOIN down ON down.model_id = ids.model_id")
        lineage_ids = "UNION SELECT model_id FROM up UNION SELECT model_id FROM down"
    else:
        lineage_ctes = ""
        lineage_cols = (f"CAST(NULL AS {_BASE}[]) AS base_models, "
                        f"CAST(NULL AS {_DERIVED}[]) AS derived_models")
        lineage_joins = lineage_ids = ""
    con.execute(f"""
        CREATE TABLE model_detail AS
        WITH {names_cte} {lineage_ctes},
             ids AS (SELECT model_id FROM names {lineage_ids})
        SELECT ids.model_id, {', '.join(columns)}, {lineage_cols}
        FROM ids LEFT JOIN names n ON n.model_id = ids.model_id {lineage_joins}
        ORDER BY ids.model_id
    """)
    con.execute("CREATE INDEX model_detail_id ON model_detail (model_id)")
