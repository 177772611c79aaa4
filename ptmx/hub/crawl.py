"""``hub crawl``: list models from the hub into the ``hub_models`` (and ``hub_card``) part tables.

Scopes: ``all`` (the whole listing), ``author:NAME`` (the listing's author filter) and ``reused``
(the dataset's reused models looked up one by one, their ancestors, and their direct
descendants from ``filter=base_model:ID`` listings). Listings follow the ``Link: rel="next"``
cursor page by page; rows are written every ``batch_rows`` rows as a part of the hidden work
folder (:mod:`ptmx.hub.crawl_store`) together with the cursor, so memory stays bounded and a
rerun resumes where the last saved batch ended. Requests go through the hub client core
(retries, Retry-After/RateLimit, deadlines); README fetches run ``settings.concurrency`` at a time.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ptmx.errors import DataError, PtmxError, UsageError, check_stop
from ptmx.hub.client import HubClient
from ptmx.hub.core import Call
from ptmx.hub.crawl_store import CARD_SCHEMA, CrawlWork, existing_ids, models_schema
from ptmx.hub.errors import HubBadResponseError
from ptmx.hub.models import HubModelInfo
from ptmx.hub.snapshot import failure_row, info_row

# `expand` values of the crawl's listing pages: one tested constant (a typo gives HTTP 400).
# No siblings: file lists are large and the crawl is about metadata and lineage.
CRAWL_EXPAND = (
    "author", "sha", "lastModified", "createdAt", "private", "gated", "disabled", "downloads",
    "downloadsAllTime", "likes", "library_name", "pipeline_tag", "tags", "cardData",
    "baseModels", "childrenModelCount", "safetensors",
)
PAGE_SIZE = 1000  # the hub's observed per-page cap
BATCH_ROWS = 5000  # rows per part file: the memory bound
CARD_CAP = 512 * 1024  # bytes of README kept
# Error kinds meaning "no such model (any more)": hub_models calls them all not_found (the
# shared interface); anonymous answers cannot tell deleted from private (hub-api.md 5.4).
GONE_KINDS = frozenset({"not_found", "private_or_missing"})

Progress = Callable[["CrawlProgress"], None]


@dataclass
class CrawlOptions:
    """What to crawl; ``key()`` must match for a rerun to resume."""

    scope: str  # all | reused | author:NAME
    since: dt.datetime | None = None
    limit: int | None = None
    cards: bool = False
    batch_rows: int = BATCH_ROWS
    page_size: int = PAGE_SIZE
    reused_ids: Sequence[str] = ()  # the dataset's reused models (scope reused)

    def key(self) -> dict[str, Any]:
        return {"scope": self.scope, "since": self.since.isoformat() if self.since else None,
                "limit": self.limit, "cards": self.cards}


def describe_key(key: dict[str, Any]) -> str:
    """A crawl's options as the command-line flags that asked for them (for messages)."""
    scope = str(key.get("scope", "?"))
    words = [f"--author {scope.split(':', 1)[1]}" if scope.startswith("author:") else f"--{scope}"]
    if key.get("since"):
        words.append(f"--since {str(key['since'])[:10]}")
    if key.get("limit") is not None:
        words.append(f"--limit {key['limit']}")
    if key.get("cards"):
        words.append("--cards")
    return " ".join(words)


@dataclass
class CrawlProgress:
    """Counters shown while crawling."""

    phase: str
    pages: int
    models: int
    done: int = 0  # of a known total (lookups, --limit), else 0
    total: int | None = None  # None: not known (a listing without --limit)
    run_models: int = 0  # of ``models``, written by this run (not by the runs it resumes)
    run_done: int = 0  # of ``done``, done by this run: rates and ETAs use these two


