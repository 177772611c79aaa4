"""The kinds of hub failure, each a :class:`ptmx.errors.HubError` with a one-line message and hint.

Messages are made inert (:func:`ptmx.safetext.visible`) when the error is built, since they quote
the hub's answers. ``kind`` is a stable short name (it is what ``hub refresh`` records per failed model), and
``transient`` says whether trying again later may help (``hub refresh`` retries those on resume).
"""

from __future__ import annotations

from ptmx.errors import HubError, UsageError
from ptmx.safetext import visible


class HubFailure(HubError):
    """Base of every classified hub failure."""

    kind = "http_error"
    transient = False
    default_hint: str | None = None

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        status: int | None = None,
        request_id: str | None = None,
        model: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        # Messages quote the hub's own words and ids: control characters are shown, not sent.
        hint = hint if hint is not None else self.default_hint
        super().__init__(visible(message, newlines=False),
                         visible(hint, newlines=False) if hint is not None else None)
        self.status = status
        self.request_id = request_id
        self.model = model
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"


class HubNotFoundError(HubFailure):
    """The repository does not exist for us (deleted, never existed, or private to others)."""

    kind = "not_found"
    default_hint = "check the id; a deleted or private model looks the same as a missing one"


class HubPrivateOrMissingError(HubNotFoundError):
    """Anonymous 401: the hub will not say whether the repo is private, gated or missing."""

    kind = "private_or_missing"
    default_hint = "if the model is private, set HF_TOKEN to a token that can read it"


class HubGatedError(HubFailure):
    """The repo is gated and this caller has not been granted access."""

    kind = "gated"
    default_hint = "accept the model's conditions on its hub page, then set HF_TOKEN"


class HubDisabledError(HubFailure):
    """The repo exists but access to it has been disabled."""

    kind = "disabled"
    default_hint = "the hub has disabled this model; there is nothing to fetch"


class HubRevisionNotFoundError(HubFailure):
    """The branch, tag or commit does not exist in the repo."""

    kind = "revision_not_found"
    default_hint = "check the revision name (branch, tag or 40-hex commit)"


class HubEntryNotFoundError(HubFailure):
    """A file (e.g. README.md) does not exist in the repo."""

    kind = "entry_not_found"
    default_hint = None


class HubInvalidTokenError(HubFailure):
    """The hub rejected the token itself (expired, revoked or mistyped)."""

    kind = "invalid_token"
    default_hint = "renew the token (HF_TOKEN or the token file), or unset it to look up anonymously"


class HubForbiddenError(HubFailure):
    """403 for another reason: usually a fine-grained token without the needed scope."""

    kind = "forbidden"
    default_hint = "make sure the token has read permission for this repository"


class HubBadRequestError(HubFailure):
    """400: the hub refused the request as malformed."""

    kind = "bad_request"
    default_hint = "this is likely a ptmx bug or an API change; please report it"


class HubRateLimitedError(HubFailure):
    """429 after the retries (or a reset too far away to wait for)."""

    kind = "rate_limited"
    transient = True
    default_hint = "set HF_TOKEN for a higher quota, or try again after the reset"


class HubServerError(HubFailure):
    """5xx after the retries."""

    kind = "server_error"
    transient = True
    default_hint = "the hub is having trouble; try again later"


class HubTimeoutError(HubFailure):
    """No answer within the timeout, after the retries."""

    kind = "timeout"
    transient = True
    default_hint = "the hub is slow or unreachable; try again, or raise PTMX_HUB_TIMEOUT"


class HubConnectionError(HubFailure):
    """The endpoint could not be reached (refused, DNS, TLS, dropped connection)."""

    kind = "connection"
    transient = True
    default_hint = "check your network and HF_ENDPOINT, or use --offline to answer from the cache"


class HubBadResponseError(HubFailure):
    """The hub answered, but not with what the API promises (bad JSON, wrong shape, loops)."""

    kind = "bad_response"
    transient = True
    default_hint = "HF_ENDPOINT may point at something that is not the hub, or the API changed"


class HubOfflineError(HubFailure):
    """Offline mode is on and the cache has no answer."""

    kind = "offline"
    transient = True
    default_hint = "unset HF_HUB_OFFLINE (or drop --offline) to look it up live"


class InvalidModelIdError(UsageError):
    """The text cannot be a hub model id; refused before any network call."""

    kind = "invalid_id"
    transient = False


__all__ = [
    "HubBadRequestError", "HubBadResponseError", "HubConnectionError", "HubDisabledError",
    "HubEntryNotFoundError", "HubFailure", "HubForbiddenError", "HubGatedError",
    "HubInvalidTokenError", "HubNotFoundError", "HubOfflineError", "HubPrivateOrMissingError",
    "HubRateLimitedError", "HubRevisionNotFoundError", "HubServerError", "HubTimeoutError",
    "InvalidModelIdError",
]
