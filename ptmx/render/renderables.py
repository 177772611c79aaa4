"""Rich renderables for license verdicts, key–value pages, bar charts and hub answers.

Shared by the TUI's screens (and usable by the CLI): plain data in, a rich renderable out.
Every piece of outside text (ids, license names, reasons, hub answers) goes in as inert ``Text``
through :func:`~ptmx.render.safe.safe_text`, so markup or escape sequences in it stay literal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ptmx.hub import HubLookup
from ptmx.licenses.vocabulary import Verdict
from ptmx.render.safe import safe_text
from ptmx.render.styles import severity_style, verdict_style
from ptmx.render.values import NONE, figure, text

_UNRANKED = len(Verdict)  # anything that is not a verdict sorts after every verdict


def verdict_rank(verdict: str) -> int:
    """The license engine's rank of ``verdict`` (higher is worse)."""
    try:
        return Verdict(verdict).rank
    except ValueError:
        return _UNRANKED


def kv_table(rows: Iterable[tuple[str, str | Text]]) -> Table:
    """A two-column 'label  value' table (values that are not ``Text`` are made inert)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for label, value in rows:
        table.add_row(safe_text(label), value if isinstance(value, Text) else safe_text(value))
    return table


def verdict_cell(verdict: str | None) -> Text:
    """A verdict, coloured by how bad it is."""
    return safe_text(verdict or NONE, verdict_style(verdict))


def verdict_summary(verdicts: Iterable[str], what: str) -> Text:
    """'links to projects: ok 1,699 · ok-with-obligations 5' (coloured, best first), or ''."""
    counts = Counter(verdicts)
    if not counts:
        return Text("")
    line = Text(f"{what}: ")
    for i, verdict in enumerate(sorted(counts, key=verdict_rank)):
        if i:
            line.append(" · ")
        line.append_text(safe_text(f"{verdict} {counts[verdict]:,}", verdict_style(verdict)))
    return line


def worst_reasons(findings: Iterable[tuple[str, str]], n: int = 3) -> list[Text]:
    """The ``n`` most frequent (verdict, reason) pairs that are findings, worst verdict first
    (by the license engine's rank), the most frequent first within a verdict."""
    bad = Counter((verdict, reason) for verdict, reason in findings
                  if verdict not in (Verdict.OK, Verdict.OK_WITH_OBLIGATIONS))
    ranked = sorted(bad.items(), key=lambda kv: (-verdict_rank(kv[0][0]), -kv[1]))[:n]
    return [Text.assemble(safe_text(f"{verdict} ×{count:,}: ", verdict_style(verdict)),
                          safe_text(reason))
            for (verdict, reason), count in ranked]


def bar_chart(rows: Iterable[tuple[str, int, str]], width: int = 28,
              extra: dict[str, Text] | None = None) -> Table:
    """label  ████████  1,234 — one bar per (label, count, style), scaled to the largest."""
    rows = list(rows)
    top = max((n for _, n, _ in rows), default=0) or 1
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, overflow="ellipsis", max_width=42)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(overflow="fold")
    for label, n, style in rows:
        bar = "█" * max(1, round(n / top * width)) if n else ""
        table.add_row(safe_text(label, style), Text(bar, style=style or "cyan"), f"{n:,}",
                      (extra or {}).get(label, ""))
    return table


# Rows of the hub tab's verdict-change table: a Rich table in a Static is laid out whole on every
# reflow, and bert-base-uncased's 1,000-odd changed projects froze the TUI for ~4 s on the sample.
SHOWN_CHANGES = 50


def _rank_or_none(verdict: Any) -> int:
    """The verdict's rank; -1 for none or a word that is not a verdict (sorted last)."""
    rank = verdict_rank(str(verdict or ""))
    return -1 if rank == _UNRANKED else rank


