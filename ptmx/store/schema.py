"""What a PeaTMOSS dataset folder must and may hold: tables, columns, and their kinds.

The published PeaTMOSS schema is listed in full in ``PEATMOSS_TABLES`` so that the store can name
every table it knows; ptmx's own extension tables follow. Kinds are deliberately coarse
("integer", "text", ...) because Parquet files written by different tools differ in widths.
"""

from __future__ import annotations

# Tables without which nothing in ptmx works.
REQUIRED: dict[str, dict[str, str]] = {
    "model": {"id": "integer", "context_id": "text"},
    "license": {"id": "integer", "name": "text"},
    "model_to_license": {"model_id": "integer", "license_id": "integer"},
    "reuse_repository": {"id": "integer", "owner": "text", "name": "text"},
    "model_to_reuse_repository": {"model_id": "integer", "reuse_repository_id": "integer"},
}

# Columns ptmx reads when a table is present (beyond REQUIRED); absent columns are read as NULL.
OPTIONAL_COLUMNS: dict[str, dict[str, str]] = {
    "model": {
        "model_hub_id": "integer", "sha": "text", "repo_url": "text", "downloads": "integer",
        "likes": "integer", "has_snapshot": "integer",
    },
    "reuse_repository": {"url": "text"},
}

# The rest of the published schema (all optional), with the columns ptmx relies on.
PEATMOSS_OPTIONAL: dict[str, dict[str, str]] = {
    "model_hub": {"id": "integer", "name": "text"},
    "reuse_file": {"path": "text", "model_id": "integer", "reuse_repository_id": "integer"},
    "author": {"id": "integer", "name": "text"},
    "model_to_author": {"model_id": "integer", "author_id": "integer"},
    "tag": {"id": "integer", "name": "text"},
    "model_to_tag": {"model_id": "integer", "tag_id": "integer"},
    "dataset": {"id": "integer", "name": "text"},
    "model_to_dataset": {"model_id": "integer", "dataset_id": "integer"},
    "paper": {"id": "integer", "name": "text"},
    "model_to_paper": {"model_id": "integer", "paper_id": "integer"},
    "library": {"id": "integer", "name": "text"},
    "model_to_library": {"model_id": "integer", "library_id": "integer"},
    "framework": {"id": "integer", "name": "text"},
    "model_to_framework": {"model_id": "integer", "framework_id": "integer"},
    "architecture": {"id": "integer", "name": "text"},
    "model_to_architecture": {"model_id": "integer", "architecture_id": "integer"},
    "language": {"id": "integer", "name": "text"},
    "model_to_language": {"model_id": "integer", "language_id": "integer"},
}

# Tables that ptmx adds to a PeaTMOSS folder (documented in data/README.md).
EXTENSIONS: dict[str, dict[str, str]] = {
    "reuse_repository_license": {
        "reuse_repository_id": "integer", "license_key": "text", "source": "text",
    },
    "model_card": {"model_id": "integer"},
    "model_base": {"model_id": "integer", "model": "text", "base_model": "text",
                   "relation": "text"},
    "hub_snapshot": {"model": "text"},
    # Written by `hub crawl` as part folders (DATA/<name>/part-*.parquet); may hold millions
    # of rows, so they stay Parquet views (see COLD_EXTENSIONS).
    "hub_models": {"model": "text", "live_id": "text", "status": "text",
                   "snapshot": "text", "scope": "text"},
    "hub_card": {"model": "text", "live_id": "text", "source": "text", "readme": "text",
                 "status": "text"},
}

# Extension tables too big for the hot cache: always views over their Parquet parts.
COLD_EXTENSIONS = frozenset({"hub_models", "hub_card"})

# The remaining published tables, known by name so `ptmx query` users see them listed.
PEATMOSS_OTHER = (
    "ptm_issues", "ptm_pull_requests", "hf_git_ref_info", "github_pull_request", "github_commit",
    "github_merge_commit", "github_milestone", "github_repository", "github_user",
    "ptm_pull_request_to_pull_request", "reuse_repo_to_pull_request", "github_issue",
    "github_pull_request_file", "pull_request_to_assignee", "pull_request_to_review_requests",
    "commit_to_author", "github_review", "github_status_check_rollup", "ptm_issue_to_issue",
    "hf_commit", "hf_git_ref", "discussion", "reuse_repo_to_issue", "issue_to_assignee",
    "github_comment", "github_label", "hf_commit_to_author", "hf_git_ref_to_branch",
    "hf_git_ref_to_tag", "discussion_to_author", "file_path", "discussion_event",
    "github_reaction_group",
)

# Loaded into memory at open (small, hit by every page); everything else stays a Parquet view.
HOT_TABLES = frozenset(
    set(REQUIRED) | set(PEATMOSS_OPTIONAL) | (set(EXTENSIONS) - COLD_EXTENSIONS)
)

MANIFEST = "ptmx.json"


def expected_columns(table: str) -> dict[str, str]:
    """Columns that must have the given kind when ``table`` is present."""
    cols: dict[str, str] = {}
    for source in (REQUIRED, OPTIONAL_COLUMNS, PEATMOSS_OPTIONAL, EXTENSIONS):
        cols.update(source.get(table, {}))
    return cols
