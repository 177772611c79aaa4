"""The sync client against a real HTTP server on 127.0.0.1 speaking the hub's JSON and headers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptmx import __version__
from ptmx.hub import (
    HubBadRequestError,
    HubBadResponseError,
    HubClient,
    HubConnectionError,
    HubDisabledError,
    HubForbiddenError,
    HubGatedError,
    HubInvalidTokenError,
    HubNotFoundError,
    HubOfflineError,
    HubPrivateOrMissingError,
    HubRateLimitedError,
    HubRevisionNotFoundError,
    HubServerError,
    HubSettings,
    HubTimeoutError,
    InvalidModelIdError,
    Secret,
)
from ptmx.hub.models import MODEL_INFO_EXPAND
from tests.hub.fakehub import GOOD_TOKEN, FakeHub, Fault

INFO = "/api/models/acme/tiny-llm"


class Sleeps(list):
    """Records the waits the client asks for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(settings: HubSettings, sleeps: Sleeps | None = None, **changes: object) -> HubClient:
    return HubClient(settings.with_options(**changes) if changes else settings,
                     sleep=sleeps if sleeps is not None else Sleeps())


# -- happy path ---------------------------------------------------------------------------------
def test_model_info_normalises_the_hub_json(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings) as c:
        info = c.model_info("acme/tiny-llm")
    assert info.id == "acme/tiny-llm" and not info.renamed and info.source == "live"
    assert info.licenses == ["mit"] and info.license == "mit"
    assert info.datasets == ["wikitext"]  # a bare string in cardData becomes a list
    assert info.base_models == ["acme/base"] and info.base_model_relation == "finetune"
    assert info.children_count == {"finetune": 2, "quantized": 1, "adapter": 0, "merge": 0}
    assert info.parameter_count == 1_100_000 and info.model_type == "llama"
    assert info.created_at is None  # the hub's pre-2022 floor date means "unknown"
    assert info.availability == "public" and info.downloads == 5000 and info.likes == 12


def test_request_carries_user_agent_and_every_expand_value(hub: FakeHub,
                                                          settings: HubSettings) -> None:
    with client(settings) as c:
        c.model_info("https://huggingface.co/acme/tiny-llm")  # URL forms are accepted
    (seen,) = hub.seen(INFO)
    assert seen.headers["user-agent"].startswith(f"ptmx/{__version__}; python/")
    assert [v for k, v in seen.query if k == "expand"] == list(MODEL_INFO_EXPAND)
    assert "authorization" not in seen.headers  # no token configured


def test_invalid_id_is_refused_before_any_request(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings) as c, pytest.raises(InvalidModelIdError):
        c.model_info("acme/../../etc/passwd")
    assert hub.seen() == []


def test_readme_text_and_missing_readme(hub: FakeHub, settings: HubSettings) -> None:
    hub.readmes["acme/tiny-llm"] = "---\nlicense: mit\n---\n# Tiny"
    with client(settings) as c:
        assert c.model_card("acme/tiny-llm").startswith("---\nlicense: mit")
        assert c.model_card("acme/base") is None


# -- redirects ----------------------------------------------------------------------------------
def test_307_rename_is_followed_and_reported(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings) as c:
        info = c.model_info("bert-base-uncased")
    assert info.id == "google-bert/bert-base-uncased"
    assert info.renamed_from == "bert-base-uncased" and info.renamed
    assert any("now google-bert/bert-base-uncased" in w for w in info.warnings)
    assert [s.path for s in hub.seen("/api/models/")] == [
        "/api/models/bert-base-uncased", "/api/models/google-bert/bert-base-uncased"]


def test_rename_keeps_the_revision_and_token_on_the_same_host(hub: FakeHub,
                                                              settings: HubSettings) -> None:
    with client(settings, token=Secret(GOOD_TOKEN)) as c:
        info = c.model_info("bert-base-uncased", revision="main")
    assert info.id == "google-bert/bert-base-uncased"
    first, second = hub.seen("/api/models/")
    assert second.path.endswith("/revision/main")
    assert first.headers["authorization"] == second.headers["authorization"]


# -- classified failures ------------------------------------------------------------------------
def test_anonymous_401_is_private_or_missing(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings) as c, pytest.raises(HubPrivateOrMissingError) as err:
        c.model_info("acme/secret")
    assert err.value.status == 401 and err.value.exit_code == 3
    assert "HF_TOKEN" in err.value.hint and "\n" not in err.value.one_line()


def test_404_repo_not_found_with_a_token(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings, token=Secret(GOOD_TOKEN)) as c:
        assert c.model_info("acme/secret").private  # the token can read it
        with pytest.raises(HubNotFoundError) as err:
            c.model_info("acme/nothing-here")
    assert type(err.value) is HubNotFoundError and err.value.status == 404
    assert "not found" in err.value.message and "request id" in err.value.message


