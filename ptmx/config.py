"""Settings read from the environment: the dataset folder and the cache folder.

The hub's settings (endpoint, token, offline mode) are read in one place too, ptmx.hub.settings,
because they belong to the hub client and must never be logged; everything else gets its
settings from here, explicitly (which keeps tests hermetic).
"""

from __future__ import annotations

import os
import site
import sys
from pathlib import Path

ENV_DATA = "PTMX_DATA"


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
