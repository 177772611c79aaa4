"""The importer's one SQL statement: card model names → dataset ids, over the new model table.

Run by an in-memory DuckDB on the ``model.parquet`` just written into the import's temp folder,
so the 2.8M names of a 10x PeaTMOSS never become Python objects (two name → id dicts cost
~900 MB there). Names are bound as an Arrow table, never spliced into SQL.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

# Exact name first, else the name folded to lower case; among several models that differ only
# in case, the one with the highest id (as the in-memory lookup of the sample builder does).
_RESOLVE = """
    WITH wanted AS (
        SELECT lower(name) AS lc FROM cards
        UNION SELECT lower(base) FROM cards WHERE base IS NOT NULL
    ), m AS (
        SELECT id, CAST(context_id AS VARCHAR) AS name, lower(CAST(context_id AS VARCHAR)) AS lc
        FROM read_parquet($model)
        WHERE lower(CAST(context_id AS VARCHAR)) IN (SELECT lc FROM wanted)
    ), exact AS (SELECT name, max(id) AS id FROM m GROUP BY name),
    folded AS (SELECT lc, max(id) AS id FROM m GROUP BY lc)
    SELECT coalesce(e.id, f.id) AS model_id, b.id AS base_model_id
    FROM cards c LEFT JOIN exact e ON e.name = c.name
                 LEFT JOIN folded f ON f.lc = lower(c.name)
                 LEFT JOIN folded b ON b.lc = lower(c.base)
    ORDER BY c.pos
"""


def resolve_card_models(model_parquet: Path, names: list[str], bases: list[str | None],
                        spill: Path) -> tuple[pa.Array, pa.Array]:
    """Dataset ids of the cards' models and of their base models (null: not in the dataset),
    aligned with ``names``/``bases``; ``spill`` is a scratch folder for DuckDB."""
    cards = pa.table({"pos": pa.array(range(len(names)), pa.int64()),
                      "name": pa.array(names, pa.string()), "base": pa.array(bases, pa.string())})
    con = duckdb.connect(":memory:", config={"threads": "2", "memory_limit": "512MB",
                                             "temp_directory": str(spill)})
    try:
        con.register("cards", cards)
        found = con.sql(_RESOLVE, params={"model": str(model_parquet)}).to_arrow_table()
    finally:
        con.close()
    return (found.column("model_id").combine_chunks(),
            found.column("base_model_id").combine_chunks())
