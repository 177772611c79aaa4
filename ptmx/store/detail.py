"""``model_detail``: everything a model page lists, a few rows per model, built with the cache.

A model page shows seven name lists (tags, datasets, papers, libraries, frameworks,
architectures, languages) and the model's lineage both ways. Asked per page, that is seven joins
against link tables of millions of rows plus a scan of ``model_base`` with a name comparison:
about 10 ms at full PeaTMOSS scale, half of a page's budget. Aggregated once when the cache is
built, a page reads its rows through one index lookup.

One row per model and list (``list`` = 'tags', ..., with the sorted distinct ``names``), and one
row with ``list`` = 'lineage' holding ``base_models`` and ``derived_models``. Long, not one wide
row per model: joining seven aggregated lists side by side spilled and took 100 s at 10x
PeaTMOSS; stacking them takes 20 s (and 2 s at 1x), once per dataset version.
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


def _list_part(column: str, table: str, link: str, key: str) -> str:
    """One list's rows: the model's distinct names, sorted.

    Sorting lists of strings per model (``list_sort`` on VARCHAR) was 60 % of the cache build's
    ``model_detail`` time (EXPLAIN ANALYZE). The lookup table is ranked by name once (dense_rank:
    equal names share a rank), each model's list of ranks is sorted as integers, and the ranks
    are mapped back to names through one sorted list of the distinct names (DuckDB lists are
    1-based, like the ranks). Same names, same order, same NULL handling (a NULL name is never
    listed), in half the time."""
    return f"""SELECT k.model_id, '{column}' AS list,
                      list_transform(k.ranks, lambda r: n.names[r]) AS names,
                      CAST(NULL AS {_BASE}[]) AS base_models,
                      CAST(NULL AS {_DERIVED}[]) AS derived_models
               FROM (SELECT x.model_id, list_sort(list_distinct(list(t.rank))) AS ranks
                     FROM {link} x
                     JOIN (SELECT id, dense_rank() OVER (ORDER BY name) AS rank FROM {table}
                           WHERE name IS NOT NULL) t ON t.id = x.{key}
                     GROUP BY x.model_id) k,
                    (SELECT list(DISTINCT name ORDER BY name) AS names FROM {table}
                     WHERE name IS NOT NULL) n"""


def build_model_detail(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
    """Create ``model_detail`` (and its index) from the tables in ``present``."""
    parts = [_list_part(column, table, link, key)
             for column, table, link, key in MODEL_LISTS if table in present and link in present]
    # (Distinct: a full import may repeat a pair. Sorting after aggregating is several times
    # cheaper than an ordered DISTINCT aggregate.)
    if "model_base" in present:
        # Derived models point at their base by id, or (a base outside the ``model`` table, or
        # one imported before its id was known) by name: both count as derived from this model.
        ctes = """WITH up AS (
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
        parts.append(f"""{ctes} SELECT coalesce(up.model_id, down.model_id), 'lineage', NULL,
                               up.base_models, down.derived_models
                        FROM up FULL JOIN down ON down.model_id = up.model_id""")
    con.execute(f"""CREATE TABLE model_detail (model_id BIGINT, list VARCHAR, names VARCHAR[],
                        base_models {_BASE}[], derived_models {_DERIVED}[])""")
    # One statement per list: one aggregate's state in memory at a time (a UNION ALL of all
    # eight ran them side by side and overran the build's 768 MB at 10x). A page reads its
    # rows by model and list name, so their order in the table does not matter.
    for part in parts:
        con.execute(f"INSERT INTO model_detail {part}")
    con.execute("CREATE INDEX model_detail_id ON model_detail (model_id)")
