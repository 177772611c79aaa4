"""Property tests: an OR is never worse than its best branch, an AND never better than its
worst, and a downstream OR is never better than its worst branch (recipients may pick any)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ptmx.licenses import Activity, Verdict, verdict_for

POOL = [
    "mit", "apache-2.0", "bsd-new", "unlicense", "cc0-1.0", "cc-by-4.0", "lgpl-2.1", "mpl-2.0",
    "gpl-2.0", "gpl-3.0", "gpl-3.0-plus", "agpl-3.0", "cc-by-sa-4.0", "cc-by-nc-4.0",
    "cc-by-nc-sa-4.0", "cc-by-nd-4.0", "creativeml-openrail-m", "openrail++", "llama2", "llama3",
    "gemma", "deepfloyd-if-license", "proprietary-license", "other", "unknown", "openrail", "bsd",
    "gpl", "lgpl-lr", "stable-diffusion-2022-08-22", "apache-2.0 WITH llvm-exception",
]

leaf = st.sampled_from(POOL)
expression = st.recursive(
    leaf,
    lambda inner: st.tuples(inner, st.sampled_from([" AND ", " OR "]), inner).map(
        lambda t: f"({t[0]}){t[1]}({t[2]})"),
    max_leaves=4,
)
downstream = st.one_of(st.none(), st.just("NONE"), expression)
activity = st.sampled_from(list(Activity))


def sev(upstream: str, down: str | None, act: str) -> int:
    v = verdict_for(upstream, down, act)
    assert isinstance(v.verdict, Verdict)
    assert v.rule and v.reason and v.fix
    return v.verdict.rank


@settings(max_examples=300, deadline=None)
@given(expression, expression, downstream, activity)
def test_or_is_never_worse_than_its_best_branch(a: str, b: str, down: str | None,
                                                act: str) -> None:
    assert sev(f"({a}) OR ({b})", down, act) <= min(sev(a, down, act), sev(b, down, act))


@settings(max_examples=300, deadline=None)
@given(expression, expression, downstream, activity)
def test_and_is_never_better_than_its_worst_branch(a: str, b: str, down: str | None,
                                                   act: str) -> None:
    assert sev(f"({a}) AND ({b})", down, act) >= max(sev(a, down, act), sev(b, down, act))


@settings(max_examples=200, deadline=None)
@given(expression, expression, expression, activity)
def test_downstream_or_is_never_better_than_its_worst_decided_branch(up: str, d1: str, d2: str,
                                                                     act: str) -> None:
    """Recipients may pick any branch, so the worst *decided* branch bounds the OR from below.
    An undecided branch (a family tag whose readings disagree) is no bound: beside the other
    branch every reading of the tag may agree, and then the OR is decided (all-candidates rule),
    e.g. 'gpl' against 'mit OR gpl-2.0' for use."""
    either = verdict_for(up, f"({d1}) OR ({d2})", act).verdict
    branches = [verdict_for(up, d, act).verdict for d in (d1, d2)]
    decided = [b.rank for b in branches if not b.undecided]
    if decided:
        assert either.rank >= max(decided)
    if len(decided) == 2:
        assert either.rank >= max(b.rank for b in branches)
