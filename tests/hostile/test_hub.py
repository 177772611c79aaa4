"""Hostile input, hub category: bad settings, hostile hub answers, a hub that never answers.

A real HTTP server on 127.0.0.1 (:mod:`tests.hub.fakehub`) plays the hub; ``HF_ENDPOINT`` points
ptmx at it and ``HF_TOKEN`` is the harness's ``SECRET``. Every case checks the failure contract:
exit code, at most one line on stderr and no traceback, the secret nowhere (output and cache),
and, for the cases run on a pseudo-terminal, no escape sequence that came from outside.
Settings and most answers run in-process (fast); the terminal and deadline cases as processes.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ptmx.cli import main
from tests.hostile.conftest import (
    ESC,
    SECRET,
    Outcome,
    base_env,
    outside_escapes,
    run_on_tty,
    run_ptmx,
)
from tests.hub import fakehub
from tests.hub.fakehub import FakeHub, Fault

OSC_TITLE = "\x1b]0;pwned\x07"
OSC8_LINK = "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
CSI_CLEAR = "\x1b[2J\x1b[H"
INFO = "/api/models/acme/x"


@pytest.fixture(scope="module")
def hub() -> Iterator[FakeHub]:
    """One server for the module, which takes the harness's SECRET as its valid token."""
    good = fakehub.GOOD_TOKEN
    fakehub.GOOD_TOKEN = SECRET
    server = FakeHub().start()
    try:
        yield server
    finally:
        server.stop()
        fakehub.GOOD_TOKEN = good


@pytest.fixture
def fresh(hub: FakeHub) -> FakeHub:
    """The shared server with no models, faults or requests left from another case."""
    hub.models.clear()
    hub.faults.clear()
    hub.renames.clear()
    hub.requests.clear()
    return hub


def hub_env(tmp_path: Path, endpoint: str, **extra: str) -> dict[str, str]:
    """The environment of one case: the hub, the secret token, a cache of its own."""
    settings = {"HF_ENDPOINT": endpoint, "HF_TOKEN": SECRET, "HF_HOME": str(tmp_path / "hf"),
                "PTMX_CACHE": str(tmp_path / "cache"), "PTMX_HUB_RETRIES": "1",
                "PTMX_HUB_BACKOFF": "0.01", "PTMX_HUB_BACKOFF_MAX": "0.02"}
    return base_env(**{**settings, **extra})


def run_here(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             env: dict[str, str], *args: str) -> Outcome:
    """``ptmx ARGS`` in this process with exactly ``env`` (as a process would see it)."""
    for name in list(__import__("os").environ):
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = main(list(args))
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def assert_no_secret_in(folder: Path, secret: str = SECRET) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


