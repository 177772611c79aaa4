"""Drift: what changed between the snapshot and the hub, and the lookups that show it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ptmx.hub import HubModelInfo, HubServerError, HubSettings, compare, lookup_with_drift
from ptmx.store import Store, model_page
from tests.hub.fakehub import FakeHub, Fault, model_payload


def live(model_id: str = "acme/tiny-llm", requested: str | None = None,
         **fields: Any) -> HubModelInfo:
    return HubModelInfo.from_payload(model_payload(model_id, **fields), requested or model_id,
                                     fetched_at=1_700_000_000.0)


@dataclass
class Judged:
    verdict: str


def toy_verdict(upstream: str | None, downstream: str | None, activity: str) -> Judged:
    """Stands in for ptmx.licenses: GPL projects clash with MIT models, the rest are fine."""
    assert activity == "use"
    if upstream == "mit" and downstream == "gpl-3.0":
        return Judged("conflict")
    return Judged("ok")


def test_unchanged_model_shows_only_same_rows(snapshot_store: Store) -> None:
    page = model_page(snapshot_store, "acme/base")
    drift = compare(page, live("acme/base", sha="a" * 40, downloads=80000, likes=250))
    assert drift.status == "ok" and drift.changed == []
    assert drift.row("license").snapshot == drift.row("license").live == "apache-2.0"


def test_license_change_and_project_verdicts(snapshot_store: Store) -> None:
    from ptmx.hub.queries import project_licenses

    page = model_page(snapshot_store, "acme/tiny-llm")
    projects = project_licenses(snapshot_store, page.id)
    assert {p["project"]: p["licenses"] for p in projects} == {
        "alice/chatbot": ["mit"], "bob/gpl-tool": ["gpl-3.0"], "carol/notes": None}
    drift = compare(page, live(cardData={"license": "mit"}), license_judge=toy_verdict,
                    projects=projects)
    lic = drift.row("license")
    assert (lic.snapshot, lic.live, lic.change) == ("apache-2.0", "mit", "changed")
    verdicts = drift.row("project verdicts")
    assert verdicts.change == "changed" and verdicts.live == "conflict: 1, ok: 1"
    assert verdicts.detail.startswith("1 of 2 scanned projects")
    assert {v["project"]: (v["before"], v["after"]) for v in drift.project_verdicts} == {
        "alice/chatbot": ("ok", "ok"), "bob/gpl-tool": ("ok", "conflict")}


def test_license_change_without_a_judge_compares_no_projects(snapshot_store: Store) -> None:
    drift = compare(model_page(snapshot_store, "acme/tiny-llm"),
                    live(cardData={"license": "mit"}))
    assert drift.row("license").change == "changed"
    assert drift.row("project verdicts") is None and drift.project_verdicts == []


def test_a_failing_license_judge_is_a_bug_and_propagates(snapshot_store: Store) -> None:
    from ptmx.hub.queries import project_licenses

    def broken(*_args: object) -> Judged:
        raise KeyError("gpl-3.0")

    page = model_page(snapshot_store, "acme/tiny-llm")
    with pytest.raises(KeyError):
        compare(page, live(cardData={"license": "mit"}), license_judge=broken,
                projects=project_licenses(snapshot_store, page.id))


def test_project_verdicts_with_the_real_license_engine(snapshot_store: Store) -> None:
    from ptmx.hub.queries import project_licenses
    from ptmx.licenses import verdict_for

    page = model_page(snapshot_store, "acme/tiny-llm")
    drift = compare(page, live(cardData={"license": "mit"}), license_judge=verdict_for,
                    projects=project_licenses(snapshot_store, page.id))
    assert {v["project"] for v in drift.project_verdicts} == {"alice/chatbot", "bob/gpl-tool"}
    assert all(v["before"] and v["after"] for v in drift.project_verdicts)


def test_counts_commit_base_model_and_card_fields(snapshot_store: Store) -> None:
    info = live(sha="c" * 40, downloads=5000, likes=3,
                cardData={"license": "apache-2.0", "datasets": ["wikitext"]},
                tags=["license:apache-2.0", "base_model:finetune:acme/base"],
                pipeline_tag="text-generation")
    drift = compare(model_page(snapshot_store, "acme/tiny-llm"), info)
    assert (drift.row("downloads (30 days)").change, drift.row("downloads (30 days)").detail) \
        == ("up", "+4,000 (+400%)")
    assert drift.row("likes").change == "down"
    assert drift.row("commit").change == "changed"
    bases = drift.row("base models")
    assert (bases.snapshot, bases.live, bases.change) == ([], ["acme/base"], "added")
    assert "relation: finetune" in bases.detail
    card = drift.row("card fields")
    assert card.snapshot == ["license", "task"] and card.change == "changed"
    assert "new: base_model, datasets" in card.detail
    assert drift.row("license").change == "same"


def test_card_completeness_hook_then_and_now(snapshot_store: Store) -> None:
    def score(card: dict) -> int:
        return sum(1 for k, v in card.items() if v and k not in ("model", "source", "readme"))

    drift = compare(model_page(snapshot_store, "acme/tiny-llm"),
                    live(cardData={"license": "mit", "datasets": ["x"]}),
                    completeness_fn=score, live_readme="# card")
    row = drift.row("card completeness")
    assert row.snapshot == 3 and row.live > 3 and row.change == "up"


def test_renamed_and_gated(snapshot_store: Store) -> None:
    info = live("google-bert/bert-base-uncased", "bert-base-uncased", gated="manual")
    drift = compare(model_page(snapshot_store, "bert-base-uncased"), info)
    assert drift.status == "renamed" and drift.live_id == "google-bert/bert-base-uncased"
    assert drift.row("id").change == "renamed"
    avail = drift.row("availability")
    assert (avail.live, avail.change) == ("gated (manual)", "changed")


@pytest.mark.parametrize(("status", "live_text", "change"), [
    ("not_found", "not found", "gone"),
    ("private_or_missing", "not found or private", "gone"),
    ("disabled", "disabled", "changed"),
])
def test_gone_or_disabled(snapshot_store: Store, status: str, live_text: str,
                          change: str) -> None:
    drift = compare(model_page(snapshot_store, "acme/gone"), None, status=status)
    avail = drift.row("availability")
    assert (avail.snapshot, avail.live, avail.change) == ("public", live_text, change)
    assert drift.live_id is None and drift.row("license") is None


# -- lookups against the fake hub ---------------------------------------------------------------
def test_lookup_with_drift_renamed_model(hub: FakeHub, settings: HubSettings,
                                         snapshot_store: Store) -> None:
    lookup = lookup_with_drift(snapshot_store, "bert-base-uncased", settings=settings,
                               license_judge=None, completeness_fn=None)
    assert lookup.status == "renamed" and lookup.in_snapshot and lookup.source == "live"
    assert lookup.drift.row("downloads (30 days)").change == "up"
    assert lookup.to_dict()["live"]["renamed_from"] == "bert-base-uncased"


def test_lookup_with_drift_deleted_model_is_an_answer(hub: FakeHub, settings: HubSettings,
                                                      snapshot_store: Store) -> None:
    lookup = lookup_with_drift(snapshot_store, "acme/gone", settings=settings, license_judge=None,
                               completeness_fn=None)
    assert lookup.status == "private_or_missing" and lookup.info is None
    assert lookup.drift.row("availability").change == "gone" and lookup.message


def test_lookup_with_drift_uses_hooks_and_fetches_the_readme(hub: FakeHub, settings: HubSettings,
                                                            snapshot_store: Store) -> None:
    hub.readmes["acme/tiny-llm"] = "# Tiny\n## Limitations\nMany."
    readmes: list[str | None] = []

    def score(card: dict) -> float:
        readmes.append(card.get("readme"))
        return 0.5 if card.get("readme") else 0.25

    lookup = lookup_with_drift(snapshot_store, "acme/tiny-llm", settings=settings,
                               license_judge=toy_verdict, completeness_fn=score)
    assert lookup.drift.row("project verdicts").change == "changed"
    assert lookup.drift.row("card completeness").live == 0.5
    assert readmes[-1].startswith("# Tiny")


def test_lookup_without_hooks_fetches_no_readme(hub: FakeHub, settings: HubSettings,
                                               snapshot_store: Store) -> None:
    lookup_with_drift(snapshot_store, "acme/tiny-llm", settings=settings, license_judge=None,
                      completeness_fn=None)
    assert hub.seen("/acme/tiny-llm/resolve") == []


def test_lookup_for_a_model_outside_the_snapshot(hub: FakeHub, settings: HubSettings,
                                                 snapshot_store: Store) -> None:
    lookup = lookup_with_drift(snapshot_store, "kid0/tiny-finetune-0", settings=settings)
    assert lookup.ok and lookup.drift is None and not lookup.in_snapshot
    assert any("not in the snapshot" in w for w in lookup.warnings)


def test_transient_failures_raise(hub: FakeHub, settings: HubSettings,
                                  snapshot_store: Store) -> None:
    hub.fail("/api/models/acme/tiny-llm", *[Fault(500) for _ in range(4)])
    with pytest.raises(HubServerError):
        lookup_with_drift(snapshot_store, "acme/tiny-llm", settings=settings)


def test_refresh_bypasses_the_cache(hub: FakeHub, settings: HubSettings,
                                    snapshot_store: Store) -> None:
    lookup_with_drift(None, "acme/base", settings=settings)
    assert lookup_with_drift(None, "acme/base", settings=settings).source == "cache"
    assert lookup_with_drift(None, "acme/base", refresh=True, settings=settings).source == "live"
    # Two lookups reached the hub, each with its info call and its files call.
    assert len(hub.seen("/api/models/acme/base")) == 4
    assert sum(("blobs", "true") in r.query for r in hub.seen("/api/models/acme/base")) == 2


def test_drift_reports_a_change_of_weights_format_and_of_the_hubs_security_scan(
        snapshot_store: Store) -> None:
    page = model_page(snapshot_store, "acme/tiny-llm")
    previous = {"weights_format": "safetensors", "weight_formats": ["safetensors"],
                "risks": [], "security_status": "clean", "security_issues": []}
    now = live(siblings=[{"rfilename": "README.md"}, {"rfilename": "model.pkl"}])
    now.attach_files({"siblings": [{"rfilename": "model.pkl", "size": 10}],
                      "securityRepoStatus": {"scansDone": True, "filesWithIssues": [
                          {"path": "model.pkl", "level": "unsafe"}]}})
    rows = {r.field: r for r in compare(page, now, previous=previous).rows}
    assert (rows["weights format"].snapshot, rows["weights format"].live,
            rows["weights format"].change) == ("safetensors", "pickle", "changed")
    security = rows["security status"]
    assert (security.snapshot, security.live, security.change) == ("clean", "issues", "changed")
    assert "clean → issues" in (security.detail or "")
    assert "model.pkl (unsafe)" in (security.detail or "")

    # No scan on either side (an older snapshot, --no-files): no security row, no guess.
    older = {k: v for k, v in previous.items() if not k.startswith("security")}
    assert compare(page, now, previous=older).row("security status") is None
    unscanned = live(siblings=[{"rfilename": "model.pkl"}])
    assert compare(page, unscanned, previous=previous).row("security status") is None
