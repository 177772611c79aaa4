"""`ptmx graph ...`: neighborhoods, lineage, blast radius, rankings and exports.

Trees are drawn with rich here (the capability package returns plain dataclasses); JSON is the
result's ``to_dict()``, tables go through :func:`ptmx.cli.hub.emit_safe`. Names in trees and headings
come from the dataset and the user: they reach rich only as inert ``Text`` (``safe_text``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ptmx.cli.common import (
    add_data_option,
    add_format_option,
    non_negative_int,
    positive_int,
    store_from,
)
from ptmx.errors import UsageError
from ptmx.graph import (
    BASE,
    DEFAULT_LIMIT,
    DERIVED,
    EDGE_FIELDS,
    NODE_FIELDS,
    RANKINGS,
    SPACE,
    USED_BY,
    USED_BY_SPACE,
    USES,
    Branch,
    EffectiveJudge,
    EffectiveTerms,
    Impact,
    Node,
    TreeNode,
    export,
    format_for,
    impact,
    lineage,
    neighborhood,
    supply_graph,
    top,
)
from ptmx.render.output import console_for, dumps, json_object_batches, write_json_object
from ptmx.safetext import visible
from ptmx.store import Store

HUB_DEADLINE = 30.0  # seconds for all of --hub's Spaces lookups
HUB_MODELS = 50  # models whose Spaces --hub looks up, nearest first
HUB_WORKERS = 4  # simultaneous Spaces lookups

# A shell lookup (`graph neighbors --format json`) pays for every import: rich, the hub client
# and the licence engine are loaded only by the commands that draw or judge with them.


def emit_safe(rows: Any, fmt: str, **options: Any) -> None:
    """:func:`ptmx.cli.hub.emit_safe`, imported when a table or CSV is written."""
    from ptmx.cli.hub import emit_safe as emit

    emit(rows, fmt, **options)


def safe_text(value: object, style: str = "", *, newlines: bool = True) -> Any:
    """:func:`ptmx.render.safe.safe_text` (rich), imported when a tree is drawn."""
    from ptmx.render.safe import safe_text as inert

    return inert(value, style, newlines=newlines)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `ptmx graph` and its actions."""
    p = sub.add_parser("graph", help="supply-chain graph: neighbours, lineage, impact, rankings")
    actions = p.add_subparsers(dest="graph_command", metavar="ACTION", required=True,
                               parser_class=type(p))

    a = actions.add_parser("neighbors", aliases=["neighbours"],
                           help="a model's projects (and their other models), or a project's "
                                "models, to --depth hops")
    _add_id(a, "ID", "model id, project owner/name, or a URL of either")
    _add_walk_options(a)
    a.add_argument("--limit", type=non_negative_int, default=None,
                   help=f"neighbours listed per branch, 0 = all (default: {DEFAULT_LIMIT} for "
                        "tree, all for json)")
    add_format_option(a, ("tree", "json"), default="tree")
    a.set_defaults(handler=_neighbors)

    a = actions.add_parser("lineage", help="base models (up) and derived models (down) of a model")
    _add_id(a, "MODEL", "model id (a base named only on a card works too)")
    a.add_argument("--limit", type=non_negative_int, default=DEFAULT_LIMIT,
                   help=f"tree only: models shown per branch, 0 = all (default {DEFAULT_LIMIT})")
    add_format_option(a, ("tree", "table", "json", "csv"), default="tree")
    a.set_defaults(handler=_lineage)

    a = actions.add_parser("impact", help="blast radius: every model and project depending on a "
                                          "model, directly or through derived models")
    _add_id(a, "MODEL", "model id")
    a.add_argument("--limit", type=non_negative_int, default=DEFAULT_LIMIT,
                   help=f"tree only: entries shown per branch, 0 = all (default {DEFAULT_LIMIT})")
    a.add_argument("--hub", action="store_true",
                   help="also list the Hugging Face Spaces using the model and every affected "
                        "model (live; the hub lists at most 100 per model); if the hub cannot "
                        "answer, a warning")
    a.add_argument("--hub-deadline", type=_positive_seconds, default=HUB_DEADLINE,
                   metavar="SECONDS",
                   help=f"--hub: stop looking Spaces up after this long overall, saying which "
                        f"models were skipped (default {HUB_DEADLINE:g})")
    a.add_argument("--hub-models", type=positive_int, default=HUB_MODELS, metavar="N",
                   help=f"--hub: look up the Spaces of at most N models, nearest first "
                        f"(default {HUB_MODELS})")
    add_format_option(a, ("tree", "table", "json", "csv"), default="tree")
    a.set_defaults(handler=_impact)

    a = actions.add_parser("top", help="rankings: most reused, in-degree, PageRank, busiest "
                                       "projects, co-used model pairs")
    a.add_argument("--by", choices=RANKINGS, default="reuse", help="ranking (default: reuse)")
    a.add_argument("--limit", type=positive_int, default=20, help="rows (default 20)")
    a.add_argument("--model", help="co-usage only: pairs with this model")
    a.add_argument("--lineage", action="store_true",
                   help="pagerank only: add derived → base edges to the reuse graph")
    add_data_option(a)
    add_format_option(a)
    a.set_defaults(handler=_top)

    a = actions.add_parser("export", help="write the neighbourhood of ID, or the whole graph, as "
                                          "GraphML, GEXF, DOT or JSON node-link")
    a.add_argument("id", nargs="?", metavar="ID",
                   help="model or project (default: the whole graph)")
    a.add_argument("--out", type=Path, metavar="FILE",
                   help="output file (required); the format comes from .graphml, .gexf, .dot "
                        "or .json")
    a.add_argument("--to", type=Path, dest="out", help=argparse.SUPPRESS)  # its old name
    _add_walk_options(a)
    a.add_argument("--limit", type=non_negative_int, default=0,
                   help="neighbours per branch, 0 = all (default: all)")
    add_data_option(a)
    a.set_defaults(handler=_export)


