"""`ptmx graph neighbors --format json` is written as a stream (issue 17): the same document as
the result's ``to_dict()``, and an unlimited walk has the same tree as one with a huge limit."""

from __future__ import annotations

import json

import pytest

from ptmx.cli import main
from ptmx.graph import neighborhood
from ptmx.store import Store


@pytest.mark.parametrize(("ref", "depth"), [("bert-base-uncased", 1), ("bert-base-uncased", 2),
                                            ("gpt2", 2)])
def test_streamed_json_is_the_result_as_a_dict(capsys, sample_store: Store, ref: str,
                                               depth: int) -> None:
    rc = main(["graph", "neighbors", ref, "--depth", str(depth), "--format", "json"])
    out, _ = capsys.readouterr()
    assert rc == 0
    expected = neighborhood(sample_store, ref, depth=depth, limit=0).to_dict()
    assert json.loads(out) == json.loads(json.dumps(expected))
    assert out.endswith("}\n")


def test_unlimited_walk_reads_long_lists_like_a_limited_one(sample_store: Store) -> None:
    """Unlimited walks read every neighbour list in place; limited ones keep long lists in
    Arrow: both give the same tree and edges when the limit is never reached."""
    unlimited = neighborhood(sample_store, "bert-base-uncased", depth=2, limit=0)
    limited = neighborhood(sample_store, "bert-base-uncased", depth=2, limit=10**9)
    assert unlimited.root.to_dict() == limited.root.to_dict()
    assert unlimited.edges == limited.edges
    assert list(unlimited.node_dicts()) == limited.node_rows()


HOSTILE = ['plain', None, 'quote " and \\ backslash', "tab\tnew\nline\x00nul\x1f", "é → 漢字",
           "\u2028 sep", "[red]markup[/]", "{} braces {0}"]


def test_edges_written_as_text_are_what_the_encoder_writes() -> None:
    """Edges go out as JSON text built from each distinct value once: the same text as the
    encoder's, whatever the names hold (quotes, control characters, braces, markup)."""
    from ptmx.render.output import json_objects

    keys = ("source", 'a "key"', "{k}")
    rows = [(a, b, a) for a in HOSTILE for b in reversed(HOSTILE)]
    texts = list(json_objects(keys, rows))
    assert [json.loads(t) for t in texts] == [dict(zip(keys, r, strict=True)) for r in rows]
    assert texts == [json.dumps(dict(zip(keys, r, strict=True)), ensure_ascii=False)
                     for r in rows]
    with pytest.raises(TypeError):
        list(json_objects(("n",), [(1,)]))
