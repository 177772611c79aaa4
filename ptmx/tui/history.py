"""The SQL console's history, kept between sessions in the user state folder
(``platformdirs.user_state_dir('ptmx')``, or ``PTMX_STATE_DIR``): the newest ``LIMIT``
queries, each at most ``LONGEST`` characters, the file readable by its owner only. A query that
looks like it holds a secret (an access token, a password) is never written."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from platformdirs import user_state_dir

LIMIT = 500  # queries kept
LONGEST = 20_000  # characters; a longer query is kept for the session only
SECRET = re.compile(r"\bhf_[A-Za-z0-9]{16,}|\b(?:password|passwd|secret|token|api[_-]?key)\b\s*[=:]",
                    re.IGNORECASE)


def state_dir() -> Path:
    """Where ptmx keeps state between sessions."""
    return Path(os.environ.get("PTMX_STATE_DIR") or user_state_dir("ptmx", appauthor=False))


def history_file() -> Path:
    return state_dir() / "console-history.json"


def keepable(sql: str) -> bool:
    """Whether ``sql`` may be written to disk."""
    return len(sql) <= LONGEST and not SECRET.search(sql)


def load() -> list[str]:
    """The saved history, oldest first (empty when there is none or it is unreadable)."""
    try:
        data = json.loads(history_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    return [q for q in data if isinstance(q, str) and keepable(q)][-LIMIT:]


def save(history: list[str]) -> None:
    """Write the newest ``LIMIT`` keepable queries (best effort: a read-only home is fine)."""
    path = history_file()
    kept = [q for q in history if keepable(q)][-LIMIT:]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(kept, out, ensure_ascii=False)
        tmp.replace(path)
    except OSError:
        pass