def _add_id(parser: argparse.ArgumentParser, metavar: str, help_text: str) -> None:
    parser.add_argument("id", metavar=metavar, help=help_text)
    add_data_option(parser)


def _add_walk_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--depth", type=positive_int, default=1, help="hops from ID (default 1)")
    parser.add_argument("--kind", choices=("model", "project"),
                        help="what ID names, when it is both a model and a project")






# -- handlers ---------------------------------------------------------------------------------

def _neighbors(args: argparse.Namespace) -> int:
    store = store_from(args)
    limit = args.limit if args.limit is not None else (DEFAULT_LIMIT if args.format == "tree"
                                                       else 0)
    result = neighborhood(store, args.id, kind=args.kind, depth=args.depth, limit=limit)
    if args.format == "json":
        # Streamed: an unlimited depth-2 neighbourhood is ~6k nodes and ~16k edges at 1x.
        # Encoded column by column: a node key is escaped once, not again in each of its edges.
        write_json_object(result.json_head(),
                          {"nodes": json_object_batches(NODE_FIELDS, result.node_values()),
                           "edges": json_object_batches(EDGE_FIELDS, result.edge_rows())},
                          encoded=("nodes", "edges"))
        return 0
    head = (f"{_kind_name(result.root.node)} — depth {result.depth}: "
            f"{result.node_count:,} nodes, {result.edge_count:,} edges")
    if result.truncated:
        head += f", {result.truncated:,} more not shown (--limit 0 lists all)"
    _print_tree(result.root, head)
    return 0


