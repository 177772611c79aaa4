"""Hub clients: :class:`HubClient` (sync, for the CLI) and :class:`AsyncHubClient` (for the TUI).

Both drive the same plans from :mod:`ptmx.hub.core`, so caching, retries, error kinds and token
handling are identical; they differ only in how a request is sent and how a wait is slept.
Batches (:meth:`HubClient.model_infos`, :meth:`AsyncHubClient.model_infos`) run at most
``settings.concurrency`` requests at a time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from ptmx.errors import PtmxError, UsageError
from ptmx.hub.core import Call, HubSession, Plan, Reply, Send, Sleep, same_origin, user_agent
from ptmx.hub.core import plan as make_plan
from ptmx.hub.errors import HubBadResponseError, InvalidModelIdError
from ptmx.hub.models import (
    FILES_PARAMS,
    LIST_EXPAND,
    MODEL_INFO_EXPAND,
    RELATIONS,
    HubListItem,
    HubModelInfo,
    valid_repo_id,
)
from ptmx.hub.settings import HubSettings

Result = HubModelInfo | PtmxError
ProgressFn = Callable[[str, Result], None]


def model_ref(text: str) -> str:
    """A user's model reference (id, hub URL, ``hf://``) → the hub id, or InvalidModelIdError."""
    from ptmx.store import normalise_model_id

    ref = normalise_model_id(text)
    if not valid_repo_id(ref):
        raise InvalidModelIdError(
            f"{text.strip()!r} is not a hub model id",
            hint="use 'name' or 'owner/name' (letters, digits, '-', '_', '.')")
    return ref


# -- calls ------------------------------------------------------------------------------------
def _info_call(model_id: str, revision: str | None, refresh: bool) -> Call:
    path = f"/api/models/{model_id}"
    if revision:
        path += f"/revision/{quote(revision, safe='')}"
    return Call(path, tuple(("expand", k) for k in MODEL_INFO_EXPAND), what=f"model '{model_id}'",
                refresh=refresh)


def _files_call(model_id: str, revision: str | None, refresh: bool) -> Call:
    path = f"/api/models/{model_id}"
    if revision:
        path += f"/revision/{quote(revision, safe='')}"
    return Call(path, FILES_PARAMS, what=f"files of '{model_id}'", refresh=refresh)


def _card_call(model_id: str, revision: str, refresh: bool) -> Call:
    return Call(f"/{model_id}/resolve/{quote(revision, safe='')}/README.md", expect="text",
                what=f"README of '{model_id}'", missing_ok=True, refresh=refresh)


def _list_call(*, search: str | None, filters: Sequence[str], author: str | None,
               sort: str | None, page_size: int, expand: Sequence[str]) -> Call:
    params: list[tuple[str, str]] = []
    if search:
        params.append(("search", search))
    if author:
        params.append(("author", author))
    params += [("filter", f) for f in filters]
    if sort:
        params.append(("sort", sort))
    params.append(("limit", str(page_size)))
    params += [("expand", e) for e in expand]
    what = "model listing" + (f" for {', '.join(filters)}" if filters else "")
    return Call("/api/models", tuple(params), what=what)


def _children_filter(model_id: str, relation: str | None) -> str:
    """The listing filter for the children of ``model_id``: every relation, always. A wanted
    relation is kept on ptmx's side (:func:`_keep_relation`), because ptmx reads the relation
    from the files: a GGUF repository the hub tags ``finetune`` is a quantization, so the hub's
    ``base_model:quantized:`` filter would miss it and its ``finetune`` one would wrongly keep it."""
    if relation is not None and relation not in RELATIONS:
        raise UsageError(f"unknown relation {relation!r}",
                                  hint="one of " + ", ".join(RELATIONS))
    return f"base_model:{model_id}"


def _keep_relation(relation: str | None) -> Callable[[HubListItem], bool] | None:
    return None if relation is None else (lambda item: item.relation == relation)


def _page_size(page_size: int, limit: int | None, keep: Callable[[HubListItem], bool] | None) -> int:
    """No page larger than the limit needs, unless items are filtered after the listing."""
    return page_size if keep is not None else min(page_size, limit or page_size)


