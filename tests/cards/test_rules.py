"""Rules on tiny datasets built with the real importer: scores, risk, the base-model rule for
derived models only, and the three inconsistencies (license tag vs card, unnamed `other`,
a base model the hub's metadata does not know)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptmx.cards import (
    RULES,
    Severity,
    Status,
    assess,
    report,
)
from ptmx.store import Store
from tests.cards.conftest import EMPTY_CARD, build_dataset, full_card


def _weight(keys: list[str]) -> int:
    return sum(r.severity.weight for r in RULES if r.key in keys)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return build_dataset(tmp_path / "ds", [
        {"id": "acme/complete", "licenses": ["apache-2.0"], "reuse": 2, "card": full_card()},
        {"id": "acme/bare", "licenses": [], "reuse": 5,
         "card": EMPTY_CARD | {"license": "mit"}},
        {"id": "acme/llm-finetuned", "licenses": ["apache-2.0"], "reuse": 3,
         "card": full_card(upstream_model="")},
        {"id": "acme/nocard", "licenses": ["mit"], "reuse": 9},
        {"id": "acme/mismatch", "licenses": ["mit"], "card": full_card(license="Apache 2.0")},
        {"id": "acme/same", "licenses": ["apache-2.0"],
         "card": full_card(license="Apache License, Version 2.0")},
        {"id": "acme/other", "licenses": ["other"], "card": full_card(license="")},
        {"id": "acme/other-link", "licenses": ["other"],
         "card": full_card(license="https://example.com/LICENSE")},
    ])


def test_every_field_filled_scores_100(store: Store) -> None:
    a = assess(store, "acme/complete")
    assert a.completeness == 100.0 and a.risk == 0 and a.findings == []
    assert {r.key: r.status for r in a.results} == {
        r.key: (Status.NOT_ASSESSED if r.key == "grant" else Status.PASS) for r in RULES}


def test_score_is_weighted_by_severity_and_risk_counts_reuse(store: Store) -> None:
    a = assess(store, "acme/bare")
    # Counted: every rule the card schema covers, except the base model (the model is not known
    # to be derived); only the license is there.
    counted = [r.key for r in RULES if r.key not in ("grant", "base_model")]
    assert a.completeness == round(100 * Severity.CRITICAL.weight / _weight(counted), 1)
    missing_critical = {"datasets", "limitations_and_bias", "evaluation"}
    assert {r.key for r in a.missing(Severity.CRITICAL)} == missing_critical
    assert a.risk == 5 * len(missing_critical)
    assert a.result("base_model").status == Status.MISSING and not a.result("base_model").counts


def test_base_model_counts_for_a_derived_model(store: Store) -> None:
    a = assess(store, "acme/llm-finetuned")
    base = a.result("base_model")
    assert base.status == Status.MISSING and base.counts
    assert any("finetuned" in str(e) for e in base.evidence)
    assert a.risk == 3 * 1
    assert a.fails("critical")


def test_a_model_without_card_data_is_not_assessed(store: Store) -> None:
    a = assess(store, "acme/nocard")
    assert not a.assessed and a.completeness is None and a.risk is None
    assert not a.fails("nice")
    rep = report(store)
    assert rep.not_assessed == 1 and "acme/nocard" not in {m.model for m in rep.riskiest}


def test_license_tag_disagreeing_with_the_card_is_inconsistent(store: Store) -> None:
    a = assess(store, "acme/mismatch")
    assert a.result("license").status == Status.INCONSISTENT
    assert [f.kind for f in a.findings] == ["license-mismatch"]
    assert "mit" in a.findings[0].message and "Apache 2.0" in a.findings[0].message
    # half credit for a documented but contradicted critical field
    assert a.completeness == round(100 - 100 * 1.5 / _weight(
        [r.key for r in RULES if r.key != "grant"]), 1)
    assert not a.fails("critical") and a.fails("critical", strict=True)


def test_the_same_license_spelled_differently_is_consistent(store: Store) -> None:
    assert assess(store, "acme/same").result("license").status == Status.PASS


def test_other_license_needs_a_name_or_link(store: Store) -> None:
    unnamed = assess(store, "acme/other")
    assert [f.kind for f in unnamed.findings] == ["license-other-unnamed"]
    assert unnamed.result("license").status == Status.INCONSISTENT
    assert assess(store, "acme/other-link").findings == []


def test_report_counts_inconsistencies(store: Store) -> None:
    lic = report(store).share_of("license")
    assert lic.inconsistent == 2 and lic.missing == 0


def test_card_base_model_unknown_to_hub_metadata(tmp_path: Path) -> None:
    store = build_dataset(tmp_path / "tags", [
        {"id": "acme/a", "card": full_card(), "tags": ["transformers", "license:apache-2.0"]},
        {"id": "acme/b", "card": full_card(),
         "tags": ["transformers", "base_model:bert-base-uncased"]},
        {"id": "acme/c", "card": full_card(upstream_model=""),
         "tags": ["dataset:imdb", "arxiv:1810.04805"]},
        {"id": "acme/d", "card": full_card()},  # no hub metadata: nothing to disagree with
    ])
    a = assess(store, "acme/a")
    assert [f.kind for f in a.findings] == ["base-model-not-in-hub-metadata"]
    assert a.result("base_model").status == Status.INCONSISTENT
    assert assess(store, "acme/b").findings == []
    assert assess(store, "acme/d").findings == []
    # tags document fields too
    c = assess(store, "acme/c")
    assert c.result("datasets").status == Status.PASS
    assert any("dataset:imdb" in str(e) for e in c.result("datasets").evidence)


def test_report_rejects_bad_arguments(store: Store) -> None:
    from ptmx.errors import UsageError

    for kwargs in ({"by": "colour"}, {"top": 0}, {"min_reuse": -1}):
        with pytest.raises(UsageError):
            report(store, **kwargs)
