"""The audit on the bundled real sample and on a tiny dataset with drift and conflict."""

from __future__ import annotations

from collections import Counter

import pytest

from ptmx.errors import NotFoundError
from ptmx.licenses import AUDIT_KEYS, Verdict, audit, check
from ptmx.store import Store


@pytest.fixture(scope="module")
def sample_audit(sample_store: Store):
    return audit(sample_store)


def test_every_sample_link_and_edge_gets_a_verdict(sample_audit, sample_store: Store) -> None:
    links = sample_store.scalar("SELECT count(*) FROM model_to_reuse_repository")
    edges = sample_store.scalar("SELECT count(*) FROM model_base")
    assert (sample_audit.links, sample_audit.edges) == (links, edges)
    for row in sample_audit.rows():
        # the chain keys only where the upstream model has base models (issue 18)
        assert tuple(row) in (AUDIT_KEYS, (*AUDIT_KEYS, "chain", "inherited_from"))
        assert row["verdict"] and row["reason"] and row["fix"]


def test_undecided_share_is_at_most_three_percent(sample_audit) -> None:
    undecided = sum(1 for r in sample_audit.records
                    if r.kind == "link" and r.verdict in ("unknown", "ambiguous"))
    assert undecided / sample_audit.links == pytest.approx(sample_audit.undecided_share)
    assert sample_audit.undecided_share <= 0.03


def test_projects_without_a_license_are_decided(sample_audit) -> None:
    unlicensed = [r for r in sample_audit.records if r.kind == "link" and r.downstream == "NONE"]
    assert unlicensed  # the sample has thousands (PeaTMOSS called them all unknown)
    undecided = [r for r in unlicensed if r.verdict in ("unknown", "ambiguous")]
    # Only upstream tags that are themselves unknown or ambiguous stay undecided.
    assert all(r.upstream_family in ("unknown", "ambiguous") for r in undecided)
    assert all("declares no licence" in r.reason for r in unlicensed
               if r.verdict not in ("unknown", "ambiguous"))


def test_multi_license_projects_are_judged_not_skipped(sample_audit) -> None:
    multi = [r for r in sample_audit.records if r.downstream and " AND " in r.downstream]
    assert len(multi) >= 300  # PeaTMOSS skipped 387 such relations
    assert all(r.verdict != "unknown" or r.upstream_family == "unknown" for r in multi)


def test_gpl_models_used_by_permissive_projects_are_not_ok(sample_audit) -> None:
    gpl = [r for r in sample_audit.records if r.upstream in ("gpl-3.0", "agpl-3.0")
           and r.downstream in ("mit", "apache-2.0")]
    assert gpl
    assert {r.verdict for r in gpl} == {"ok-with-obligations"}


def test_summary_and_flow_add_up(sample_audit) -> None:
    by_verdict = Counter(r.verdict for r in sample_audit.records if r.kind == "link")
    assert {s["verdict"]: s["links"] for s in sample_audit.summary if s["links"]} == \
        dict(by_verdict)
    link_flows = [f for f in sample_audit.flow if f["relation"] == "link"]
    assert sum(f["count"] for f in link_flows) == sample_audit.links
    assert all(sum(f["verdicts"].values()) == f["count"] for f in sample_audit.flow)


def test_tiny_dataset_covers_drift_conflict_and_redistribution(license_store: Store) -> None:
    result = audit(license_store)
    got = {(r.model, r.project or r.derived): (r.activity, r.verdict) for r in result.records}
    assert got[("acme/nc-base", "acme/nc-ft")] == ("derive", "drift")
    assert got[("meta/llama3", "acme/llama-ft")] == ("derive", "conflict")
    assert got[("ghost/base", "acme/ghost-ft")] == ("derive", "unknown")
    assert got[("acme/rail", "carol/vendored")] == ("redistribute", "ok-with-obligations")
    assert got[("acme/free", "bob/nolicense")] == ("use", "ok")
    assert got[("acme/free", "dave/unscanned")] == ("use", "ok")
    assert got[("acme/apache", "erin/gpl2")] == ("use", "ok-with-obligations")
    assert got[("acme/dual", "gina/multi")] == ("use", "use-constrained")
    assert got[("acme/family", "frank/pd")] == ("use", "ok-with-obligations")  # every reading
    ghost = next(r for r in result.records if r.model == "ghost/base")
    assert "not in this dataset" in ghost.reason and ghost.reason.startswith("[adapter]")


def test_check_a_project(license_store: Store) -> None:
    result = check(license_store, project="alice/app")
    assert [(r.model, r.verdict) for r in result.findings] == [("acme/nc-base", "use-constrained")]
    assert result.exit_code == 0
    assert result.checked == 2


def test_check_a_model_includes_its_edges_and_fails_on_drift(license_store: Store) -> None:
    result = check(license_store, model="acme/nc-base")
    assert ("drift", "acme/nc-ft") in {(r.verdict, r.derived) for r in result.findings}
    assert result.exit_code == 1
    assert all(Verdict(r.verdict).finding for r in result.findings)
    assert result.findings[0].verdict == "drift"  # worst first


def test_check_unknown_project_suggests_names(license_store: Store) -> None:
    with pytest.raises(NotFoundError):
        check(license_store, project="alice/ap")
