-- ptmx drift: the reused models of the dataset beside the newest hub row of each.
-- {hub_rows} is a UNION ALL of the hub tables present (hub_snapshot, hub_models), each cast to
-- the same columns by ptmx.hub.dataset_drift; {card} is the model_card licence CTE (or an
-- empty one). Neither holds user text: they are built from table and column names only.
WITH hub AS ({hub_rows}),
now AS (
    SELECT * FROM hub
    QUALIFY row_number() OVER (PARTITION BY lower(model)
                               ORDER BY fetched_at DESC NULLS LAST, src) = 1
),
-- The earliest and the newest known weights format: a change is "where known", i.e. two rows
-- say it (a listing row, which has no file list, says 'unknown' and is passed over).
weights_then AS (
    SELECT lower(model) AS model_lc, arg_min(weights_format, fetched_at) AS weights_then,
           arg_max(weights_format, fetched_at) AS weights_now
    FROM hub WHERE weights_format IS NOT NULL AND weights_format NOT IN ('unknown', '')
    GROUP BY 1
),
-- Hub models naming a model among their bases: its derivatives on the hub now.
derived_now AS (
    SELECT lower(b) AS base_lc, count(DISTINCT lower(coalesce(live_id, model))) AS n
    FROM now, unnest(base_models) AS t(b)
    WHERE coalesce(status, 'ok') <> 'not_found'
    GROUP BY 1
),
bases AS (
    SELECT model_id, list(DISTINCT base_model ORDER BY base_model) AS bases
    FROM base_link GROUP BY 1
),
derived AS (
    SELECT base_model_id AS model_id, count(DISTINCT model_id) AS n
    FROM base_link WHERE base_model_id IS NOT NULL GROUP BY 1
),
{card}
SELECT ms.model_id, ms.model, coalesce(ms.license, card.license) AS license, ms.reuse_count,
       now.model IS NOT NULL AS crawled, now.src AS hub_table, now.live_id, now.status,
       now.gated, now.license AS hub_license, now.licenses AS hub_licenses,
       now.license_name AS hub_license_name, now.license_link AS hub_license_link,
       now.base_models AS hub_bases, wt.weights_now, wt.weights_then,
       now.fetched_at, now.snapshot,
       coalesce(bases.bases, CAST([] AS VARCHAR[])) AS bases,
       coalesce(derived.n, 0) AS derived,
       greatest(coalesce(d1.n, 0), coalesce(d2.n, 0), coalesce(now.children_count, 0))
           AS derived_now
FROM model_summary ms
LEFT JOIN now ON lower(now.model) = ms.model_lc
LEFT JOIN weights_then wt ON wt.model_lc = ms.model_lc
LEFT JOIN derived_now d1 ON d1.base_lc = ms.model_lc
LEFT JOIN derived_now d2 ON d2.base_lc = lower(now.live_id) AND d2.base_lc <> ms.model_lc
LEFT JOIN bases ON bases.model_id = ms.model_id
LEFT JOIN derived ON derived.model_id = ms.model_id
LEFT JOIN card ON card.model_id = ms.model_id
WHERE ms.reuse_count > 0
ORDER BY ms.reuse_count DESC, ms.model
