"""Remedies never offer a model named as a fine-tune of the very model a finding is about: it
most likely carries the same terms, whatever licence it declares (issue 18, remedies read on the
sample: ``tiennvcs/layoutlmv2-base-uncased-finetuned-docvqa`` for ``layoutlmv2-base-uncased``)."""

from __future__ import annotations

from pathlib import Path

from ptmx.licenses import check, remedies_for
from ptmx.licenses.remedies import named_after
from ptmx.store import open_store
from tests.licenses.conftest import build_license_dataset

MODELS = {
    "acme/layoutx-base-uncased": ["cc-by-nc-sa-4.0"],
    "someone/layoutx-base-uncased-finetuned-docvqa": ["cc-by-sa-4.0"],  # relabelled fine-tune
    "acme/layoutx-large": ["mit"],
}
PROJECTS = {
    "alice/app": (["mit"], ["acme/layoutx-base-uncased"]),
    "bob/a": (["mit"], ["someone/layoutx-base-uncased-finetuned-docvqa", "acme/layoutx-large"]),
    "bob/b": (["mit"], ["someone/layoutx-base-uncased-finetuned-docvqa"]),
}


def test_named_after() -> None:
    assert named_after("t/layoutlmv2-base-uncased-finetuned-docvqa", "microsoft/layoutlmv2-base-uncased")
    assert not named_after("gpt2-large", "gpt2")  # one word: a family stem, not a checkpoint
    assert not named_after("acme/layoutx-large", "acme/layoutx-base-uncased")
    assert not named_after("acme/mpt-7bx", "mosaicml/mpt-7b")


def test_a_relabelled_fine_tune_of_the_flagged_model_is_not_offered(tmp_path: Path) -> None:
    store = open_store(build_license_dataset(tmp_path / "derivs", MODELS, PROJECTS, []))
    findings = [r for r in check(store, project="alice/app").findings
                if r.model == "acme/layoutx-base-uncased"]
    assert findings and findings[0].verdict == "use-constrained"
    remedy = remedies_for(store, findings)[0]
    assert remedy is not None
    assert [a.model for a in remedy.alternatives] == ["acme/layoutx-large"]
