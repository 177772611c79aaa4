"""The token is sent to the configured endpoint only, and appears nowhere a user or file could see."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from ptmx.cli import main
from ptmx.hub import HubClient, HubFailure, HubSettings, Secret, lookup_with_drift
from tests.hub.conftest import make_snapshot
from tests.hub.fakehub import GOOD_TOKEN, FakeHub, Fault


@pytest.fixture
def other_host() -> Iterator[FakeHub]:
    """A second server: another origin (different port) the token must never reach."""
    server = FakeHub().start()
    server.add_model("elsewhere/model")
    yield server
    server.stop()


def files_under(*folders: Path) -> Iterator[Path]:
    for folder in folders:
        if folder.exists():
            yield from (p for p in folder.rglob("*") if p.is_file())


def test_token_reaches_the_endpoint_but_not_another_host_on_redirect(
        hub: FakeHub, other_host: FakeHub, settings: HubSettings) -> None:
    hub.renames["acme/moved"] = f"{other_host.url}/api/models/elsewhere/model"
    with HubClient(settings.with_options(token=Secret(GOOD_TOKEN))) as client:
        info = client.model_info("acme/moved")
    assert info.id == "elsewhere/model" and info.renamed_from == "acme/moved"
    (asked,) = hub.seen("/api/models/acme/moved")
    assert asked.headers["authorization"] == f"Bearer {GOOD_TOKEN}"
    (followed,) = other_host.seen()
    assert "authorization" not in followed.headers


def test_token_not_sent_to_next_page_links_on_another_host(
        hub: FakeHub, other_host: FakeHub, settings: HubSettings) -> None:
    hub.absolute_next = other_host.url  # the first page points the next one elsewhere
    with HubClient(settings.with_options(token=Secret(GOOD_TOKEN))) as client:
        list(client.list_models(filters=["base_model:acme/base"], page_size=2))
    assert hub.seen("/api/models")[0].headers["authorization"] == f"Bearer {GOOD_TOKEN}"
    assert other_host.seen() and all("authorization" not in s.headers
                                     for s in other_host.seen())


def test_token_absent_from_reprs_errors_and_pickles(hub: FakeHub, settings: HubSettings) -> None:
    secret_settings = settings.with_options(token=Secret(GOOD_TOKEN))
    assert GOOD_TOKEN not in repr(secret_settings) and GOOD_TOKEN not in str(Secret(GOOD_TOKEN))
    with pytest.raises(TypeError):
        pickle.dumps(secret_settings)
    # A server that echoes the token back in its error text must not get it into our message.
    hub.fail("/api/models/acme/base",
             Fault(403, {"X-Error-Message": f"token {GOOD_TOKEN} lacks scope"}))
    with HubClient(secret_settings) as client:
        assert GOOD_TOKEN not in repr(client) and GOOD_TOKEN not in repr(client.session)
        with pytest.raises(HubFailure) as err:
            client.model_info("acme/base")
    assert "lacks scope" in err.value.message
    for text in (str(err.value), repr(err.value), err.value.one_line()):
        assert GOOD_TOKEN not in text


def test_token_never_in_any_output_log_or_file(hub: FakeHub, hub_env: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str],
                                               caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("HF_TOKEN", GOOD_TOKEN)
    caplog.set_level(logging.DEBUG)  # httpx/httpcore debug logs included
    data = make_snapshot(tmp_path / "data")
    out = tmp_path / "out"
    listing = tmp_path / "models.txt"
    listing.write_text("acme/tiny-llm\nacme/secret\nacme/gone\nacme/locked\n", encoding="utf-8")
    hub.fail("/api/models/acme/base", Fault(500), Fault(429, {"Retry-After": "0"}))
    hub.readmes["acme/tiny-llm"] = "# card"

    runs = [
        ["hub", "info", "acme/tiny-llm", "--data", str(data)],
        ["hub", "info", "acme/tiny-llm", "--format", "json", "--data", str(data)],
        ["hub", "info", "acme/secret", "--format", "json", "--data", str(data)],
        ["hub", "info", "acme/gone", "--data", str(data)],
        ["hub", "info", "acme/base", "--refresh", "--data", str(data)],
        ["hub", "info", "acme/base", "--offline", "--data", str(data)],
        ["hub", "children", "acme/base", "--format", "json"],
        ["hub", "refresh", "--models", str(listing), "--out", str(out)],
    ]
    codes = [main(args) for args in runs]
    assert codes == [0, 0, 0, 3, 0, 0, 0, 0]
    captured = capsys.readouterr()
    assert "acme/secret" in captured.out  # the token was used: the private model was read

    # Also the library path with hooks, which reads the README.
    lookup = lookup_with_drift(None, "acme/tiny-llm", settings=HubSettings.from_env(),
                               completeness_fn=lambda card: len(card))
    assert GOOD_TOKEN not in repr(lookup) and GOOD_TOKEN not in str(lookup.to_dict())

    assert GOOD_TOKEN not in captured.out and GOOD_TOKEN not in captured.err
    assert GOOD_TOKEN not in caplog.text
    files = list(files_under(hub_env, out, data))
    assert any(p.suffix == ".json" for p in files)  # the cache was written
    for path in files:
        assert GOOD_TOKEN.encode() not in path.read_bytes(), path
    assert all(s.headers.get("authorization") == f"Bearer {GOOD_TOKEN}" for s in hub.seen())
