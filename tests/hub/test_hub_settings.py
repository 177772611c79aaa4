"""Settings from the environment follow the Hugging Face conventions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptmx.errors import UsageError
from ptmx.hub import HubSettings, Secret


def test_defaults_without_environment(tmp_path: Path) -> None:
    s = HubSettings.from_env({"HF_HOME": str(tmp_path), "PTMX_CACHE": str(tmp_path / "c")})
    assert s.endpoint == "https://huggingface.co" and s.token is None and not s.offline
    assert s.cache_dir == tmp_path / "c" / "hub"


def test_endpoint_trailing_slash_and_bad_endpoint() -> None:
    assert HubSettings.from_env({"HF_ENDPOINT": "http://127.0.0.1:9/"}).endpoint \
        == "http://127.0.0.1:9"
    with pytest.raises(UsageError, match="HF_ENDPOINT"):
        HubSettings.from_env({"HF_ENDPOINT": "huggingface.co"})


def test_token_precedence(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("hf_from_file\n", encoding="utf-8")
    env = {"HF_HOME": str(tmp_path), "HF_TOKEN": "hf_one", "HUGGING_FACE_HUB_TOKEN": "hf_two"}
    s = HubSettings.from_env(env)
    assert s.token == Secret("hf_one") and s.token_source == "HF_TOKEN"
    s = HubSettings.from_env({**env, "HF_TOKEN": ""})  # empty counts as unset
    assert s.token == Secret("hf_two") and s.token_source == "HUGGING_FACE_HUB_TOKEN"
    s = HubSettings.from_env({"HF_HOME": str(tmp_path)})
    assert s.token == Secret("hf_from_file") and s.token_source == "token file"


def test_token_path_and_empty_token_file(tmp_path: Path) -> None:
    (tmp_path / "custom").write_text("  hf_custom \r\n", encoding="utf-8")
    (tmp_path / "token").write_text("\n", encoding="utf-8")
    assert HubSettings.from_env({"HF_TOKEN_PATH": str(tmp_path / "custom")}).token \
        == Secret("hf_custom")
    assert HubSettings.from_env({"HF_HOME": str(tmp_path)}).token is None


@pytest.mark.parametrize(("env", "offline"), [
    ({"HF_HUB_OFFLINE": "1"}, True), ({"HF_HUB_OFFLINE": "YES"}, True),
    ({"HF_HUB_OFFLINE": "0"}, False), ({"TRANSFORMERS_OFFLINE": "true"}, True),
    ({"HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "1"}, False), ({}, False),
])
def test_offline_values(env: dict[str, str], offline: bool, tmp_path: Path) -> None:
    assert HubSettings.from_env({"HF_HOME": str(tmp_path), **env}).offline is offline


def test_ptmx_knobs_and_bad_values(tmp_path: Path) -> None:
    s = HubSettings.from_env({"HF_HOME": str(tmp_path), "PTMX_HUB_RETRIES": "1",
                              "PTMX_HUB_TIMEOUT": "2.5", "PTMX_HUB_CONCURRENCY": "8"})
    assert (s.max_retries, s.timeout, s.concurrency) == (1, 2.5, 8)
    with pytest.raises(UsageError, match="PTMX_HUB_RETRIES"):
        HubSettings.from_env({"PTMX_HUB_RETRIES": "many"})
    with pytest.raises(UsageError):
        HubSettings.from_env({"PTMX_HUB_CONCURRENCY": "0"})


def test_endpoint_credentials_are_secrets(tmp_path: Path) -> None:
    s = HubSettings.from_env({"HF_HOME": str(tmp_path), "HF_TOKEN": "hf_tok123",
                              "HF_ENDPOINT": "https://mirror-user:pa55word@mirror.example/"})
    assert s.endpoint == "https://mirror-user:pa55word@mirror.example"  # still used to connect
    assert s.shown_endpoint == "https://***@mirror.example"
    assert "pa55word" not in repr(s) and "hf_tok123" not in repr(s)
    assert s.redact("a pa55word, mirror-user:pa55word and hf_tok123") == "a ***, *** and ***"


@pytest.mark.parametrize(("name", "value"), [
    ("PTMX_HUB_TIMEOUT", "nan"), ("PTMX_HUB_TIMEOUT", "inf"), ("PTMX_HUB_TIMEOUT", "0"),
    ("PTMX_HUB_ATTEMPT_TIMEOUT", "-2"), ("PTMX_HUB_RETRIES", "101"),
    ("PTMX_HUB_CONCURRENCY", "65"), ("HF_ENDPOINT", "http://[::1"),
    ("HF_ENDPOINT", "https://hub example"), ("HF_ENDPOINT", "http://host:70000"),
    ("HF_TOKEN", "hf_\u00e9t\u00e9"),
])
def test_settings_that_cannot_work_are_refused(name: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        HubSettings.from_env({"HF_HOME": str(tmp_path), name: value})
    assert "\n" not in err.value.one_line() and (name in str(err.value) or "token" in str(err.value))
