"""Verdicts per licence family and activity, with the rule, the reason and a fix."""

from __future__ import annotations

import pytest

from ptmx.errors import UsageError
from ptmx.licenses import Activity, Family, knowledge, link_activity, verdict_for

CASES = [
    # upstream, downstream, activity, verdict
    # public domain and permissive
    ("cc0-1.0", "mit", "derive", "ok"),
    ("unlicense", "NONE", "redistribute", "ok"),
    ("apache-2.0", "mit", "use", "ok"),
    ("apache-2.0", "mit", "redistribute", "ok-with-obligations"),
    ("mit", "cc-by-nc-4.0", "derive", "ok-with-obligations"),
    ("cc-by-4.0", "apache-2.0", "derive", "ok-with-obligations"),
    # weak and strong copyleft
    ("lgpl-2.1", "mit", "use", "ok-with-obligations"),
    ("lgpl-2.1", "gpl-2.0", "derive", "ok-with-obligations"),
    ("lgpl-2.1", "mit", "derive", "drift"),
    ("gpl-3.0", "mit", "use", "ok-with-obligations"),
    ("gpl-3.0", "gpl-3.0", "use", "ok"),
    ("gpl-3.0", "apache-2.0", "derive", "conflict"),
    ("gpl-3.0-plus", "gpl-3.0", "derive", "ok-with-obligations"),
    ("gpl-3.0", "gpl-3.0-plus", "derive", "conflict"),  # OSADL: -only cannot become or-later
    ("gpl-3.0", "mit", "redistribute", "conflict"),
    ("agpl-3.0", "agpl-3.0", "derive", "ok-with-obligations"),
    # share-alike
    ("cc-by-sa-4.0", "cc-by-sa-4.0", "derive", "ok-with-obligations"),
    ("cc-by-sa-4.0", "gpl-3.0", "derive", "ok-with-obligations"),  # BY-SA → GPLv3 one way
    ("gpl-3.0", "cc-by-sa-4.0", "derive", "conflict"),
    ("cc-by-sa-4.0", "mit", "derive", "conflict"),
    ("cc-by-sa-4.0", "cc-by-sa-4.0 AND cc-by-nc-4.0", "derive", "conflict"),  # no extra terms
    # non-commercial
    ("cc-by-nc-4.0", "mit", "use", "use-constrained"),
    ("cc-by-nc-4.0", "mit AND cc-by-nc-4.0", "redistribute", "use-constrained"),
    ("cc-by-nc-4.0", "mit", "redistribute", "drift"),
    ("cc-by-nc-4.0", "apache-2.0", "derive", "drift"),
    ("cc-by-nc-4.0", "cc-by-nc-sa-4.0", "derive", "use-constrained"),
    ("cc-by-nc-4.0", "gpl-3.0", "derive", "conflict"),
    ("cc-by-nc-sa-4.0", "cc-by-nc-sa-4.0", "derive", "use-constrained"),
    ("cc-by-nc-sa-4.0", "cc-by-nc-4.0", "derive", "conflict"),
    ("deepfloyd-if-license", "apache-2.0", "use", "use-constrained"),
    # no-derivatives
    ("cc-by-nd-4.0", "mit", "use", "ok-with-obligations"),
    ("cc-by-nd-4.0", "cc-by-nd-4.0", "derive", "conflict"),
    ("cc-by-nc-nd-4.0", "cc-by-nc-nd-4.0", "redistribute", "use-constrained"),
    ("cc-by-nc-nd-4.0", "cc-by-nc-nd-4.0", "derive", "conflict"),
    # use-restricted (RAIL)
    ("creativeml-openrail-m", "apache-2.0", "use", "ok-with-obligations"),
    ("creativeml-openrail-m", "mit AND stable-diffusion-2022-08-22", "redistribute",
     "ok-with-obligations"),
    ("creativeml-openrail-m", "mit", "redistribute", "conflict"),
    ("creativeml-openrail-m", "openrail++", "derive", "ok-with-obligations"),
    ("creativeml-openrail-m", "mit", "derive", "conflict"),
    ("bigscience-bloom-rail-1.0", "gpl-3.0", "derive", "conflict"),
    # custom agreements
    ("llama3", "mit", "use", "use-constrained"),
    ("gemma", "apache-2.0", "use", "ok-with-obligations"),
    ("llama3", "llama3", "derive", "use-constrained"),
    ("llama3", "apache-2.0", "derive", "conflict"),
    ("llama3.1", "llama3", "derive", "conflict"),  # version-locked
    ("llama3.1", "cc-by-nc-4.0", "derive", "conflict"),  # narrower, but the agreement is dropped
    ("gemma", "gemma AND cc-by-nc-4.0", "derive", "ok-with-obligations"),
    # no grant, unknown, ambiguous
    ("NONE", "mit", "use", "use-constrained"),
    ("NONE", "mit", "derive", "conflict"),
    ("other", "mit", "use", "unknown"),
    ("unknown", "NONE", "use", "unknown"),
    # family tags: decided when every reading agrees (issue 18), ambiguous otherwise
    ("openrail", "mit", "use", "ok-with-obligations"),
    ("bsd", "mit", "derive", "ok-with-obligations"),
    ("cc", "mit", "use", "ambiguous"),
    ("cc", "mit", "derive", "ambiguous"),
    ("gpl", "mit", "use", "ok-with-obligations"),
    ("lgpl", "mit", "use", "ok-with-obligations"),
]