def test_403_disabled_from_the_error_message_header(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings) as c, pytest.raises(HubDisabledError) as err:
        c.model_info("acme/locked")
    assert err.value.kind == "disabled" and "disabled" in err.value.one_line()


@pytest.mark.parametrize("status", [401, 403])
def test_gated_from_the_error_code_header(hub: FakeHub, settings: HubSettings,
                                          status: int) -> None:
    hub.fail(INFO, Fault(status, {"X-Error-Code": "GatedRepo",
                                  "X-Error-Message": "Access to model acme/tiny-llm is restricted."},
                         '{"error": "restricted"}'))
    with client(settings) as c, pytest.raises(HubGatedError) as err:
        c.model_info("acme/tiny-llm")
    assert err.value.status == status and "gated" in err.value.message


def test_gated_readme_needs_approval(hub: FakeHub, settings: HubSettings) -> None:
    hub.gated_files.add("acme/tiny-llm")
    with client(settings) as c, pytest.raises(HubGatedError):
        c.model_card("acme/tiny-llm")


def test_revision_not_found(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings) as c, pytest.raises(HubRevisionNotFoundError):
        c.model_info("acme/tiny-llm", revision="v9")


def test_other_403_and_400(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, Fault(403, {}, '{"error": "fine-grained token lacks scope"}'),
             Fault(400, {}, '{"error": "bad expand"}'))
    with client(settings) as c:
        with pytest.raises(HubForbiddenError) as err:
            c.model_info("acme/tiny-llm")
        assert "lacks scope" in err.value.message
        with pytest.raises(HubBadRequestError):
            c.model_info("acme/tiny-llm")


def test_invalid_token_falls_back_to_anonymous_once(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings, token=Secret("hf_expired"), token_source="HF_TOKEN") as c:
        info = c.model_info("acme/tiny-llm")
        assert any("rejected HF_TOKEN" in w for w in info.warnings)
        c.model_info("acme/base")
    sent = [("authorization" in s.headers) for s in hub.seen("/api/models/")]
    assert sent == [True, False, False]  # later calls do not retry the bad token


def test_invalid_token_on_a_private_model_says_so(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings, token=Secret("hf_expired")) as c, \
            pytest.raises(HubInvalidTokenError) as err:
        c.model_info("acme/secret")
    assert "rejected" in err.value.message and "renew" in err.value.hint


# -- retries ------------------------------------------------------------------------------------
def test_429_retry_after_then_success(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, Fault(429, {"Retry-After": "7"}, '{"error": "rate limited"}'))
    sleeps = Sleeps()
    with client(settings, sleeps) as c:
        assert c.model_info("acme/tiny-llm").id == "acme/tiny-llm"
    assert sleeps == [7.0] and len(hub.seen(INFO)) == 2


def test_429_ratelimit_header_reset_wins(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, Fault(429, {"RateLimit": '"api";r=0;t=3', "Retry-After": "60"}))
    sleeps = Sleeps()
    with client(settings, sleeps) as c:
        c.model_info("acme/tiny-llm")
    assert sleeps == [4.0]  # t plus one second


def test_429_with_a_far_reset_fails_at_once(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, Fault(429, {"RateLimit": '"api";r=0;t=3600'}))
    sleeps = Sleeps()
    with client(settings, sleeps) as c, pytest.raises(HubRateLimitedError) as err:
        c.model_info("acme/tiny-llm")
    assert sleeps == [] and "resets in 3600 s" in err.value.message
    assert err.value.retry_after == 3600 and err.value.transient


def test_exhausted_quota_on_success_pauses_the_next_request(hub: FakeHub,
                                                           settings: HubSettings) -> None:
    hub.fail(INFO, Fault(200, {"RateLimit": '"api";r=0;t=5'},
                         json.dumps(hub.models["acme/tiny-llm"])))
    sleeps = Sleeps()
    with client(settings, sleeps) as c:
        c.model_info("acme/tiny-llm")
        c.model_info("acme/base")
    assert len(sleeps) == 1 and 5 < sleeps[0] <= 6


def test_500_then_success(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, Fault(500), Fault(502, {}, "<html>bad gateway</html>"))
    with client(settings) as c:
        assert c.model_info("acme/tiny-llm").likes == 12
    assert len(hub.seen(INFO)) == 3


def test_backoff_doubles_up_to_the_cap(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, *[Fault(503) for _ in range(4)])
    sleeps = Sleeps()
    with client(settings, sleeps, backoff_base=1.0, backoff_max=3.0, max_retries=5,
                timeout=60.0) as c:
        c.model_info("acme/tiny-llm")
    assert sleeps == [1.0, 2.0, 3.0, 3.0]


