"""Core subcommands: stats, query, import, sample build, browse, model, project."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ptmx.cli.common import (
    MAX_COUNT,
    add_data_option,
    add_format_option,
    add_limit_option,
    non_negative_int,
    seconds,
    store_from,
    table_limit,
)
from ptmx.render import emit
from ptmx.render.output import ROW_FORMATS, dumps
from ptmx.safetext import visible


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the core subcommands."""
    p = sub.add_parser(
        "browse", help="open the terminal explorer (TUI)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Open the terminal explorer on a dataset (the bundled sample by default).\n"
                    "Keys: F1 or ? help, ctrl+p command palette, F2-F7 areas, ctrl+q quit.\n\n"
                    "Environment:\n"
                    "  PTMX_DATA=DIR            dataset folder (as --data)\n"
                    "  PTMX_QUERY_TIMEOUT=SEC   time limit of the SQL console (default 30, 0: none)\n"
                    "  HF_HUB_OFFLINE=1         no Hub lookups (the model page's hub tab)\n"
                    "  HF_TOKEN=...             Hub token for gated models (never shown)\n"
                    "  HF_ENDPOINT=URL          another Hub (a mirror)")
    add_data_option(p)
    p.set_defaults(handler=_browse)

    p = sub.add_parser("stats", help="dataset counts: models, projects, links, licenses, hubs")
    add_data_option(p)
    add_format_option(p)
    p.set_defaults(handler=_stats)

    p = sub.add_parser(
        "query", help="run read-only SQL over all tables",
        description="One read-only SELECT over the dataset's tables (DuckDB SQL). List them with: "
                    "ptmx query \"SELECT table_name FROM information_schema.tables\"; a "
                    "table's columns with: ptmx query \"DESCRIBE model\". The README section "
                    "'The dataset folder' describes them.")
    p.add_argument("sql", help="one SELECT statement (see above for the table names)")
    p.add_argument("--limit", type=non_negative_int, default=1000, metavar="N",
                   help="row cap, 0 = all (default 1000)")
    p.add_argument("--timeout", type=seconds, metavar="SECONDS", default=None,
                   help="stop the query after this long (default: $PTMX_QUERY_TIMEOUT, else 30; "
                        "0: no limit)")
    add_data_option(p)
    add_format_option(p, ROW_FORMATS)
    p.set_defaults(handler=_query)

    p = sub.add_parser("search", help="find models by name, best match first")
    p.add_argument("text", help="part of a model id (case-insensitive)")
    p.add_argument("--limit", type=non_negative_int, default=20, metavar="N",
                   help="models listed, 0 = all (default 20)")
    p.add_argument("--sort", default="downloads",
                   choices=["model", "author", "downloads", "likes", "license", "reuse_count"])
    add_data_option(p)
    add_format_option(p, ROW_FORMATS)
    p.set_defaults(handler=_search)

    p = sub.add_parser("model", help="everything the dataset says about one model")
    p.add_argument("model", help="hub id, e.g. bert-base-uncased or owner/name")
    add_limit_option(p, "reusing projects")
    add_data_option(p)
    add_format_option(p, ("table", "json"))
    p.set_defaults(handler=_model)

    p = sub.add_parser("project", help="the models a GitHub project reuses, and its licenses")
    p.add_argument("project", help="owner/name (or a GitHub URL)")
    add_data_option(p)
    add_format_option(p, ("table", "json"))
    p.set_defaults(handler=_project)

    p = sub.add_parser("import", help="convert the published PeaTMOSS.db (SQLite) to a Parquet folder")
    p.add_argument("db", type=Path, help="PeaTMOSS.db")
    p.add_argument("out", type=Path, help="output dataset folder (must not exist unless --force)")
    p.add_argument("--force", action="store_true",
                   help="replace OUT, only after the new dataset is complete")
    p.add_argument("--repo-licenses", type=Path, metavar="FILE.json",
                   help="project → license keys (format of all_gh_licenses.json)")
    p.add_argument("--model-cards", type=Path, metavar="FILE.json",
                   help="model id → card fields (format of model_metadata_sample.json)")
    p.set_defaults(handler=_import)

    p = sub.add_parser("sample", help="the bundled real sample")
    sample_sub = p.add_subparsers(dest="sample_command", metavar="ACTION", required=True,
                                  parser_class=type(p))
    b = sample_sub.add_parser("build", help="rebuild the sample from the PeaTMOSS artifact files")
    b.add_argument("src", type=Path, help="folder with mapping.csv, all_gh_licenses.json, ...")
    b.add_argument("out", type=Path, help="output dataset folder")
    b.add_argument("--force", action="store_true", help="replace OUT once the new one is complete")
    b.set_defaults(handler=_sample_build)