@pytest.fixture
def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# -- settings: one line, exit 2, before any network ----------------------------------------------
@pytest.mark.parametrize(("name", "value"), [
    ("PTMX_HUB_TIMEOUT", "nan"),
    ("PTMX_HUB_TIMEOUT", "inf"),
    ("PTMX_HUB_TIMEOUT", "-1"),
    ("PTMX_HUB_TIMEOUT", "abc"),
    ("PTMX_HUB_TIMEOUT", "0"),
    ("PTMX_HUB_RETRIES", "1e99"),
    ("PTMX_HUB_CONCURRENCY", "100000"),
    ("HF_ENDPOINT", "huggingface.co"),
    ("HF_ENDPOINT", "http://exa mple.com"),
    ("HF_ENDPOINT", "http://[::1"),
    ("HF_ENDPOINT", "http://host" + CSI_CLEAR),
    ("HF_ENDPOINT", f"http://user:{SECRET}@127.0.0.1:99999"),
    ("HF_TOKEN", "hf_tökén_with_umlauts"),
    ("HF_TOKEN", "hf_a b"),
])
def test_bad_settings_fail_in_one_line(name: str, value: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    env = hub_env(tmp_path, "http://127.0.0.1:9", **{name: value})
    result = run_here(monkeypatch, capsys, env, "hub", "info", "acme/x", "--format", "json")
    result.assert_clean_failure(2)
    assert name in result.stderr or "token" in result.stderr
    assert ESC not in result.stderr
    if name == "HF_TOKEN":
        assert value not in result.stderr  # a mistyped token is still a secret


# -- hostile answers ------------------------------------------------------------------------------
HOSTILE_FIELDS: dict[str, dict[str, Any]] = {
    "osc-title-author": {"author": OSC_TITLE + "acme"},
    "osc8-license-name": {"cardData": {"license": "other", "license_name": OSC8_LINK}},
    "markup-close": {"author": "[/]", "cardData": {"license": "[/bold]mit"}},
    "markup-link": {"author": "[link=https://evil.example/]trusted[/link]"},
    "csi-in-tags": {"tags": ["license:" + CSI_CLEAR, "dataset:x" + OSC_TITLE]},
    "token-echoed": {"author": SECRET, "cardData": {"license": "mit", "note": f"t={SECRET}"}},
    "wrong-types": {"author": 5, "sha": {"a": 1}, "tags": "license:mit", "downloads": "many",
                    "likes": [1], "cardData": [1, 2], "childrenModelCount": "lots",
                    "baseModels": 7, "gated": {"x": 1}, "safetensors": "big"},
}


@pytest.mark.parametrize("case", ["osc-title-author", "osc8-license-name", "markup-close"])
def test_hostile_answer_is_shown_as_text_on_a_terminal(case: str, fresh: FakeHub,
                                                       tmp_path: Path) -> None:
    fresh.add_model("acme/x", **HOSTILE_FIELDS[case])
    result = run_on_tty("hub", "info", "acme/x", env=hub_env(tmp_path, fresh.url))
    assert result.code == 0, result.stdout[-2000:]
    assert "Traceback" not in result.stdout
    assert outside_escapes(result.stdout) == []
    assert "\\x1b" in result.stdout or "[/]" in result.stdout  # shown, as text
    assert_no_secret_in(tmp_path / "cache")


@pytest.mark.parametrize("case", sorted(HOSTILE_FIELDS))
def test_hostile_answer_in_a_table(case: str, fresh: FakeHub, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    # Piped, rich adds no escape codes of its own: any ESC would have come from the answer.
    fresh.add_model("acme/x", **HOSTILE_FIELDS[case])
    result = run_here(monkeypatch, capsys, hub_env(tmp_path, fresh.url), "hub", "info", "acme/x")
    assert result.code == 0 and "Traceback" not in result.stderr
    assert ESC not in result.stdout + result.stderr and "acme/x on the hub" in result.stdout
    result.assert_no_secret()
    assert_no_secret_in(tmp_path / "cache")


@pytest.mark.parametrize("case", ["token-echoed", "markup-close", "wrong-types"])
def test_hostile_answer_as_json(case: str, fresh: FakeHub, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    fresh.add_model("acme/x", **HOSTILE_FIELDS[case])
    result = run_here(monkeypatch, capsys, hub_env(tmp_path, fresh.url),
                      "hub", "info", "acme/x", "--format", "json")
    assert result.code == 0 and ESC not in result.stdout
    result.assert_no_secret()
    if case == "token-echoed":
        assert '"author": "***"' in result.stdout
    assert_no_secret_in(tmp_path / "cache")


@pytest.mark.parametrize(("fault", "needle"), [
    (Fault(500, {}, f'{{"error": "token {SECRET} is not welcome"}}'), "not welcome"),
    (Fault(403, {"X-Error-Message": "denied " + OSC_TITLE}, "{}"), "denied"),
    (Fault(404, {"X-Error-Code": "RepoNotFound", "X-Request-Id": CSI_CLEAR}, "{}"),
     "not found"),
    (Fault(200, {}, '{"id": "acme/x", "likes": '), "malformed JSON"),
    (Fault(200, {}, "x" * 3_000_000), "malformed JSON"),
    (Fault(200, {}, '[{"id": "acme/x"}]'), "not a model object"),
    (Fault(200, {}, '{"id": 123}'), "not a model object"),
    (Fault(200, {}, b"\xff\xfe garbage \x00\x1b[31m"), "malformed JSON"),
])
def test_failing_answer_is_one_clean_line(fault: Fault, needle: str, fresh: FakeHub,
                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    fresh.fail(INFO, fault, fault)  # the first answer and its one retry
    result = run_here(monkeypatch, capsys, hub_env(tmp_path, fresh.url),
                      "hub", "info", "acme/x")
    result.assert_clean_failure(3)
    assert needle in result.stderr and ESC not in result.stderr
    assert_no_secret_in(tmp_path / "cache")


def test_hostile_children_listing_on_a_terminal(fresh: FakeHub, tmp_path: Path) -> None:
    fresh.add_model("acme/base", childrenModelCount={"finetune" + OSC_TITLE: 1})
    fresh.add_model("kid/" + "x" * 5, author=OSC8_LINK, pipeline_tag="[/]" + CSI_CLEAR,
                    tags=["base_model:acme/base", "license:" + OSC_TITLE])
    result = run_on_tty("hub", "children", "acme/base", env=hub_env(tmp_path, fresh.url))
    assert result.code == 0, result.stdout[-2000:]
    assert outside_escapes(result.stdout) == [] and "kid/xxxxx" in result.stdout
    assert SECRET not in result.stdout


def test_listing_of_the_wrong_shape(fresh: FakeHub, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    fresh.add_model("acme/base")
    fresh.fail("/api/models", Fault(200, {}, '{"models": "not a list"}'),
               Fault(200, {}, '{"models": "not a list"}'))
    result = run_here(monkeypatch, capsys, hub_env(tmp_path, fresh.url),
                      "hub", "children", "acme/base")
    result.assert_clean_failure(3)


@pytest.mark.parametrize("model", [OSC_TITLE + "acme/x", "acme/" + CSI_CLEAR, "[/]", "a" * 5000])
def test_hostile_model_argument(model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    result = run_here(monkeypatch, capsys, hub_env(tmp_path, "http://127.0.0.1:9"),
                      "hub", "info", model)
    result.assert_clean_failure(2)
    assert ESC not in result.stderr and "not a hub model id" in result.stderr


# -- bounded waits ----------------------------------------------------------------------------------
def test_a_hub_that_never_answers_is_given_up_on_at_the_deadline(fresh: FakeHub,
                                                                  tmp_path: Path) -> None:
    fresh.fail(INFO, *[Fault(delay=30.0) for _ in range(3)])
    env = hub_env(tmp_path, fresh.url, PTMX_HUB_TIMEOUT="2", PTMX_HUB_RETRIES="5")
    started = time.monotonic()
    result = run_ptmx("hub", "info", "acme/x", env=env, timeout=30)
    elapsed = time.monotonic() - started
    result.assert_clean_failure(3)
    assert elapsed < 10, elapsed
    assert "did not answer" in result.stderr


def test_a_refused_port_fails_at_once(refused_url: str, tmp_path: Path) -> None:
    env = hub_env(tmp_path, refused_url, PTMX_HUB_RETRIES="5", PTMX_HUB_BACKOFF="1")
    started = time.monotonic()
    result = run_ptmx("hub", "info", "acme/x", env=env)
    result.assert_clean_failure(3)
    assert time.monotonic() - started < 10 and "cannot connect" in result.stderr  # was ~25 s


def test_endpoint_credentials_never_surface(refused_url: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    password = "Pa55w0rd-s3cret"
    endpoint = refused_url.replace("http://", f"http://mirror-user:{password}@")
    result = run_here(monkeypatch, capsys, hub_env(tmp_path, endpoint),
                      "hub", "info", "acme/x", "--format", "json")
    result.assert_clean_failure(3, secrets=(SECRET, password))
    assert "***@127.0.0.1" in result.stderr
    assert_no_secret_in(tmp_path / "cache", password)


def test_an_unknown_host_fails_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    env = hub_env(tmp_path, "http://no-such-hub.invalid", PTMX_HUB_RETRIES="5",
                  PTMX_HUB_BACKOFF="1")
    started = time.monotonic()
    result = run_here(monkeypatch, capsys, env, "hub", "info", "acme/x")
    result.assert_clean_failure(3)
    assert time.monotonic() - started < 8


def test_refresh_stops_calling_an_unreachable_hub_and_exits_3(refused_url: str,
                                                              tmp_path: Path) -> None:
    models = tmp_path / "models.txt"
    models.write_text("\n".join(f"acme/m{i}" for i in range(40)), encoding="utf-8")
    env = hub_env(tmp_path, refused_url, PTMX_HUB_RETRIES="5", PTMX_HUB_BACKOFF="1")
    started = time.monotonic()
    result = run_ptmx("hub", "refresh", "--models", str(models), "--out", str(tmp_path / "o"),
                      "--format", "json", env=env)
    assert time.monotonic() - started < 10
    result.assert_clean_failure(3)
    assert "nothing could be fetched" in result.stderr
    assert (tmp_path / "o" / "hub_snapshot.parquet").exists()  # resumable next time


def test_refresh_with_every_model_missing_exits_3(fresh: FakeHub, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    models = tmp_path / "models.txt"
    models.write_text("acme/gone\nacme/also-gone\n", encoding="utf-8")
    result = run_here(monkeypatch, capsys, hub_env(tmp_path, fresh.url), "hub", "refresh",
                      "--models", str(models), "--out", str(tmp_path / "o"), "--format", "json")
    result.assert_clean_failure(3)
    assert "nothing could be fetched" in result.stderr


def test_refresh_with_one_model_found_still_exits_0(fresh: FakeHub, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    fresh.add_model("acme/x")
    models = tmp_path / "models.txt"
    models.write_text("acme/x\nacme/gone\n", encoding="utf-8")
    result = run_here(monkeypatch, capsys, hub_env(tmp_path, fresh.url), "hub", "refresh",
                      "--models", str(models), "--out", str(tmp_path / "o"), "--format", "json")
    assert result.code == 0 and '"ok": 1' in result.stdout
    result.assert_no_secret()
