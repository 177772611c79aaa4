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
    RANKINGS,
    USED_BY,
    USES,
    Branch,
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
from ptmx.render.output import console_for, dumps, write_json_object
from ptmx.safetext import visible

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
                   help="also list the Hugging Face Spaces using the model (live; the hub lists "
                        "at most 100); if the hub cannot answer, a warning")
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
        write_json_object(result.json_head(),
                          {"nodes": result.node_dicts(), "edges": result.edge_dicts()})
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
        columns = ["direction", "generation", "model", "of", "relation", "license"]
        if args.format == "csv":
            columns += ["source", "in_dataset", "downloads"]
        emit_safe(rows, args.format, title=f"lineage of {result.root.node.name}",
                  columns=columns)
        return 0
    head = (f"{_kind_name(result.root.node)}: {len(result.ancestors):,} base model(s), "
            f"{len(result.descendants):,} derived model(s)")
    _print_tree(result.root, head, display_limit=args.limit or None)
    return 0


def _lineage_row(row: dict[str, Any], of: str) -> dict[str, Any]:
    return {**{k: v for k, v in row.items() if k != of}, "of": row[of]}


def _add_hub_spaces(result: Impact) -> None:
    """The Spaces using the model, from the hub (its client's deadline and cache); a failure is
    a warning on stderr, never a change of exit code: the dataset part stands on its own."""
    from ptmx.errors import PtmxError
    from ptmx.hub import HubClient, HubSettings

    name = result.root.node.name
    try:
        with HubClient(HubSettings.from_env()) as hub:
            info = hub.model_info(name)
    except PtmxError as exc:
        print(visible(f"ptmx: warning: Spaces not looked up on the hub: {exc.one_line()}",
                      newlines=False), file=sys.stderr)
        return
    result.add_spaces(info.spaces, capped=info.spaces_capped)


def _impact(args: argparse.Namespace) -> int:
    from ptmx.licenses import link_activity, verdict_for

    result = impact(store_from(args), args.id, license_judge=verdict_for,
                    link_activity=link_activity)
    if args.hub:
        _add_hub_spaces(result)
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
                 "use it")
    _print_tree(result.root, head, display_limit=args.limit or None, verdicts=_verdicts(result))
    if result.spaces:
        _print_spaces(result, args.limit or None)
    return 0


def _print_spaces(result: Impact, limit: int | None) -> None:
    """The Spaces under the tree: names from the hub, as inert text."""
    spaces = [a.node.name for a in result.affected if a.node.kind == "space"]
    console = console_for()
    more = "+" if result.spaces_capped else ""
    console.print(safe_text(f"used by {len(spaces):,}{more} Space(s) on the hub:",
                            newlines=False))
    shown = spaces[:limit] if limit else spaces
    for name in shown:
        console.print(safe_text(f"  {name}", newlines=False))
    if len(shown) < len(spaces):
        console.print(safe_text(f"  … {len(spaces) - len(shown):,} more", newlines=False))


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
}


def _kind_name(node: Node) -> str:
    where = "" if node.in_dataset else ", not in the dataset"
    return f"{visible(node.name, newlines=False)} ({node.kind}{where})"


def _node_label(node: Node, verdict: str | None = None) -> Any:
    from rich.text import Text

    text = Text()
    text.append_text(safe_text(node.name, "bold" if node.kind == "model" else "cyan",
                               newlines=False))
    facts = []
    if not node.in_dataset:
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
                verdicts: dict[str, str] | None = None) -> None:
    from rich.text import Text
    from rich.tree import Tree

    verdicts = verdicts or {}

    def add(parent: Tree, node: TreeNode) -> None:
        for branch in node.branches:
            group = parent.add(_branch_label(branch))
            children = branch.children
            if display_limit is not None:
                children = children[:display_limit]
            for child in children:
                add(group.add(_node_label(child.node, verdicts.get(child.node.key))), child)
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