# Page size of a children listing filtered on ptmx's side: wanted items may be sparse, so fewer,
# larger pages (the hub's listing caps a page at 1,000).
FILTERED_PAGE = 500


def _info(reply: Reply, model_id: str, call: Call) -> HubModelInfo:
    try:
        info = HubModelInfo.from_payload(reply.payload, model_id, fetched_at=reply.fetched_at,
                                         source=reply.source)
    except ValueError as exc:
        raise HubBadResponseError(f"{call.what}: {exc}") from None
    info.stale = reply.stale
    info.warnings.extend(reply.warnings)
    if info.renamed:
        info.warnings.append(f"renamed on the hub: {model_id} is now {info.id}")
    return info


def _items(reply: Reply, call: Call, parent: str | None) -> list[HubListItem]:
    if not isinstance(reply.payload, list):
        raise HubBadResponseError(f"{call.what}: expected a JSON list of models")
    try:
        return [HubListItem.from_payload(p, parent) for p in reply.payload]
    except ValueError as exc:
        raise HubBadResponseError(f"{call.what}: {exc}") from None


def _next_call(call: Call, next_url: str) -> Call:
    # The next link already carries every query parameter: request it verbatim.
    return Call(next_url, (), what=call.what)


def _http_options(settings: HubSettings, guard: Callable[..., Any], transport: Any) -> dict[str, Any]:
    """What the sync and async httpx clients share: redirects, timeouts, User-Agent, token guard."""
    return {
        "follow_redirects": True,
        "timeout": httpx.Timeout(settings.attempt_timeout, connect=settings.connect_timeout),
        "headers": {"user-agent": user_agent()},
        "event_hooks": {"request": [guard]},
        "transport": transport,
    }


