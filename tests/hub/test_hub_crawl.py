"""`ptmx hub crawl` against the fake hub: pagination, resume after kills, 429/500, renamed and
deleted models, --since/--limit/--author, --cards, and what never reaches disk (the token)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from ptmx.hub.crawl import CARD_CAP, CRAWL_EXPAND
from ptmx.hub.crawl_store import TABLES, WORK_DIR, models_schema
from ptmx.hub.snapshot import SCHEMA
from ptmx.store import open_store
from ptmx.store.schema import HOT_TABLES
from tests.hub.conftest import make_snapshot
from tests.hub.fakehub import GOOD_TOKEN, VALID_EXPAND, FakeHub, Fault

REPO = Path(__file__).resolve().parents[2]
VOLATILE = {"fetched_at", "snapshot"}


@pytest.fixture
def ds(tmp_path: Path) -> Path:
    """The tiny dataset, its projects reusing tiny-llm, bert-base-uncased (renamed) and
    acme/gone (deleted on the hub)."""
    return _reusing(tmp_path / "ds")


def _reusing(folder: Path) -> Path:
    make_snapshot(folder)
    rows = [{"model_id": m, "reuse_repository_id": 1} for m in (1, 2, 3)]
    pq.write_table(pa.Table.from_pylist(rows, schema=pa.schema(
        [("model_id", pa.int64()), ("reuse_repository_id", pa.int64())])),
        folder / "model_to_reuse_repository.parquet")
    return folder


def crawl(ds: Path, *args: str) -> int:
    return main(["--data", str(ds), "hub", "crawl", *args])


def table(ds: Path, name: str = "hub_models") -> list[dict[str, Any]]:
    parts = sorted((ds / name).glob("part-*.parquet"))
    return pa.concat_tables([pq.read_table(p) for p in parts]).to_pylist() if parts else []


def stable(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Rows without the columns that differ between two runs, in a fixed order."""
    return sorted(tuple((k, json.dumps(v, default=str)) for k, v in sorted(r.items())
                        if k not in VOLATILE) for r in rows)


