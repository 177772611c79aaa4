"""Settings read from the environment: the dataset folder, the cache folder, the SQL bounds.

The hub's settings (endpoint, token, offline mode) are read in one place too, ptmx.hub.settings,
because they belong to the hub client and must never be logged; everything else gets its
settings from here, explicitly (which keeps tests hermetic).
"""

from __future__ import annotations

import math
import os
import re
import site
import sys
from pathlib import Path

ENV_DATA = "PTMX_DATA"
ENV_QUERY_TIMEOUT = "PTMX_QUERY_TIMEOUT"
ENV_QUERY_MEMORY = "PTMX_QUERY_MEMORY"
DEFAULT_QUERY_TIMEOUT = 30.0   # seconds a user's SQL may run (`ptmx query`, the console)
MAX_QUERY_TIMEOUT = 86_400.0   # a day: anything longer is surely a typo (and overflows timers)
DEFAULT_QUERY_MEMORY = "4GB"   # DuckDB memory_limit for the store; larger work spills to disk
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)


def bundled_data_dir() -> Path:
    """The real PeaTMOSS sample that ships with ptmx.

    In a source checkout (or an editable install) it is the repository's ``data/`` folder; an
    installed wheel puts it in ``<prefix>/share/ptmx/sample`` (a venv, the system, or ``--user``).
    """
    checkout = Path(__file__).resolve().parent.parent / "data"
    candidates = [checkout, Path(sys.prefix) / "share/ptmx/sample",
                  Path(site.getuserbase()) / "share/ptmx/sample"]
    for folder in candidates:
        if (folder / "ptmx.json").is_file():
            return folder
    return checkout


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The dataset folder: ``--data`` if given, else ``$PTMX_DATA``, else the bundled sample."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DATA)
    if env:
        return Path(env).expanduser()
    return bundled_data_dir()


def cache_dir() -> Path:
    """Where ptmx keeps caches (hub responses); ``$PTMX_CACHE`` overrides the platform default."""
    env = os.environ.get("PTMX_CACHE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ptmx"))


def parse_timeout(text: str, what: str = ENV_QUERY_TIMEOUT) -> float:
    """Seconds as a finite number from 0 (no limit) to a day; ``ValueError`` naming ``what``."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} must be a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value < 0 or value > MAX_QUERY_TIMEOUT:
        raise ValueError(f"{what} must be between 0 (no limit) and {MAX_QUERY_TIMEOUT:g} "
                         f"seconds, got {text!r}")
    return value


def query_timeout() -> float:
    """Time limit for a user's SQL: ``$PTMX_QUERY_TIMEOUT`` seconds, else 30 (0: no limit)."""
    env = os.environ.get(ENV_QUERY_TIMEOUT)
    return DEFAULT_QUERY_TIMEOUT if env is None or not env.strip() else parse_timeout(env)


def query_memory() -> str:
    """DuckDB memory limit for the store, e.g. ``512MB``: ``$PTMX_QUERY_MEMORY``, else 4GB."""
    env = os.environ.get(ENV_QUERY_MEMORY)
    if env is None or not env.strip():
        return DEFAULT_QUERY_MEMORY
    match = _MEMORY.match(env)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"{ENV_QUERY_MEMORY} must be a size such as 512MB or 2GB, got {env!r}")
    return f"{match.group(1)}{match.group(2).upper()}"