@pytest.mark.parametrize(("upstream", "downstream", "activity", "expected"), CASES)
def test_verdict(upstream: str, downstream: str, activity: str, expected: str) -> None:
    v = verdict_for(upstream, downstream, activity)
    assert v.verdict == expected, v.reason
    assert v.rule and v.reason and v.fix


def test_every_family_and_activity_gives_a_rule_reason_and_fix() -> None:
    kb = knowledge()
    for family in (f for f in Family if f.is_grant):
        symbols = [s for s, lic in kb.records.items() if lic.family == family and lic.curated]
        assert symbols, family
        for symbol in symbols[:3]:
            for downstream in ("MIT", "NONE", "GPL-3.0-only", None):
                for activity in Activity:
                    v = verdict_for(symbol, downstream, activity)
                    assert v.rule.strip() and v.reason.strip() and v.fix.strip(), (symbol, v)


def test_project_without_license_is_not_unknown_and_says_what_it_means() -> None:
    v = verdict_for("apache-2.0", "NONE", "use")
    assert v.verdict == "ok"
    assert "declares no licence" in v.reason and "all rights reserved" in v.reason
    assert v.downstream_family == "no-license"
    nc = verdict_for("cc-by-nc-4.0", "NONE", "use")
    assert nc.verdict == "use-constrained"


def test_model_without_license_grants_nothing() -> None:
    v = verdict_for("NONE", "apache-2.0", "use")
    assert "no licence" in v.reason and "all rights reserved" in v.reason
    assert verdict_for(None, "mit", "use").verdict == "unknown"


def test_unscanned_project_does_not_block_a_use_verdict() -> None:
    assert verdict_for("mit", None, "use").verdict == "ok"
    assert verdict_for("mit", None, "use").downstream_family == "not-scanned"
    assert verdict_for("gpl-3.0", None, "derive").verdict == "unknown"


def test_unlicense_on_either_side() -> None:
    assert verdict_for("unlicense", "mit", "derive").verdict == "ok"
    assert verdict_for("mit", "unlicense", "use").verdict == "ok"
    assert verdict_for("unlicense", "NONE", "use").verdict == "ok"


def test_ambiguous_reason_names_the_candidates_and_the_fix_the_exact_id() -> None:
    v = verdict_for("openrail", "mit", "use")
    assert "CreativeML OpenRAIL-M" in v.reason and "family" in v.reason
    assert "exact licence id" in v.fix


def test_or_lets_the_licensee_pick_and_and_takes_the_strictest() -> None:
    assert verdict_for("cc-by-nc-4.0 OR mit", "apache-2.0", "derive").verdict == \
        "ok-with-obligations"
    assert verdict_for("cc-by-nc-4.0 AND mit", "apache-2.0", "derive").verdict == "drift"
    assert "most favourable" in verdict_for("gpl-3.0 OR mit", "mit", "derive").reason


def test_downstream_or_must_be_acceptable_in_every_branch() -> None:
    assert verdict_for("gpl-3.0", "gpl-3.0 OR mit", "derive").verdict == "conflict"


def test_redistribution_is_detected_from_the_model_license_in_the_project_scan() -> None:
    assert link_activity("creativeml-openrail-m", "mit AND stable-diffusion-2022-08-22") == \
        "redistribute"
    assert link_activity("cc-by-nc-4.0", "cc-by-nc-4.0") == "redistribute"
    # a code licence on both sides says nothing about shipped weights
    assert link_activity("apache-2.0", "apache-2.0") == "use"
    assert link_activity("creativeml-openrail-m", "NONE") == "use"


def test_unknown_activity_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        verdict_for("mit", "mit", "train")
