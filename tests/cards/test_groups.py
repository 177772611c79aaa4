"""Grouped views: every model lands in its groups, and assessed counts add up to the cards."""

from __future__ import annotations

from collections import Counter

import pyarrow.parquet as pq

from ptmx.cards import report
from ptmx.config import bundled_data_dir
from ptmx.store import Store


def test_by_author_partitions_every_model(sample_store: Store) -> None:
    rep = report(sample_store, by="author", top=100_000)
    assert rep.total_groups == len(rep.groups)
    assert sum(g.models for g in rep.groups) == rep.models
    assert sum(g.assessed for g in rep.groups) == rep.assessed == 50
    assert sum(g.risk for g in rep.groups) == sum(m.risk for m in report(
        sample_store, top=50).riskiest)
    assert [g.risk for g in rep.groups] == sorted((g.risk for g in rep.groups), reverse=True)


def test_by_task_counts_the_cards_tasks(sample_store: Store) -> None:
    rows = pq.read_table(bundled_data_dir() / "model_card.parquet", columns=["task"]).to_pylist()
    expected = Counter(" ".join(r["task"].replace("_", " ").split()).lower() for r in rows)
    rep = report(sample_store, by="task", top=1000)
    got = {g.group: g.assessed for g in rep.groups if g.assessed}
    assert got == dict(expected)
    unknown = next(g for g in rep.groups if g.group == "(unknown)")
    assert unknown.not_assessed == rep.not_assessed and unknown.assessed == 0


def test_by_library_and_license_put_a_model_in_each_of_its_groups(sample_store: Store) -> None:
    cards = pq.read_table(bundled_data_dir() / "model_card.parquet",
                          columns=["frameworks"]).to_pylist()
    by_library = report(sample_store, by="library", top=1000)
    pytorch = next(g for g in by_library.groups if g.group == "pytorch")
    assert pytorch.assessed == sum("pytorch" in [f.lower() for f in r["frameworks"]]
                                   for r in cards)
    by_license = report(sample_store, by="license", top=1000)
    assert sum(g.assessed for g in by_license.groups) >= by_license.assessed
    assert {g.group for g in by_license.groups} >= {"apache-2.0", "mit", "(none)"}


def test_min_reuse_applies_to_groups(sample_store: Store) -> None:
    rep = report(sample_store, by="author", top=100_000, min_reuse=50)
    assert sum(g.models for g in rep.groups) == rep.models == sample_store.scalar(
        "SELECT count(*) FROM model_summary WHERE reuse_count >= 50")
