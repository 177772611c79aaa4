"""`ptmx hub …`: live Hugging Face Hub lookups — info (with drift), refresh, children.

Settings come from the environment (HF_ENDPOINT, HF_TOKEN…, HF_HUB_OFFLINE, PTMX_HUB_*);
``--offline`` and ``--refresh`` override them for one run. Failures exit 3 with one line.

Everything a hub answer says (ids, authors, license names, card fields, error bodies) is outside
text: tables show it as inert ``Text`` (:func:`emit_safe`), messages through ``visible``, so an
escape sequence or a ``[/]`` in an answer is shown, never acted on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from ptmx.cards import completeness
from ptmx.cli.common import add_data_option, add_format_option, store_from
from ptmx.errors import Interrupted, PtmxError, UsageError
from ptmx.hub import HubClient, HubLookup, HubModelInfo, HubSettings, lookup_with_drift
from ptmx.hub.models import RELATIONS
from ptmx.licenses import verdict_for
from ptmx.render import emit, to_records
from ptmx.render.output import _cell, console_for, dumps
from ptmx.render.safe import safe_text
from ptmx.safetext import visible
from ptmx.store import Store

EXIT_HUB = 3
MAX_TOP = 1_000_000  # more models than any dataset has; keeps the SQL LIMIT in range
CHILD_COLUMNS = ("model", "relation", "hub_relation", "gated", "weights", "downloads", "likes",
                 "license", "pipeline_tag", "library_name", "last_modified")
# On a terminal, the columns that decide a choice (CSV and JSON keep every one).
CHILD_TABLE_COLUMNS = ("model", "relation", "hub_relation", "gated", "weights", "downloads",
                       "likes", "license")
SPACES_SHOWN = 10  # in the table; the JSON has every one


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `ptmx hub` and its actions."""
    p = sub.add_parser("hub", help="live Hugging Face Hub lookups and drift since the snapshot")
    hub_sub = p.add_subparsers(dest="hub_command", metavar="ACTION", required=True,
                               parser_class=type(p))

    info = hub_sub.add_parser("info", help="a model on the hub now, and what changed since "
                                           "the snapshot")
    info.add_argument("model", help="hub id (owner/name or name) or hub URL")
    add_format_option(info, ("table", "json"))
    _add_hub_options(info)
    add_data_option(info)
    info.set_defaults(handler=_info)

    ref = hub_sub.add_parser("refresh", help="look many models up into a hub_snapshot table")
    which = ref.add_mutually_exclusive_group(required=True)
    which.add_argument("--models", type=Path, metavar="FILE",
                       help="text file of model ids, one per line (# comments allowed)")
    which.add_argument("--top", type=int, metavar="N",
                       help="the N most downloaded models of the dataset")
    ref.add_argument("--out", type=Path, required=True, metavar="DIR",
                     help="folder to write hub_snapshot.parquet into (e.g. the dataset folder)")
    ref.add_argument("--concurrency", type=int, metavar="N",
                     help="simultaneous requests (default: $PTMX_HUB_CONCURRENCY or 4)")
    ref.add_argument("--no-files", dest="files", action="store_false",
                     help="skip the second call per model (file sizes and the hub's security "
                          "scan): half the requests, those columns stay empty")
    add_format_option(ref, ("table", "json"))
    _add_hub_options(ref)
    add_data_option(ref)
    ref.set_defaults(handler=_refresh)

    _register_crawl(hub_sub)

    ch = hub_sub.add_parser("children", help="models derived from a model on the hub "
                                             "(finetune/quantized/adapter/merge)")
    ch.add_argument("model", help="hub id of the base model")
    ch.add_argument("--relation", choices=RELATIONS,
                    help="only this kind of derivation, as ptmx reads it from the files "
                         "(a GGUF repository tagged finetune is quantized)")
    ch.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    add_format_option(ch)
    _add_hub_options(ch)
    ch.set_defaults(handler=_children)


def _add_hub_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--refresh", action="store_true", help="ignore cached answers (fetch again)")
    p.add_argument("--offline", action="store_true",
                   help="no network: answer from the cache (as HF_HUB_OFFLINE=1)")


