"""Rich renderings of a model page and a project page for `ptmx model` / `ptmx project`.

Every value comes from the dataset, so it reaches rich only as inert ``Text`` (``safe_text``).
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from ptmx.render.output import console_for
from ptmx.render.renderables import verdict_rank, verdict_summary
from ptmx.render.safe import safe_text
from ptmx.render.styles import verdict_style
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


def _verdict(row: dict[str, Any]) -> Text:
    """A link's verdict, with the ancestor whose terms decided it."""
    verdict = row.get("verdict")
    if not verdict:
        return Text("—")
    cell = safe_text(verdict, verdict_style(verdict), newlines=False)
    if row.get("inherited_from"):
        cell.append_text(safe_text(f" (inherited from {row['inherited_from']})", newlines=False))
    return cell


def _worst_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with verdicts, worst first (stable: dataset order within a verdict)."""
    if not any(r.get("verdict") for r in rows):
        return rows
    return sorted(rows, key=lambda r: -verdict_rank(r["verdict"]) if r.get("verdict") else 0)


def print_chain(chains: list[tuple[str, list[dict[str, Any]]]], title: str) -> None:
    """Models' effective terms beyond their own licence: each ancestor, its licence, what it
    imposes on every derivative (or why its terms are unknown), and the path to it."""
    table = Table(title=safe_text(title, newlines=False), header_style="bold")
    for col in ("ancestor", "licence", "imposes / note", "path"):
        table.add_column(col, overflow="fold")
    for _model, chain in chains:
        for a in chain:
            note = a.get("gap") or ", ".join(a.get("imposes") or []) or "—"
            if a.get("declared"):
                note += f" (tagged {a['declared']})"
            if a.get("source") == "hub":
                note += " [Hub base_model tag]"
            table.add_row(_fmt(a.get("model")), _fmt(a.get("license")), _fmt(note),
                          _fmt(a.get("via")))
    console_for().print(table)


def print_model_page(page: ModelPage, limit: int = 0, *, chain: list[dict[str, Any]] | None = None,
                     counts: dict[str, int] | None = None) -> None:
    """Key facts, the chain of licences it inherits, then the reusing projects (worst verdict
    first when judged): the first ``limit`` of them (0 = all)."""
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
    if chain:
        print_chain([(page.model, chain)],
                    f"effective terms: licences {page.model} inherits from its bases")
    if counts:
        console.print(verdict_summary(_expand(counts), "link verdicts (effective terms)"))
    if page.projects:
        rows = _worst_first(page.projects)
        shown = rows[:limit] if limit else rows
        judged = any(p.get("verdict") for p in shown)
        listed = f"{len(shown):,} of " if len(shown) < len(page.projects) else ""
        order = ", worst verdict first" if judged else ""
        table = Table(title=safe_text(f"projects reusing {page.model} ({listed}"
                                      f"{len(page.projects):,}{order})", newlines=False),
                      header_style="bold")
        if judged:
            table.add_column("verdict", overflow="fold")
        table.add_column("project")
        if judged:
            table.add_column("project licence", overflow="fold")
        files = _has_files(shown)
        if files:
            table.add_column("files")
        for p in shown:
            cells = [_fmt(p["project"])]
            if judged:
                cells = [_verdict(p), *cells, _fmt(p.get("project_license"))]
            table.add_row(*cells, *((_fmt(p["files"]),) if files else ()))
        console.print(table)


def _expand(counts: dict[str, int]) -> list[str]:
    return [verdict for verdict, n in counts.items() for _ in range(n)]


def print_project_page(page: ProjectPage, *, counts: dict[str, int] | None = None) -> None:
    """The project's licenses, then its models (worst verdict first when judged)."""
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
    if counts:
        console.print(verdict_summary(_expand(counts), "link verdicts (effective terms)"))
    rows = _worst_first(page.models)
    judged = any(m.get("verdict") for m in rows)
    table = Table(title=safe_text(f"models used by {page.project}"
                                  + (" (worst verdict first)" if judged else ""), newlines=False),
                  header_style="bold")
    files = _has_files(rows)
    for col in (*(("verdict",) if judged else ()), "model", "license", "downloads", "reused by",
                *(("files",) if files else ())):
        table.add_column(col, justify="right" if col in ("downloads", "reused by") else "left",
                         overflow="fold")
    for m in rows:
        table.add_row(*((_verdict(m),) if judged else ()), _fmt(m["model"]), _fmt(m["license"]),
                      _fmt(m["downloads"]), _fmt(m["reuse_count"]),
                      *((_fmt(m["files"]),) if files else ()))
    console.print(table)
    chained = [(m["model"], m["chain"]) for m in rows if m.get("chain")]
    if chained:
        print_chain(chained, "effective terms: licences these models inherit from their bases")
