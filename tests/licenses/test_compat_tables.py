"""No verdict contradicts the established code-licence compatibility tables.

Two oracles: the full OSADL matrix (110 licences, as shipped in ptmx/licenses/data/compat.json)
and a hand list of well-known FSF/Creative Commons statements. A pair called incompatible is
never a plain ``ok``; a pair called compatible is never a ``conflict`` — for every activity.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ptmx.licenses
from ptmx.licenses import Activity, verdict_for

COMPAT = Path(ptmx.licenses.__file__).parent / "data" / "compat.json"


def _osadl_pairs() -> list[tuple[str, str, str]]:
    data = json.loads(COMPAT.read_text(encoding="utf-8"))
    special = {(u, d): v for v in ("no", "unknown", "check")
               for u, ds in data[v].items() for d in ds}
    return [(u, d, "same" if u == d else special.get((u, d), "yes"))
            for u in data["licenses"] for d in data["licenses"]]


def test_the_osadl_snapshot_is_complete() -> None:
    pairs = _osadl_pairs()
    assert len(pairs) == 110 * 110
    assert sum(1 for *_, v in pairs if v == "no") == 3228


@pytest.mark.parametrize("activity", list(Activity))
def test_osadl_incompatible_is_never_ok_and_compatible_never_conflict(activity: str) -> None:
    wrong = []
    for upstream, downstream, value in _osadl_pairs():
        verdict = verdict_for(upstream, downstream, activity).verdict
        if (value == "no" and verdict == "ok") or (value in ("yes", "same") and verdict == "conflict"):
            wrong.append((upstream, downstream, value, verdict))
    assert not wrong, wrong[:10]


FSF = [  # (upstream included in, downstream work) → compatible?
    ("apache-2.0", "gpl-3.0", True),
    ("apache-2.0", "gpl-2.0", False),
    ("mit", "gpl-2.0", True),
    ("bsd-new", "agpl-3.0", True),
    ("bsd-original", "gpl-3.0", False),  # advertising clause
    ("lgpl-2.1", "gpl-2.0", True),
    ("mpl-2.0", "gpl-3.0", True),
    ("gpl-2.0", "gpl-3.0", False),  # GPLv2-only
    ("gpl-2.0-plus", "gpl-3.0", True),
    ("gpl-3.0", "mit", False),
    ("gpl-3.0", "apache-2.0", False),
    ("epl-1.0", "gpl-2.0", False),
    ("cddl-1.0", "gpl-2.0", False),
    ("cc-by-sa-4.0", "gpl-3.0", True),  # Creative Commons: one-way compatibility
    ("gpl-3.0", "cc-by-sa-4.0", False),
    ("cc-by-4.0", "cc-by-sa-4.0", True),
]


@pytest.mark.parametrize(("upstream", "downstream", "compatible"), FSF)
def test_known_pairs(upstream: str, downstream: str, compatible: bool) -> None:
    for activity in Activity:
        verdict = verdict_for(upstream, downstream, activity).verdict
        if compatible:
            assert verdict != "conflict", (activity, verdict)
        else:
            assert verdict != "ok", (activity, verdict)
    derive = verdict_for(upstream, downstream, "derive").verdict
    assert (derive in ("ok", "ok-with-obligations")) == compatible, derive