def test_backoff_never_sleeps_past_the_deadline(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, *[Fault(503) for _ in range(4)])
    sleeps = Sleeps()
    with client(settings, sleeps, backoff_base=1.0, backoff_max=3.0, max_retries=5,
                timeout=2.5) as c, pytest.raises(HubServerError):
        c.model_info("acme/tiny-llm")
    assert sleeps == [1.0]  # the next wait (2 s) would end past the 2.5 s deadline


def test_server_error_after_the_retries(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, *[Fault(503, {}, '{"error": "overloaded"}') for _ in range(4)])
    with client(settings) as c, pytest.raises(HubServerError) as err:
        c.model_info("acme/tiny-llm")
    assert err.value.status == 503 and "overloaded" in err.value.message
    assert len(hub.seen(INFO)) == 4  # 1 + max_retries (3)


def test_timeout_is_retried_then_reported(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, Fault(delay=1.0, passthrough=True), Fault(delay=1.0, passthrough=True))
    with client(settings, attempt_timeout=0.1, max_retries=1) as c, \
            pytest.raises(HubTimeoutError) as err:
        c.model_info("acme/tiny-llm")
    assert "did not answer" in err.value.message and err.value.transient


def test_timeout_then_success(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, Fault(delay=1.0, passthrough=True))
    with client(settings, attempt_timeout=0.1, max_retries=1) as c:
        assert c.model_info("acme/tiny-llm").id == "acme/tiny-llm"


def test_dropped_connection_is_retried(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, Fault(drop=True))
    with client(settings) as c:
        assert c.model_info("acme/tiny-llm").id == "acme/tiny-llm"


def test_malformed_json(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, Fault(200, {}, '{"id": "acme/tiny-llm", "likes": '),
             Fault(200, {}, '["not", "a", "model"]'))
    with client(settings) as c:
        with pytest.raises(HubBadResponseError) as err:
            c.model_info("acme/tiny-llm")
        assert "malformed JSON" in err.value.message
        with pytest.raises(HubBadResponseError, match="not a model object"):
            c.model_info("acme/tiny-llm")


def test_connection_refused_fails_at_once(refused_url: str, tmp_path: Path) -> None:
    settings = HubSettings(endpoint=refused_url, cache_dir=tmp_path, max_retries=2,
                           backoff_base=0.001, jitter=0)
    sleeps = Sleeps()
    with client(settings, sleeps) as c, pytest.raises(HubConnectionError) as err:
        c.model_info("acme/tiny-llm")
    assert refused_url in err.value.message and "--offline" in err.value.hint
    assert len(sleeps) == 0  # nothing listens: no point in trying again


# -- cache and offline --------------------------------------------------------------------------
def test_cache_hit_skips_the_network(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings) as c:
        first = c.model_info("acme/tiny-llm")
    with client(settings) as c:
        again = c.model_info("acme/tiny-llm")
    assert len(hub.seen(INFO)) == 1
    assert (first.source, again.source) == ("live", "cache") and again.likes == first.likes


def test_expired_cache_and_refresh_fetch_again(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings, cache_ttl=0.0) as c:
        c.model_info("acme/tiny-llm")
        c.model_info("acme/tiny-llm")
    assert len(hub.seen(INFO)) == 2
    with client(settings) as c:
        assert c.model_info("acme/tiny-llm", refresh=True).source == "live"
    with client(settings, refresh=True) as c:
        c.model_info("acme/tiny-llm")
    assert len(hub.seen(INFO)) == 4


def test_cache_updates_after_a_refresh(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings) as c:
        c.model_info("acme/tiny-llm")
    hub.models["acme/tiny-llm"]["likes"] = 99
    with client(settings) as c:
        assert c.model_info("acme/tiny-llm").likes == 12  # still the cached answer
        assert c.model_info("acme/tiny-llm", refresh=True).likes == 99
        assert c.model_info("acme/tiny-llm").likes == 99


def test_offline_answers_from_cache_even_stale_and_says_so(hub: FakeHub,
                                                          settings: HubSettings) -> None:
    with client(settings) as c:
        c.model_info("acme/tiny-llm")
    with client(settings, offline=True, cache_ttl=0.0) as c:
        info = c.model_info("acme/tiny-llm")
    assert info.source == "offline-cache" and info.stale
    assert any(w.startswith("offline: answered from the cache") for w in info.warnings)
    assert len(hub.seen()) == 1


def test_offline_without_cache_makes_no_request(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings, offline=True) as c, pytest.raises(HubOfflineError) as err:
        c.model_info("acme/base")
    assert hub.seen() == [] and "HF_HUB_OFFLINE" in err.value.hint


