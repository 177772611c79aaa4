"""`ptmx drift`: what changed on the Hub for every reused model of the dataset (issue 20).

Reads the hub tables that ``ptmx hub crawl`` (``hub_models``) and ``ptmx hub refresh``
(``hub_snapshot``) write into the dataset folder; without either it exits 2 with a pointer to
them. Exit 1 when ``--fail-on`` matches (``verdict``: a project's licence verdict changes; a
kind: any change of that kind; ``any``: any change). Hub text is outside text: the table shows
it as inert ``Text``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ptmx.cli.common import add_data_option, add_format_option, add_limit_option, store_from, table_limit
from ptmx.errors import UsageError
from ptmx.hub.dataset_drift import KINDS, DatasetDrift, NoHubTableError, dataset_drift
from ptmx.render.output import ROW_FORMATS, console_for, dumps

ITEM_COLUMNS = ("kind", "model", "projects", "then", "now", "detail", "live_id",
                "verdicts_changed")
VERDICT_COLUMNS = ("model", "project", "project_license", "license_then", "license_now",
                   "before", "after")
FAIL_ON = ("verdict", "any", *KINDS)
POINTER = ("the dataset has no hub table: run `ptmx hub crawl --reused` (or `ptmx hub refresh "
           "--top N --out DATA`) first")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `ptmx drift`."""
    p = sub.add_parser("drift", help="what changed on the hub for the dataset's reused models: "
                                     "licences, renames, deletions, verdicts")
    p.add_argument("--kind", action="append", choices=KINDS, metavar="KIND",
                   help=f"only this kind of change (repeatable): {', '.join(KINDS)}")
    add_limit_option(p, "changes")
    add_format_option(p, ROW_FORMATS)
    p.add_argument("--fail-on", action="append", choices=FAIL_ON, metavar="WHAT",
                   help="exit 1 when this is found (repeatable): verdict (a project's verdict "
                        "changes), any, or a kind")
    add_data_option(p)
    p.set_defaults(handler=_drift)


def _fails(result: DatasetDrift, fail_on: list[str] | None) -> bool:
    for what in fail_on or ():
        if what == "verdict" and result.verdicts:
            return True
        if what == "any" and result.items:
            return True
        if result.by_kind.get(what):
            return True
    return False


def _summary_rows(result: DatasetDrift) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"what": "reused models", "count": result.reused},
        {"what": "with a hub row", "count": result.crawled},
        {"what": "not crawled yet", "count": result.not_crawled},
    ]
    rows += [{"what": f"{kind} changes", "count": n} for kind, n in result.by_kind.items()]
    rows += [{"what": "links whose verdict changes", "count": len(result.verdicts)},
             {"what": "projects whose verdict changes", "count": len(result.projects_flipped)}]
    if result.unscanned_links:
        rows.append({"what": "links left out (project never scanned)",
                     "count": result.unscanned_links})
    return rows


def _table(result: DatasetDrift, limit: int) -> None:
    from ptmx.cli.hub import emit_safe

    emit_safe(_summary_rows(result), "table", columns=["what", "count"],
              title=f"drift: dataset vs hub ({' + '.join(result.tables)})")
    items = [i.to_dict() for i in result.items]
    shown = items[:limit] if limit else items
    if shown:
        emit_safe(shown, "table", columns=list(ITEM_COLUMNS),
                  title=f"changes ({len(shown):,} of {len(items):,})")
    if result.verdicts:
        verdicts = [v.to_dict() for v in result.verdicts]
        emit_safe(verdicts[:limit] if limit else verdicts, "table", columns=list(VERDICT_COLUMNS),
                  title="verdicts that change with the hub's licence")
    if limit and len(items) > limit:
        console_for().print(f"{len(items) - limit:,} more: --limit 0 lists all", markup=False,
                            highlight=False)


def _drift(args: argparse.Namespace) -> int:
    store = store_from(args)
    try:
        result = dataset_drift(store, args.kind)
    except NoHubTableError:
        raise UsageError(POINTER) from None
    limit = table_limit(args.limit, args.format)
    if args.format == "table":
        _table(result, limit)
    elif args.format == "json":
        data = result.to_dict()
        if limit:
            data["drift"] = data["drift"][:limit]
        sys.stdout.write(dumps(data) + "\n")
    else:
        from ptmx.render import emit

        items = [i.to_dict() for i in result.items]
        emit(items[:limit] if limit else items, args.format, columns=list(ITEM_COLUMNS))
    return 1 if _fails(result, args.fail_on) else 0