def _lineage(args: argparse.Namespace) -> int:
    result = lineage(store_from(args), args.id)
    if args.format == "json":
        print(dumps(result.to_dict()))
        return 0
    if args.format in ("table", "csv"):
        rows = [{"direction": "base", **_lineage_row(r, "base_of")} for r in result.ancestors]
        rows += [{"direction": "derived", **_lineage_row(r, "derived_from")}
                 for r in result.descendants]
        columns = ["direction", "generation", "model", "of", "relation", "source",
                   "corrected_from", "license"]
        if args.format == "csv":
            columns += ["hub_relation", "origin", "in_dataset", "downloads"]
        emit_safe(rows, args.format, title=f"lineage of {result.root.node.name}",
                  columns=columns)
        return 0
    head = (f"{_kind_name(result.root.node)}: {len(result.ancestors):,} base model(s), "
            f"{len(result.descendants):,} derived model(s)")
    if result.hub_edges:
        head += f"; {result.hub_edges:,} edge(s) from the hub tables"
    _print_tree(result.root, head, display_limit=args.limit or None,
                notes=_edge_notes(result.ancestors, result.descendants))
    return 0


def _edge_notes(*groups: list[dict[str, Any]]) -> dict[str, str]:
    """Per lineage model key: its edge's relation and where it comes from, for the tree."""
    notes: dict[str, str] = {}
    for rows in groups:
        for r in rows:
            parts = [r["relation"] or "unspecified"]
            if r["source"] and r["source"] != "dataset":
                parts.append(f"from {r['source']}")
            if r["corrected_from"]:
                parts.append(f"hub tag: {r['corrected_from']}")
            notes[f"model:{r['model']}"] = ", ".join(parts)
    return notes


def _lineage_row(row: dict[str, Any], of: str) -> dict[str, Any]:
    return {**{k: v for k, v in row.items() if k != of}, "of": row[of]}


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 3600 seconds")
    return value


def _add_hub_spaces(result: Impact, *, deadline: float = HUB_DEADLINE,
                    cap: int = HUB_MODELS) -> None:
    """The Spaces using the root and every affected model, from the hub: nearest models first,
    at most ``cap`` of them, :data:`HUB_WORKERS` lookups at a time, all within ``deadline``
    seconds. What is skipped (over the cap, past the deadline, a failed lookup) is recorded in
    the result and said on stderr; no answer at all is a warning. Never a change of exit code:
    the dataset part stands on its own."""
    from concurrent.futures import Future, ThreadPoolExecutor, wait

    from ptmx.errors import PtmxError
    from ptmx.hub import HubClient, HubModelInfo, HubSettings

    models = result.models_by_nearness()
    wanted, over = models[:cap], models[cap:]
    result.hub_skipped += [{"model": m.name, "reason": f"over --hub-models {cap}"} for m in over]
    settings = HubSettings.from_env()
    # No single lookup may outlive the overall deadline.
    settings = settings.with_options(timeout=min(settings.timeout, deadline))
    client = HubClient(settings)
    pool = ThreadPoolExecutor(max_workers=HUB_WORKERS, thread_name_prefix="ptmx-spaces")
    futures: list[tuple[Node, Future[HubModelInfo]]] = [
        (m, pool.submit(client.model_info, m.name)) for m in wanted]
    try:
        wait([f for _, f in futures], timeout=deadline)
    finally:
        # Past the deadline: drop what has not started; running lookups end within their
        # timeout and their answers are ignored.
        pool.shutdown(wait=False, cancel_futures=True)
    errors: list[str] = []
    for model, future in futures:
        if not future.done() or future.cancelled():
            result.hub_skipped.append({"model": model.name,
                                       "reason": f"the --hub-deadline of {deadline:g} s passed"})
            continue
        exc = future.exception()
        if exc is None:
            info = future.result()
            result.hub_looked_up.append(model.name)
            result.add_spaces(info.spaces, capped=info.spaces_capped, model=model)
        elif isinstance(exc, PtmxError):
            errors.append(exc.one_line())
            result.hub_skipped.append({"model": model.name, "reason": exc.one_line()})
        else:
            raise exc
    if all(future.done() for _, future in futures):
        client.close()  # else lookups still run in the pool's threads: they end on their own
    _say_hub_lookups(result, errors)


