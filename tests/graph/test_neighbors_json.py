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


def test_records_written_as_text_are_what_the_encoder_writes() -> None:
    """Nodes and edges go out as JSON text built column by column, each distinct value encoded
    once: the same text as the encoder's, whatever the names hold (quotes, control characters,
    braces, markup), and numbers, flags and nulls as the encoder writes them."""
    from ptmx.render.output import json_object_batches

    keys = ("source", 'a "key"', "{k}", "n", "flag", "other")
    values = [1, 0, None, True, False, 2.5, -3]
    rows = [(a, b, a, values[i % 3], values[2 + i % 3], values[i % len(values)])
            for i, (a, b) in enumerate((a, b) for a in HOSTILE for b in reversed(HOSTILE))]
    rows *= 40  # several batches, the values' texts remembered across them
    text = "[" + ", ".join(json_object_batches(keys, rows)) + "]"
    expected = [dict(zip(keys, r, strict=True)) for r in rows]
    assert text == json.dumps(expected, ensure_ascii=False)
    assert list(json_object_batches((), [(), ()])) == ["{}, {}"]
    assert list(json_object_batches(("a",), [])) == []
    with pytest.raises(ValueError):
        list(json_object_batches(("a", "b"), [("x",)]))
