"""Rich renderings of a model page and a project page for `ptmx model` / `ptmx project`.

Every value comes from the dataset, so it reaches rich only as inert ``Text`` (``safe_text``).
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from ptmx.render.output import console_for
from ptmx.render.safe import safe_text
from ptmx.store.pages import ModelPage, ProjectPage


def _fmt(value: object) -> Text:
    if value is None:
        return Text("—")
    if isinstance(value, int):
        return Text(f"{value:,}")
    if isinstance(value, list):
        return safe_text(", ".join(map(str, value)), newlines=False) if value else Text("—")
    return safe_text(value, newlines=False)


def _has_files(rows: list[dict[str, Any]]) -> bool:
    """Whether any row names its reuse files: without a ``reuse_file`` table none does, and a
    column of "—" in every row says nothing."""
    return any(r.get("files") for r in rows)


def print_model_page(page: ModelPage, limit: int = 0) -> None:
    """Key facts, then the reusing projects: the first ``limit`` of them (0 = all)."""
    console = console_for()
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    for label, value in (
        ("model", page.model), ("author", page.author), ("hub", page.hub),
        ("url", page.repo_url), ("downloads", page.downloads), ("likes", page.likes),
        ("licenses", page.licenses), ("reused by", f"{page.reuse_count:,} projects"),
        ("tags", page.tags), ("datasets", page.datasets), ("papers", page.papers),
        ("base models", [b["base_model"] for b in page.base_models]),
        ("derived models", [d["model"] for d in page.derived_models]),
        ("model card", "hand-checked card on file" if page.card else "no card data"),
    ):
        facts.add_row(label, _fmt(value))
    console.print(facts)
    if page.missing_tables:
        console.print(safe_text(f"not in this dataset: {', '.join(page.missing_tables)}", "dim"))
    if page.projects:
        shown = page.projects[:limit] if limit else page.projects
        listed = f"{len(shown):,} of " if len(shown) < len(page.projects) else ""
        table = Table(title=safe_text(f"projects reusing {page.model} ({listed}"
                                      f"{len(page.projects):,})", newlines=False),
                      header_style="bold")
        table.add_column("project")
        files = _has_files(shown)
        if files:
            table.add_column("files")
        for p in shown:
            table.add_row(_fmt(p["project"]), *((_fmt(p["files"]),) if files else ()))
        console.print(table)


def print_project_page(page: ProjectPage) -> None:
    """The project's licenses, then its models."""
    console = console_for()
    if page.licenses is None:
        lic = "not scanned"
    elif not page.licenses:
        lic = "scanned: no license found"
    else:
        lic = " AND ".join(page.licenses)
    head = Text.assemble(safe_text(page.project, "bold", newlines=False), "  ",
                         safe_text(page.url or "", newlines=False), "\nlicenses: ",
                         safe_text(lic, newlines=False))
    console.print(head)
    table = Table(title=safe_text(f"models used by {page.project}", newlines=False),
                  header_style="bold")
    files = _has_files(page.models)
    for col in ("model", "license", "downloads", "reused by", *(("files",) if files else ())):
        table.add_column(col, justify="right" if col in ("downloads", "reused by") else "left")
    for m in page.models:
        table.add_row(_fmt(m["model"]), _fmt(m["license"]), _fmt(m["downloads"]),
                      _fmt(m["reuse_count"]), *((_fmt(m["files"]),) if files else ()))
    console.print(table)
