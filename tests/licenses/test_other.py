"""Licences since 2023 and ``license: other`` (issue 18): today's Hub tags resolve with a source,
and ``other`` is read through license_name, license_link or the model family."""

from __future__ import annotations

import pytest

from ptmx.licenses import Family, Verdict, audit, resolve, verdict_for
from ptmx.licenses.other import resolve_other
from ptmx.store import Store

# Hub tags and card license_name slugs that cover many recent models → family
RECENT = [
    ("open-mdw", "OpenMDW-1.0", Family.PERMISSIVE),
    ("openmdw-1.1", "LicenseRef-ptmx-openmdw-1.1", Family.PERMISSIVE),
    ("llama3.3", "LicenseRef-ptmx-llama3.3", Family.CUSTOM_AGREEMENT),
    ("llama4", "LicenseRef-ptmx-llama4", Family.CUSTOM_AGREEMENT),
    ("gemma", "LicenseRef-ptmx-gemma", Family.CUSTOM_AGREEMENT),
    ("tongyi-qianwen", "LicenseRef-ptmx-qwen", Family.CUSTOM_AGREEMENT),
    ("qwen-research", "LicenseRef-ptmx-qwen-research", Family.NON_COMMERCIAL),
    ("deepseek", "LicenseRef-ptmx-deepseek", Family.CUSTOM_AGREEMENT),
    ("mrl", "LicenseRef-ptmx-mistral-research", Family.NON_COMMERCIAL),
    ("mnpl", "LicenseRef-ptmx-mistral-non-production", Family.NON_COMMERCIAL),
    ("flux-1-dev-non-commercial-license", "LicenseRef-ptmx-flux-1-dev-nc",
     Family.NON_COMMERCIAL),
    ("nvidia-open-model-license", "LicenseRef-ptmx-nvidia-open-model", Family.CUSTOM_AGREEMENT),
    ("falcon-llm-license", "LicenseRef-ptmx-falcon-tii", Family.CUSTOM_AGREEMENT),
    ("apple-amlr", "LicenseRef-ptmx-apple-amlr", Family.NON_COMMERCIAL),
    ("apple-ascl", "LicenseRef-ptmx-apple-ascl", Family.PERMISSIVE),
]


@pytest.mark.parametrize(("tag", "symbol", "family"), RECENT, ids=[r[0] for r in RECENT])
def test_recent_licences_resolve_with_a_source(tag: str, symbol: str, family: Family) -> None:
    lic = resolve(tag)
    assert lic is not None and (lic.symbol, lic.family) == (symbol, family)
    assert lic.url and lic.url.startswith("https://") and lic.source


def test_refreshed_records_say_which_text_they_were_read_from() -> None:
    for tag in ("llama3.1", "gemma", "mrl", "open-mdw", "deepseek"):
        lic = resolve(tag)
        assert lic is not None and lic.version, tag


def test_other_resolved_by_license_name_first() -> None:
    found = resolve_other("mrl", "https://example.org/whatever", "acme/model")
    assert found is not None and found.how == "license_name"
    assert found.license.symbol == "LicenseRef-ptmx-mistral-research"
    assert verdict_for(found.license.symbol, "apache-2.0", "derive").verdict is Verdict.DRIFT


def test_other_resolved_by_license_link_then_model_family() -> None:
    found = resolve_other("my-custom-terms", "https://ai.google.dev/gemma/terms")
    assert found is not None and (found.how, found.license.symbol) == (
        "license_link", "LicenseRef-ptmx-gemma")
    found = resolve_other(None, "LICENSE", "facebook/opt-1.3b")
    assert found is not None and (found.how, found.license.symbol) == (
        "model family", "LicenseRef-ptmx-opt-175b")
    assert "metaseq" in found.source
    assert resolve_other("other", None, "acme/unheard-of") is None


def test_sample_links_of_other_models_are_decided_by_family(sample_store: Store) -> None:
    recs = [r for r in audit(sample_store).records
            if r.kind == "link" and r.model == "facebook/opt-350m"]
    assert recs and all(r.upstream == "other" for r in recs)
    assert all(r.verdict == "use-constrained" for r in recs)
    assert "read as OPT-175B License Agreement" in recs[0].reason
    # a model of no known family keeps 'other' undecided
    other = [r for r in audit(sample_store).records
             if r.kind == "link" and r.model == "Ayaka/bart-base-cantonese"]
    assert other and all(r.verdict == "unknown" for r in other)