def _settings(args: argparse.Namespace, **overrides: Any) -> HubSettings:
    if getattr(args, "offline", False):
        overrides["offline"] = True
    if getattr(args, "refresh", False):
        overrides["refresh"] = True
    return HubSettings.from_env(**overrides)


def _warn(text: str) -> None:
    print(f"ptmx: warning: {visible(text, newlines=False)}", file=sys.stderr)


def emit_safe(rows: Iterable[Mapping[str, Any]], fmt: str, *,
              columns: Sequence[str] | None = None, title: str | None = None) -> None:
    """:func:`ptmx.render.emit`, except that a table's title and cells are inert ``Text``:
    rows here hold outside text, which must never be parsed as rich markup."""
    if fmt != "table":
        emit(rows, fmt, columns=columns, title=title)
        return
    from rich.table import Table

    records = to_records(rows)
    names = list(columns) if columns is not None else list(
        dict.fromkeys(k for r in records for k in r))
    table = Table(title=safe_text(title, "table.title", newlines=False) if title else None,
                  show_lines=False, header_style="bold")
    for name in names:
        values = [r.get(name) for r in records]
        numeric = any(v is not None for v in values) and all(
            v is None or isinstance(v, int | float) for v in values)
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for r in records:
        table.add_row(*(safe_text(_cell(r.get(name))) for name in names))
    console_for().print(table)


