"""The documentation report as Markdown (GitHub-flavoured tables), e.g. for a pull request or wiki.

Every value that comes from data is escaped, so a model or author name cannot break a table,
inject markup or send control sequences to a terminal the file is printed on.
"""

from __future__ import annotations

from ptmx.cards.report import CardsReport, label, number
from ptmx.cards.report import missing_text as _missing
from ptmx.safetext import visible

_SPECIAL = "\\`*_[]<>|#"
BAR_WIDTH = 20


def escape(text: object) -> str:
    """Text safe inside a Markdown table cell (one line, specials backslash-escaped, control
    characters such as ESC shown as escapes)."""
    out = visible(" ".join(str(text).split()))
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in out)


def percent(share: float | None) -> str:
    """0.823 → '82%'; None → 'not assessed'."""
    return "not assessed" if share is None else f"{share * 100:.0f}%"


def bar(share: float | None, width: int = BAR_WIDTH) -> str:
    """A text bar for a share (0–1)."""
    if share is None:
        return ""
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled)


def _table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    right = right or set()
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def to_markdown(rep: CardsReport) -> str:
    """The whole report: field shares, riskiest models, and the grouped view if any."""
    parts = [
        f"# Model-card documentation: {escape(rep.dataset or 'dataset')}",
        "",
        f"{rep.assessed:,} of {rep.models:,} models have card data and were assessed; "
        f"{rep.not_assessed:,} are **not assessed** (no card data — not counted as missing)."
        + (f" Only models reused by at least {rep.min_reuse:,} "
           f"project{'s' if rep.min_reuse != 1 else ''}."
           if rep.min_reuse else ""),
        "",
        "## Share of assessed cards missing each field",
        "",
        _table(
            ["field", "severity", "missing", "share", "", "paper (11.7k cards)"],
            [[escape(f.label), f.severity, _missing(f), percent(f.share),
              bar(f.share), percent(f.paper_share) if f.paper_share is not None else "—"]
             for f in rep.fields],
            right={2, 3, 5}),
        "",
        "## Riskiest models (reuse × missing critical fields)",
        "",
    ]
    if rep.riskiest:
        parts.append(_table(
            ["#", "model", "reused by", "completeness", "missing critical fields", "risk"],
            [[str(i), escape(m.model), number(m.reuse_count), number(m.completeness, "%"),
              escape(", ".join(label(k) for k in m.missing_critical)) or "—", number(m.risk)]
             for i, m in enumerate(rep.riskiest, 1)],
            right={0, 2, 3, 5}))
    else:
        parts.append("No assessed model matches.")
    if rep.by not in ("field", "model"):
        parts += [
            "",
            f"## By {rep.by} (top {len(rep.groups):,} of {rep.total_groups:,}, most risk first)",
            "",
            _table(
                [rep.by, "models", "assessed", "not assessed", "reuse", "completeness",
                 "missing critical", "risk", "most often missing"],
                [[escape(g.group), number(g.models), number(g.assessed), number(g.not_assessed),
                  number(g.reuse), number(g.completeness, "%"), number(g.missing_critical_models),
                  number(g.risk), escape(", ".join(g.most_missing)) or "—"] for g in rep.groups],
                right={1, 2, 3, 4, 5, 6, 7}),
        ]
    parts += ["", "Completeness weighs critical fields 3, important 2, nice-to-have 1. The base "
                  "model counts only for models known to be derived."]
    return "\n".join(parts) + "\n"
