"""The paper's per-field figure on the bundled sample: the report's share of the 50 hand-checked
cards missing each field equals a direct count, over the published JSON and over the Parquet file,
and models without card data are "not assessed", never "missing everything"."""

from __future__ import annotations

import json
from typing import Any

import pyarrow.parquet as pq
import pytest

from ptmx.cards import CardsReport, Status, assess, report
from ptmx.config import bundled_data_dir
from ptmx.store import Store

# rule → key in model_metadata_sample.json (grant is not in that schema).
JSON_KEYS = {
    "license": "license", "datasets": "datasets", "base_model": "upstream_model",
    "limitations_and_bias": "limitation_and_bias", "evaluation": "evaluation",
    "paper": "paper", "parameter_count": "parameter_count", "demo": "code_demo",
    "input_format": "input_format", "output_format": "output_format",
    "hyper_parameters": "hyper_parameters", "hardware": "hardware", "carbon": "carbon_emitted",
}


def says_something(value: Any) -> bool:
    """The published convention: an empty string (or empty list/dict) means the card is silent."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(says_something(v) for v in value)
    if isinstance(value, dict):
        return any(says_something(v) for v in value.values())
    return True


def parquet_says_something(value: Any) -> bool:
    """The same over the Parquet columns (JSON-valued fields are stored as JSON text)."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return says_something(json.loads(value))
        except json.JSONDecodeError:
            pass
    return says_something(value)


@pytest.fixture(scope="module")
def sample_report(sample_store: Store) -> CardsReport:
    return report(sample_store, top=100)


def test_missing_counts_match_the_published_cards(sample_report: CardsReport,
                                                  artifact_cards: dict[str, Any]) -> None:
    assert sample_report.assessed == len(artifact_cards) == 50
    for rule, key in JSON_KEYS.items():
        expected = sum(not says_something(card.get(key)) for card in artifact_cards.values())
        share = sample_report.share_of(rule)
        assert (share.missing, share.assessed) == (expected, 50), rule
        assert share.share == pytest.approx(expected / 50)


def test_missing_counts_match_the_parquet_file(sample_report: CardsReport) -> None:
    rows = pq.read_table(bundled_data_dir() / "model_card.parquet").to_pylist()
    assert sample_report.assessed == len(rows)
    for rule in JSON_KEYS:
        expected = sum(not parquet_says_something(r.get(rule)) for r in rows)
        assert sample_report.share_of(rule).missing == expected, rule


def test_a_field_no_source_records_is_not_assessed(sample_report: CardsReport) -> None:
    grant = sample_report.share_of("grant")
    assert grant.assessed == 0 and grant.share is None and grant.missing == 0


def test_models_without_cards_are_not_assessed(sample_store: Store, sample_report: CardsReport) -> None:
    models = sample_store.scalar("SELECT count(*) FROM model")
    assert sample_report.models == models
    assert sample_report.not_assessed == models - 50
    carded = set(pq.read_table(bundled_data_dir() / "model_card.parquet",
                               columns=["model"]).column(0).to_pylist())
    assert {m.model for m in sample_report.riskiest} <= carded
    # gpt2 is reused by hundreds of projects but has no card data.
    gpt2 = assess(sample_store, "gpt2")
    assert not gpt2.assessed and gpt2.status == Status.NOT_ASSESSED
    assert gpt2.completeness is None and gpt2.risk is None and gpt2.missing() == []
    assert {r.status for r in gpt2.results} == {Status.NOT_ASSESSED}
    assert gpt2.reuse_count > 100


def test_report_and_show_agree_on_every_card(sample_store: Store, sample_report: CardsReport) -> None:
    by_model = {m.model: m for m in report(sample_store, top=50).riskiest}
    assert len(by_model) == 50
    for name, row in by_model.items():
        one = assess(sample_store, name)
        assert one.completeness == row.completeness, name
        assert one.risk == row.risk == one.reuse_count * len(row.missing_critical), name
        assert [r.key for r in one.missing("critical")] == row.missing_critical, name


def test_min_reuse_narrows_every_view(sample_store: Store) -> None:
    narrow = report(sample_store, min_reuse=20, top=50)
    reused = sample_store.scalar("SELECT count(*) FROM model_summary WHERE reuse_count >= 20")
    assert narrow.models == reused
    assert narrow.riskiest and all(m.reuse_count >= 20 for m in narrow.riskiest)
    assert narrow.assessed == sum(1 for m in narrow.riskiest)
    assert all(f.assessed in (0, narrow.assessed) for f in narrow.fields)
