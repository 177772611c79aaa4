"""The request core shared by the sync and async clients: cache, retries, classification.

One hub call is planned by :func:`plan`, a generator that *yields* what it wants done —
:class:`Send` (an HTTP request) or :class:`Sleep` (a backoff) — and is sent back the outcome
(an ``httpx.Response`` or the exception raised). The sync client drives it with ``httpx.Client`` and
``time.sleep``, the async client with ``httpx.AsyncClient`` and ``asyncio.sleep``; so both share
every rule: cache lookups and offline answers, the token sent only to the configured endpoint, the
anonymous retry after an invalid token, retries on 408/429/5xx and network errors with backoff that
honours ``Retry-After`` and the ``RateLimit`` header, and turning failures into
:mod:`ptmx.hub.errors` kinds with one-line messages (token redacted).
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from ptmx import __version__
from ptmx.hub.cache import CacheEntry, HubCache
from ptmx.hub.errors import (
    HubBadRequestError,
    HubBadResponseError,
    HubConnectionError,
    HubDisabledError,
    HubEntryNotFoundError,
    HubFailure,
    HubForbiddenError,
    HubGatedError,
    HubInvalidTokenError,
    HubNotFoundError,
    HubOfflineError,
    HubPrivateOrMissingError,
    HubRateLimitedError,
    HubRevisionNotFoundError,
    HubServerError,
    HubTimeoutError,
)
from ptmx.hub.settings import HubSettings

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
INVALID_CREDENTIALS = "invalid credentials in authorization header"
DISABLED_MESSAGE = "access to this resource is disabled"
PUBLIC_HUB = "https://huggingface.co"
_RATELIMIT = re.compile(r'"(\w+)"\s*;\s*r\s*=\s*(\d+)\s*;\s*t\s*=\s*(\d+)')
_REPO_URL = re.compile(r"^/api/(models|datasets|spaces)/|/resolve/")


def user_agent() -> str:
    """``ptmx/<version>; python/<x.y.z>; httpx/<version>``."""
    import platform

    return f"ptmx/{__version__}; python/{platform.python_version()}; httpx/{httpx.__version__}"


# -- what the drivers are asked to do ---------------------------------------------------------
@dataclass(frozen=True)
class Send:
    """Send one GET; redirects are followed by the driver's httpx client."""

    url: str
    params: list[tuple[str, str]] | None
    headers: dict[str, str]


@dataclass(frozen=True)
class Sleep:
    """Wait before the next attempt."""

    seconds: float


@dataclass(frozen=True)
class Call:
    """One logical hub call."""

    url: str  # path under the endpoint ("/api/models/x") or an absolute URL (a next page)
    params: tuple[tuple[str, str], ...] = ()
    expect: str = "json"  # json | text
    what: str = "hub request"  # how messages name it, e.g. "model 'acme/x'"
    missing_ok: bool = False  # a 404 answers None instead of raising (README of a card-less repo)
    refresh: bool = False  # skip the cache read for this call (as settings.refresh does for all)


@dataclass
class Reply:
    """A successful answer (live or cached)."""

    payload: Any
    final_url: str
    redirected: bool
    next_url: str | None
    fetched_at: float
    source: str = "live"  # live | cache | offline-cache
    stale: bool = False
    warnings: list[str] = field(default_factory=list)


# -- per-client state -------------------------------------------------------------------------
class HubSession:
    """State one client shares across calls (and threads): rate-limit gate, token verdict, stats."""

    def __init__(self, settings: HubSettings) -> None:
        self.settings = settings
        self.cache = HubCache(settings.cache_dir, settings.cache_ttl) if settings.cache_dir \
            else None
        self._lock = threading.Lock()
        self._gate_until = 0.0  # monotonic time before which no request should go out
        self.token_rejected = False
        self.requests = 0
        self.retries = 0
        self.waits: list[float] = []

    def __repr__(self) -> str:
        return f"HubSession(endpoint={self.settings.endpoint!r}, requests={self.requests})"

    def gate_wait(self) -> float:
        """Seconds to wait before sending, because the quota is used up."""
        with self._lock:
            return max(0.0, self._gate_until - time.monotonic())

    def note_quota(self, response: httpx.Response) -> None:
        """Close the gate until the reset when the response says no requests remain."""
        quota = parse_ratelimit(response.headers.get("ratelimit"))
        if quota and quota[0] == 0 and response.status_code < 400:
            with self._lock:
                self._gate_until = max(self._gate_until, time.monotonic() + quota[1] + 1)

    def count(self, *, retry: bool = False, wait: float | None = None) -> None:
        """Bookkeeping (shown by tests and debug output)."""
        with self._lock:
            if retry:
                self.retries += 1
            if wait is not None:
                self.waits.append(wait)

    def sent(self) -> None:
        """Count one request on the wire."""
        with self._lock:
            self.requests += 1

    def redact(self, text: str) -> str:
        """``text`` with the token masked (messages quote server text, which could echo it)."""
        token = self.settings.token.reveal() if self.settings.token else None
        return text.replace(token, "***") if token else text


