"""JSON written from Arrow or streamed (issue 17) says exactly what ``json.dumps`` would."""

from __future__ import annotations

import io
import json

import pyarrow as pa

from ptmx.render.output import write_arrow_json, write_json_batches, write_json_object

HOSTILE = ['plain', None, 'quote " and \\ backslash', "tab\tnew\nline\x00nul\x1f", "é → 漢字",
           "\u2028 sep", "[red]markup[/]"]


def _table() -> pa.Table:
    n = len(HOSTILE)
    return pa.table({"text": HOSTILE, "same": ["x"] * n,
                     "chain": [None, "[1]", None, '[{"a": "b"}]', "[]", None, "[]"],
                     "by": [None, None, None, "m", None, "z", None]})


def _expected() -> list[dict]:
    rows = []
    for row in _table().to_pylist():
        if row["chain"] is None:
            row.pop("chain"), row.pop("by")
        else:
            row["chain"] = json.loads(row["chain"])
        rows.append(row)
    return rows


def test_arrow_json_is_what_python_encodes_record_by_record() -> None:
    out = io.StringIO()
    write_arrow_json(_table(), out=out, lines=True, raw=("chain",), optional_from="chain")
    # split on "\n" only: U+2028 is a line break to str.splitlines, not to JSON lines
    assert out.getvalue().split("\n")[:-1] == [json.dumps(r, ensure_ascii=False) for r in _expected()]


def test_arrow_json_list_and_empty_list() -> None:
    out = io.StringIO()
    write_arrow_json(_table(), out=out, raw=("chain",), optional_from="chain")
    assert json.loads(out.getvalue()) == _expected()
    out = io.StringIO()
    write_arrow_json(_table().slice(0, 0), out=out)
    assert out.getvalue() == "[]\n"


def test_streamed_object_and_batches_are_valid_json() -> None:
    out = io.StringIO()
    write_json_object({"n": 2, "name": HOSTILE[2]},
                      {"nodes": iter([{"k": v} for v in HOSTILE]), "edges": iter([])}, out=out)
    assert json.loads(out.getvalue()) == {"n": 2, "name": HOSTILE[2],
                                          "nodes": [{"k": v} for v in HOSTILE], "edges": []}
    out = io.StringIO()
    write_json_batches([[1, 2], [], [3]], out=out)
    assert json.loads(out.getvalue()) == [1, 2, 3]
    out = io.StringIO()
    write_json_batches([[{"a": 1}], [{"a": 2}]], out=out, lines=True)
    assert out.getvalue() == '{"a": 1}\n{"a": 2}\n'
