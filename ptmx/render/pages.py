"""Rich renderings of a model page and a project page for `ptmx model` / `ptmx project`."""

from __future__ import annotations

from rich.table import Table

from ptmx.render.output import console_for
from ptmx.store.pages import ModelPage, ProjectPage


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "—"
    return str(value)


def print_model_page(page: ModelPage) -> None:
    """Key facts, then the reusing projects."""
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
        console.print(f"[dim]not in this dataset: {', '.join(page.missing_tables)}[/dim]")
    if page.projects:
        table = Table(title=f"projects reusing {page.model}", header_style="bold")
        table.add_column("project")
        table.add_column("files")
        for p in page.projects:
            table.add_row(p["project"], _fmt(p["files"]))
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
    console.print(f"[bold]{page.project}[/bold]  {page.url or ''}\nlicenses: {lic}")
    table = Table(title=f"models used by {page.project}", header_style="bold")
    for col in ("model", "license", "downloads", "reused by", "files"):
        table.add_column(col, justify="right" if col in ("downloads", "reused by") else "left")
    for m in page.models:
        table.add_row(m["model"], _fmt(m["license"]), _fmt(m["downloads"]),
                      _fmt(m["reuse_count"]), _fmt(m["files"]))
    console.print(table)
