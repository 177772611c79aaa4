"""The renderables the screens share: verdicts ranked as the license engine ranks them, and
outside text kept literal."""

from __future__ import annotations

from rich.console import Console

from ptmx.render.renderables import kv_table, verdict_summary, worst_reasons


def test_worst_reasons_puts_a_conflict_first_however_rare():
    # One conflict, two ambiguous (different reasons) and one unknown: the model page used to
    # show the ambiguous and unknown ones and hide the conflict.
    findings = [("ambiguous", "tag 'other' says nothing"), ("ok", "fine"),
                ("ambiguous", "two licenses, no choice recorded"),
                ("unknown", "license 'foo' is not known"),
                ("conflict", "non-commercial model in a commercial product")]
    lines = [line.plain for line in worst_reasons(findings)]
    assert lines[0] == "conflict ×1: non-commercial model in a commercial product"
    assert lines[1].startswith("unknown ×1")
    assert len(lines) == 3 and lines[2].startswith("ambiguous ×1")


def test_worst_reasons_most_frequent_first_within_a_verdict():
    findings = [("unknown", "a"), ("unknown", "b"), ("unknown", "b"), ("ok-with-obligations", "c")]
    assert [line.plain for line in worst_reasons(findings)] == ["unknown ×2: b", "unknown ×1: a"]


def test_verdict_summary_best_first():
    line = verdict_summary(["conflict", "ok", "ok", "use-constrained"], "links")
    assert line.plain == "links: ok 2 · use-constrained 1 · conflict 1"


def test_outside_text_in_a_key_value_table_stays_literal():
    console = Console(width=80, record=True, force_terminal=True, color_system=None)
    console.print(kv_table([("model", "evil[/][link=http://x]y\x1b]8;;z\x07")]))
    out = console.export_text()
    assert "evil[/][link=http://x]y\\x1b]8;;z\\x07" in out
    assert "\x1b" not in out
