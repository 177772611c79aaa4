"""Fixtures for hub tests: a fake hub on 127.0.0.1, hermetic settings/env, a tiny snapshot store."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.hub import HubSettings
from ptmx.store import Store, open_store
from tests.hub.fakehub import FakeHub

HF_VARS = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_HUB_OFFLINE",
           "TRANSFORMERS_OFFLINE", "HF_ENDPOINT", "HF_HOME", "XDG_CACHE_HOME", "PTMX_CACHE")


def point_env_at(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *,
                 retries: int = 0, timeout: float = 2) -> None:
    """Hermetic hub settings for one test: no token, no user cache, HF_ENDPOINT = ``url``."""
    for name in HF_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", url)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))  # no real token file
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PTMX_HUB_RETRIES", str(retries))
    monkeypatch.setenv("PTMX_HUB_TIMEOUT", str(timeout))


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    """A running fake hub with a few models."""
    server = FakeHub().start()
    server.add_model(
        "acme/tiny-llm", sha="c" * 40, downloads=5000, likes=12, pipeline_tag="text-generation",
        tags=["transformers", "safetensors", "llama", "text-generation", "dataset:wikitext",
              "base_model:acme/base", "base_model:finetune:acme/base", "license:mit",
              "region:us"],
        cardData={"license": "mit", "datasets": "wikitext", "base_model": ["acme/base"],
                  "model-index": [{"name": "tiny", "results": []}]},
        baseModels={"relation": "finetune", "models": [{"_id": "x1", "id": "acme/base"}]},
        childrenModelCount={"finetune": 2, "quantized": 1, "adapter": 0, "merge": 0},
        safetensors={"parameters": {"F32": 1_100_000}, "total": 1_100_000},
        config={"architectures": ["LlamaForCausalLM"], "model_type": "llama"},
    )
    server.add_model("acme/base", downloads=90000, likes=300,
                     childrenModelCount={"finetune": 5, "quantized": 1, "adapter": 0, "merge": 0})
    server.add_model("google-bert/bert-base-uncased", downloads=50_000_000, likes=2000)
    server.renames["bert-base-uncased"] = "google-bert/bert-base-uncased"
    server.add_model("acme/secret", private=True)
    server.private.add("acme/secret")
    server.add_model("acme/locked")
    server.disabled.add("acme/locked")
    for i in range(5):
        rel = "quantized" if i == 4 else "finetune"
        server.add_model(f"kid{i}/tiny-{rel}-{i}", downloads=100 - i,
                         tags=["transformers", "base_model:acme/base",
                               f"base_model:{rel}:acme/base", "license:apache-2.0"])
    yield server
    server.stop()


@pytest.fixture
def settings(hub: FakeHub, tmp_path: Path) -> HubSettings:
    """Settings for the fake hub: tiny backoff, short timeouts, a cache in tmp_path."""
    return HubSettings(endpoint=hub.url, cache_dir=tmp_path / "cache", max_retries=3,
                       backoff_base=0.001, backoff_max=0.002, jitter=0.0, timeout=2.0,
                       connect_timeout=1.0)


@pytest.fixture
def hub_env(hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment the CLI reads, pointed at the fake hub; returns the PTMX_CACHE folder."""
    for name in HF_VARS:
        monkeypatch.delenv(name, raising=False)
    cache = tmp_path / "ptmx-cache"
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))  # no real token file
    monkeypatch.setenv("PTMX_CACHE", str(cache))
    monkeypatch.setenv("PTMX_HUB_BACKOFF", "0.001")
    monkeypatch.setenv("PTMX_HUB_BACKOFF_MAX", "0.002")
    monkeypatch.setenv("PTMX_HUB_RETRIES", "2")
    monkeypatch.setenv("PTMX_HUB_JITTER", "0")
    monkeypatch.setenv("PTMX_HUB_TIMEOUT", "2")
    return cache


@pytest.fixture
def refused_url() -> str:
    """An endpoint on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _write(folder: Path, name: str, rows: list[dict], schema: pa.Schema) -> None:
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / f"{name}.parquet")


def make_snapshot(folder: Path) -> Path:
    """A tiny PeaTMOSS-shaped dataset whose models the fake hub also knows (with differences)."""
    folder.mkdir(parents=True, exist_ok=True)
    i64, s = pa.int64(), pa.string()
    _write(folder, "model", [
        {"id": 1, "context_id": "acme/tiny-llm", "sha": "b" * 40, "downloads": 1000, "likes": 10},
        {"id": 2, "context_id": "bert-base-uncased", "sha": "a" * 40, "downloads": 40_000_000,
         "likes": 1500},
        {"id": 3, "context_id": "acme/gone", "sha": "d" * 40, "downloads": 7, "likes": 0},
        {"id": 4, "context_id": "acme/locked", "sha": "a" * 40, "downloads": 5, "likes": 0},
        {"id": 5, "context_id": "acme/base", "sha": "a" * 40, "downloads": 80000, "likes": 250},
    ], pa.schema([("id", i64), ("context_id", s), ("model_hub_id", i64), ("sha", s),
                  ("downloads", i64), ("likes", i64)]))
    _write(folder, "license", [{"id": 1, "name": "apache-2.0"}, {"id": 2, "name": "mit"}],
           pa.schema([("id", i64), ("name", s)]))
    _write(folder, "model_to_license",
           [{"model_id": 1, "license_id": 1}, {"model_id": 2, "license_id": 1},
            {"model_id": 5, "license_id": 1}],
           pa.schema([("model_id", i64), ("license_id", i64)]))
    _write(folder, "reuse_repository", [
        {"id": 1, "owner": "alice", "name": "chatbot", "url": "https://github.com/alice/chatbot"},
        {"id": 2, "owner": "bob", "name": "gpl-tool", "url": "https://github.com/bob/gpl-tool"},
        {"id": 3, "owner": "carol", "name": "notes", "url": "https://github.com/carol/notes"},
    ], pa.schema([("id", i64), ("owner", s), ("name", s), ("url", s)]))
    _write(folder, "model_to_reuse_repository",
           [{"model_id": 1, "reuse_repository_id": 1}, {"model_id": 1, "reuse_repository_id": 2},
            {"model_id": 1, "reuse_repository_id": 3}],
           pa.schema([("model_id", i64), ("reuse_repository_id", i64)]))
    _write(folder, "reuse_repository_license",
           [{"reuse_repository_id": 1, "license_key": "mit", "source": "scancode"},
            {"reuse_repository_id": 2, "license_key": "gpl-3.0", "source": "scancode"}],
           pa.schema([("reuse_repository_id", i64), ("license_key", s), ("source", s)]))
    _write(folder, "model_card", [
        {"model_id": 1, "model": "acme/tiny-llm", "task": "text-generation",
         "license": "apache-2.0", "datasets": None, "base_model": None,
         "limitations_and_bias": "Biased.", "source": "hand-checked"},
    ], pa.schema([("model_id", i64), ("model", s), ("task", s), ("license", s),
                  ("datasets", pa.list_(s)), ("base_model", s), ("limitations_and_bias", s),
                  ("source", s)]))
    _write(folder, "model_base", [], pa.schema([
        ("model_id", i64), ("model", s), ("base_model", s), ("base_model_id", i64),
        ("relation", s), ("source", s)]))
    return folder


@pytest.fixture
def snapshot_store(tmp_path: Path) -> Store:
    """The tiny snapshot, opened."""
    return open_store(make_snapshot(tmp_path / "snapshot"))
