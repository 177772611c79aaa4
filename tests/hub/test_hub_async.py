"""The async client (what TUI workers await) shares the sync client's rules."""

from __future__ import annotations

import pytest

from ptmx.hub import (
    AsyncHubClient,
    HubNotFoundError,
    HubOfflineError,
    HubSettings,
    HubTimeoutError,
    fetch_model_info_async,
    lookup_with_drift_async,
)
from ptmx.store import Store
from tests.hub.fakehub import FakeHub, Fault

INFO = "/api/models/acme/tiny-llm"


class AsyncSleeps(list):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


async def test_fetch_model_info_async_follows_a_rename(hub: FakeHub,
                                                       settings: HubSettings) -> None:
    info = await fetch_model_info_async("bert-base-uncased", settings)
    assert info.id == "google-bert/bert-base-uncased" and info.renamed_from == "bert-base-uncased"


async def test_async_retries_429_then_succeeds(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, Fault(429, {"Retry-After": "2"}), Fault(500))
    sleeps = AsyncSleeps()
    async with AsyncHubClient(settings, sleep=sleeps) as hub_client:
        info = await hub_client.model_info("acme/tiny-llm")
    assert info.likes == 12 and sleeps[0] == 2.0 and len(sleeps) == 2


async def test_async_timeout_and_not_found(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, Fault(delay=1.0, passthrough=True))
    async with AsyncHubClient(settings.with_options(timeout=0.1, max_retries=0)) as hub_client:
        with pytest.raises(HubTimeoutError):
            await hub_client.model_info("acme/tiny-llm")
        with pytest.raises(HubNotFoundError):
            await hub_client.model_info("acme/gone")


async def test_async_children_paginate_lazily(hub: FakeHub, settings: HubSettings) -> None:
    async with AsyncHubClient(settings) as hub_client:
        ids = [item.id async for item in hub_client.list_models(
            filters=["base_model:acme/base"], page_size=4, parent="acme/base")]
    assert len(ids) == 6 and len(hub.seen("/api/models")) == 2


async def test_async_batch_limits_concurrency_and_returns_failures(
        hub: FakeHub, settings: HubSettings) -> None:
    ids = ["acme/tiny-llm", "acme/base", "acme/gone", "kid0/tiny-finetune-0",
           "kid1/tiny-finetune-1"]
    for model in ids:
        hub.fail(f"/api/models/{model}", Fault(delay=0.05, passthrough=True))
    async with AsyncHubClient(settings.with_options(concurrency=2)) as hub_client:
        results = await hub_client.model_infos(ids)
    assert hub.max_in_flight <= 2
    assert isinstance(results[2], HubNotFoundError) and results[0].id == "acme/tiny-llm"


async def test_async_cache_then_offline(hub: FakeHub, settings: HubSettings) -> None:
    await fetch_model_info_async("acme/tiny-llm", settings)
    offline = settings.with_options(offline=True)
    assert (await fetch_model_info_async("acme/tiny-llm", offline)).source == "offline-cache"
    with pytest.raises(HubOfflineError):
        await fetch_model_info_async("acme/base", offline)
    assert len(hub.seen()) == 1


async def test_lookup_with_drift_async(hub: FakeHub, settings: HubSettings,
                                       snapshot_store: Store) -> None:
    lookup = await lookup_with_drift_async(snapshot_store, "acme/tiny-llm", settings=settings,
                                           license_judge=None, completeness_fn=None)
    assert lookup.status == "ok" and lookup.drift is not None
    assert lookup.drift.row("license").change == "changed"
    offline = await lookup_with_drift_async(snapshot_store, "acme/base",
                                            settings=settings.with_options(offline=True),
                                            license_judge=None, completeness_fn=None)
    assert offline.status == "offline" and offline.offline and offline.info is None
