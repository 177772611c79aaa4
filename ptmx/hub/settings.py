"""Settings of the hub client, read once from the environment (HF_* and PTMX_HUB_*).

The Hugging Face conventions are honoured so that ptmx behaves like the rest of the ecosystem:
``HF_ENDPOINT``; the token from ``HF_TOKEN``, then ``HUGGING_FACE_HUB_TOKEN``, then the token file
(``HF_TOKEN_PATH``, default ``$HF_HOME/token``); ``HF_HUB_OFFLINE`` (falling back to
``TRANSFORMERS_OFFLINE``). ptmx's own knobs (timeouts, retries, cache TTL, batch concurrency) are
``PTMX_HUB_*``. Everything is read in :meth:`HubSettings.from_env`, which takes the mapping to read
so tests stay hermetic; the rest of ptmx.hub only ever sees a ``HubSettings``.

The token is wrapped in :class:`Secret`, whose ``repr``/``str`` never show it and which refuses to
be pickled, so it cannot slip into output, logs, caches or exception text by accident. Credentials
inside ``HF_ENDPOINT`` (``http://user:pw@mirror``) are secrets too: :meth:`HubSettings.redact`
masks them and the token in any text, and ``shown_endpoint`` is the endpoint as messages print it.

Every setting is validated here, with a one-line :class:`~ptmx.errors.UsageError` (exit 2): a
malformed endpoint, a token that cannot be sent in a header, numbers that are not finite, not
positive where they must be, or absurdly large.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from ptmx.errors import UsageError
from ptmx.safetext import visible

DEFAULT_ENDPOINT = "https://huggingface.co"
MAX_CONCURRENCY = 64
TRUE_VALUES = frozenset({"1", "on", "yes", "true"})


class Secret:
    """A string that never shows itself: ``repr``/``str`` are masked, pickling is refused."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value, for the one place that must send it (the Authorization header)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> NoReturn:
        # Caches and worker messages must never carry the token.
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True)
class HubSettings:
    """Everything the hub client needs; build with :meth:`from_env` or directly in tests."""

    endpoint: str = DEFAULT_ENDPOINT
    token: Secret | None = field(default=None, repr=False)
    token_source: str | None = None  # "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "token file" or None
    offline: bool = False
    refresh: bool = False  # skip cache reads (answers are still written to the cache)
    timeout: float = 20.0  # the longest one lookup may take, retries and backoff included
    attempt_timeout: float = 10.0  # read/write/pool timeout of one attempt (capped by the above)
    connect_timeout: float = 5.0
    max_retries: int = 5
    backoff_base: float = 1.0  # first exponential wait; doubles per retry
    backoff_max: float = 8.0  # cap of one exponential wait
    max_wait: float = 60.0  # a server-requested wait longer than this fails instead of sleeping
    batch_max_wait: float = 330.0  # the same for `hub refresh`: a 5-minute quota window + margin
    jitter: float = 0.1  # fraction of random extra wait on exponential backoff
    cache_dir: Path | None = None  # None: no on-disk cache
    cache_ttl: float = 24 * 3600.0
    concurrency: int = 4  # simultaneous requests in batch lookups

    def __post_init__(self) -> None:
        _check_endpoint(self.endpoint)
        object.__setattr__(self, "endpoint", self.endpoint.rstrip("/"))
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise UsageError(f"hub concurrency must be from 1 to {MAX_CONCURRENCY}")
        if self.max_retries < 0:
            raise UsageError("hub retries cannot be negative")

    @property
    def origin(self) -> tuple[str, str]:
        """(scheme, host:port) of the endpoint: the only place the token may be sent."""
        parts = urlsplit(self.endpoint)
        return parts.scheme, parts.netloc.lower()

    def __repr__(self) -> str:
        # Not the generated one: the endpoint may carry a password (reprs land in tracebacks).
        return (f"HubSettings(endpoint={self.shown_endpoint!r}, "
                f"authenticated={self.authenticated}, offline={self.offline}, "
                f"timeout={self.timeout!r}, cache_dir={self.cache_dir!r})")

    @property
    def shown_endpoint(self) -> str:
        """The endpoint as messages show it: credentials in it masked."""
        return _without_credentials(self.endpoint)

    def secrets(self) -> list[str]:
        """Every secret value of these settings (the token, the endpoint's credentials)."""
        found = [self.token.reveal()] if self.token else []
        userinfo = urlsplit(self.endpoint).netloc.rpartition("@")[0]
        if userinfo:
            found.append(userinfo)
            password = userinfo.partition(":")[2]
            if len(password) >= 3:  # a one- or two-letter password would mask ordinary text
                found.append(password)
        return found

    def redact(self, text: str) -> str:
        """``text`` with every secret masked (server answers may echo the token)."""
        for secret in sorted(self.secrets(), key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    @property
    def authenticated(self) -> bool:
        """Whether a token is configured."""
        return bool(self.token)

    def with_options(self, **changes: object) -> HubSettings:
        """A copy with some fields changed (e.g. ``refresh=True`` for ``--refresh``)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> HubSettings:
        """Settings from ``env`` (default ``os.environ``); keyword overrides win."""
        env = os.environ if env is None else env
        token, source = _token_from(env)
        offline_raw = env.get("HF_HUB_OFFLINE")
        if offline_raw is None:
            offline_raw = env.get("TRANSFORMERS_OFFLINE", "")
        values: dict[str, object] = {
            "endpoint": env.get("HF_ENDPOINT") or DEFAULT_ENDPOINT,
            "token": token,
            "token_source": source,
            "offline": offline_raw.strip().lower() in TRUE_VALUES,
            "cache_dir": _default_cache_dir(env),
        }
        for name, key, kind, largest in _KNOBS:
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                continue
            values[key] = _number(name, raw, kind, key, largest)
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


# PTMX_HUB_* environment knobs: (variable, field, type, largest). All must be finite and not
# negative; the timeouts must be more than 0 (a zero timeout would fail every lookup).
_KNOBS: tuple[tuple[str, str, type, float], ...] = (
    ("PTMX_HUB_TIMEOUT", "timeout", float, 3600.0),
    ("PTMX_HUB_ATTEMPT_TIMEOUT", "attempt_timeout", float, 3600.0),
    ("PTMX_HUB_CONNECT_TIMEOUT", "connect_timeout", float, 3600.0),
    ("PTMX_HUB_RETRIES", "max_retries", int, 100),
    ("PTMX_HUB_BACKOFF", "backoff_base", float, 3600.0),
    ("PTMX_HUB_BACKOFF_MAX", "backoff_max", float, 3600.0),
    ("PTMX_HUB_MAX_WAIT", "max_wait", float, 86400.0),
    ("PTMX_HUB_BATCH_MAX_WAIT", "batch_max_wait", float, 86400.0),
    ("PTMX_HUB_JITTER", "jitter", float, 10.0),
    ("PTMX_HUB_CACHE_TTL", "cache_ttl", float, 10 * 365 * 86400.0),
    ("PTMX_HUB_CONCURRENCY", "concurrency", int, MAX_CONCURRENCY),
)
_POSITIVE = frozenset({"timeout", "attempt_timeout", "connect_timeout", "concurrency"})


def _number(name: str, raw: str, kind: type, key: str, largest: float) -> float | int:
    shown = visible(raw, newlines=False)
    try:
        value: float | int = kind(raw.strip())
    except ValueError:
        raise UsageError(f"{name}={shown!r} is not a number") from None
    if not math.isfinite(value):
        raise UsageError(f"{name}={shown!r} is not a finite number")
    if value < 0 or (value == 0 and key in _POSITIVE):
        least = "more than 0" if key in _POSITIVE else "0 or more"
        raise UsageError(f"{name}={shown!r} is out of range", hint=f"{least}, at most {largest:g}")
    if value > largest:
        raise UsageError(f"{name}={shown!r} is too large", hint=f"at most {largest:g}")
    return value


_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def _without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` masked (for messages)."""
    scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    if "@" in host:
        host = "***@" + host.rpartition("@")[2]
    return f"{scheme}{sep}{host}{slash}{path}"


def _check_endpoint(endpoint: str) -> None:
    """A one-line UsageError unless ``endpoint`` is a plain http(s) URL httpx can use."""
    shown = visible(_without_credentials(endpoint), newlines=False)
    hint = "e.g. HF_ENDPOINT=https://huggingface.co"
    if _SPACE_OR_CONTROL.search(endpoint) or not endpoint.isascii():
        raise UsageError(f"HF_ENDPOINT {shown!r} contains spaces, control or non-ASCII "
                         "characters", hint=hint)
    try:
        parts = urlsplit(endpoint)
        port = parts.port  # raises on a port that is not a number or out of range
        host = parts.hostname
    except ValueError as exc:
        raise UsageError(f"HF_ENDPOINT {shown!r} is not a valid URL ({exc})", hint=hint) from None
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError(f"HF_ENDPOINT {shown!r} is not an http(s) URL", hint=hint)
    if parts.query or parts.fragment:
        raise UsageError(f"HF_ENDPOINT {shown!r} has a query or fragment", hint=hint)
    del port


def _clean(value: str | None) -> str | None:
    """A token as HH cleans it: whitespace and line breaks removed; empty means none."""
    if value is None:
        return None
    value = value.replace("\r", "").replace("\n", "").strip()
    return value or None


def _hf_home(env: Mapping[str, str]) -> Path:
    if env.get("HF_HOME"):
        return Path(env["HF_HOME"]).expanduser()
    xdg = env.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path("~/.cache").expanduser()
    return base / "huggingface"


def _checked_token(value: str, source: str) -> Secret:
    """The token, if it can be sent in an HTTP header (printable ASCII, no spaces)."""
    if not value.isascii() or _SPACE_OR_CONTROL.search(value):
        # Never quote the value: it is a secret, even when mistyped.
        raise UsageError(f"the token in {source} contains spaces, control or non-ASCII "
                         "characters", hint="copy the token again from your hub settings")
    return Secret(value)


def _token_from(env: Mapping[str, str]) -> tuple[Secret | None, str | None]:
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        value = _clean(env.get(name))
        if value:
            return _checked_token(value, name), name
    path = Path(env["HF_TOKEN_PATH"]).expanduser() if env.get("HF_TOKEN_PATH") \
        else _hf_home(env) / "token"
    try:
        value = _clean(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None, None
    return (_checked_token(value, "the token file"), "token file") if value else (None, None)


def _default_cache_dir(env: Mapping[str, str]) -> Path:
    # Same rule as ptmx.config.cache_dir(), but read from the mapping we were given.
    if env.get("PTMX_CACHE"):
        return Path(env["PTMX_CACHE"]).expanduser() / "hub"
    if env is os.environ:
        from ptmx.config import cache_dir

        return cache_dir() / "hub"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ptmx")) / "hub"
