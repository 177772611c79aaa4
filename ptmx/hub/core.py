"""The request core shared by the sync and async clients: cache, retries, classification.

One hub call is planned by :func:`plan`, a generator that *yields* what it wants done —
:class:`Send` (an HTTP request) or :class:`Sleep` (a backoff) — and is sent back the outcome
(an ``httpx.Response`` or the exception raised). The sync client drives it with ``httpx.Client`` and
``time.sleep``, the async client with ``httpx.AsyncClient`` and ``asyncio.sleep``; so both share
every rule: cache lookups and offline answers, the token sent only to the configured endpoint, the
anonymous retry after an invalid token, retries on 408/429/5xx and network errors with backoff that
honours ``Retry-After`` and the ``RateLimit`` header, and turning failures into
:mod:`ptmx.hub.errors` kinds with one-line messages (secrets redacted).

Every lookup is bounded: ``settings.timeout`` is its deadline, attempts and backoff included
(each attempt gets at most ``attempt_timeout`` of what is left). Only a wait the hub itself asks
for (a rate-limit reset) is not counted, and each such wait is capped by ``max_wait``. A refused
connection or an unknown host fails at once; after one, a batch client stops calling the hub
(:attr:`HubSession.unreachable`). Answers are scrubbed of the token and endpoint credentials
before they are cached or returned, so a hub echoing the token cannot make ptmx print it.
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
Params = list[tuple[str, str | int | float | bool | None]]  # as httpx types query parameters


@dataclass(frozen=True)
class Send:
    """Send one GET; redirects are followed by the driver's httpx client."""

    url: str
    params: Params | None
    headers: dict[str, str]
    timeout: float = 10.0  # seconds this attempt may take (what is left of the deadline)

    def httpx_timeout(self, connect: float) -> httpx.Timeout:
        """The attempt's httpx timeout: ``timeout`` for everything, connect capped too."""
        return httpx.Timeout(self.timeout, connect=min(connect, self.timeout))


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

    def __init__(self, settings: HubSettings, *, batch: bool = False) -> None:
        self.settings = settings
        # A batch (many lookups through one client) stops calling a hub it found unreachable.
        self.batch = batch
        self.unreachable: HubFailure | None = None
        self.cache = HubCache(settings.cache_dir, settings.cache_ttl) if settings.cache_dir \
            else None
        self._lock = threading.Lock()
        self._gate_until = 0.0  # monotonic time before which no request should go out
        self.token_rejected = False
        self.requests = 0
        self.retries = 0
        self.waits: list[float] = []

    def __repr__(self) -> str:
        return f"HubSession(endpoint={self.settings.shown_endpoint!r}, requests={self.requests})"

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
        """``text`` with the secrets masked (messages quote server text, which could echo it)."""
        return self.settings.redact(text)

    def skipped(self, call: Call) -> HubFailure:
        """The failure for a batch call not sent because the hub was found unreachable."""
        assert self.unreachable is not None
        kind = type(self.unreachable)
        return kind(f"{call.what}: not tried, {self.settings.shown_endpoint} was unreachable "
                    f"earlier in this run")


def scrub(value: Any, settings: HubSettings) -> Any:
    """A decoded answer with every secret masked in its strings (keys included)."""
    if not settings.secrets():
        return value
    if isinstance(value, str):
        return settings.redact(value)
    if isinstance(value, list):
        return [scrub(v, settings) for v in value]
    if isinstance(value, dict):
        return {scrub(k, settings): scrub(v, settings) for k, v in value.items()}
    return value


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


@dataclass(frozen=True)
class _Failed:
    """What every classified failure message is built from."""

    what: str  # how the call is named, e.g. "model 'acme/x'"
    status: int
    code: str  # X-Error-Code
    said: str  # the hub's own words, redacted
    endpoint: str  # as messages show it
    tail: str  # " (HTTP 404, request id …)"
    request_id: str | None

    @property
    def detail(self) -> str:
        return f": {self.said}" if self.said else ""

    @property
    def kwargs(self) -> dict[str, Any]:
        return {"status": self.status, "request_id": self.request_id}


