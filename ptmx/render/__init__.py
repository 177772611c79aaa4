"""Renderers for the CLI: rich tables on a terminal, JSON and CSV for pipes.

Capability modules return plain rows (``list[dict]``) or Arrow tables; this package turns them into
text. It is the only place below the TUI that imports rich.
"""

from ptmx.render.output import FORMATS, emit, to_records

__all__ = ["FORMATS", "emit", "to_records"]