def _browse(args: argparse.Namespace) -> int:
    from collections.abc import Callable

    from ptmx import config
    from ptmx.errors import DataError, PtmxError
    from ptmx.store import Store, open_store
    from ptmx.store.store import cache_ready

    folder = config.data_dir(getattr(args, "data", None))
    # Validated before Textual starts, so a bad --data is one line and exit 2. With a cache
    # the store opens in milliseconds; without one, a loading screen shows the build's progress.
    if cache_ready(folder):
        store: Store | None = store_from(args)
        opener = None
    else:
        store = None

        def opener(progress: Callable[[str, int, int], None]) -> Store:
            return open_store(folder, progress=progress)
    from ptmx.tui.app import PtmxApp  # Textual is imported only here

    app = PtmxApp(store, opener=opener, where=str(folder))
    app.run()
    if app.open_error is not None:
        error = app.open_error
        raise error if isinstance(error, PtmxError) else DataError(f"{folder}: cannot open ({error})")
    return 0


def _stats(args: argparse.Namespace) -> int:
    from ptmx.store import stats

    result = stats(store_from(args))
    if args.format == "json":
        print(dumps(result))
    else:
        tables = result.pop("tables")
        rows = [{"what": k, "value": v} for k, v in result.items()]
        rows += [{"what": f"table {k}", "value": v} for k, v in tables.items()]
        emit(rows, args.format, title="dataset")
    return 0


def _query(args: argparse.Namespace) -> int:
    from ptmx.store import run_readonly

    result = run_readonly(store_from(args), args.sql, limit=args.limit or MAX_COUNT, timeout=args.timeout)
    emit(result.table, args.format)
    print(f"{result.shown} in {result.seconds * 1000:.1f} ms", file=sys.stderr)
    return 0


def _search(args: argparse.Namespace) -> int:
    from ptmx.store import search_model_rows

    rows = search_model_rows(store_from(args), args.text, limit=args.limit or MAX_COUNT, order_by=args.sort,
                             descending=args.sort not in ("model", "author", "license"))
    emit(rows, args.format, columns=["model", "downloads", "license", "reuse_count"])
    return 0


def _model(args: argparse.Namespace) -> int:
    from ptmx.licenses import model_link_verdicts
    from ptmx.store import model_page

    store = store_from(args)
    page = model_page(store, args.model)
    # Each link judged on the model's effective terms (its licence and its bases'), as the audit
    # judges it; the chain is the model's, so it is said once for the page.
    verdicts = model_link_verdicts(store, page.id)
    for project in page.projects:
        found = verdicts.links.get(project["project"])
        if found is not None:
            project.update(found.to_dict(with_chain=False))
    limit = table_limit(args.limit, args.format)
    if args.format == "json":
        if limit:
            page.projects = page.projects[:limit]
        print(dumps({**page.to_dict(), "chain": verdicts.chain, "chain_gaps": verdicts.gaps,
                     "license_verdicts": verdicts.counts()}))
        return 0
    from ptmx.render.pages import print_model_page

    print_model_page(page, limit, chain=verdicts.chain, counts=verdicts.counts())
    if limit and len(page.projects) > limit:
        print(f"ptmx: {len(page.projects) - limit:,} more reusing projects not listed; use "
              f"--limit 0 or --format json", file=sys.stderr)
    return 0


def _project(args: argparse.Namespace) -> int:
    from ptmx.licenses import project_link_verdicts
    from ptmx.store import project_page

    store = store_from(args)
    page = project_page(store, args.project)
    verdicts = project_link_verdicts(store, page.id)
    for model in page.models:
        found = verdicts.links.get(model["model"])
        if found is not None:
            model.update(found.to_dict())
    if args.format == "json":
        print(dumps({**page.to_dict(), "license_verdicts": verdicts.counts()}))
        return 0
    from ptmx.render.pages import print_project_page

    print_project_page(page, counts=verdicts.counts())
    return 0


def _import(args: argparse.Namespace) -> int:
    from ptmx.ingest.sqlite_import import import_sqlite
    from ptmx.render.progress import table_progress

    with table_progress() as progress:
        report = import_sqlite(args.db, args.out, force=args.force,
                               repo_licenses=args.repo_licenses, model_cards=args.model_cards,
                               progress=progress)
    rows = [{"table": t, "rows": n} for t, n in sorted(report.row_counts.items())]
    emit(rows, "table", title=f"imported into {report.out}", out=sys.stderr)
    # Table and column names come from the database: shown, never interpreted.
    for table, cols in report.widened.items():
        print(visible(f"kept as text: {table}.{', '.join(cols)} (declared INTEGER, holds text)",
                      newlines=False), file=sys.stderr)
    for note in report.notes:
        print(visible(note, newlines=False), file=sys.stderr)
    return 0


def _sample_build(args: argparse.Namespace) -> int:
    from ptmx.ingest.sample import build_sample

    counts = build_sample(args.src, args.out, force=args.force)
    emit([{"table": t, "rows": n} for t, n in counts.items()], "table",
         title=f"sample written to {args.out}", out=sys.stderr)
    return 0