# -- sync -------------------------------------------------------------------------------------
class HubClient:
    """Blocking hub client (thread-safe); use as a context manager or call :meth:`close`."""

    def __init__(self, settings: HubSettings | None = None, *,
                 sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None, batch: bool = False) -> None:
        """``batch``: many lookups in a row (``scan --hub``): once the hub is found
        unreachable, later calls fail at once instead of waiting again."""
        self.settings = settings or HubSettings.from_env()
        self.session = HubSession(self.settings, batch=batch)
        self._sleep = sleep
        self._http = httpx.Client(**_http_options(self.settings, self._guard, transport))

    def __repr__(self) -> str:
        return f"HubClient(endpoint={self.settings.shown_endpoint!r}, " \
               f"authenticated={self.settings.authenticated})"

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _guard(self, request: httpx.Request) -> None:
        # Every hop of a redirect passes here: the token never leaves the configured endpoint.
        if not same_origin(str(request.url), self.settings):
            request.headers.pop("authorization", None)

    def _run(self, plan: Plan) -> Reply:
        try:
            action = next(plan)
            while True:
                outcome: httpx.Response | Exception | None = None
                if isinstance(action, Sleep):
                    self._sleep(action.seconds)
                elif isinstance(action, Send):
                    try:
                        outcome = self._http.get(
                            action.url, params=action.params, headers=action.headers,
                            timeout=action.httpx_timeout(self.settings.connect_timeout))
                    except httpx.HTTPError as exc:
                        outcome = exc
                action = plan.send(outcome)
        except StopIteration as stop:
            reply: Reply = stop.value
            return reply

    def call(self, call: Call) -> Reply:
        """Answer one raw call (cache, retries and classification included)."""
        return self._run(make_plan(self.session, call))

    def model_info(self, model: str, revision: str | None = None, *,
                   refresh: bool = False) -> HubModelInfo:
        """The model's metadata now; a renamed model answers under its new id.

        ``refresh`` skips the cache read for this lookup (``--refresh``).
        """
        model_id = model_ref(model)
        call = _info_call(model_id, revision, refresh)
        return _info(self.call(call), model_id, call)

    def add_files(self, info: HubModelInfo, revision: str | None = None, *,
                  refresh: bool = False) -> None:
        """Complete ``info`` with file sizes and the hub's security scan (a second call:
        the hub does not combine ``expand`` with ``blobs``/``securityStatus``)."""
        info.attach_files(self.call(_files_call(info.id, revision, refresh)).payload)

    def model_card(self, model: str, revision: str = "main", *,
                   refresh: bool = False) -> str | None:
        """The raw README.md (None if the repo has none)."""
        reply = self.call(_card_call(model_ref(model), revision, refresh))
        text: str | None = reply.payload
        return text

    def list_models(self, *, search: str | None = None, filters: Sequence[str] = (),
                    author: str | None = None, sort: str | None = "downloads",
                    limit: int | None = None, page_size: int = 100,
                    expand: Sequence[str] = LIST_EXPAND, parent: str | None = None,
                    keep: Callable[[HubListItem], bool] | None = None,
                    ) -> Iterator[HubListItem]:
        """Models matching the query, page after page (``Link: rel="next"``), up to ``limit``
        (of those ``keep`` accepts, when given)."""
        call: Call | None = _list_call(search=search, filters=filters, author=author, sort=sort,
                                       page_size=_page_size(page_size, limit, keep),
                                       expand=expand)
        seen = 0
        while call is not None:
            reply = self.call(call)
            for item in _items(reply, call, parent):
                if keep is not None and not keep(item):
                    continue
                yield item
                seen += 1
                if limit is not None and seen >= limit:
                    return
            call = _next_call(call, reply.next_url) if reply.next_url else None

    def children(self, model: str, relation: str | None = None,
                 limit: int | None = None) -> Iterator[HubListItem]:
        """Models derived from ``model`` (finetune/quantized/adapter/merge), most downloaded first."""
        model_id = model_ref(model)
        return self.list_models(filters=[_children_filter(model_id, relation)], limit=limit,
                                parent=model_id, keep=_keep_relation(relation),
                                page_size=FILTERED_PAGE if relation else 100)

    def model_infos(self, models: Iterable[str], on_result: ProgressFn | None = None,
                    ) -> list[Result]:
        """Look many models up, ``settings.concurrency`` at a time; failures are returned.

        Once the hub is found unreachable, the models not yet sent fail at once (a batch).
        ``on_result(model, result)`` is called on the calling thread as each one finishes.
        """
        refs = list(models)
        results: dict[int, Result] = {}
        batch, self.session.batch, self.session.unreachable = self.session.batch, True, None

        def one(ref: str) -> Result:
            try:
                return self.model_info(ref)
            except PtmxError as exc:
                return exc

        pool = ThreadPoolExecutor(max_workers=self.settings.concurrency,
                                  thread_name_prefix="ptmx-hub")
        try:
            futures = {pool.submit(one, ref): i for i, ref in enumerate(refs)}
            for future in as_completed(futures):
                i = futures[future]
                results[i] = future.result()
                if on_result:
                    on_result(refs[i], results[i])
        finally:
            # Ctrl-C: drop what has not started; running lookups end within their timeout.
            pool.shutdown(wait=True, cancel_futures=True)
            self.session.batch = batch
        return [results[i] for i in sorted(results)]