def test_failures_are_not_cached(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail(INFO, *[Fault(500) for _ in range(4)])
    with client(settings) as c:
        with pytest.raises(HubServerError):
            c.model_info("acme/tiny-llm")
        assert c.model_info("acme/tiny-llm").source == "live"


# -- listings -----------------------------------------------------------------------------------
def test_children_follow_link_pagination(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings) as c:
        kids = list(c.list_models(filters=["base_model:acme/base"], page_size=2,
                                  parent="acme/base"))
    assert [k.id for k in kids][:2] == ["acme/tiny-llm", "kid0/tiny-finetune-0"]
    assert len(kids) == 6 and kids[-1].relation == "quantized"
    pages = hub.seen("/api/models")
    assert len(pages) == 3
    assert [v for k, v in pages[1].query if k == "cursor"] == ["2"]
    assert [v for k, v in pages[2].query if k == "filter"] == ["base_model:acme/base"]


def test_children_by_relation_and_limit_stop_early(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings) as c:
        quantized = list(c.children("acme/base", "quantized"))
        first_three = list(c.children("acme/base", limit=3))
    assert [k.id for k in quantized] == ["kid4/tiny-quantized-4"]
    assert len(first_three) == 3 and first_three[1].relation == "finetune"
    listing = [s for s in hub.seen("/api/models") if s.path == "/api/models"]
    assert len(listing) == 2  # the limit fitted in one page: no second page fetched


def test_next_links_on_the_public_hub_stay_on_the_mirror(hub: FakeHub,
                                                         settings: HubSettings) -> None:
    hub.absolute_next = "https://huggingface.co"
    with client(settings) as c:
        kids = list(c.children("acme/base"))
        kids_paged = list(c.list_models(filters=["base_model:acme/base"], page_size=4))
    assert len(kids) == 6 and len(kids_paged) == 6
    assert all(s.path == "/api/models" for s in hub.seen("/api/models"))


def test_search_listing(hub: FakeHub, settings: HubSettings) -> None:
    with client(settings) as c:
        found = [m.id for m in c.list_models(search="TINY-F", limit=10)]
    assert found == [f"kid{i}/tiny-finetune-{i}" for i in range(4)]
    (seen,) = hub.seen("/api/models")
    assert ("search", "TINY-F") in seen.query and ("sort", "downloads") in seen.query


def test_listing_that_is_not_a_list(hub: FakeHub, settings: HubSettings) -> None:
    hub.fail("/api/models", Fault(200, {}, '{"error": "nope"}'))
    with client(settings) as c, pytest.raises(HubBadResponseError):
        list(c.children("acme/base"))


# -- batches ------------------------------------------------------------------------------------
def test_batch_respects_the_concurrency_limit(hub: FakeHub, settings: HubSettings) -> None:
    ids = ["acme/tiny-llm", "acme/base", "bert-base-uncased", "acme/locked",
           "kid0/tiny-finetune-0", "kid1/tiny-finetune-1"]
    for model in ids:
        hub.fail(f"/api/models/{model}", Fault(delay=0.05, passthrough=True))
    seen: list[str] = []
    with client(settings, concurrency=2) as c:
        results = c.model_infos(ids, on_result=lambda m, _r: seen.append(m))
    assert 1 <= hub.max_in_flight <= 2
    assert sorted(seen) == sorted(ids)
    assert isinstance(results[3], HubDisabledError)  # failures come back in place, not raised
    assert results[2].id == "google-bert/bert-base-uncased"


# -- bounded waits ------------------------------------------------------------------------------
def test_the_deadline_bounds_a_lookup_retries_included(hub: FakeHub,
                                                       settings: HubSettings) -> None:
    import time

    hub.fail(INFO, *[Fault(delay=1.5, passthrough=True) for _ in range(6)])
    started = time.monotonic()
    with HubClient(settings.with_options(timeout=0.6, attempt_timeout=0.25,
                                         max_retries=5)) as c, \
            pytest.raises(HubTimeoutError) as err:
        c.model_info("acme/tiny-llm")
    assert time.monotonic() - started < 1.2
    assert "PTMX_HUB_TIMEOUT" in err.value.message


def test_a_batch_stops_calling_an_unreachable_hub(refused_url: str, tmp_path: Path) -> None:
    settings = HubSettings(endpoint=refused_url, cache_dir=tmp_path, concurrency=1)
    with client(settings) as c:
        results = c.model_infos([f"acme/m{i}" for i in range(20)])
        assert all(isinstance(r, HubConnectionError) for r in results)
        assert c.session.requests == 1  # the first refusal; the other 19 were not sent
        assert "not tried" in results[-1].message
        # A later single lookup (the TUI's) tries again.
        with pytest.raises(HubConnectionError, match="cannot connect"):
            c.model_info("acme/m0")