@dataclass
class CrawlResult:
    """What a finished crawl wrote."""

    scope: str
    snapshot: str
    models: int
    cards: int  # hub_card rows written (0 without --cards)
    pages: int
    resumed: bool
    files: dict[str, list[str]] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    cards_by_status: dict[str, int] = field(default_factory=dict)
    options: str = ""  # the crawl's flags, e.g. "--all --limit 10"
    # An earlier crawl, interrupted while publishing with other options (or before --restart),
    # that this run published before crawling: complete data is never dropped.
    earlier: CrawlResult | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "options": self.options, "snapshot": self.snapshot,
                "models": self.models, "cards": self.cards, "pages": self.pages,
                "resumed": self.resumed, "by_status": self.by_status,
                "cards_by_status": self.cards_by_status, "files": self.files,
                "earlier": self.earlier.to_dict() if self.earlier else None}


def parse_since(text: str) -> dt.datetime:
    """``--since`` as an aware UTC datetime (a date means its midnight)."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--since {text!r} is not a date", hint="use YYYY-MM-DD") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _relative(url: str | None) -> str | None:
    """The next page as path?query: the state never holds a host (nor anything but the cursor)."""
    if not url:
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def listing_call(opts: CrawlOptions, filters: Sequence[str] = ()) -> Call:
    """The first page of the listing for ``opts``."""
    params: list[tuple[str, str]] = []
    if opts.scope.startswith("author:"):
        params.append(("author", opts.scope.split(":", 1)[1]))
    params += [("filter", f) for f in filters]
    # Newest change first lets --since stop at the first older model.
    params.append(("sort", "lastModified" if opts.since else "createdAt"))
    size = opts.page_size if opts.limit is None else min(opts.page_size, opts.limit)
    params.append(("limit", str(size)))
    params += [("expand", e) for e in CRAWL_EXPAND]
    return Call("/api/models", tuple(params), what="model listing")


class Crawler:
    """One crawl run over a client, writing through a :class:`CrawlWork`."""

    def __init__(self, client: HubClient, work: CrawlWork, opts: CrawlOptions,
                 progress: Progress | None = None) -> None:
        self.client = client
        self.work = work
        self.opts = opts
        self.progress = progress
        self.rows: list[dict[str, Any]] = []
        self.cards: list[dict[str, Any]] = []
        self.schema = models_schema()
        self.by_status: dict[str, int] = {}
        # --reused: models already looked up one by one (full answer: files, weights, spaces).
        # The descendant listings name some of them again with fewer fields; a second, newer
        # row would hide the full one from readers (they take the newest row per model).
        self.looked_up: frozenset[str] = frozenset()
        self.models_before = work.state.get("models", 0)  # written by earlier runs

    @property
    def state(self) -> dict[str, Any]:
        return self.work.state

    # -- rows -----------------------------------------------------------------------------
    def _row(self, model: str, result: HubModelInfo | PtmxError) -> dict[str, Any]:
        base = info_row(model, result) if isinstance(result, HubModelInfo) \
            else failure_row(model, result)
        row = {name: base.get(name) for name in self.schema.names}
        if isinstance(result, HubModelInfo):
            row["license_link"] = result.license_link
        elif row["status"] in GONE_KINDS:
            row["status"] = "not_found"
        row["snapshot"] = self.state["snapshot"]
        row["scope"] = self.opts.scope
        return row

    def _add(self, rows: list[dict[str, Any]]) -> None:
        if self.opts.cards:
            self.cards.extend(self._fetch_cards(rows))
        self.rows.extend(rows)
        self.state["models"] += len(rows)
        for row in rows:
            self.by_status[row["status"]] = self.by_status.get(row["status"], 0) + 1

    def _commit(self, force: bool = False) -> None:
        """Write the buffered rows as parts and save the state (with where to go on)."""
        if not force and len(self.rows) < self.opts.batch_rows:
            return
        self.work.write_part("hub_models", self.rows, self.schema)
        self.work.write_part("hub_card", self.cards, CARD_SCHEMA)
        for status, count in self.by_status.items():
            self.state["by_status"][status] = self.state["by_status"].get(status, 0) + count
        cards = self.state.setdefault("cards_by_status", {})
        for card in self.cards:
            cards[card["status"]] = cards.get(card["status"], 0) + 1
        self.by_status = {}
        self.work.save()
        self.rows, self.cards = [], []

    def _left(self) -> int | None:
        return None if self.opts.limit is None else self.opts.limit - self.state["models"]

    def _tick(self, phase: str, done: int, total: int | None, done_before: int) -> None:
        """Report progress; ``done_before`` is what ``done`` was when this run began."""
        if self.progress:
            models = self.state["models"]
            self.progress(CrawlProgress(phase, self.state["pages"], models, done, total,
                                        run_models=models - self.models_before,
                                        run_done=done - done_before))

    # -- cards ----------------------------------------------------------------------------
    def _card(self, row: dict[str, Any]) -> dict[str, Any]:
        model, live = row["model"], row["live_id"] or row["model"]
        now = dt.datetime.now(tz=dt.UTC)
        card = {"model": model, "live_id": live, "fetched_at": now,
                "source": f"README {now:%Y-%m-%d}", "readme": None, "status": "ok"}
        if row["status"] not in ("ok", "renamed"):
            card["status"] = "not_found" if row["status"] == "not_found" else "error"
            return card
        try:
            text = self.client.model_card(live)
        except PtmxError as exc:
            card["status"] = "not_found" if getattr(exc, "kind", "") in GONE_KINDS else "error"
            return card
        if text is None:
            card["status"] = "not_found"
            return card
        data = text.encode("utf-8")
        card["readme"] = data[:CARD_CAP].decode("utf-8", "ignore") if len(data) > CARD_CAP else text
        return card

    def _fetch_cards(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        workers = max(1, min(self.client.settings.concurrency, len(rows)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ptmx-card") as pool:
            return list(pool.map(self._card, rows))

    # -- listing --------------------------------------------------------------------------
    def _page_rows(self, payload: Any, fetched_at: float) -> tuple[list[dict[str, Any]], bool]:
        """Rows of one listing page, and whether the crawl stops here (--since, --limit)."""
        if not isinstance(payload, list):
            raise HubBadResponseError("model listing: expected a JSON list of models")
        rows: list[dict[str, Any]] = []
        left = self._left()
        for item in payload:
            try:
                info = HubModelInfo.from_payload(item, item["id"], fetched_at=fetched_at)
            except (ValueError, TypeError, KeyError):
                continue  # not a model object: skip it rather than lose the page
            if self.opts.since and info.last_modified and \
                    parse_since(info.last_modified) < self.opts.since:
                return rows, True
            if info.id.lower() in self.looked_up:
                continue
            rows.append(self._row(info.id, info))
            if left is not None and len(rows) >= left:
                return rows, True
        return rows, False

    def _walk(self, first: Call, phase: str) -> None:
        """Follow a listing from the saved cursor (or ``first``) to its end.

        ``listed`` says the listing was read to its end: without it a kill after the last page's
        rows were saved (but before publishing, or before the next descendants listing) left
        ``cursor`` None as at the start, and the rerun listed everything again, twice over."""
        if self.state.get("listed"):
            return
        cursor = self.state.get("cursor")
        call: Call | None = Call(cursor, (), what=first.what) if cursor else first
        while call is not None:
            check_stop()
            if (left := self._left()) is not None and left <= 0:
                break
            reply = self.client.call(call)
            rows, stop = self._page_rows(reply.payload, reply.fetched_at)
            self._add(rows)
            self.state["pages"] += 1
            nxt = None if stop else _relative(reply.next_url)
            self.state["cursor"] = nxt
            self.state["listed"] = nxt is None
            self._tick(phase, self.state["models"], self.opts.limit, self.models_before)
            self._commit()
            call = Call(nxt, (), what=first.what) if nxt else None
        self.state["cursor"] = None
        self.state["listed"] = True

    # -- reused ---------------------------------------------------------------------------
    def _lookups(self) -> None:
        """Look up the dataset's models, then the ancestors found, in batches."""
        queue: list[str] = self.state.setdefault("queue", list(dict.fromkeys(self.opts.reused_ids)))
        known = set(queue)
        pos_before = self.state["queue_pos"]
        while self.state["queue_pos"] < len(queue):
            check_stop()
            start = self.state["queue_pos"]
            chunk = queue[start:start + max(1, min(self.opts.batch_rows, 1000))]
            if (left := self._left()) is not None:
                chunk = chunk[:max(0, left)]
            if not chunk:
                break
            rows: list[dict[str, Any]] = []
            for model, result in zip(chunk, self.client.model_infos(chunk), strict=True):
                rows.append(self._row(model, result))
                if isinstance(result, HubModelInfo):
                    if result.renamed:
                        self.state["renamed"][model] = result.id
                    for base in result.base_models:
                        if base not in known:
                            known.add(base)
                            queue.append(base)
            self._add(rows)
            self.state["queue_pos"] = start + len(chunk)
            self._tick("lookups", self.state["queue_pos"], len(queue), pos_before)
            self._commit(force=True)

    def _children(self) -> None:
        roots = list(dict.fromkeys(self.opts.reused_ids))
        done = self.state["queue"][:self.state["queue_pos"]]
        self.looked_up = frozenset(m.lower() for m in (*done, *self.state["renamed"].values()))
        while self.state["child_pos"] < len(roots):
            root = roots[self.state["child_pos"]]
            live = self.state["renamed"].get(root, root)
            self._walk(listing_call(self.opts, [f"base_model:{live}"]), "descendants")
            self.state["child_pos"] += 1
            self.state["listed"] = False  # the next root's listing is still to do
            self._commit(force=True)

    def run(self) -> None:
        if self.opts.scope == "reused":
            self.state.setdefault("queue_pos", 0)
            self.state.setdefault("child_pos", 0)
            self.state.setdefault("renamed", {})
            self._lookups()
            self._children()
        else:
            self._walk(listing_call(self.opts), "listing")
        self._commit(force=True)