# -- async ------------------------------------------------------------------------------------
class AsyncHubClient:
    """Asyncio hub client for the TUI's workers; ``async with AsyncHubClient(settings) as hub``."""

    def __init__(self, settings: HubSettings | None = None, *,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 transport: httpx.AsyncBaseTransport | None = None, batch: bool = False) -> None:
        self.settings = settings or HubSettings.from_env()
        self.session = HubSession(self.settings, batch=batch)
        self._sleep = sleep
        self._http = httpx.AsyncClient(**_http_options(self.settings, self._guard, transport))

    def __repr__(self) -> str:
        return f"AsyncHubClient(endpoint={self.settings.shown_endpoint!r}, " \
               f"authenticated={self.settings.authenticated})"

    async def __aenter__(self) -> AsyncHubClient:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def _guard(self, request: httpx.Request) -> None:
        if not same_origin(str(request.url), self.settings):
            request.headers.pop("authorization", None)

    async def _run(self, plan: Plan) -> Reply:
        try:
            action = next(plan)
            while True:
                outcome: httpx.Response | Exception | None = None
                if isinstance(action, Sleep):
                    await self._sleep(action.seconds)
                elif isinstance(action, Send):
                    try:
                        outcome = await self._http.get(
                            action.url, params=action.params, headers=action.headers,
                            timeout=action.httpx_timeout(self.settings.connect_timeout))
                    except httpx.HTTPError as exc:
                        outcome = exc
                action = plan.send(outcome)
        except StopIteration as stop:
            reply: Reply = stop.value
            return reply

    async def call(self, call: Call) -> Reply:
        """Answer one raw call (cache, retries and classification included)."""
        return await self._run(make_plan(self.session, call))

    async def model_info(self, model: str, revision: str | None = None, *,
                         refresh: bool = False) -> HubModelInfo:
        """The model's metadata now; a renamed model answers under its new id.

        ``refresh`` skips the cache read for this lookup (``--refresh``).
        """
        model_id = model_ref(model)
        call = _info_call(model_id, revision, refresh)
        return _info(await self.call(call), model_id, call)

    async def add_files(self, info: HubModelInfo, revision: str | None = None, *,
                        refresh: bool = False) -> None:
        """Complete ``info`` with file sizes and the hub's security scan (a second call)."""
        info.attach_files((await self.call(_files_call(info.id, revision, refresh))).payload)

    async def model_card(self, model: str, revision: str = "main", *,
                         refresh: bool = False) -> str | None:
        """The raw README.md (None if the repo has none)."""
        reply = await self.call(_card_call(model_ref(model), revision, refresh))
        text: str | None = reply.payload
        return text

    async def list_models(self, *, search: str | None = None, filters: Sequence[str] = (),
                          author: str | None = None, sort: str | None = "downloads",
                          limit: int | None = None, page_size: int = 100,
                          expand: Sequence[str] = LIST_EXPAND, parent: str | None = None,
                          keep: Callable[[HubListItem], bool] | None = None,
                          ) -> AsyncIterator[HubListItem]:
        """Models matching the query, fetched lazily page by page, up to ``limit`` (of those
        ``keep`` accepts, when given)."""
        call: Call | None = _list_call(search=search, filters=filters, author=author, sort=sort,
                                       page_size=_page_size(page_size, limit, keep),
                                       expand=expand)
        seen = 0
        while call is not None:
            reply = await self.call(call)
            for item in _items(reply, call, parent):
                if keep is not None and not keep(item):
                    continue
                yield item
                seen += 1
                if limit is not None and seen >= limit:
                    return
            call = _next_call(call, reply.next_url) if reply.next_url else None

    def children(self, model: str, relation: str | None = None,
                 limit: int | None = None) -> AsyncIterator[HubListItem]:
        """Models derived from ``model``, most downloaded first (an async iterator)."""
        model_id = model_ref(model)
        return self.list_models(filters=[_children_filter(model_id, relation)], limit=limit,
                                parent=model_id, keep=_keep_relation(relation),
                                page_size=FILTERED_PAGE if relation else 100)

    async def model_infos(self, models: Iterable[str], on_result: ProgressFn | None = None,
                          ) -> list[Result]:
        """Look many models up, ``settings.concurrency`` at a time; failures are returned."""
        gate = asyncio.Semaphore(self.settings.concurrency)
        batch, self.session.batch, self.session.unreachable = self.session.batch, True, None

        async def one(ref: str) -> Result:
            async with gate:
                try:
                    result: Result = await self.model_info(ref)
                except PtmxError as exc:
                    result = exc
            if on_result:
                on_result(ref, result)
            return result

        try:
            return list(await asyncio.gather(*(one(ref) for ref in models)))
        finally:
            self.session.batch = batch


# -- one-shot helpers -------------------------------------------------------------------------
def fetch_model_info(model: str, settings: HubSettings | None = None) -> HubModelInfo:
    """One sync lookup with a short-lived client."""
    with HubClient(settings) as hub:
        return hub.model_info(model)


async def fetch_model_info_async(model: str, settings: HubSettings | None = None
                                 ) -> HubModelInfo:
    """One async lookup with a short-lived client (what a TUI worker awaits)."""
    async with AsyncHubClient(settings) as hub:
        return await hub.model_info(model)