def classify(response: httpx.Response, call: Call, session: HubSession,
             *, sent_token: bool) -> HubFailure:
    """The error kind for a failed response, in the order huggingface_hub uses."""
    rid = _request_id(response)
    failed = _Failed(
        what=call.what, status=response.status_code,
        code=(response.headers.get("x-error-code") or "").strip(),
        said=session.redact(server_message(response)), endpoint=session.settings.shown_endpoint,
        tail=f" (HTTP {response.status_code}" + (f", request id {rid}" if rid else "") + ")",
        request_id=rid)
    path = urlsplit(str(response.request.url)).path if response.request else call.url
    return (_by_hub_code(failed, sent_token) or _by_repo_status(failed, path, sent_token)
            or _by_status(failed, response))


def _by_hub_code(f: _Failed, sent_token: bool) -> HubFailure | None:
    """Failures the hub names with ``X-Error-Code`` or its message."""
    if f.code == "RevisionNotFound":
        return HubRevisionNotFoundError(f"{f.what}: revision not found{f.tail}", **f.kwargs)
    if f.code == "EntryNotFound":
        return HubEntryNotFoundError(f"{f.what}: file not found{f.tail}", **f.kwargs)
    if f.code == "GatedRepo":
        hint = ("your token has not been granted access yet: ask for it on the model's page"
                if sent_token else None)
        return HubGatedError(f"{f.what} is gated: access needs approval{f.tail}", hint,
                             **f.kwargs)
    if DISABLED_MESSAGE in f.said.lower():
        return HubDisabledError(f"{f.what} has been disabled on the hub{f.tail}", **f.kwargs)
    if f.status == 401 and INVALID_CREDENTIALS in f.said.lower():
        return HubInvalidTokenError(f"the hub rejected the token as invalid{f.tail}", **f.kwargs)
    return None


def _by_repo_status(f: _Failed, path: str, sent_token: bool) -> HubFailure | None:
    """Missing (or, anonymously, possibly private) repositories."""
    if f.code == "RepoNotFound" or (f.status == 401 and _REPO_URL.search(path)):
        if f.status == 401 and not sent_token:
            return HubPrivateOrMissingError(
                f"{f.what} not found on {f.endpoint}, or private{f.tail}", **f.kwargs)
        return HubNotFoundError(f"{f.what} not found on {f.endpoint}{f.tail}", **f.kwargs)
    if f.status == 404:
        return HubNotFoundError(f"{f.what} not found on {f.endpoint}{f.tail}", **f.kwargs)
    return None


def _by_status(f: _Failed, response: httpx.Response) -> HubFailure:
    """Everything else, by HTTP status."""
    if f.status == 400:
        return HubBadRequestError(f"{f.what}: the hub refused the request{f.detail}{f.tail}",
                                  **f.kwargs)
    if f.status in (401, 403):
        return HubForbiddenError(f"{f.what}: access denied{f.detail}{f.tail}", **f.kwargs)
    if f.status == 429:
        quota = parse_ratelimit(response.headers.get("ratelimit"))
        reset = quota[1] if quota and quota[0] == 0 else _retry_after(
            response.headers.get("retry-after"))
        when = f"; the quota resets in {int(reset)} s" if reset is not None else ""
        return HubRateLimitedError(f"rate limited by {f.endpoint}{when}{f.tail}",
                                   retry_after=reset, **f.kwargs)
    if f.status >= 500:
        return HubServerError(f"{f.endpoint} failed to answer {f.what}{f.detail}{f.tail}",
                              **f.kwargs)
    if 300 <= f.status < 400:
        return HubBadResponseError(f"{f.what}: unexpected redirect without a target{f.tail}",
                                   **f.kwargs)
    return HubFailure(f"{f.what}: unexpected answer{f.detail}{f.tail}", **f.kwargs)