def verdict_changes(moved: list[dict[str, Any]], model: str = "",
                    limit: int = SHOWN_CHANGES) -> Table:
    """The projects whose verdict changes with the live licence: project, its licence,
    verdict then → now; the worst live verdicts first, at most ``limit`` rows, with a caption
    saying how many more there are and where to get them all."""
    n = len(moved)
    table = Table(box=None, padding=(0, 1), title_justify="left", caption_justify="left",
                  title=f"{n:,} project{'s' if n != 1 else ''} change verdict",
                  title_style="bold")
    for column in ("project", "project licence", "snapshot verdict", "live verdict"):
        table.add_column(column, no_wrap=column == "project")
    # Worst live verdict first; an answer that is not a verdict (none) after every verdict.
    ranked = sorted(moved, key=lambda v: (-_rank_or_none(v.get("after")), str(v.get("project"))))
    for v in ranked[:limit]:
        table.add_row(safe_text(text(v.get("project"))), safe_text(text(v.get("project_license"))),
                      verdict_cell(v.get("before")), verdict_cell(v.get("after")))
    if n > limit:
        table.caption = safe_text(
            f"… and {n - limit:,} more: `ptmx hub info {model or 'MODEL'} --format json` "
            "lists every project's verdict", "dim italic")
    return table


def hub_renderable(result: HubLookup) -> Group:
    """A hub lookup: status, then the drift table (snapshot vs live), then warnings."""
    source = f" (from {result.source})" if result.source else ""
    parts: list[RenderableType] = [
        safe_text(f"live on the hub: {result.status}{source}", "bold")]
    if result.message:
        hint = f" (hint: {result.hint})" if result.hint else ""
        parts.append(safe_text(result.message + hint))
    drift = result.drift
    if drift is not None:
        table = Table(box=None, padding=(0, 1), expand=True)
        for column in ("field", "snapshot", "live", "change"):
            table.add_column(column, overflow="fold")
        for row in drift.rows:
            style = "" if row.change in ("same", "unknown") else "bold"
            detail = f"{row.change}" + (f": {row.detail}" if row.detail else "")
            percent = "completeness" in row.field
            table.add_row(safe_text(row.field), safe_text(figure(row.snapshot, percent=percent)),
                          safe_text(figure(row.live, percent=percent)), safe_text(detail),
                          style=style)
        parts.append(table)
        moved = [v for v in drift.project_verdicts if v.get("before") != v.get("after")]
        if moved:
            parts.append(verdict_changes(moved, result.model))
        parts.extend(safe_text(note, "italic") for note in drift.notes)
    elif result.info is not None:
        info = result.info.to_dict()
        parts.append(kv_table((k, text(v)) for k, v in info.items()
                              if not isinstance(v, list | dict)))
    if result.info is not None:
        parts.extend(files_renderables(result.info.supply_chain()))
    parts.extend(safe_text("warning: " + w, "yellow") for w in result.warnings)
    return Group(*parts)


def files_renderables(chain: dict[str, Any]) -> list[RenderableType]:
    """What the model's files are (``HubModelInfo.supply_chain()``): the weights format, the
    hub's own security scan, and each risk with its severity, explanation and fix."""
    formats = ", ".join(chain.get("weight_formats") or []) or NONE
    weights = f"{chain.get('weights') or 'unknown'} ({formats})"
    if chain.get("pickle_only"):
        weights += ", pickle only: loading runs code"
    rows: list[tuple[str, str]] = [("weights", weights)]
    if chain.get("security") is not None:
        rows.append(("hub security scan", text(chain["security"])))
    parts: list[RenderableType] = [kv_table(rows)]
    for risk in chain.get("risks") or []:
        line = Text()
        line.append_text(safe_text(f"{risk['severity']} ", severity_style(risk["severity"])))
        line.append_text(safe_text(f"{risk['id']}: ", "bold"))
        line.append_text(safe_text(risk["explanation"]))
        files = ", ".join(risk.get("files") or [])
        if files:
            line.append_text(safe_text(f" ({files})", "dim"))
        line.append_text(safe_text(f"\n  fix: {risk['fix']}", "italic"))
        parts.append(line)
    return parts