def _say_hub_lookups(result: Impact, errors: list[str]) -> None:
    """One stderr line on what the Spaces lookups covered, skipped and why."""
    if not result.hub_looked_up:
        why = errors[0] if errors else (result.hub_skipped[0]["reason"] if result.hub_skipped
                                        else "no model to look up")
        print(visible(f"ptmx: warning: Spaces not looked up on the hub: {why}",
                      newlines=False), file=sys.stderr)
        return
    if result.hub_skipped:
        reasons: dict[str, int] = {}
        for s in result.hub_skipped:
            reasons[s["reason"]] = reasons.get(s["reason"], 0) + 1
        detail = "; ".join(f"{n} {why}" for why, n in reasons.items())
        total = len(result.hub_looked_up) + len(result.hub_skipped)
        print(visible(f"ptmx: warning: Spaces looked up for {len(result.hub_looked_up)} of "
                      f"{total} models; skipped: {detail} (see hub_lookups in --format json)",
                      newlines=False), file=sys.stderr)


def _effective_judge(store: Store) -> EffectiveJudge:
    """Impact's judge: ``ptmx.licenses.judge_effective`` over the dataset's lineage, so a step
    from a model carries what its bases' licences require of every derivative (issue 18)."""
    from ptmx.licenses import Activity, judge_effective
    from ptmx.licenses import lineage as license_lineage

    chains = license_lineage(store)

    def judge(model_id: int | None, name: str, upstream: str | None, downstream: str | None,
              activity: str) -> EffectiveTerms:
        eff = judge_effective(upstream, chains.chain(model_id, name), downstream,
                              None if activity == "use" else Activity(activity))
        return EffectiveTerms(eff.judgement, eff.chain_rows() or None,
                              eff.inherited_from.model if eff.inherited_from else None)

    return judge


def _impact(args: argparse.Namespace) -> int:
    from ptmx.licenses import link_activity, verdict_for

    store = store_from(args)
    result = impact(store, args.id, license_judge=verdict_for, link_activity=link_activity,
                    effective_judge=_effective_judge(store))
    if args.hub:
        _add_hub_spaces(result, deadline=args.hub_deadline, cap=args.hub_models)
    if args.format == "json":
        print(dumps(result.to_dict()))
        return 0
    if args.format in ("table", "csv"):
        emit_safe(result.rows(), args.format,
                  title=f"affected if {result.root.node.name} is withdrawn or relicensed")
        return 0
    name = visible(result.root.node.name, newlines=False)
    head = (f"If {name} is withdrawn, relicensed or found faulty: "
            f"{result.projects:,} project(s) ({result.direct_projects:,} directly) and "
            f"{result.models:,} derived model(s) are affected")
    if result.spaces_source:
        head += (f"; {result.spaces:,}{'+' if result.spaces_capped else ''} Space(s) on the hub "
                 f"use it or a model derived from it ({len(result.hub_looked_up):,} model(s) "
                 "looked up)")
    _print_tree(result.root, head, display_limit=args.limit or None, verdicts=_verdicts(result))
    return 0


def _verdicts(result: Impact) -> dict[str, str]:
    """The verdict of each affected node's last step, for the tree labels."""
    out: dict[str, str] = {}
    for a in result.affected:
        if a.verdicts:
            out[a.node.key] = str(a.verdicts[-1].get("verdict"))
    return out


def _top(args: argparse.Namespace) -> int:
    if args.lineage and args.by != "pagerank":
        raise UsageError("--lineage applies to --by pagerank only")
    rows = top(store_from(args), by=args.by, limit=args.limit, model=args.model,
               lineage=args.lineage)
    emit_safe(rows, args.format, title=f"top {args.limit} by {args.by}")
    return 0