# -- small helpers ----------------------------------------------------------------------------
def parse_ratelimit(value: str | None) -> tuple[int, int] | None:
    """``"api";r=0;t=55`` → (remaining, seconds to reset); None if absent or unparsable."""
    if not value:
        return None
    match = _RATELIMIT.search(value)
    return (int(match.group(2)), int(match.group(3))) if match else None


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None  # the HTTP-date form is rare on the hub; fall back to our own backoff


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    netloc = parts.netloc.lower()
    default = {"http": ":80", "https": ":443"}.get(parts.scheme, "")
    if default and netloc.endswith(default):
        netloc = netloc[: -len(default)]
    return parts.scheme, netloc


def same_origin(url: str, settings: HubSettings) -> bool:
    """Whether ``url`` is on the configured endpoint (the only place the token may go)."""
    return _origin(url) == _origin(settings.endpoint)


def absolute_url(url: str, settings: HubSettings) -> str:
    """A path under the endpoint, or an absolute URL with the public hub mapped to a mirror."""
    if url.startswith("/"):
        return settings.endpoint + url
    if settings.endpoint != PUBLIC_HUB and url.startswith(PUBLIC_HUB + "/"):
        # Mirrors may hand back next-page links on huggingface.co; stay on the mirror.
        return settings.endpoint + url[len(PUBLIC_HUB):]
    return url


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def server_message(response: httpx.Response) -> str:
    """The hub's own words for a failure: ``X-Error-Message``, else the body's error text."""
    header = response.headers.get("x-error-message")
    if header:
        return _one_line(header)
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict):
        for key in ("error", "error_description", "message"):
            if isinstance(body.get(key), str) and body[key].strip():
                return _one_line(body[key])
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return _one_line(str(errors[0].get("message", "")))
    try:
        text = response.text
    except (UnicodeDecodeError, httpx.ResponseNotRead):
        return ""
    content_type = response.headers.get("content-type", "")
    return _one_line(text) if text and "html" not in content_type else ""


def _request_id(response: httpx.Response) -> str | None:
    for name in ("x-request-id", "x-amzn-trace-id", "x-amz-cf-id"):
        if response.headers.get(name):
            return _one_line(response.headers[name], 80)
    return None


