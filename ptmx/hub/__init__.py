"""Live lookups on the Hugging Face Hub, and what changed since the PeaTMOSS snapshot.

Public API (plain data in, plain data out; no rich, no Textual):

- :class:`HubSettings` (``HubSettings.from_env()``), :class:`HubClient` (sync),
  :class:`AsyncHubClient` (async), :func:`fetch_model_info`, :func:`fetch_model_info_async`;
- :class:`HubModelInfo`, :class:`HubListItem`; the error kinds in :mod:`ptmx.hub.errors`;
- :func:`lookup_with_drift` / :func:`lookup_with_drift_async` → :class:`HubLookup` (live info +
  :class:`~ptmx.hub.drift.Drift`), as shown by ``ptmx hub info`` and the TUI;
- :mod:`ptmx.hub.snapshot` for ``ptmx hub refresh`` (the ``hub_snapshot`` table);
- :mod:`ptmx.hub.artifacts`: what a repository ships (:class:`Artifacts`: weights kind, formats,
  dtypes, GGUF facts, the hub's security scan) and its :class:`Risk` findings
  (``pickle-weights``...); ``HubModelInfo.supply_chain()`` gathers them with the typed lineage
  and the Spaces for a scan or a model page.
"""

from ptmx.hub.artifacts import Artifacts, Risk
from ptmx.hub.client import (
    AsyncHubClient,
    HubClient,
    fetch_model_info,
    fetch_model_info_async,
    model_ref,
)
from ptmx.hub.drift import (
    CompletenessFn,
    Drift,
    DriftRow,
    Judgement,
    LicenseJudge,
    compare,
    drift_for,
)
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
    InvalidModelIdError,
)
from ptmx.hub.lookup import HubLookup, lookup_with_drift, lookup_with_drift_async
from ptmx.hub.models import HubListItem, HubModelInfo, card_from_hub
from ptmx.hub.settings import HubSettings, Secret

__all__ = [
    "Artifacts", "AsyncHubClient", "CompletenessFn", "Drift", "DriftRow", "HubBadRequestError",
    "HubBadResponseError", "HubClient", "HubConnectionError", "HubDisabledError",
    "HubEntryNotFoundError", "HubFailure",
    "HubForbiddenError", "HubGatedError", "HubInvalidTokenError", "HubListItem", "HubLookup",
    "HubModelInfo", "HubNotFoundError", "HubOfflineError", "HubPrivateOrMissingError",
    "HubRateLimitedError", "HubRevisionNotFoundError", "HubServerError", "HubSettings",
    "HubTimeoutError", "InvalidModelIdError", "Judgement", "LicenseJudge", "Risk", "Secret",
    "card_from_hub", "compare", "drift_for",
    "fetch_model_info", "fetch_model_info_async", "lookup_with_drift", "lookup_with_drift_async",
    "model_ref",
]