def new_state(opts: CrawlOptions) -> dict[str, Any]:
    """The state of a crawl that has not fetched anything yet."""
    now = dt.datetime.now(tz=dt.UTC)
    return {"key": opts.key(), "run": f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}",
            "snapshot": f"{now:%Y-%m-%d}", "phase": "crawl", "cursor": None, "pages": 0,
            "models": 0, "parts": {}, "by_status": {}, "cards_by_status": {}}


def _result(state: dict[str, Any], files: dict[str, list[Path]], resumed: bool) -> CrawlResult:
    key = state["key"]
    return CrawlResult(scope=key["scope"], snapshot=state["snapshot"], models=state["models"],
                       cards=existing_ids(files.get("hub_card", [])), pages=state["pages"],
                       resumed=resumed, options=describe_key(key),
                       files={t: [str(p) for p in v] for t, v in files.items() if v},
                       by_status=dict(sorted(state["by_status"].items())),
                       cards_by_status=dict(sorted(state.get("cards_by_status", {}).items())))


def crawl(client: HubClient, work: CrawlWork, opts: CrawlOptions, *, restart: bool = False,
          progress: Progress | None = None,
          notice: Callable[[CrawlResult], None] | None = None) -> CrawlResult:
    """Run (or resume) a crawl and publish its parts; see the module docstring.

    A crawl that stopped while publishing is complete: a rerun with other options (or with
    ``restart``) publishes it first, tells ``notice``, then runs the crawl asked for; dropping
    it instead would throw complete data away, or leave half of it published."""
    try:
        state = work.load()
    except DataError:
        if not restart:
            raise
        state = None  # unreadable (or of another version): --restart drops it below
    earlier: CrawlResult | None = None
    if state is not None and state.get("phase") == "publish" and \
            (restart or state.get("key") != opts.key()):
        work.begin(state)
        earlier = _result(work.state, work.publish(), resumed=True)
        if notice:
            notice(earlier)
        state = None
    elif restart:
        work.reset()
        state = None
    resumed = state is not None
    if state is not None and state.get("key") != opts.key() and state.get("phase") != "publish":
        raise UsageError("an unfinished crawl with other options is in this dataset "
                         f"({describe_key(state.get('key') or {})})",
                         hint="rerun it with the same options to finish it, or pass --restart")
    work.begin(state or new_state(opts))
    if work.state.get("phase") != "publish":
        Crawler(client, work, opts, progress).run()
    result = _result(work.state, work.publish(), resumed)
    result.earlier = earlier
    return result
