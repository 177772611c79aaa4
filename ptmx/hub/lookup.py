"""One model, live and compared with the snapshot: :func:`lookup_with_drift` (and its async twin).

This is what ``ptmx hub info`` prints and what the TUI's model page runs in a worker. Outcomes a
user should *see* rather than be stopped by — the model is gone, disabled, gated, or we are offline
with nothing cached — come back as a :class:`HubLookup` with that ``status`` and a one-line
``message``; failures worth retrying (timeouts, rate limits, server errors) raise
:class:`~ptmx.errors.HubError` kinds from :mod:`ptmx.hub.errors`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptmx.errors import NotFoundError
from ptmx.hub.client import AsyncHubClient, HubClient, model_ref
from ptmx.hub.drift import CompletenessFn, Drift, LicenseJudge, compare
from ptmx.hub.errors import (
    HubDisabledError,
    HubFailure,
    HubGatedError,
    HubNotFoundError,
    HubOfflineError,
)
from ptmx.hub.models import HubModelInfo
from ptmx.hub.settings import HubSettings
from ptmx.store import ModelPage, Store, model_page

# Failures that are an answer about the model (or about our mode), not a reason to abort.
SOFT_FAILURES = (HubNotFoundError, HubDisabledError, HubGatedError, HubOfflineError)


@dataclass
class HubLookup:
    """The live model, its drift against the snapshot, and how the answer was obtained."""

    model: str  # the id asked for
    status: str  # ok | renamed | not_found | private_or_missing | disabled | gated | offline
    info: HubModelInfo | None
    drift: Drift | None  # None when the model is not in the snapshot, or offline
    in_snapshot: bool
    source: str  # live | cache | offline-cache | none
    message: str | None = None  # one line for a non-ok status
    hint: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether live (or cached) metadata is available."""
        return self.info is not None

    @property
    def offline(self) -> bool:
        """Whether the answer comes from offline mode (cache or nothing)."""
        return self.status == "offline" or self.source == "offline-cache"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "model": self.model, "status": self.status, "source": self.source,
            "in_snapshot": self.in_snapshot, "message": self.message, "hint": self.hint,
            "warnings": self.warnings,
            "live": self.info.to_dict() if self.info else None,
            "drift": self.drift.to_dict() if self.drift else None,
        }


def _page(store: Store | None, ref: str) -> ModelPage | None:
    if store is None:
        return None
    try:
        return model_page(store, ref)
    except NotFoundError:
        return None


def _soft(exc: HubFailure) -> tuple[str, str, str | None]:
    return exc.kind, exc.message, exc.hint


def _assemble(store: Store | None, ref: str, page: ModelPage | None, info: HubModelInfo | None,
              failure: HubFailure | None, readme: str | None, warnings: list[str],
              license_judge: LicenseJudge | None, completeness_fn: CompletenessFn | None,
              activity: str) -> HubLookup:
    status, message, hint = _soft(failure) if failure else (
        "renamed" if info is not None and info.renamed else "ok", None, None)
    drift = None
    if page is not None and status != "offline":
        projects = None
        if license_judge is not None and store is not None:
            from ptmx.hub.queries import project_licenses

            projects = project_licenses(store, page.id)
        from ptmx.hub.queries import snapshot_row

        previous = snapshot_row(store, page.model) if store is not None else None
        drift = compare(page, info, status=status, license_judge=license_judge,
                        projects=projects, previous=previous,
                        completeness_fn=completeness_fn, live_readme=readme, activity=activity)
    if page is None and store is not None:
        warnings.append(f"{ref} is not in the snapshot: showing live metadata only")
    return HubLookup(
        model=ref, status=status, info=info, drift=drift, in_snapshot=page is not None,
        source=info.source if info else "none", message=message, hint=hint,
        warnings=[*(info.warnings if info else []), *warnings],
    )


def lookup_with_drift(
    store: Store | None,
    model_id: str,
    refresh: bool = False,
    *,
    settings: HubSettings | None = None,
    client: HubClient | None = None,
    license_judge: LicenseJudge | None = None,
    completeness_fn: CompletenessFn | None = None,
    activity: str = "use",
    files: bool = True,
) -> HubLookup:
    """Look ``model_id`` up live and compare it with the snapshot in ``store`` (may be None).

    ``refresh`` skips the cache read. ``client`` reuses an open :class:`HubClient`; otherwise one
    is made from ``settings`` (default: the environment). ``license_judge`` (e.g.
    ``ptmx.licenses.verdict_for``) adds the project verdicts to a license change and
    ``completeness_fn`` (e.g. ``ptmx.cards.completeness``) the card completeness; the README is
    fetched only with a ``completeness_fn``, since only that reads it. ``files`` makes a second
    call for file sizes and the hub's own security scan (``info.artifacts.security``).
    """
    ref = model_ref(model_id)
    page = _page(store, ref)
    hub = client or HubClient(settings)
    info = failure = readme = None
    warnings: list[str] = []
    try:
        try:
            info = hub.model_info(ref, refresh=refresh)
        except SOFT_FAILURES as exc:
            failure = exc
        if info is not None and files:
            try:
                hub.add_files(info, refresh=refresh)
            except HubOfflineError:
                pass  # offline with no cached file listing: the names from the first answer stay
            except HubFailure as exc:
                warnings.append(f"file sizes and the hub's security scan not fetched: "
                                f"{exc.message}")
        if info is not None and completeness_fn is not None and page is not None:
            try:
                readme = hub.model_card(info.id, refresh=refresh)
            except HubOfflineError:
                pass  # offline with no cached README: the completeness row simply has less
            except HubFailure as exc:
                warnings.append(f"README not fetched: {exc.message}")
    finally:
        if client is None:
            hub.close()
    return _assemble(store, ref, page, info, failure, readme, warnings, license_judge,
                     completeness_fn, activity)


async def lookup_with_drift_async(
    store: Store | None,
    model_id: str,
    refresh: bool = False,
    *,
    settings: HubSettings | None = None,
    client: AsyncHubClient | None = None,
    license_judge: LicenseJudge | None = None,
    completeness_fn: CompletenessFn | None = None,
    activity: str = "use",
    files: bool = True,
) -> HubLookup:
    """:func:`lookup_with_drift` for asyncio code (a TUI worker)."""
    ref = model_ref(model_id)
    page = _page(store, ref)
    hub = client or AsyncHubClient(settings)
    info = failure = readme = None
    warnings: list[str] = []
    try:
        try:
            info = await hub.model_info(ref, refresh=refresh)
        except SOFT_FAILURES as exc:
            failure = exc
        if info is not None and files:
            try:
                await hub.add_files(info, refresh=refresh)
            except HubOfflineError:
                pass  # offline with no cached file listing: the names from the first answer stay
            except HubFailure as exc:
                warnings.append(f"file sizes and the hub's security scan not fetched: "
                                f"{exc.message}")
        if info is not None and completeness_fn is not None and page is not None:
            try:
                readme = await hub.model_card(info.id, refresh=refresh)
            except HubOfflineError:
                pass  # offline with no cached README: the completeness row simply has less
            except HubFailure as exc:
                warnings.append(f"README not fetched: {exc.message}")
    finally:
        if client is None:
            await hub.aclose()
    return _assemble(store, ref, page, info, failure, readme, warnings, license_judge,
                     completeness_fn, activity)
