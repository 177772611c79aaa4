"""On-disk cache of hub answers: one small JSON file per request, with the time it was fetched.

Entries are keyed by a hash of the endpoint, the request and whether it was authenticated (so an
answer only a token could see is not served to an anonymous run) — never by the token itself.
Files are written atomically (temp file, then rename) so a crash or a parallel run never leaves a
half-written entry; an unreadable entry is treated as a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = 1


@dataclass(frozen=True)
class CacheEntry:
    """One cached answer."""

    payload: Any
    fetched_at: float  # epoch seconds
    final_url: str
    next_url: str | None = None

    def age(self, now: float | None = None) -> float:
        """Seconds since it was fetched."""
        return max(0.0, (time.time() if now is None else now) - self.fetched_at)


class HubCache:
    """A folder of cached answers; ``ttl`` seconds decide what is fresh."""

    def __init__(self, folder: Path, ttl: float) -> None:
        self.folder = folder
        self.ttl = ttl

    @staticmethod
    def key(endpoint: str, url: str, params: Sequence[tuple[str, Any]], authenticated: bool) -> str:
        """A stable file name for one request."""
        text = json.dumps([FORMAT, endpoint, url, sorted(params), authenticated])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> CacheEntry | None:
        """The entry, fresh or not; None if absent or unreadable."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return CacheEntry(payload=data["payload"], fetched_at=float(data["fetched_at"]),
                              final_url=str(data["final_url"]), next_url=data.get("next_url"))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def is_fresh(self, entry: CacheEntry, now: float | None = None) -> bool:
        """Whether ``entry`` is younger than the TTL."""
        return entry.age(now) < self.ttl

    def put(self, key: str, entry: CacheEntry, scrub: Sequence[str] = ()) -> None:
        """Store ``entry`` atomically; each secret in ``scrub`` is masked wherever it appears."""
        path = self._path(key)
        text = json.dumps({"format": FORMAT, "payload": entry.payload,
                           "fetched_at": entry.fetched_at, "final_url": entry.final_url,
                           "next_url": entry.next_url}, ensure_ascii=False)
        for secret in sorted(scrub, key=len, reverse=True):
            text = text.replace(secret, "***")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            # A read-only or full cache folder must not break a lookup that succeeded.
            return

    def clear(self) -> int:
        """Remove every entry; returns how many were removed."""
        removed = 0
        if not self.folder.exists():
            return 0
        for path in self.folder.glob("*/*.json"):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        return removed