def _when(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _size(n: int | None) -> str | None:
    if n is None:
        return None
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000
    return None


def _bases(info: HubModelInfo) -> str | None:
    bases = "; ".join(info.base_models) or None
    if bases and info.base_model_relation:
        bases += f" ({info.base_model_relation}"
        if info.relation_corrected_from:
            bases += f", corrected by ptmx from the hub's {info.relation_corrected_from}"
        bases += ")"
    if bases and info.base_model_source == "cardData":
        bases += " — declared in the card only"
    return bases


def weight_rows(info: HubModelInfo) -> list[tuple[str, Any]]:
    """The files part of the info table: weights, dtypes, GGUF facts, the hub's scan."""
    art = info.artifacts
    if art is None or art.weights == "unknown":
        return [("weights", "unknown (the answer listed no files)")]
    files = f"{len(art.files)} weight file(s) of {art.file_count} files"
    if art.weights_size is not None:
        files += f", {_size(art.weights_size)}"
    kind = art.weights + (" (pickle only)" if art.pickle_only else "")
    if art.quantized:
        kind += f"; quantized: {', '.join(art.quantized)}"
    rows: list[tuple[str, Any]] = [("weights", kind), ("weight formats", ", ".join(art.formats)
                                                      or None), ("files", files)]
    if art.dtypes:
        rows.append(("dtypes", ", ".join(f"{k} {v:,}" for k, v in art.dtypes.items())))
    if art.gguf:
        g = art.gguf
        facts = [f"architecture {g['architecture']}" if "architecture" in g else None,
                 f"context length {g['context_length']:,}" if isinstance(
                     g.get("context_length"), int) else None,
                 f"{g['total']:,} parameters" if isinstance(g.get("total"), int) else None,
                 _size(g["size"]) if isinstance(g.get("size"), int) else None]
        rows.append(("gguf", ", ".join(f for f in facts if f) or None))
    if art.security is not None:
        flagged = art.security["files_with_issues"]
        state = "done" if art.security["scans_done"] else "not done yet"
        rows.append(("hub security scan", f"{state}; " + (
            f"{len(flagged)} file(s) flagged: " + ", ".join(
                f"{f['path']} ({f['level']})" for f in flagged) if flagged else "no issues")))
    return rows


def info_rows(info: HubModelInfo) -> list[dict[str, Any]]:
    """Live metadata as (field, value) rows for a table."""
    children = ", ".join(f"{k} {v}" for k, v in sorted(info.children_count.items())) or None
    bases = _bases(info)
    declared = "; ".join(info.declared_base_models) or None
    spaces = None
    if info.spaces:
        spaces = f"{len(info.spaces)}{'+' if info.spaces_capped else ''}: " + ", ".join(
            info.spaces[:SPACES_SHOWN]) + (" …" if len(info.spaces) > SPACES_SHOWN else "")
    license_text = info.license
    if license_text and info.license_name:
        license_text += f" ({info.license_name})"
    source = info.source + (" (stale)" if info.stale else "")
    rows = [
        ("id", info.id), ("renamed from", info.renamed_from), ("author", info.author),
        ("availability", info.availability), ("license", license_text),
        ("downloads (30 days)", info.downloads), ("downloads (all time)", info.downloads_all_time),
        ("likes", info.likes), ("library", info.library_name), ("task", info.pipeline_tag),
        ("base models", bases),
        ("declared parents", f"{declared} (in the card; the hub does not recognise them)"
         if declared else None),
        ("derived models", children),
        ("parameters", info.parameter_count), *weight_rows(info),
        ("risks", ", ".join(r.id for r in info.artifacts.risks) if info.artifacts and
         info.artifacts.risks else None),
        ("spaces", spaces),
        ("commit", info.sha[:12] if info.sha else None),
        ("last modified", info.last_modified), ("created", info.created_at),
        ("fetched", f"{_when(info.fetched_at)} from {source}"),
    ]
    return [{"field": k, "value": v if not isinstance(v, int) else f"{v:,}"}
            for k, v in rows if v is not None]


def risk_rows(info: HubModelInfo) -> list[dict[str, Any]]:
    """The risk findings of the repository's files, one row each."""
    if info.artifacts is None:
        return []
    return [{"risk": r.id, "severity": str(r.severity), "explanation": r.explanation,
             "fix": r.fix, "files": ", ".join(r.files[:5]) + (" …" if len(r.files) > 5 else "")}
            for r in info.artifacts.risks]


def _short_commits(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Commit hashes cut to 12 characters, as git shows them (the JSON keeps them whole)."""
    for row in rows:
        if row["field"] == "commit":
            for key in ("snapshot", "live"):
                if isinstance(row[key], str):
                    row[key] = row[key][:12]
    return rows


def _open_store_quietly(args: argparse.Namespace) -> Store | None:
    """The dataset for the drift; without an explicit --data, a missing one only skips the drift."""
    try:
        return store_from(args)
    except PtmxError as exc:
        if getattr(args, "data", None):
            raise
        _warn(f"no snapshot to compare with ({exc.one_line()})")
        return None


def _info(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = _open_store_quietly(args)
    lookup: HubLookup = lookup_with_drift(store, args.model, refresh=args.refresh,
                                          settings=settings, license_judge=verdict_for,
                                          completeness_fn=completeness)
    if lookup.info is not None:
        # On a failure the one line that says why is all stderr holds (the JSON keeps the rest).
        for warning in lookup.warnings:
            _warn(warning)
        if lookup.drift is not None:
            for note in lookup.drift.notes:
                _warn(note)
    if args.format == "json":
        sys.stdout.write(dumps(lookup.to_dict()) + "\n")
    else:
        if lookup.info is not None:
            emit_safe(info_rows(lookup.info), "table", columns=["field", "value"],
                      title=f"{lookup.info.id} on the hub")
            risks = risk_rows(lookup.info)
            if risks:
                emit_safe(risks, "table", columns=["risk", "severity", "explanation", "fix",
                                                   "files"],
                          title=f"risks in the files: {len(risks)}")
        if lookup.drift is not None:
            emit_safe(_short_commits(lookup.drift.to_rows()), "table",
                      columns=["field", "snapshot", "live", "change", "detail"],
                      title=f"since the snapshot: {len(lookup.drift.changed)} changed")
    if lookup.info is None:
        hint = f" (hint: {lookup.hint})" if lookup.hint else ""
        print(visible(f"ptmx: {lookup.message}{hint}", newlines=False), file=sys.stderr)
        return EXIT_HUB
    return 0


def _no_progress(table: str, done: int, total: int) -> None:
    """Progress updates when stderr is not a terminal: nothing to draw."""


def _refresh(args: argparse.Namespace) -> int:
    from ptmx.hub.snapshot import read_models_file, refresh
    from ptmx.render.progress import table_progress

    if args.top is not None and not 1 <= args.top <= MAX_TOP:
        raise UsageError(f"--top must be from 1 to {MAX_TOP:,}")
    if args.concurrency is not None and args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    overrides: dict[str, Any] = {}
    if args.concurrency:
        overrides["concurrency"] = args.concurrency
    settings = _settings(args, **overrides)
    # A batch can afford to sit out a rate-limit window rather than fail every remaining model.
    settings = settings.with_options(max_wait=max(settings.max_wait, settings.batch_max_wait))
    if args.models is not None:
        models = read_models_file(args.models)
    else:
        from ptmx.store import search_models

        table = search_models(store_from(args), "", limit=args.top, order_by="downloads")
        models = table.column("model").to_pylist()
    if not models:
        raise UsageError("no models to look up", hint="the models file is empty")

    # A progress bar is for a terminal; piped, stderr keeps to the one summary line.
    shown = table_progress() if sys.stderr.isatty() else nullcontext(_no_progress)
    with HubClient(settings) as client, shown as update:
        result = refresh(models, args.out, client, files=args.files,
                         on_progress=lambda done, total, _m, _s: update("hub refresh", done,
                                                                         total))
    summary = (f"{result.requested} models: {result.skipped} already fetched, "
               f"{result.fetched} looked up, {result.failed} failed → {result.path}")
    if result.files_failed:
        summary += (f"; {result.files_failed} without file sizes or security scan "
                    "(the second call failed)")
    nothing = result.fetched > 0 and result.answered == 0
    if nothing:
        summary = f"hub refresh: nothing could be fetched ({summary})"
    print(visible(f"ptmx: {summary}", newlines=False), file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(dumps(result.to_dict()) + "\n")
    else:
        emit_safe([{"status": k, "models": v} for k, v in result.by_status.items()], "table",
                  title=f"hub_snapshot: {result.path}")
    return EXIT_HUB if nothing else 0


def _children(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    with HubClient(_settings(args)) as client:
        # Resolve first: a renamed base model's children are filed under its new id.
        info = client.model_info(args.model)
        for warning in info.warnings:
            _warn(warning)
        items = [i.to_dict() | {"model": i.id}
                 for i in client.children(info.id, args.relation, limit=args.limit)]
    counts = info.children_count
    if counts:
        wanted = counts.get(args.relation, 0) if args.relation else sum(counts.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(visible(f"ptmx: {len(items)} shown; the hub counts {wanted} derived models "
                      f"({detail})", newlines=False), file=sys.stderr)
    columns = CHILD_TABLE_COLUMNS if args.format == "table" else CHILD_COLUMNS
    emit_safe(items, args.format, columns=list(columns),
              title=f"models derived from {info.id}")
    return 0


# -- crawl (issue 20) -------------------------------------------------------------------------
def _register_crawl(hub_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cr = hub_sub.add_parser("crawl", help="list models from the hub into the dataset's "
                                          "hub_models table (resumable)")
    scope = cr.add_mutually_exclusive_group(required=True)
    scope.add_argument("--all", action="store_true", help="every model of the hub listing")
    scope.add_argument("--reused", action="store_true",
                       help="the models the dataset's projects use, their ancestors and "
                            "direct descendants")
    scope.add_argument("--author", metavar="NAME", help="the models of one user or organisation")
    cr.add_argument("--since", metavar="DATE", help="only models changed on or after DATE "
                                                     "(YYYY-MM-DD)")
    cr.add_argument("--limit", type=int, metavar="N", help="stop after N models")
    cr.add_argument("--cards", action="store_true",
                    help="also fetch each model's README into the hub_card table")
    cr.add_argument("--concurrency", type=int, metavar="K",
                    help="simultaneous requests (default: $PTMX_HUB_CONCURRENCY or 4)")
    cr.add_argument("--restart", action="store_true",
                    help="drop an unfinished crawl of this dataset and start over (one "
                         "stopped while publishing is complete: it is published first)")
    cr.add_argument("--batch-rows", type=int, default=None, help=argparse.SUPPRESS)
    add_format_option(cr, ("table", "json"))
    add_data_option(cr)
    cr.set_defaults(handler=_crawl)


def _crawl_options(args: argparse.Namespace) -> Any:
    from ptmx.hub.crawl import BATCH_ROWS, CrawlOptions, parse_since

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    if args.concurrency is not None and args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if args.author is not None and not args.author.strip():
        raise UsageError("--author needs a name")
    scope = "all" if args.all else "reused" if args.reused else f"author:{args.author.strip()}"
    return CrawlOptions(scope=scope, since=parse_since(args.since) if args.since else None,
                        limit=args.limit, cards=args.cards,
                        batch_rows=max(1, args.batch_rows or BATCH_ROWS))


def _crawl_progress() -> Any:
    """Progress on stderr: a redrawn line on a terminal, else a plain line every 30 s.

    Rate and ETA count this run's work only (a resumed crawl's earlier models came for free);
    a listing without --limit has no total, and the line says so."""
    import time

    tty = sys.stderr.isatty()
    started = time.monotonic()
    last: list[float | None] = [None]

    def show(p: Any) -> None:
        now = time.monotonic()
        if not tty and last[0] is not None and now - last[0] < 30:
            return
        last[0] = now
        elapsed = max(now - started, 1e-6)
        line = (f"hub crawl: {p.phase}: {p.pages:,} pages, {p.models:,} models, "
                f"{p.run_models / elapsed:,.0f}/s")
        if p.total:
            rate = p.run_done / elapsed
            eta = f"{(p.total - p.done) / rate:,.0f} s" if rate > 0 else "unknown"
            line += f", {p.done:,}/{p.total:,}, ETA {eta}"
        else:
            line += ", total unknown (no ETA)"
        print(("\r" + line + "\x1b[K") if tty else line, end="" if tty else "\n",
              file=sys.stderr, flush=True)

    return show


def _crawl_notice(folder: Path) -> Any:
    """The line saying an earlier, interrupted crawl was published before this one."""
    def notice(earlier: Any) -> None:
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(visible(f"ptmx: first finished publishing an interrupted crawl "
                      f"({earlier.options}, snapshot {earlier.snapshot}): {earlier.models:,} "
                      f"models → {folder / 'hub_models'}; now crawling as asked",
                      newlines=False), file=sys.stderr, flush=True)

    return notice


def _crawl(args: argparse.Namespace) -> int:
    from ptmx.errors import stop_on_signals
    from ptmx.hub.crawl import crawl
    from ptmx.hub.crawl_store import CrawlWork

    opts = _crawl_options(args)
    store = store_from(args)
    if opts.scope == "reused":
        from ptmx.hub.crawl_queries import reused_models

        opts.reused_ids = reused_models(store)
    work = CrawlWork(store.folder)
    overrides: dict[str, Any] = {"cache_dir": None}  # a crawl is live and must not fill the cache
    if args.concurrency:
        overrides["concurrency"] = args.concurrency
    settings = _settings(args, **overrides)
    settings = settings.with_options(max_wait=max(settings.max_wait, settings.batch_max_wait))
    hint = "rerun the same command to resume (or add --restart to start over)"
    try:
        with stop_on_signals(), HubClient(settings) as client:
            result = crawl(client, work, opts, restart=args.restart, progress=_crawl_progress(),
                           notice=_crawl_notice(store.folder))
    except KeyboardInterrupt:
        print(f"\nptmx: interrupted; {hint}", file=sys.stderr)
        return 130
    except (PtmxError, Interrupted) as exc:
        if sys.stderr.isatty():
            print(file=sys.stderr)
        tail = f"; {hint}" if exc.exit_code in (EXIT_HUB,) or exc.exit_code > 128 else ""
        print(visible(f"ptmx: {exc.one_line()}{tail}", newlines=False), file=sys.stderr)
        return exc.exit_code
    if sys.stderr.isatty():
        print(file=sys.stderr)
    cards = (f", {result.cards:,} cards ({result.cards_by_status.get('ok', 0):,} with a README)"
             if "--cards" in result.options.split() else "")
    print(visible(f"ptmx: hub crawl ({result.scope}): {result.models:,} models{cards} in "
                  f"{result.pages:,} pages → {store.folder / 'hub_models'}", newlines=False),
          file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(dumps(result.to_dict()) + "\n")
    else:
        emit_safe([{"status": k, "models": v} for k, v in result.by_status.items()], "table",
                  title=f"hub_models snapshot {result.snapshot} ({result.scope})")
    return 0