def classify(response: httpx.Response, call: Call, session: HubSession,
             *, sent_token: bool) -> HubFailure:
    """The error kind for a failed response, in the order huggingface_hub uses."""
    status = response.status_code
    code = (response.headers.get("x-error-code") or "").strip()
    said = session.redact(server_message(response))
    rid = _request_id(response)
    endpoint = session.settings.endpoint
    tail = f" (HTTP {status}" + (f", request id {rid}" if rid else "") + ")"
    detail = f": {said}" if said else ""
    kwargs: dict[str, Any] = {"status": status, "request_id": rid}
    path = urlsplit(str(response.request.url)).path if response.request else call.url

    if code == "RevisionNotFound":
        return HubRevisionNotFoundError(f"{call.what}: revision not found{tail}", **kwargs)
    if code == "EntryNotFound":
        return HubEntryNotFoundError(f"{call.what}: file not found{tail}", **kwargs)
    if code == "GatedRepo":
        hint = ("your token has not been granted access yet: ask for it on the model's page"
                if sent_token else None)
        return HubGatedError(f"{call.what} is gated: access needs approval{tail}", hint, **kwargs)
    if DISABLED_MESSAGE in said.lower():
        return HubDisabledError(f"{call.what} has been disabled on the hub{tail}", **kwargs)
    if status == 401 and INVALID_CREDENTIALS in said.lower():
        return HubInvalidTokenError(f"the hub rejected the token as invalid{tail}", **kwargs)
    if code == "RepoNotFound" or (status == 401 and _REPO_URL.search(path)):
        if status == 401 and not sent_token:
            return HubPrivateOrMissingError(
                f"{call.what} not found on {endpoint}, or private{tail}", **kwargs)
        return HubNotFoundError(f"{call.what} not found on {endpoint}{tail}", **kwargs)
    if status == 404:
        return HubNotFoundError(f"{call.what} not found on {endpoint}{tail}", **kwargs)
    if status == 400:
        return HubBadRequestError(f"{call.what}: the hub refused the request{detail}{tail}",
                                  **kwargs)
    if status in (401, 403):
        return HubForbiddenError(f"{call.what}: access denied{detail}{tail}", **kwargs)
    if status == 429:
        quota = parse_ratelimit(response.headers.get("ratelimit"))
        reset = quota[1] if quota and quota[0] == 0 else _retry_after(
            response.headers.get("retry-after"))
        when = f"; the quota resets in {int(reset)} s" if reset is not None else ""
        return HubRateLimitedError(f"rate limited by {endpoint}{when}{tail}",
                                   retry_after=reset, **kwargs)
    if status >= 500:
        return HubServerError(f"{endpoint} failed to answer {call.what}{detail}{tail}", **kwargs)
    if 300 <= status < 400:
        return HubBadResponseError(f"{call.what}: unexpected redirect without a target{tail}",
                                   **kwargs)
    return HubFailure(f"{call.what}: unexpected answer{detail}{tail}", **kwargs)


def classify_exception(exc: Exception, call: Call, session: HubSession) -> HubFailure:
    """The error kind for a transport failure."""
    endpoint = session.settings.endpoint
    reason = session.redact(_one_line(str(exc) or type(exc).__name__, 120))
    if isinstance(exc, httpx.TimeoutException):
        return HubTimeoutError(
            f"{endpoint} did not answer {call.what} in time ({type(exc).__name__})")
    if isinstance(exc, httpx.ConnectError):
        return HubConnectionError(f"cannot connect to {endpoint} ({reason})")
    if isinstance(exc, httpx.TooManyRedirects):
        return HubBadResponseError(f"{call.what}: too many redirects")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return HubBadResponseError(f"{call.what}: redirected to an unusable URL ({reason})")
    return HubConnectionError(f"connection to {endpoint} failed during {call.what} ({reason})")


def _retryable_exception(exc: Exception) -> bool:
    return isinstance(exc, httpx.TimeoutException | httpx.NetworkError
                      | httpx.RemoteProtocolError)


def backoff(settings: HubSettings, attempt: int) -> float:
    """Exponential wait before retry number ``attempt`` (1-based): base·2^(n-1), capped, jittered."""
    wait = min(settings.backoff_max, settings.backoff_base * (2 ** (attempt - 1)))
    if settings.jitter:
        wait *= 1.0 + random.uniform(0.0, settings.jitter)
    return wait


def retry_wait(response: httpx.Response, settings: HubSettings, attempt: int) -> float:
    """How long to wait before retrying ``response``: RateLimit reset, Retry-After, or backoff."""
    if response.status_code == 429:
        quota = parse_ratelimit(response.headers.get("ratelimit"))
        if quota and quota[0] == 0:
            return float(quota[1] + 1)  # t is whole seconds rounded down: one more to be safe
    after = _retry_after(response.headers.get("retry-after"))
    if after is not None:
        return after
    return backoff(settings, attempt)


def _decode(response: httpx.Response, call: Call) -> Any:
    if call.expect == "text":
        return response.text
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise HubBadResponseError(
            f"{call.what}: the hub answered with malformed JSON "
            f"(HTTP {response.status_code}, {len(response.content)} bytes)") from exc


def _headers(url: str, settings: HubSettings, anonymous: bool) -> dict[str, str]:
    headers = {"accept": "text/plain" if url.endswith(".md") else "application/json"}
    if not anonymous and settings.token and same_origin(url, settings):
        headers["authorization"] = f"Bearer {settings.token.reveal()}"
    return headers


# -- the plan ---------------------------------------------------------------------------------
Outcome = httpx.Response | Exception | None
Plan = Generator[Send | Sleep, Outcome, Reply]


