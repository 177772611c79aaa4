"""Each rule of the rule book (ptmx/licenses/data/rules.json) on a pair that triggers it: the rule
id that decided, the verdict, and for a few the exact texts a user reads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from ptmx.licenses import Activity, Family, Verdict, audit, knowledge, resolve, verdict_for
from ptmx.licenses.expressions import parse
from ptmx.licenses.rules import rule_book, unknown_upstream
from ptmx.licenses.symbols import KnowledgeBase, License
from ptmx.store import Store

# (rule id, upstream, downstream, activity, verdict): real licenses, as a user writes them.
CASES = [
    ("ambiguous.tag", "cc", None, "use", "ambiguous"),
    ("ambiguous.all-candidates.ok", "bsd", "mit", "use", "ok"),
    ("ambiguous.all-candidates.ok-with-obligations", "openrail", "mit", "use",
     "ok-with-obligations"),
    ("ambiguous.all-candidates.drift", "lgpl", "mit", "redistribute", "drift"),
    ("ambiguous.all-candidates.conflict", "openrail", "mit", "derive", "conflict"),
    # GPL-2.0 readings are ok for a GPL-2.0 project, GPL-3.0 ones ok-with-obligations
    ("ambiguous.all-acceptable.ok-with-obligations", "gpl", "gpl-2.0", "use",
     "ok-with-obligations"),
    ("upstream.none-recorded", None, None, "use", "unknown"),
    ("upstream.not-a-license", "classpath-exception-2.0", None, "use", "unknown"),
    ("upstream.other", "other", None, "use", "unknown"),
    ("upstream.unknown", "NOASSERTION", None, "use", "unknown"),
    ("upstream.unresolved", "no-such-license-xyz", None, "use", "unknown"),
    ("downstream.not-recorded", "gpl-3.0", None, "derive", "unknown"),
    ("downstream.not-scanned", "gpl-3.0", None, "redistribute", "unknown"),
    ("downstream.unidentified", "gpl-3.0", "cc", "redistribute", "unknown"),
    ("osadl.separate", "gpl-2.0", "gpl-2.0 WITH classpath-exception-2.0", "use",
     "ok-with-obligations"),
    ("use.public-domain", "cc0-1.0", None, "use", "ok"),
    ("use.permissive", "mit", None, "use", "ok"),
    ("use.permissive.osadl-no", "apache-2.0", "gpl-2.0", "use", "ok-with-obligations"),
    ("use.copyleft.carried", "gpl-3.0", "gpl-3.0", "use", "ok"),
    ("use.copyleft.no-project-license", "gpl-3.0", None, "use", "ok-with-obligations"),
    ("use.copyleft.not-carried", "lgpl-2.1", "mit", "use", "ok-with-obligations"),
    ("use.no-derivatives", "cc-by-nd-4.0", None, "use", "ok-with-obligations"),
    ("use.non-commercial", "cc-by-nc-4.0", "mit", "use", "use-constrained"),
    ("use.use-restricted", "creativeml-openrail-m", None, "use", "ok-with-obligations"),
    ("use.custom-agreement", "sissl", None, "use", "ok-with-obligations"),
    ("use.custom-agreement.limited", "llama3", None, "use", "use-constrained"),
    ("use.no-grant", "NONE", None, "use", "use-constrained"),
    ("redistribute.no-grant", "NONE", None, "redistribute", "conflict"),
    ("redistribute.public-domain", "cc0-1.0", None, "redistribute", "ok"),
    ("redistribute.obligations", "mit", None, "redistribute", "ok-with-obligations"),
    ("redistribute.obligations.verbatim", "cc-by-nd-4.0", "cc-by-nd-4.0", "redistribute",
     "ok-with-obligations"),
    ("redistribute.permissive.osadl-no-copyleft", "apache-2.0", "gpl-2.0", "redistribute",
     "conflict"),
    ("redistribute.gpl-restriction", "llama3", "gpl-3.0", "redistribute", "conflict"),
    ("redistribute.no-project-license", "gpl-3.0", "NONE", "redistribute",
     "ok-with-obligations"),
    ("redistribute.no-project-license.limited", "llama3", "NONE", "redistribute",
     "use-constrained"),
    ("redistribute.copyleft.not-carried", "gpl-3.0", "mit", "redistribute", "conflict"),
    ("redistribute.weak-copyleft.not-carried", "lgpl-2.1", "mit", "redistribute", "drift"),
    ("redistribute.no-derivatives.relicensed", "cc-by-nd-4.0", "mit", "redistribute", "drift"),
    ("redistribute.non-commercial.kept", "cc-by-nc-4.0", "cc-by-nc-4.0", "redistribute",
     "use-constrained"),
    ("redistribute.non-commercial.commercial", "cc-by-nc-4.0", "mit", "redistribute", "drift"),
    ("redistribute.use-restricted.dropped", "creativeml-openrail-m", "mit", "redistribute",
     "conflict"),
    ("redistribute.custom-agreement.kept", "sissl", "sissl", "redistribute",
     "ok-with-obligations"),
    ("redistribute.custom-agreement.kept.limited", "llama3", "llama3", "redistribute",
     "use-constrained"),
    ("redistribute.custom-agreement.misstated", "llama3", "mit", "redistribute", "conflict"),
    ("derive.no-grant", "NONE", None, "derive", "conflict"),
    ("derive.no-derivatives", "cc-by-nd-4.0", "mit", "derive", "conflict"),
    ("derive.public-domain", "cc0-1.0", "mit", "derive", "ok"),
    ("derive.permissive", "mit", "apache-2.0", "derive", "ok-with-obligations"),
    ("derive.permissive.osadl-no-copyleft", "apache-2.0", "gpl-2.0", "derive", "conflict"),
    ("derive.gpl-restriction", "llama3", "gpl-3.0", "derive", "conflict"),
    ("derive.copyleft.carried", "gpl-3.0", "gpl-3.0", "derive", "ok-with-obligations"),
    ("derive.copyleft.carried.limited", "cc-by-nc-sa-4.0", "cc-by-nc-sa-4.0", "derive",
     "use-constrained"),
    ("derive.copyleft.further-restrictions", "cc-by-sa-4.0",
     "gpl-3.0 AND creativeml-openrail-m", "derive", "conflict"),
    ("derive.copyleft.no-license", "gpl-3.0", "NONE", "derive", "conflict"),
    ("derive.copyleft.relicensed", "gpl-3.0", "mit", "derive", "conflict"),
    ("derive.weak-copyleft.relicensed", "lgpl-2.1", "mit", "derive", "drift"),
    ("derive.non-commercial.kept", "cc-by-nc-4.0", "cc-by-nc-4.0", "derive", "use-constrained"),
    ("derive.non-commercial.no-license", "cc-by-nc-4.0", "NONE", "derive", "use-constrained"),
    ("derive.non-commercial.commercial", "cc-by-nc-4.0", "apache-2.0", "derive", "drift"),
    ("derive.use-restricted.carried", "creativeml-openrail-m", "creativeml-openrail-m",
     "derive", "ok-with-obligations"),
    ("derive.use-restricted.dropped", "creativeml-openrail-m", "mit", "derive", "conflict"),
    ("derive.custom-agreement.kept", "sissl", "sissl", "derive", "ok-with-obligations"),
    ("derive.custom-agreement.kept.limited", "llama3", "llama3", "derive", "use-constrained"),
    ("derive.custom-agreement.left", "llama3", "mit", "derive", "conflict"),
]
# Rules that no real pair of today's knowledge base reaches; each has its own test below.
SPECIAL = {
    "upstream.family-tag", "upstream.base-outside-dataset", "osadl.separate.derive",
    "redistribute.obligations.limited", "redistribute.obligations.verbatim.limited",
    "redistribute.permissive.osadl-no", "derive.permissive.osadl-no",
    "ambiguous.all-candidates.use-constrained",
}


@pytest.mark.parametrize(("rule_id", "upstream", "downstream", "activity", "verdict"), CASES,
                         ids=[c[0] for c in CASES])
def test_the_rule_decides(rule_id: str, upstream: str | None, downstream: str | None,
                          activity: str, verdict: str) -> None:
    judged = verdict_for(upstream, downstream, activity)
    assert (judged.rule_id, judged.verdict) == (rule_id, Verdict(verdict))
    text = rule_book().rules[rule_id]
    assert judged.verdict is text.verdict
    assert judged.reason == f"{judged.rule}: {judged.explanation}" and judged.fix


def test_every_rule_of_the_book_has_a_case() -> None:
    assert {c[0] for c in CASES} | SPECIAL == set(rule_book().rules)


def test_texts_are_filled_from_the_licenses_involved() -> None:
    v = verdict_for("GPL-3.0-only", "MIT", "derive")
    assert v.explanation == ("The derived model declares MIT, but GPL-3.0-only requires "
                             "GPL-3.0-only or AGPL-3.0-only for modified versions.")
    assert v.fix == ("Relicense the derived model under GPL-3.0-only or AGPL-3.0-only, or derive "
                     "from a base whose licence allows MIT.")
    assert v.rule.startswith("GPL-3.0 §5(c)")
    v = verdict_for("CC-BY-NC-4.0", "NONE", "use")
    assert v.explanation == (
        "Every user of the project is bound to non-commercial use of the model; the project's "
        "licence does not change that. The project itself declares no licence: its own code is "
        "all rights reserved, which limits reuse of the project, not its use of the model.")
    v = verdict_for("no-such-license-xyz", None, "use")
    assert "'no-such-license-xyz' is not a known licence id" in v.explanation


def test_folding_notes_name_the_expression() -> None:
    v = verdict_for("mit AND cc-by-nc-4.0", "mit", "use")
    assert v.rule_id == "use.non-commercial"
    assert v.explanation.endswith(" (All of MIT AND CC-BY-NC-4.0 apply; this is the strictest "
                                  "term.)")
    v = verdict_for("mit OR gpl-3.0", "mit", "derive")
    assert v.rule_id == "derive.permissive"
    assert v.explanation.endswith(" (MIT OR GPL-3.0-only: the licensee may choose MIT, the most "
                                  "favourable branch.)")


def test_a_family_tag_met_directly_asks_for_the_exact_id() -> None:
    tag = resolve("openrail")
    assert tag is not None and tag.family is Family.AMBIGUOUS
    out = unknown_upstream(tag, Activity.USE)
    assert out.rule_id == "upstream.family-tag" and out.verdict is Verdict.AMBIGUOUS
    assert out.fix == "Use the exact licence id."


def test_a_base_outside_the_dataset_is_unknown(license_store: Store) -> None:
    rec = next(r for r in audit(license_store).records if r.derived == "acme/ghost-ft")
    assert rec.verdict == "unknown" and rec.rule == "base model not in the dataset"
    assert rec.reason == ("[adapter] base model not in the dataset: The base model ghost/base is "
                          "not in this dataset, so its licence is unknown.")


# ------------------------------------------------------------------------------------ synthetic
@pytest.fixture
def extra_licenses(monkeypatch: pytest.MonkeyPatch) -> Iterator[KnowledgeBase]:
    """The knowledge base with room for made-up records and OSADL opinions (caches cleared
    before and after, so no other test sees them)."""
    kb = knowledge()
    monkeypatch.setattr(kb, "records", dict(kb.records))
    monkeypatch.setattr(kb, "_by_lower", dict(kb._by_lower))
    for cache in (parse, verdict_for):
        cache.cache_clear()
    yield kb
    for cache in (parse, verdict_for):
        cache.cache_clear()


def _add(kb: KnowledgeBase, lic: License) -> None:
    kb.records[lic.symbol] = lic
    kb._by_lower[lic.symbol.lower()] = lic


def _osadl_no(monkeypatch: pytest.MonkeyPatch, upstream: str, downstream: str) -> None:
    real = KnowledgeBase.osadl

    def osadl(self: KnowledgeBase, u: str, d: str) -> str | None:
        return "no" if (u, d) == (upstream, downstream) else real(self, u, d)

    monkeypatch.setattr(KnowledgeBase, "osadl", osadl)


def test_capped_commercial_use_makes_shipping_duties_bind_every_user(
        extra_licenses: KnowledgeBase) -> None:
    mit = resolve("mit")
    nd = resolve("cc-by-nd-4.0")
    assert mit is not None and nd is not None
    _add(extra_licenses, replace(mit, symbol="LicenseRef-test-capped", commercial="capped"))
    _add(extra_licenses, replace(nd, symbol="LicenseRef-test-nd-capped", commercial="capped"))
    v = verdict_for("LicenseRef-test-capped", None, "redistribute")
    assert (v.rule_id, v.verdict) == ("redistribute.obligations.limited",
                                      Verdict.USE_CONSTRAINED)
    assert v.explanation.startswith("Shipping the weights under ")
    v = verdict_for("LicenseRef-test-nd-capped", "LicenseRef-test-nd-capped", "redistribute")
    assert (v.rule_id, v.verdict) == ("redistribute.obligations.verbatim.limited",
                                      Verdict.USE_CONSTRAINED)
    assert v.explanation.startswith("Shipping the weights verbatim under ")


def test_osadl_no_between_permissive_licenses_is_drift(extra_licenses: KnowledgeBase,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _osadl_no(monkeypatch, "MIT", "Apache-2.0")
    v = verdict_for("mit", "apache-2.0", "redistribute")
    assert (v.rule_id, v.verdict) == ("redistribute.permissive.osadl-no", Verdict.DRIFT)
    assert v.rule == "OSADL compatibility matrix: MIT in a Apache-2.0 work = No"
    v = verdict_for("mit", "apache-2.0", "derive")
    assert (v.rule_id, v.verdict) == ("derive.permissive.osadl-no", Verdict.DRIFT)
    assert v.explanation == "MIT material cannot be relicensed under Apache-2.0."


def test_osadl_no_turns_a_public_domain_ok_into_obligations(
        extra_licenses: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    _osadl_no(monkeypatch, "CC0-1.0", "MIT")
    v = verdict_for("cc0-1.0", "mit", "derive")
    assert (v.rule_id, v.verdict) == ("osadl.separate.derive", Verdict.OK_WITH_OBLIGATIONS)
    assert v.explanation.endswith("However, CC0-1.0 material cannot become part of a MIT work: "
                                  "keep it separate.")
    assert v.fix == "Declare a licence compatible with CC0-1.0."


def test_a_family_tag_whose_every_reading_agrees_is_decided() -> None:
    v = verdict_for("openrail", "mit", "derive")
    assert v.verdict is Verdict.CONFLICT
    assert "every candidate (CreativeML OpenRAIL-M, CreativeML Open RAIL++-M" in v.explanation
    assert "so conflict holds for every reading of the tag" in v.explanation
    assert v.rule.startswith("'openrail' family tag, every reading: ")
    assert v.fix.endswith("Replace the tag with the exact licence id on the model card all the "
                          "same (e.g. creativeml-openrail-m).")
    # candidates that disagree keep the tag ambiguous
    assert verdict_for("cc", "mit", "use").verdict is Verdict.AMBIGUOUS
    # candidates that agree only on "unknown" (nothing scanned) stay undecided as well
    assert verdict_for("openrail", None, "redistribute").verdict is Verdict.AMBIGUOUS


def test_family_tag_of_non_commercial_readings_is_use_constrained(
        extra_licenses: KnowledgeBase) -> None:
    tag = resolve("cc")
    assert tag is not None
    _add(extra_licenses, replace(tag, symbol="LicenseRef-test-family-nc",
                                 candidates=("CC-BY-NC-4.0", "CC-BY-NC-SA-4.0")))
    v = verdict_for("LicenseRef-test-family-nc", "mit", "use")
    assert (v.rule_id, v.verdict) == ("ambiguous.all-candidates.use-constrained",
                                      Verdict.USE_CONSTRAINED)
    assert "holds for every reading of the tag" in v.explanation


def test_family_tag_whose_readings_all_pass_reports_the_strictest() -> None:
    # ok under GPL-2.0, ok-with-obligations under GPL-3.0: no reading is a finding, and the
    # answer must not depend on whether the project also offers MIT ("mit OR gpl-2.0" was
    # decided while "gpl-2.0" alone was ambiguous)
    alone = verdict_for("gpl", "gpl-2.0", "use")
    either = verdict_for("gpl", "mit OR gpl-2.0", "use")
    assert alone.verdict is either.verdict is Verdict.OK_WITH_OBLIGATIONS
    assert "GPL-3.0" in alone.rule and "strictest" in alone.explanation
    assert verdict_for("gpl", "gpl-2.0", "derive").verdict is Verdict.AMBIGUOUS  # a real split
