"""The SQL of ``ptmx paper``: every statement the analyses run, with values bound as ``?``."""

from __future__ import annotations

# Dataset sizes beside the paper's abstract.
OVERVIEW = """
    SELECT (SELECT count(*) FROM model) AS models,
           (SELECT count(*) FROM reuse_repository) AS projects,
           (SELECT count(*) FROM reuse_link) AS links,
           (SELECT count(DISTINCT model_id) FROM reuse_link) AS reused_models,
           (SELECT count(DISTINCT project_id) FROM reuse_link) AS reusing_projects
"""

# One row per distinct model→project link: the model's hub licence tag (lower case; the first
# when a model carries several) and the project's scanned licence keys (NULL: never scanned;
# an empty list: scanned, no licence found), as the paper's script reads mapping.csv and
# all_gh_licenses.json.
LINK_LICENSES = """
    WITH tag AS (
        SELECT ml.model_id, min(lower(l.name)) AS hf
        FROM model_to_license ml JOIN license l ON l.id = ml.license_id
        GROUP BY ml.model_id
    ){repo_cte}
    SELECT x.model_id, x.project_id, tag.hf, {keys} AS gh
    FROM reuse_link x LEFT JOIN tag ON tag.model_id = x.model_id {repo_join}
"""
REPO_CTE = """, repo AS (
        SELECT reuse_repository_id AS project_id,
               list(DISTINCT license_key ORDER BY license_key)
                   FILTER (WHERE license_key IS NOT NULL) AS keys
        FROM reuse_repository_license GROUP BY 1
    )"""


def link_licenses(has_repo_licenses: bool) -> str:
    """:data:`LINK_LICENSES` with or without the project licence table."""
    if has_repo_licenses:
        return LINK_LICENSES.format(repo_cte=REPO_CTE, keys="repo.keys",
                                    repo_join="LEFT JOIN repo ON repo.project_id = x.project_id")
    return LINK_LICENSES.format(repo_cte="", keys="CAST(NULL AS VARCHAR[])", repo_join="")


# Models by order of magnitude of downloads (-1: downloads unknown): how many, how many are
# reused, and their reuse.
BY_DOWNLOADS = """
    SELECT CASE WHEN downloads IS NULL THEN -1
                WHEN downloads < 1 THEN 0
                ELSE CAST(floor(log10(downloads)) AS BIGINT) END AS bucket,
           count(*) AS models,
           count(*) FILTER (WHERE reuse_count > 0) AS reused_models,
           coalesce(sum(reuse_count), 0) AS reuse_total,
           median(reuse_count) FILTER (WHERE reuse_count > 0) AS median_reuse,
           max(reuse_count) AS max_reuse
    FROM model_summary GROUP BY 1 ORDER BY 1
"""

# Models by order of magnitude of reuse (0: never reused): how many, and their downloads.
BY_REUSE = """
    SELECT CASE WHEN reuse_count = 0 THEN -1
                ELSE CAST(floor(log10(reuse_count)) AS BIGINT) END AS bucket,
           count(*) AS models,
           count(downloads) AS with_downloads,
           median(downloads) AS median_downloads,
           coalesce(sum(reuse_count), 0) AS reuse_total
    FROM model_summary GROUP BY 1 ORDER BY 1
"""

# Spearman-like view of the relation: Pearson correlation of log downloads and log reuse over
# the models that have both.
LOG_CORRELATION = """
    SELECT count(*) AS models, corr(ln(downloads + 1), ln(reuse_count)) AS r
    FROM model_summary WHERE downloads IS NOT NULL AND reuse_count > 0
"""

TOP_MODELS = """
    SELECT model, reuse_count, downloads, license
    FROM model_summary WHERE reuse_count > 0
    ORDER BY reuse_count DESC, model LIMIT ?
"""