def classify_exception(exc: Exception, call: Call, session: HubSession) -> HubFailure:
    """The error kind for a transport failure."""
    endpoint = session.settings.shown_endpoint
    reason = session.redact(_one_line(str(exc) or type(exc).__name__, 120))
    if isinstance(exc, httpx.TimeoutException):
        return HubTimeoutError(
            f"{endpoint} did not answer {call.what} in time ({type(exc).__name__}; "
            f"a lookup may take {session.settings.timeout:g} s, PTMX_HUB_TIMEOUT)")
    if isinstance(exc, httpx.ConnectError):
        return HubConnectionError(f"cannot connect to {endpoint} ({reason})")
    if isinstance(exc, httpx.TooManyRedirects):
        return HubBadResponseError(f"{call.what}: too many redirects")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return HubBadResponseError(f"{call.what}: redirected to an unusable URL ({reason})")
    return HubConnectionError(f"connection to {endpoint} failed during {call.what} ({reason})")


def _retryable_exception(exc: Exception) -> bool:
    # A refused connection or an unknown host (ConnectError) will not change in a few seconds.
    if isinstance(exc, httpx.ConnectError):
        return False
    return isinstance(exc, httpx.TimeoutException | httpx.NetworkError
                      | httpx.RemoteProtocolError)


def backoff(settings: HubSettings, attempt: int) -> float:
    """Exponential wait before retry number ``attempt`` (1-based): base·2^(n-1), capped, jittered."""
    wait = float(min(settings.backoff_max, settings.backoff_base * (2 ** (attempt - 1))))
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
    params: Params = list(call.params)
    key = None
    if session.cache is not None:
        key = HubCache.key(settings.endpoint, url, params, settings.authenticated)
        cached = _cached(session, key, call)
        if cached is not None:
            return cached
    if settings.offline:
        raise HubOfflineError(f"offline mode: no cached answer for {call.what}")
    if session.batch and session.unreachable is not None:
        raise session.skipped(call)

    tries = _Tries(session)
    while True:
        gate = session.gate_wait()
        if gate > 0:
            yield Sleep(tries.server_wait(gate))
        sent_token = tries.sends_token(url)
        session.sent()
        outcome = yield Send(url, params or None, _headers(url, settings, tries.anonymous),
                             tries.attempt_timeout(call))

        if isinstance(outcome, Exception):
            yield Sleep(tries.after_exception(outcome, call))
            continue
        if outcome is None:  # pragma: no cover - a driver bug, not a hub answer
            raise RuntimeError("hub plan resumed without an outcome")
        response = outcome
        session.note_quota(response)
        if 200 <= response.status_code < 300:
            payload = scrub(_decode(response, call), settings)
            return _remember(session, key, call, response, payload, tries.token_dropped)
        if tries.drop_token(response, sent_token):
            continue  # an invalid token breaks even public lookups: go on anonymously
        wait = tries.retry_wait(response)
        if wait is not None:
            yield Sleep(wait)
            continue
        if call.missing_ok and response.status_code == 404:
            return _remember(session, key, call, response, None, tries.token_dropped)
        raise tries.failure(classify(response, call, session, sent_token=sent_token))


def _cached(session: HubSession, key: str, call: Call) -> Reply | None:
    """The cached answer, if the settings allow it and it is fresh (or we are offline)."""
    settings = session.settings
    assert session.cache is not None
    refresh = settings.refresh or call.refresh
    entry = session.cache.get(key) if (settings.offline or not refresh) else None
    if entry is None:
        return None
    fresh = session.cache.is_fresh(entry)
    if settings.offline or fresh:
        return _from_cache(entry, offline=settings.offline, stale=not fresh)
    return None