def plan(session: HubSession, call: Call) -> Plan:
    """Answer ``call``: from the cache when allowed, else over HTTP with the retry policy."""
    settings = session.settings
    url = absolute_url(call.url, settings)
    params = list(call.params)
    key = None
    if session.cache is not None:
        key = HubCache.key(settings.endpoint, url, params, settings.authenticated)
        refresh = settings.refresh or call.refresh
        entry = session.cache.get(key) if (settings.offline or not refresh) else None
        if entry is not None:
            fresh = session.cache.is_fresh(entry)
            if settings.offline or fresh:
                return _from_cache(entry, offline=settings.offline, stale=not fresh)
    if settings.offline:
        raise HubOfflineError(f"offline mode: no cached answer for {call.what}")

    anonymous = session.token_rejected or not settings.token
    token_dropped = False
    attempt = 0
    while True:
        gate = session.gate_wait()
        if gate > settings.max_wait:
            raise HubRateLimitedError(
                f"rate limited by {settings.endpoint}; the quota resets in {int(gate)} s",
                retry_after=gate)
        if gate > 0:
            session.count(wait=gate)
            yield Sleep(gate)
        sent_token = not anonymous and bool(settings.token) and same_origin(url, settings)
        session.sent()
        outcome = yield Send(url, params or None, _headers(url, settings, anonymous))

        if isinstance(outcome, Exception):
            if _retryable_exception(outcome) and attempt < settings.max_retries:
                attempt += 1
                wait = backoff(settings, attempt)
                session.count(retry=True, wait=wait)
                yield Sleep(wait)
                continue
            raise classify_exception(outcome, call, session) from None
        if outcome is None:  # pragma: no cover - a driver bug, not a hub answer
            raise RuntimeError("hub plan resumed without an outcome")

        response = outcome
        session.note_quota(response)
        if 200 <= response.status_code < 300:
            payload = _decode(response, call)
            return _remember(session, key, call, response, payload, token_dropped)

        said = server_message(response).lower()
        if response.status_code == 401 and sent_token and INVALID_CREDENTIALS in said:
            # An invalid token breaks even public lookups: say so once, go on anonymously.
            session.token_rejected = True
            anonymous = True
            token_dropped = True
            continue
        if response.status_code in RETRY_STATUSES and attempt < settings.max_retries:
            wait = retry_wait(response, settings, attempt + 1)
            if wait <= settings.max_wait:
                attempt += 1
                session.count(retry=True, wait=wait)
                yield Sleep(wait)
                continue
        if call.missing_ok and response.status_code == 404:
            return _remember(session, key, call, response, None, token_dropped)
        error = classify(response, call, session, sent_token=sent_token)
        if token_dropped and error.status in (401, 403, 404):
            source = settings.token_source or "the token"
            raise HubInvalidTokenError(
                f"the hub rejected {source} as invalid, and anonymously {error.message}",
                status=error.status, request_id=error.request_id)
        raise error


def _token_warning(session: HubSession) -> str:
    source = session.settings.token_source or "the token"
    return f"the hub rejected {source} as invalid; answered anonymously"


def _remember(session: HubSession, key: str | None, call: Call, response: httpx.Response,
              payload: Any, token_dropped: bool) -> Reply:
    next_link = response.links.get("next", {}).get("url") if call.expect == "json" else None
    reply = Reply(
        payload=payload, final_url=str(response.url), redirected=bool(response.history),
        next_url=next_link, fetched_at=time.time(),
        warnings=[_token_warning(session)] if token_dropped else [],
    )
    if session.cache is not None and key is not None:
        token = session.settings.token.reveal() if session.settings.token else None
        session.cache.put(key, CacheEntry(payload=payload, fetched_at=reply.fetched_at,
                                          final_url=reply.final_url, next_url=next_link),
                          scrub=token)
    return reply


def _from_cache(entry: CacheEntry, *, offline: bool, stale: bool) -> Reply:
    warnings = []
    if offline:
        warnings.append(f"offline: answered from the cache (fetched {_ago(entry.age())})")
    return Reply(payload=entry.payload, final_url=entry.final_url, redirected=False,
                 next_url=entry.next_url, fetched_at=entry.fetched_at,
                 source="offline-cache" if offline else "cache", stale=stale, warnings=warnings)


def _ago(seconds: float) -> str:
    if seconds < 90:
        return f"{int(seconds)} s ago"
    if seconds < 90 * 60:
        return f"{int(seconds // 60)} min ago"
    if seconds < 36 * 3600:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} days ago"