def _export(args: argparse.Namespace) -> int:
    if args.out is None:
        raise UsageError("graph export needs --out FILE",
                         hint="e.g. --out graph.gexf (also .graphml, .dot, .json)")
    fmt = format_for(args.out)  # a wrong suffix fails before any work
    store = store_from(args)
    graph: Any
    if args.id is None:
        graph = supply_graph(store)
        what = "whole graph"
    else:
        graph = neighborhood(store, args.id, kind=args.kind, depth=args.depth,
                              limit=args.limit).to_networkx()
        what = f"neighbourhood of {visible(args.id, newlines=False)} (depth {args.depth})"
    path = export(graph, args.out, fmt)
    print(f"wrote {visible(path, newlines=False)} ({fmt}): {what}, {graph.number_of_nodes():,} nodes, "
          f"{graph.number_of_edges():,} edges", file=sys.stderr)
    return 0


# -- tree rendering ---------------------------------------------------------------------------

_BRANCH_LABEL = {
    USED_BY: ("used by", "project", "projects"),
    USES: ("uses", "model", "models"),
    BASE: ("↑ base", "model", "models"),
    DERIVED: ("↓ derived", "model", "models"),
    USED_BY_SPACE: ("used by", "Space on the hub", "Spaces on the hub"),
}


def _kind_name(node: Node) -> str:
    where = "" if node.in_dataset else ", not in the dataset"
    return f"{visible(node.name, newlines=False)} ({node.kind}{where})"


def _node_label(node: Node, verdict: str | None = None, note: str | None = None) -> Any:
    from rich.text import Text

    text = Text()
    if note:
        text.append(f"({visible(note, newlines=False)}) ", style="magenta")
    text.append_text(safe_text(node.name, "bold" if node.kind == "model" else "cyan",
                               newlines=False))
    facts = []
    if node.kind == SPACE:
        facts.append("Space")
    elif not node.in_dataset:
        facts.append("not in dataset")
    if node.license == "NONE":
        facts.append("scanned: no license")
    elif node.license:
        facts.append(visible(node.license, newlines=False))
    elif node.in_dataset:
        facts.append("no license tag" if node.kind == "model" else "license not scanned")
    if node.downloads is not None:
        facts.append(f"{node.downloads:,} downloads")
    if node.links:
        noun = "project" if node.kind == "model" else "model"
        facts.append(f"{node.links:,} {noun}{'' if node.links == 1 else 's'}")
    if facts:
        text.append("  " + " · ".join(facts), style="dim")
    if verdict:
        text.append(f"  [{visible(verdict, newlines=False)}]", style="yellow")
    return text


def _branch_label(branch: Branch) -> Any:
    from rich.text import Text

    verb, one, many = _BRANCH_LABEL.get(branch.relation, (branch.relation, "node", "nodes"))
    label = f"{verb} {branch.total:,} {one if branch.total == 1 else many}"
    if branch.seen:
        label += f" ({branch.seen:,} shown elsewhere in the tree)"
    return Text(label, style="italic")


def _print_tree(root: TreeNode, head: str, *, display_limit: int | None = None,
                verdicts: dict[str, str] | None = None,
                notes: dict[str, str] | None = None) -> None:
    from rich.text import Text
    from rich.tree import Tree

    verdicts = verdicts or {}
    notes = notes or {}

    def add(parent: Tree, node: TreeNode) -> None:
        for branch in node.branches:
            group = parent.add(_branch_label(branch))
            children = branch.children
            if display_limit is not None:
                children = children[:display_limit]
            for child in children:
                add(group.add(_node_label(child.node, verdicts.get(child.node.key),
                                          notes.get(child.node.key))), child)
            hidden = branch.more + len(branch.children) - len(children)
            if hidden:
                group.add(Text(f"… {hidden:,} more", style="dim"))

    tree = Tree(_node_label(root.node))
    add(tree, root)
    console = console_for()
    if not console.is_terminal:
        # Piped: one line per node (greppable) instead of folding at 80 columns.
        console.width = 10_000
    console.print(Text(head, style="bold"), soft_wrap=True)
    console.print(tree)

