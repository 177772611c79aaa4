"""Hints that name something a TUI user has: the import option that adds a missing table
(not "add model_card.parquet"), an environment variable instead of a CLI flag (--offline,
--timeout)."""

from __future__ import annotations

import re

from ptmx.errors import MissingTableError, PtmxError

#: The ``ptmx import`` option that adds each optional table (the files are PeaTMOSS artifacts).
IMPORT_OPTION = {
    "model_card": "--model-cards model_metadata.json",
    "model_base": "--model-cards model_metadata.json",
    "reuse_repository_license": "--repo-licenses all_gh_licenses.json",
}
TABLE = re.compile(r"the table '([^']+)'")
CLI_OFFLINE = re.compile(r"use --offline")
CLI_TIMEOUT = re.compile(r"raise it with --timeout SECONDS or PTMX_QUERY_TIMEOUT")


def tui_hint(error: PtmxError) -> str:
    """``error``'s hint, rewritten for the TUI ('' when there is none)."""
    hint = " ".join((error.hint or "").split())
    if isinstance(error, MissingTableError):
        found = TABLE.search(error.message)
        option = IMPORT_OPTION.get(found.group(1)) if found else None
        if option:
            return f"re-import with `ptmx import PeaTMOSS.db OUT {option}`, then browse OUT"
        if found:
            return (f"this dataset has no {found.group(1)} table; the SQL console (F5) lists "
                    "the tables it has")
    hint = CLI_TIMEOUT.sub("start ptmx browse with PTMX_QUERY_TIMEOUT=SECONDS (0: no limit)", hint)
    return CLI_OFFLINE.sub("start ptmx browse with HF_HUB_OFFLINE=1", hint)
