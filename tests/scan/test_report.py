"""Joining references with the dataset, and the findings the license engine and card rules give."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from ptmx.cards import CardAssessment
from ptmx.errors import NotFoundError, UsageError
from ptmx.licenses.vocabulary import Verdict
from ptmx.scan.checks import VerdictFn, license_check
from ptmx.scan.report import ScanReport, scan_project
from ptmx.store import Store

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class FakeVerdict:
    """What a stand-in license engine answers (the fields the scan reads)."""

    verdict: str
    reason: str = ""
    fix: str = ""
    rule: str = ""


def fake_engine(table: dict[str, str], fix: str = "do X") -> VerdictFn:
    """A stand-in license engine: upstream expression → verdict label (ok otherwise)."""
    def verdict_for(upstream: str | None, downstream: str | None, activity: str) -> FakeVerdict:
        return FakeVerdict(table.get(upstream or "", "ok"), f"{upstream} vs {downstream}", fix,
                           "§1")
    return verdict_for


def no_cards(store: Store, ids: Sequence[int]) -> list[CardAssessment]:
    """A stand-in for the card rules that finds nothing to assess."""
    return []


def _fake_scan(sample_store: Store, folder: str = "chatbot") -> ScanReport:
    return scan_project(FIXTURES / folder, sample_store,
                        verdict_fn=fake_engine({"cc-by-nc-4.0": "drift", "mit": "conflict"}),
                        assess_many=no_cards)


def test_models_are_joined_with_the_dataset(sample_store: Store) -> None:
    report = scan_project(FIXTURES / "chatbot", sample_store)
    by_name = {m.model: m for m in report.models}
    assert set(by_name) == {"facebook/bart-large-cnn", "sentence-transformers/all-MiniLM-L6-v2",
                            "tiiuae/falcon-7b-instruct", "xlm-mlm-en-2048"}
    # The short SentenceTransformer name was matched to the dataset's full id.
    st = by_name["sentence-transformers/all-MiniLM-L6-v2"]
    assert st.in_dataset and st.references[0].text == "all-MiniLM-L6-v2"
    assert by_name["xlm-mlm-en-2048"].licenses == ["cc-by-nc-4.0"]
    bart = by_name["facebook/bart-large-cnn"]
    assert [(r.path, r.line) for r in bart.references] == [("chatbot/models.py", 10),
                                                           ("chatbot/models.py", 11)]
    assert bart.card is not None and bart.card["task"] == "summarization"
    falcon = by_name["tiiuae/falcon-7b-instruct"]
    assert [b["base_model"] for b in falcon.base_models] == ["tiiuae/falcon-7b"]
    assert report.project == {"name": "chatbot", "version": "0.3.0"}
    assert report.project_license.expression == "MIT"
    assert [r.reason for r in report.unresolved] == ['f-string f"acme/lang-{lang}"']


def test_models_outside_the_dataset_are_reported(sample_store: Store) -> None:
    report = scan_project(FIXTURES / "patterns", sample_store)
    unknown = {f.model for f in report.findings if f.rule == "model-unknown"}
    assert unknown == {"acme/private-llm", "acme/chat-lora", "pytorch/vision:resnet18"}


def test_verdicts_become_findings_with_fix_and_locations(sample_store: Store) -> None:
    report = _fake_scan(sample_store)
    xlm = next(m for m in report.models if m.model == "xlm-mlm-en-2048")
    assert xlm.verdict is not None
    assert (xlm.verdict.verdict, xlm.verdict.downstream) == (Verdict.DRIFT, "MIT")
    drift = [f for f in report.findings if f.rule == "license-drift"]
    assert [f.model for f in drift] == ["xlm-mlm-en-2048"]
    assert drift[0].fix == "do X"
    assert drift[0].locations[0]["path"] == "chatbot/models.py"
    conflict = [f.model for f in report.findings if f.rule == "license-conflict"]
    assert conflict == ["facebook/bart-large-cnn"]  # the fake calls every mit model a conflict


def test_fail_on_thresholds(sample_store: Store) -> None:
    report = _fake_scan(sample_store)
    assert {f.rule for f in report.failing(["conflict"])} == {"license-conflict"}
    assert {f.rule for f in report.failing(["drift"])} == {"license-conflict", "license-drift"}
    assert report.failing(["critical"]) == []  # the fake card engine checks nothing


def test_project_without_license_is_judged_as_declaring_none(
        tmp_path: Path, sample_store: Store) -> None:
    seen: list[str | None] = []

    def verdict_for(upstream: str | None, downstream: str | None, activity: str) -> FakeVerdict:
        seen.append(downstream)
        return FakeVerdict("ok")

    (tmp_path / "app.py").write_text('from transformers import AutoModel\n'
                                     'AutoModel.from_pretrained("gpt2")\n')
    scan_project(tmp_path, sample_store, verdict_fn=verdict_for)
    (tmp_path / "LICENSE").write_text("All rights reserved, except as our lawyers say.\n")
    scan_project(tmp_path, sample_store, verdict_fn=verdict_for)
    assert seen == ["NONE", None]  # no license vs a license nobody recognised


def test_real_engines_flag_the_non_commercial_model(sample_store: Store) -> None:
    report = scan_project(FIXTURES / "chatbot", sample_store)
    assert report.engines["licenses"] == "ptmx.licenses" and report.warnings == []
    xlm = next(m for m in report.models if m.model == "xlm-mlm-en-2048")
    assert xlm.verdict is not None and xlm.verdict.verdict is Verdict.USE_CONSTRAINED
    assert xlm.verdict.category == "constrained" and xlm.verdict.fix
    assert any(f.model == "xlm-mlm-en-2048" and f.rule.startswith("license-")
               for f in report.findings)


def test_real_card_rules_report_missing_fields(sample_store: Store) -> None:
    report = scan_project(FIXTURES / "chatbot", sample_store)
    bart = next(m for m in report.models if m.model == "facebook/bart-large-cnn")
    assert bart.card_check is not None and bart.card_check.assessed
    assert bart.card_check.completeness is not None and 0 <= bart.card_check.completeness <= 100
    assert [g.severity for g in bart.card_check.missing_of("critical")] == ["critical"]
    # A model without card data is "not assessed", never "missing everything".
    st = next(m for m in report.models if m.model.endswith("all-MiniLM-L6-v2"))
    assert st.card_check is not None and not st.card_check.assessed
    assert not any(f.model == st.model and f.rule.startswith("card-") for f in report.findings)


@pytest.mark.parametrize(("label", "category", "finding"), [
    ("ok", "ok", False), ("ok-with-obligations", "obligations", False),
    ("use-constrained", "constrained", True), ("drift", "drift", True),
    ("conflict", "conflict", True), ("ambiguous", "unknown", True), ("unknown", "unknown", True),
])
def test_every_engine_verdict_has_a_category(label: str, category: str, finding: bool) -> None:
    got = license_check(FakeVerdict(label, "NC binds users", "buy a license", "§2"),
                        "cc-by-nc-4.0", "MIT", "use")
    assert (got.verdict, got.category, got.finding) == (Verdict(label), category, finding)
    assert (got.reason, got.fix, got.clause) == ("NC binds users", "buy a license", "§2")


def test_an_unknown_engine_verdict_fails_loudly() -> None:
    with pytest.raises(ValueError):
        license_check(FakeVerdict("something new"), "mit", "MIT", "use")


def test_bad_paths_are_one_line_errors(sample_store: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        scan_project(tmp_path / "nope", sample_store)
    (tmp_path / "file.py").write_text("x = 1\n")
    with pytest.raises(UsageError):
        scan_project(tmp_path / "file.py", sample_store)
    with pytest.raises(UsageError):
        scan_project(tmp_path, sample_store, activity="sell")


def test_gitignored_and_vendored_code_is_not_scanned(tmp_path: Path,
                                                     sample_store: Store) -> None:
    shutil.copytree(FIXTURES / "chatbot", tmp_path / "p")
    root = tmp_path / "p"
    (root / ".gitignore").write_text("scratch/\n")
    loader = 'from transformers import AutoModel\nAutoModel.from_pretrained("gpt2")\n'
    for folder in ("scratch", ".venv/lib", "node_modules/x"):
        (root / folder).mkdir(parents=True)
        (root / folder / "extra.py").write_text(loader)
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    report: ScanReport = scan_project(root, sample_store)
    assert "gpt2" not in {m.model for m in report.models}
    assert report.stats["ignored"] == 1
