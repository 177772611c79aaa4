"""`ptmx paper`: the PeaTMOSS paper's headline analyses, reproduced on the open dataset.

    ptmx paper [--section NAME] [--top N] [--format table|json|md|html] [--out FILE]

Each analysis is printed with the paper's published figure beside it ("not published" where the
paper gives none), the licence sections with ptmx's verdicts beside the paper's method, and a
closing note on where this dataset's numbers differ from the paper's and why.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ptmx.cli.common import add_data_option, add_format_option, positive_int, store_from
from ptmx.cli.outfile import output_to

FORMATS = ("table", "json", "md", "html")
# Kept in step with ptmx.paper.SECTIONS (a test checks); listed here so `--help` stays quick.
SECTIONS = ("overview", "documentation", "license-flow", "reuse", "top-models", "consistency")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `ptmx paper`."""
    p = sub.add_parser(
        "paper", help="the PeaTMOSS paper's analyses reproduced on this dataset, beside its figures",
        description="Reproduce the PeaTMOSS paper's headline analyses (Jiang et al., MSR 2024) "
                    "on the open dataset: documentation shortcomings per field, the licence "
                    "flow from models to projects, reuse against downloads, the most reused "
                    "models and the licence-consistency table by the paper's method beside "
                    "ptmx's verdicts; each with the paper's published numbers beside it.")
    p.add_argument("--section", choices=SECTIONS, metavar="NAME",
                   help=f"print one analysis: {', '.join(SECTIONS)} (default: all)")
    p.add_argument("--top", type=positive_int, default=10, metavar="N",
                   help="models and licence bands to list (default 10)")
    add_format_option(p, FORMATS)
    p.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    add_data_option(p)
    p.set_defaults(handler=_paper)


def _paper(args: argparse.Namespace) -> int:
    from ptmx.paper import build

    rep = build(store_from(args), [args.section] if args.section else None, top=args.top)
    with output_to(args.out) as out:
        if args.format == "json":
            from ptmx.render.output import dumps

            out.write(dumps(rep.to_dict()) + "\n")
        elif args.format == "md":
            from ptmx.render.paper import to_markdown

            out.write(to_markdown(rep))
        elif args.format == "html":
            from ptmx.render.paper import to_html

            out.write(to_html(rep))
        else:
            from ptmx.render.output import console_for
            from ptmx.render.paper import renderables

            console = console_for(out)
            # Bars shrink on narrow terminals: two of them share a row with ~60 columns of text.
            width = max(8, min(20, (console.width - 60) // 2))
            for item in renderables(rep, width):
                console.print(item)
    print(f"paper: {len(rep.sections)} section(s) in {rep.seconds * 1000:.0f} ms", file=sys.stderr)
    return 0