class _Tries:
    """The attempts of one call: the deadline, the retries left, and whether the token goes."""

    def __init__(self, session: HubSession) -> None:
        self.session = session
        self.settings = session.settings
        self.start = time.monotonic()
        self.deadline = self.start + self.settings.timeout
        self.slept = 0.0  # waits asked for so far (a driver's sleep may not move the clock)
        self.attempt = 0
        self.anonymous = session.token_rejected or not self.settings.token
        self.token_dropped = False

    def left(self) -> float:
        return self.deadline - max(time.monotonic(), self.start + self.slept)

    def attempt_timeout(self, call: Call) -> float:
        left = self.left()
        if left <= 0:
            raise self.failure(HubTimeoutError(
                f"{self.settings.shown_endpoint} did not answer {call.what} within "
                f"{self.settings.timeout:g} s (PTMX_HUB_TIMEOUT)"))
        return min(self.settings.attempt_timeout, left)

    def sends_token(self, url: str) -> bool:
        return not self.anonymous and bool(self.settings.token) and same_origin(url, self.settings)

    def server_wait(self, wait: float) -> float:
        """A wait the hub asked for (quota reset): capped by max_wait, not by the deadline."""
        if wait > self.settings.max_wait:
            raise HubRateLimitedError(
                f"rate limited by {self.settings.shown_endpoint}; the quota resets in "
                f"{int(wait)} s", retry_after=wait)
        self.session.count(wait=wait)
        self.deadline += wait
        self.slept += wait
        return wait

    def _retry(self, wait: float, *, requested: bool) -> bool:
        """Count one retry after ``wait`` s, if retries are left and the wait is allowed."""
        if self.attempt >= self.settings.max_retries:
            return False
        if requested:
            if wait > self.settings.max_wait:
                return False
            self.deadline += wait
        elif wait >= self.left():
            return False
        self.attempt += 1
        self.slept += wait
        self.session.count(retry=True, wait=wait)
        return True

    def after_exception(self, exc: Exception, call: Call) -> float:
        """The backoff before trying again after a transport failure; raises if final."""
        wait = backoff(self.settings, self.attempt + 1)
        if _retryable_exception(exc) and self._retry(wait, requested=False):
            return wait
        error = classify_exception(exc, call, self.session)
        if isinstance(error, HubConnectionError | HubTimeoutError):
            self.session.unreachable = error
        raise error from None

    def drop_token(self, response: httpx.Response, sent_token: bool) -> bool:
        """Whether the hub rejected the token itself (then the call goes on anonymously)."""
        if response.status_code != 401 or not sent_token:
            return False
        if INVALID_CREDENTIALS not in server_message(response).lower():
            return False
        self.session.token_rejected = True
        self.anonymous = self.token_dropped = True
        return True

    def retry_wait(self, response: httpx.Response) -> float | None:
        """The wait before retrying a retryable status, or None to stop here."""
        if response.status_code not in RETRY_STATUSES:
            return None
        wait = retry_wait(response, self.settings, self.attempt + 1)
        requested = _server_requested(response)
        return wait if self._retry(wait, requested=requested) else None

    def failure(self, error: HubFailure) -> HubFailure:
        """``error``, or the invalid-token story when the token was dropped on the way."""
        if isinstance(error, HubTimeoutError):
            self.session.unreachable = error
        if self.token_dropped and error.status in (401, 403, 404):
            source = self.settings.token_source or "the token"
            return HubInvalidTokenError(
                f"the hub rejected {source} as invalid, and anonymously {error.message}",
                status=error.status, request_id=error.request_id)
        return error


def _server_requested(response: httpx.Response) -> bool:
    """Whether the hub said when to come back (RateLimit reset on a 429, or Retry-After)."""
    if response.status_code == 429:
        quota = parse_ratelimit(response.headers.get("ratelimit"))
        if quota and quota[0] == 0:
            return True
    return _retry_after(response.headers.get("retry-after")) is not None


def _token_warning(session: HubSession) -> str:
    source = session.settings.token_source or "the token"
    return f"the hub rejected {source} as invalid; answered anonymously"


def _remember(session: HubSession, key: str | None, call: Call, response: httpx.Response,
              payload: Any, token_dropped: bool) -> Reply:
    next_link = response.links.get("next", {}).get("url") if call.expect == "json" else None
    reply = Reply(
        payload=payload, final_url=session.redact(str(response.url)),
        redirected=bool(response.history), next_url=next_link, fetched_at=time.time(),
        warnings=[_token_warning(session)] if token_dropped else [],
    )
    if session.cache is not None and key is not None:
        session.cache.put(key, CacheEntry(payload=payload, fetched_at=reply.fetched_at,
                                          final_url=reply.final_url, next_url=next_link),
                          scrub=session.settings.secrets())
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