def test_pagination_writes_every_model_once(hub: FakeHub, hub_env: Path, ds: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    hub.page_cap = 7
    hub.add_generated(40)
    assert crawl(ds, "--all", "--format", "json") == 0
    out = json.loads(capsys.readouterr().out)
    rows = table(ds)
    ids = [r["model"] for r in rows]
    assert len(ids) == len(set(ids)) == len(hub.models) - 1 + 40  # acme/secret is private
    assert out["models"] == len(ids) and out["pages"] == -(-len(ids) // 7)
    # Columns: the snapshot SCHEMA (whatever it holds), then the crawl's own three.
    schema = pq.read_schema(next((ds / "hub_models").glob("part-*.parquet")))
    assert schema.names == [*SCHEMA.names, "license_link", "snapshot", "scope"]
    assert schema.names == models_schema().names
    assert {r["scope"] for r in rows} == {"all"}
    tiny = next(r for r in rows if r["model"] == "acme/tiny-llm")
    assert tiny["license"] == "mit" and tiny["base_models"] == ["acme/base"]
    assert tiny["downloads"] == 5000 and tiny["status"] == "ok"
    listing = hub.seen("/api/models")
    assert all(set(v for k, v in r.query if k == "expand") == set(CRAWL_EXPAND) for r in listing)
    assert not (ds / WORK_DIR).exists()  # the work folder is gone once published


def test_crawl_expand_values_are_valid() -> None:
    assert set(CRAWL_EXPAND) <= VALID_EXPAND


def test_store_opens_the_crawled_tables_as_views(hub: FakeHub, hub_env: Path, ds: Path) -> None:
    hub.readmes["acme/tiny-llm"] = "# tiny"
    assert crawl(ds, "--author", "acme", "--cards") == 0
    assert crawl(ds, "--author", "acme") == 0  # a second snapshot: two parts
    assert "hub_models" not in HOT_TABLES and "hub_card" not in HOT_TABLES
    store = open_store(ds, cache=False)
    assert store.has("hub_models") and store.has("hub_card")
    rows = store.rows("SELECT model, count(*) AS n FROM hub_models GROUP BY model ORDER BY model")
    assert rows and all(r["n"] == 2 for r in rows)
    assert {r["model"] for r in rows} == {m for m in hub.models
                                          if m.startswith("acme/") and m != "acme/secret"}


def test_since_limit_author(hub: FakeHub, hub_env: Path, ds: Path) -> None:
    hub.add_model("acme/new", lastModified="2026-06-01T00:00:00.000Z")
    hub.add_model("acme/newer", lastModified="2026-07-01T00:00:00.000Z")
    assert crawl(ds, "--all", "--since", "2026-05-01") == 0
    assert sorted(r["model"] for r in table(ds)) == ["acme/new", "acme/newer"]
    assert [v for k, v in hub.seen("/api/models")[-1].query if k == "sort"] == ["lastModified"]

    assert crawl(ds, "--author", "kid1") == 0
    assert {r["model"] for r in table(ds) if r["scope"] == "author:kid1"} == {"kid1/tiny-finetune-1"}

    hub.add_generated(30)
    hub.page_cap = 4
    assert crawl(ds, "--all", "--limit", "10") == 0
    assert len([r for r in table(ds) if r["scope"] == "all" and r["snapshot"]]) == 2 + 10


def test_bad_options_are_usage_errors(hub: FakeHub, hub_env: Path, ds: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert crawl(ds, "--all", "--since", "yesterday") == 2
    assert crawl(ds, "--all", "--limit", "0") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "--since" in err


def test_429_is_waited_out_and_500_retried(hub: FakeHub, hub_env: Path, ds: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTMX_HUB_RETRIES", "3")
    hub.page_cap = 5
    hub.add_generated(12)
    hub.fail_listing_at(5, Fault(429, {"Retry-After": "1"}, '{"error": "slow down"}'))
    hub.fail_listing_at(10, Fault(500), Fault(429, {"RateLimit": '"api";r=0;t=1'}))
    started = time.monotonic()
    assert crawl(ds, "--all") == 0
    assert time.monotonic() - started >= 2  # Retry-After and RateLimit honoured
    assert len(table(ds)) == len(hub.models) - 1 + 12


def test_hub_failure_exits_3_and_resumes(hub: FakeHub, hub_env: Path, ds: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    hub.page_cap = 5
    hub.add_generated(20)
    hub.fail_listing_at(15, *[Fault(500) for _ in range(5)])
    assert crawl(ds, "--all", "--batch-rows", "5") == 3
    err = capsys.readouterr().err
    assert "rerun the same command to resume" in err and "Traceback" not in err
    assert not (ds / "hub_models").exists()  # nothing half-done in the user's data
    before = len(hub.seen("/api/models"))
    assert crawl(ds, "--all", "--batch-rows", "5") == 0
    resumed = hub.seen("/api/models")[before]
    assert ("cursor", "15") in resumed.query  # went on where it stopped
    ids = [r["model"] for r in table(ds)]
    assert len(ids) == len(set(ids)) == len(hub.models) - 1 + 20


def test_other_options_need_restart(hub: FakeHub, hub_env: Path, ds: Path) -> None:
    hub.page_cap = 5
    hub.add_generated(20)
    hub.fail_listing_at(10, *[Fault(500) for _ in range(5)])
    assert crawl(ds, "--all", "--batch-rows", "5") == 3
    assert crawl(ds, "--author", "acme") == 2
    assert crawl(ds, "--author", "acme", "--restart") == 0
    assert {r["scope"] for r in table(ds)} == {"author:acme"}


def test_reused_renamed_deleted_and_relatives(hub: FakeHub, hub_env: Path, ds: Path) -> None:
    hub.delete("acme/gone")  # never existed on the fake hub; explicit for the reader
    hub.add_model("kid9/tiny-chat", tags=["base_model:acme/tiny-llm"])
    assert crawl(ds, "--reused") == 0
    rows = {r["model"]: r for r in table(ds)}
    assert rows["bert-base-uncased"]["live_id"] == "google-bert/bert-base-uncased"
    assert rows["bert-base-uncased"]["status"] == "renamed"
    assert rows["acme/gone"]["status"] == "not_found"
    assert rows["acme/base"]["status"] == "ok"  # ancestor of acme/tiny-llm
    assert rows["kid9/tiny-chat"]["status"] == "ok"  # descendant of acme/tiny-llm
    assert "kid0/tiny-finetune-0" not in rows  # a child of an ancestor is not crawled
    assert {r["scope"] for r in rows.values()} == {"reused"}


def test_reused_models_are_written_once_with_their_files(hub: FakeHub, hub_env: Path,
                                                         ds: Path) -> None:
    """A reused model that is also a descendant of another reused model is listed again by the
    descendants walk (without files); it keeps its one full row from the lookup."""
    links = [{"model_id": m, "reuse_repository_id": 1} for m in (1, 5)]  # tiny-llm and its base
    pq.write_table(pa.Table.from_pylist(links, schema=pa.schema(
        [("model_id", pa.int64()), ("reuse_repository_id", pa.int64())])),
        ds / "model_to_reuse_repository.parquet")
    hub.models["acme/tiny-llm"]["siblings"] = [{"rfilename": "model.safetensors"}]
    assert crawl(ds, "--reused") == 0
    rows = table(ds)
    tiny = [r for r in rows if r["model"] == "acme/tiny-llm"]
    assert len(tiny) == 1 and tiny[0]["weights_format"] == "safetensors"
    assert "kid0/tiny-finetune-0" in {r["model"] for r in rows}  # acme/base's other children


def test_cards_rows(hub: FakeHub, hub_env: Path, ds: Path) -> None:
    hub.readmes["acme/tiny-llm"] = "---\nlicense: mit\n---\n# Tiny\n"
    hub.readmes["acme/base"] = "x" * (CARD_CAP + 1000)
    assert crawl(ds, "--author", "acme", "--cards") == 0
    cards = {r["model"]: r for r in table(ds, "hub_card")}
    assert cards["acme/tiny-llm"]["readme"].startswith("---\nlicense: mit")
    assert cards["acme/tiny-llm"]["status"] == "ok"
    assert cards["acme/tiny-llm"]["source"].startswith("README 20")
    assert len(cards["acme/base"]["readme"].encode()) == CARD_CAP
    assert cards["acme/locked"]["status"] == "not_found"  # no README on the hub
    assert pq.read_schema(next((ds / "hub_card").glob("*.parquet"))).names == [
        "model", "live_id", "fetched_at", "source", "readme", "status"]


def test_token_is_sent_but_never_stored(hub: FakeHub, hub_env: Path, ds: Path,
                                        monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HF_TOKEN", GOOD_TOKEN)
    hub.page_cap = 3
    hub.add_generated(10)
    hub.fail_listing_at(6, *[Fault(500, body=f'{{"error": "bad {GOOD_TOKEN}"}}') for _ in range(5)])
    assert crawl(ds, "--all", "--cards", "--batch-rows", "3") == 3
    state = (ds / WORK_DIR / "state.json").read_bytes()
    assert GOOD_TOKEN.encode() not in state
    assert crawl(ds, "--all", "--cards", "--batch-rows", "3") == 0
    out = capsys.readouterr()
    assert GOOD_TOKEN not in out.out + out.err
    for path in ds.rglob("*"):
        if path.is_file():
            assert GOOD_TOKEN.encode() not in path.read_bytes(), path
    assert all(r.headers.get("authorization") == f"Bearer {GOOD_TOKEN}"
               for r in hub.seen("/api/models"))


def test_hostile_text_stays_data(hub: FakeHub, hub_env: Path, ds: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    evil = "\x1b]0;pwned\x07[red]x[/red]'); DROP TABLE model; --"
    hub.add_model("evil/model", cardData={"license": evil}, pipeline_tag=evil)
    hub.readmes["evil/model"] = evil
    assert crawl(ds, "--author", "evil", "--cards") == 0
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err
    row = table(ds)[0]
    assert row["pipeline_tag"] == evil and table(ds, "hub_card")[0]["readme"] == evil
    assert open_store(ds, cache=False).has("model")


# -- real subprocesses killed mid-crawl -----------------------------------------------------
def _env(hub: FakeHub, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update({"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf-home"),
                "PTMX_CACHE": str(tmp_path / "cache"), "PTMX_HUB_RETRIES": "1",
                "PYTHONPATH": str(REPO)})
    return env


def _run(ds: Path, env: dict[str, str], **kw: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "ptmx", "--data", str(ds), "hub", "crawl",
                             "--all", "--batch-rows", "10"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def _wait_for(hub: FakeHub, offset: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if any(("cursor", str(offset)) in r.query for r in hub.seen("/api/models")):
            return
        time.sleep(0.02)
    raise AssertionError(f"the crawl never asked for offset {offset}")


@pytest.fixture
def reference(tmp_path: Path) -> list[tuple[Any, ...]]:
    """The table an uninterrupted crawl of the same hub writes."""
    hub = _big_hub()
    try:
        ds = make_snapshot(tmp_path / "ref")
        proc = _run(ds, _env(hub, tmp_path))
        assert proc.wait(120) == 0, proc.stderr.read() if proc.stderr else ""
        return stable(table(ds))
    finally:
        hub.stop()


def _big_hub() -> FakeHub:
    hub = FakeHub().start()
    hub.page_cap = 10
    hub.add_model("acme/a", downloads=1)
    hub.rename("acme/old", "acme/new")
    hub.add_generated(95)
    return hub


@pytest.mark.parametrize(("sig", "code", "offset"), [
    (signal.SIGKILL, -9, 20), (signal.SIGTERM, 143, 50), (signal.SIGINT, 130, 80),
])
def test_resume_after_kill_gives_the_same_table(tmp_path: Path, reference: list[tuple[Any, ...]],
                                                sig: int, code: int, offset: int) -> None:
    hub = _big_hub()
    try:
        ds = make_snapshot(tmp_path / "ds")
        env = _env(hub, tmp_path)
        hub.fail_listing_at(offset, Fault(delay=30, passthrough=True))
        proc = _run(ds, env)
        _wait_for(hub, offset)
        time.sleep(0.2)
        proc.send_signal(sig)
        assert proc.wait(30) == code
        err = proc.stderr.read() if proc.stderr else ""
        if sig != signal.SIGKILL:
            assert "rerun the same command to resume" in err and "Traceback" not in err
        assert not (ds / "hub_models").exists()
        state = json.loads((ds / WORK_DIR / "state.json").read_text())
        assert state["cursor"] and f"cursor={offset}" in state["cursor"]
        hub.listing_faults.clear()
        before = len(hub.seen("/api/models"))
        again = _run(ds, env)
        assert again.wait(120) == 0, again.stderr.read() if again.stderr else ""
        assert ("cursor", str(offset)) in hub.seen("/api/models")[before].query
        assert stable(table(ds)) == reference
        assert not (ds / WORK_DIR).exists()
    finally:
        hub.stop()


def _killpoint(n: int, ds: Path, env: dict[str, str], log: Path, *args: str) -> int:
    """``hub crawl ARGS`` in a subprocess SIGKILLed at its crash point ``n`` (tests/hub/killpoint.py)."""
    proc = subprocess.run([sys.executable, "-m", "tests.hub.killpoint", str(n), str(log),
                           "--data", str(ds), "hub", "crawl", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert n or proc.returncode == 0, proc.stderr
    return proc.returncode


def test_resume_after_a_kill_at_every_step(hub: FakeHub, hub_env: Path, tmp_path: Path) -> None:
    """SIGKILL at every crash point of a small --cards crawl -- after each page and README
    fetched, before each part and state write is renamed into place, before each move of the
    publish -- then a plain rerun: both tables are those of an uninterrupted crawl, every time.
    Batches of 5 rows span pages of 3 models, so most kills lose fetched rows not yet written
    and resume from a cursor pages behind. (Without --cards the steps are the same, fewer.)"""
    hub.page_cap = 3
    hub.add_generated(2)
    for model in ("acme/tiny-llm", "acme/base", "kid1/tiny-finetune-1"):
        hub.readmes[model] = f"# {model}"
    # One request at a time: the README fetches are crash points too, in a fixed order.
    args = ("--all", "--cards", "--batch-rows", "5", "--concurrency", "1")
    env = _env(hub, tmp_path)
    ref, log = make_snapshot(tmp_path / "ref"), tmp_path / "points.log"
    _killpoint(0, ref, env, log, *args)
    expected = {name: stable(table(ref, name)) for name in TABLES}
    assert len(expected["hub_models"]) == len(hub.models) - 1 + 2
    assert len(expected["hub_card"]) == len(expected["hub_models"])
    points = log.read_text().splitlines()
    pages = [p for p in points if " reply /api/models" in p]
    moves = [p for p in points if " replace part-" in p]  # publishing
    assert len(pages) == -(-len(expected["hub_models"]) // 3)
    assert any(p.endswith("/README.md") for p in points)
    assert len(moves) == 2 * 2  # of each table, parts of 6 and 5 rows (whole pages)
    assert points[-1].endswith(f"rmtree {WORK_DIR}")  # the publish's last step
    for n, point in enumerate(points, 1):
        if point.endswith(".duckdb"):
            continue  # the store's cache of the dataset, built before the crawl starts
        if point.endswith("/README.md") and points[n - 2].endswith("/README.md"):
            continue  # one README fetch of a batch stands for the others (the same state)
        ds = make_snapshot(tmp_path / f"ds{n}")
        assert _killpoint(n, ds, env, tmp_path / f"log{n}", *args) == -signal.SIGKILL, point
        assert crawl(ds, *args) == 0, point
        assert {name: stable(table(ds, name)) for name in TABLES} == expected, point
        assert not (ds / WORK_DIR).exists(), point


def test_reused_crawl_resumes_after_a_kill_at_every_step(hub: FakeHub, hub_env: Path,
                                                         tmp_path: Path) -> None:
    """The same for --reused: lookups in batches of 2, then descendants listings of 2 a page
    whose ends fall on batch ends (a kill just after such a save once made the rerun list them
    again, and write their rows twice)."""
    hub.page_cap = 2
    for i in range(4):
        hub.add_model(f"kid9/tiny-chat-{i}", downloads=50 - i, tags=["base_model:acme/tiny-llm"])
    args = ("--reused", "--batch-rows", "2", "--concurrency", "1")
    env = _env(hub, tmp_path)
    ref, log = _reusing(tmp_path / "ref"), tmp_path / "points.log"
    _killpoint(0, ref, env, log, *args)
    expected = stable(table(ref))
    assert {f"kid9/tiny-chat-{i}" for i in range(4)} <= {r["model"] for r in table(ref)}
    points = log.read_text().splitlines()
    # Each state save of the descendants walk, from its first listing page to the publish (whose
    # save is the one before the first move): where a kill decides what the rerun lists again.
    # The other steps are those of --all, tested above.
    first = next(n for n, p in enumerate(points, 1) if p.split()[1:3] == ["reply", "/api/models"])
    publish = next(n for n, p in enumerate(points, 1) if " replace part-" in p) - 1
    assert points[publish - 1].endswith("replace state.json")
    saves = [(n, p) for n, p in enumerate(points[first - 1:publish - 1], first)
             if p.endswith("replace state.json")]
    assert len(saves) >= 4
    for n, point in saves:
        ds = _reusing(tmp_path / f"ds{n}")
        assert _killpoint(n, ds, env, tmp_path / f"log{n}", *args) == -signal.SIGKILL, point
        assert crawl(ds, *args) == 0, point
        assert stable(table(ds)) == expected, point


def test_reused_crawl_resumes_in_the_descendants_walk(hub: FakeHub, hub_env: Path, ds: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A hub failure while listing descendants (after every lookup is saved): exit 3, then the
    rerun goes on from there without looking the models up again, and writes each once."""
    hub.page_cap = 2
    for i in range(5):
        hub.add_model(f"kid9/tiny-chat-{i}", downloads=50 - i, tags=["base_model:acme/tiny-llm"])
    hub.fail_listing_at(2, *[Fault(500) for _ in range(5)])  # the second page of descendants
    assert crawl(ds, "--reused", "--batch-rows", "2") == 3
    assert "rerun the same command to resume" in capsys.readouterr().err
    lookups = len(hub.seen("/api/models/"))
    assert crawl(ds, "--reused", "--batch-rows", "2") == 0
    assert len(hub.seen("/api/models/")) == lookups  # no lookup made twice
    rows = table(ds)
    ids = [r["model"] for r in rows]
    assert len(ids) == len(set(ids))
    assert {f"kid9/tiny-chat-{i}" for i in range(5)} <= set(ids)
    assert {"acme/tiny-llm", "bert-base-uncased", "acme/gone", "acme/base"} <= set(ids)


def test_progress_says_pages_models_rate_and_eta(hub: FakeHub, hub_env: Path, ds: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Not a terminal: a plain progress line (then one every 30 s), on stderr only."""
    assert crawl(ds, "--reused") == 0
    out, err = capsys.readouterr()
    line = next(x for x in err.splitlines() if x.startswith("hub crawl: lookups:"))
    assert " pages, " in line and " models, " in line and "/s" in line and "ETA" in line
    assert "\x1b" not in err and "hub crawl:" not in out
    hub.add_generated(5)
    assert crawl(ds, "--all", "--limit", "5") == 0
    err = capsys.readouterr().err
    assert "hub crawl: listing: 1 pages, 5 models" in err and "5/5, ETA" in err


def test_progress_rate_and_eta_count_this_run_only(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A resumed crawl's earlier models came for free: 500 models in this run's 10 s are 50/s
    (not 60,000 / 10 s), and 400 left of a --limit at that pace take 40 s."""
    from ptmx.cli.hub import _crawl_progress
    from ptmx.hub.crawl import CrawlProgress

    clock = iter([100.0, 110.0, 200.0, 210.0])
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    _crawl_progress()(CrawlProgress("listing", 60, 60_000, run_models=500))
    _crawl_progress()(CrawlProgress("listing", 6, 600, done=600, total=1000, run_models=100,
                                    run_done=100))
    first, second = capsys.readouterr().err.splitlines()
    assert first == "hub crawl: listing: 60 pages, 60,000 models, 50/s, total unknown (no ETA)"
    assert second == "hub crawl: listing: 6 pages, 600 models, 10/s, 600/1,000, ETA 40 s"


def test_resumed_run_reports_its_own_models(hub: FakeHub, hub_env: Path, ds: Path,
                                            settings: Any) -> None:
    from ptmx.hub.client import HubClient
    from ptmx.hub.crawl import CrawlOptions, CrawlProgress
    from ptmx.hub.crawl import crawl as run_crawl
    from ptmx.hub.crawl_store import CrawlWork

    hub.page_cap = 5
    hub.add_generated(20)
    hub.fail_listing_at(15, *[Fault(500) for _ in range(5)])
    assert crawl(ds, "--all", "--batch-rows", "5") == 3
    seen: list[CrawlProgress] = []
    with HubClient(settings) as client:
        run_crawl(client, CrawlWork(ds), CrawlOptions("all", batch_rows=5), progress=seen.append)
    assert (seen[0].models, seen[0].run_models, seen[0].total) == (20, 5, None)
    assert seen[-1].run_models == seen[-1].models - 15


def test_no_total_is_said_plainly(hub: FakeHub, hub_env: Path, ds: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert crawl(ds, "--author", "acme") == 0
    assert "/s, total unknown (no ETA)" in capsys.readouterr().err
    assert crawl(ds, "--reused") == 0  # lookups have a total, the descendants walk has none
    err = capsys.readouterr().err
    assert "hub crawl: lookups:" in err and ", ETA " in err
    assert crawl(ds, "--author", "acme", "--limit", "2") == 0
    assert "2/2, ETA" in capsys.readouterr().err


def _stop_in_publish(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next crawl stops (as on Ctrl-C) once it has saved that it is publishing."""
    from ptmx.hub.crawl_store import CrawlWork

    real = CrawlWork.publish

    def stop(self: CrawlWork) -> Any:
        self.state["phase"] = "publish"
        self.save()
        monkeypatch.setattr(CrawlWork, "publish", real)
        raise KeyboardInterrupt

    monkeypatch.setattr(CrawlWork, "publish", stop)


def test_rerun_with_other_options_says_it_published_the_old_crawl(
        hub: FakeHub, hub_env: Path, ds: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The stopped crawl is complete: it is published (not dropped) and the user is told so,
    then the crawl asked for runs."""
    acme = {m for m in hub.models if m.startswith("acme/") and m != "acme/secret"}
    _stop_in_publish(monkeypatch)
    assert crawl(ds, "--author", "acme", "--limit", "3") == 130
    capsys.readouterr()
    assert crawl(ds, "--author", "kid1", "--format", "json") == 0
    out, err = capsys.readouterr()
    assert ("ptmx: first finished publishing an interrupted crawl (--author acme --limit 3, "
            "snapshot 20") in err and "): 3 models → " in err
    assert json.loads(out)["earlier"]["options"] == "--author acme --limit 3"
    rows = table(ds)
    assert len([r for r in rows if r["scope"] == "author:acme"]) == 3
    assert {r["model"] for r in rows if r["scope"] == "author:kid1"} == {"kid1/tiny-finetune-1"}
    # --restart does not drop a crawl stopped while publishing either (half of it may be
    # published already): it is finished, said, and a new one runs.
    _stop_in_publish(monkeypatch)
    assert crawl(ds, "--author", "acme") == 130
    assert crawl(ds, "--author", "acme", "--restart") == 0
    assert "first finished publishing an interrupted crawl (--author acme, " in \
        capsys.readouterr().err
    assert len([r for r in table(ds) if r["scope"] == "author:acme"]) == 3 + 2 * len(acme)
    # The same options: the rerun is the resume itself, nothing to announce.
    _stop_in_publish(monkeypatch)
    assert crawl(ds, "--author", "acme") == 130
    assert crawl(ds, "--author", "acme") == 0
    assert "first finished" not in capsys.readouterr().err
    assert len([r for r in table(ds) if r["scope"] == "author:acme"]) == 3 + 3 * len(acme)


def test_cards_count_is_the_card_rows_written(hub: FakeHub, hub_env: Path, ds: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    hub.readmes["acme/tiny-llm"] = "# tiny"
    hub.readmes["acme/base"] = "# base"
    assert crawl(ds, "--author", "acme", "--cards", "--format", "json") == 0
    out, err = capsys.readouterr()
    result, cards = json.loads(out), table(ds, "hub_card")
    assert result["cards"] == len(cards) == sum(result["cards_by_status"].values())
    assert result["cards_by_status"]["ok"] == 2 == len([c for c in cards if c["readme"]])
    assert f"{len(cards)} cards (2 with a README)" in err
    assert crawl(ds, "--author", "acme", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["cards"] == 0


def test_restart_drops_an_unreadable_state(hub: FakeHub, hub_env: Path, ds: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (ds / WORK_DIR).mkdir()
    (ds / WORK_DIR / "state.json").write_text("{not json")
    assert crawl(ds, "--author", "acme") != 0
    assert "--restart" in capsys.readouterr().err
    assert crawl(ds, "--author", "acme", "--restart") == 0
    assert {r["scope"] for r in table(ds)} == {"author:acme"}
