-- The newest hub row of the given models (the models list's "now" columns).
-- {hub_rows} as in dataset_drift.sql; the model ids are one bound list parameter.
WITH hub AS ({hub_rows})
SELECT lower(model) AS model_lc, status, live_id, gated, license, licenses, license_name,
       license_link
FROM hub
WHERE lower(model) IN (SELECT lower(unnest(CAST(? AS VARCHAR[]))))
QUALIFY row_number() OVER (PARTITION BY lower(model) ORDER BY fetched_at DESC NULLS LAST, src) = 1
