"""Named queries on the bundled sample: search, model page, project page, stats."""

from __future__ import annotations

import csv
import sqlite3
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.errors import NotFoundError
from ptmx.ingest import sqlite_import
from ptmx.store import Store, model_page, open_store, project_page, search_models, stats
from tests.conftest import ARTIFACT


def test_stats_match_the_artifact(sample_store: Store) -> None:
    result = stats(sample_store)
    assert (result["models"], result["projects"], result["links"]) == (2421, 7956, 22860)
    assert result["hubs"] == 1 and result["licenses"] > 20


def test_search_puts_exact_and_prefix_matches_first(sample_store: Store) -> None:
    names = search_models(sample_store, "gpt2", limit=5).column("model").to_pylist()
    assert names[0] == "gpt2"
    assert all("gpt2" in n.lower() for n in names)


def test_search_pages_do_not_overlap(sample_store: Store) -> None:
    first = search_models(sample_store, "", limit=50).column("model").to_pylist()
    second = search_models(sample_store, "", limit=50, offset=50).column("model").to_pylist()
    assert len(first) == len(second) == 50 and not set(first) & set(second)


def test_search_sorts_by_any_column(sample_store: Store) -> None:
    rows = search_models(sample_store, "", limit=20, order_by="reuse_count").to_pylist()
    counts = [r["reuse_count"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    assert rows[0]["model"] == "spacy/en_core_web_sm"


def test_model_page_lists_every_reusing_project(sample_store: Store) -> None:
    page = model_page(sample_store, "https://huggingface.co/bert-base-uncased")
    assert page.model == "bert-base-uncased" and page.licenses == ["apache-2.0"]
    assert len(page.projects) == page.reuse_count == 1704


@pytest.mark.skipif(not (ARTIFACT / "mapping.csv").exists(), reason="needs ../shared artifact")
def test_model_page_projects_equal_mapping_csv(sample_store: Store) -> None:
    expected: dict[str, set[str]] = defaultdict(set)
    with (ARTIFACT / "mapping.csv").open() as handle:
        for project, model, _url, _lic in csv.reader(handle):
            expected[model].add(project.removeprefix("github.com/"))
    for model in ("gpt2", "roberta-base", "openai/clip-vit-base-patch32"):
        got = {p["project"] for p in model_page(sample_store, model).projects}
        assert got == expected[model]


def test_model_page_shows_card_and_base_model(sample_store: Store) -> None:
    page = model_page(sample_store, "nomic-ai/gpt4all-j")
    assert page.card is not None and page.card["hardware"].startswith("DGX")
    assert [b["base_model"] for b in page.base_models] == ["EleutherAI/gpt-j-6b"]


def test_unknown_model_suggests_close_names(sample_store: Store) -> None:
    with pytest.raises(NotFoundError) as info:
        model_page(sample_store, "bert-base-uncasd")
    assert "bert-base-uncased" in info.value.one_line()


def test_project_page_distinguishes_no_license_from_unscanned(sample_store: Store) -> None:
    none_found = project_page(sample_store, "NoviScl/GPT3-Reliability")
    assert none_found.licenses == [] and [m["model"] for m in none_found.models] == ["gpt2"]
    licensed = project_page(sample_store, "github.com/000alen/Phaedra")
    assert licensed.licenses == ["mit"]


def test_unknown_project_is_not_found(sample_store: Store) -> None:
    with pytest.raises(NotFoundError, match="owner/name"):
        project_page(sample_store, "nobody/nothing-here")


def test_any_of_licenses_filter_and_its_count_agree(sample_store: Store) -> None:
    from ptmx.store import count_models

    tags = ["cc-by-nc-4.0", "CC-BY-NC-SA-4.0"]
    rows = search_models(sample_store, "", limit=5000, licenses=tags).to_pylist()
    assert rows and all({"cc-by-nc-4.0", "cc-by-nc-sa-4.0"} & set(r["license"].split(" AND "))
                        for r in rows)
    assert count_models(sample_store, "", licenses=tags) == len(rows)
    assert count_models(sample_store, "bert", license="apache-2.0") == len(
        search_models(sample_store, "bert", license="apache-2.0", limit=5000))
    assert search_models(sample_store, "", licenses=[]).num_rows == 0


@pytest.mark.parametrize("text", ["", "bert", "BERT-base", "gpt2", "roberta", "xlm", "/", "zzqx"])
@pytest.mark.parametrize(("limit", "offset"), [(5, 0), (20, 7), (100, 0), (50, 300)])
def test_fast_default_order_equals_the_sorted_query(sample_store: Store, text: str, limit: int,
                                                    offset: int) -> None:
    """The early-stopping search returns exactly what ORDER BY rank, downloads, model gives."""
    fast = search_models(sample_store, text, limit=limit, offset=offset)
    needle = text.strip().lower()
    expected = sample_store.query(
        """SELECT model FROM model_summary WHERE ? = '' OR contains(model_lc, ?)
           ORDER BY CASE WHEN ? = '' THEN 0 WHEN model_lc = ? THEN 0
                         WHEN starts_with(model_lc, ?) OR contains(model_lc, '/' || ?) THEN 1
                         ELSE 2 END, downloads DESC NULLS LAST, model
           LIMIT ? OFFSET ?""", [needle] * 6 + [limit, offset])
    assert fast.column("model").to_pylist() == expected.column("model").to_pylist()


def test_model_page_lists_names_sorted_once_and_lineage_both_ways(
        peatmoss_db: Path, tmp_path: Path) -> None:
    con = sqlite3.connect(peatmoss_db)
    con.executescript("""
        CREATE TABLE tag (id INTEGER PRIMARY KEY, name VARCHAR);
        CREATE TABLE model_to_tag (model_id INTEGER, tag_id INTEGER);
        INSERT INTO tag VALUES (1, 'pytorch'), (2, 'bert'), (3, 'fill-mask');
        -- a repeated pair, as a full import may hold
        INSERT INTO model_to_tag VALUES (1, 1), (1, 2), (1, 3), (1, 2), (2, 1);
    """)
    con.commit()
    con.close()
    out = tmp_path / "ds"
    sqlite_import.import_sqlite(peatmoss_db, out)
    # gpt2 is a base by id; acme/tiny-llm is named by a card only (no id recorded).
    pq.write_table(pa.table({
        "model_id": [4, 3], "model": ["acme/tiny-llm-ft", "acme/tiny-llm"],
        "base_model": ["acme/tiny-llm", "gpt2"], "base_model_id": [None, 2],
        "relation": ["finetune", "quantized"], "source": ["card", "card"]}), out / "model_base.parquet")
    store = open_store(out)
    bert = model_page(store, "bert-base-uncased")
    assert bert.tags == ["bert", "fill-mask", "pytorch"]
    assert bert.datasets == [] and "model_to_dataset" in bert.missing_tables
    assert "model_to_tag" not in bert.missing_tables and "model_base" not in bert.missing_tables
    assert model_page(store, "gpt2").derived_models == [
        {"model": "acme/tiny-llm", "relation": "quantized", "source": "card"}]
    tiny = model_page(store, "acme/tiny-llm")
    assert tiny.base_models == [{"base_model": "gpt2", "in_dataset": True, "relation": "quantized",
                                 "source": "card"}]
    assert [d["model"] for d in tiny.derived_models] == ["acme/tiny-llm-ft"]
    ft = model_page(store, "acme/tiny-llm-ft")
    assert ft.derived_models == [] and ft.tags == []


def test_model_lists_are_right_when_link_files_are_not_in_model_order(
        peatmoss_db: Path, tmp_path: Path) -> None:
    """A link table written in any order (row groups overlapping in model_id) is sorted into
    the cache; a page lists its names sorted, once, without the unnamed ones."""
    out = tmp_path / "ds"
    sqlite_import.import_sqlite(peatmoss_db, out)
    pq.write_table(pa.table({"id": [1, 2, 3, 4], "name": ["pytorch", "bert", None, "Émoji"]}),
                   out / "tag.parquet")
    # Row groups of two rows: model 1's rows in the first and last groups.
    pq.write_table(pa.table({"model_id": [1, 2, 3, 2, 1, 1], "tag_id": [1, 1, 2, 4, 3, 2]}),
                   out / "model_to_tag.parquet", row_group_size=2)
    store = open_store(out)
    assert model_page(store, "bert-base-uncased").tags == ["bert", "pytorch"]
    assert model_page(store, "gpt2").tags == ["pytorch", "Émoji"]
    assert model_page(store, "acme/tiny-llm").tags == ["bert"]
    assert model_page(store, "acme/tiny-llm-ft").tags == []


def test_model_lookup_prefers_the_exact_spelling_then_the_lowest_id(tmp_path: Path) -> None:
    from tests.conftest import make_peatmoss_db

    db = make_peatmoss_db(tmp_path / "p.db")
    con = sqlite3.connect(db)
    con.execute("INSERT INTO model VALUES (9, 'Acme/Tiny-LLM', 1, 's', 'u', 5, 0, 1, NULL, NULL)")
    con.commit()
    con.close()
    out = tmp_path / "ds"
    sqlite_import.import_sqlite(db, out)
    store = open_store(out)
    assert model_page(store, "Acme/Tiny-LLM").id == 9
    assert model_page(store, "acme/tiny-llm").id == 3
    assert model_page(store, "ACME/TINY-LLM").id == 3
    page = model_page(store, "gpt2")
    assert (page.repo_url, page.sha) == ("https://huggingface.co/gpt2", "sha2")
