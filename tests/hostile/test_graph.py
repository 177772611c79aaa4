"""Hostile input, graph category: model ids that try to act in `ptmx graph` commands.

The id a user types (or pastes from a web page) is echoed back in "not found" messages and their
"did you mean" hints: it must come back escaped, on one line, with exit 2, on a real terminal.
"""

from __future__ import annotations

import pytest

from tests.hostile.conftest import ESC, outside_escapes, run_on_tty, screen_lines

HOSTILE_IDS = {
    "osc-title": "\x1b]0;pwned\x07gpt2",
    "osc8-link": "\x1b]8;;https://evil.example/\x1b\\bert-base-uncased\x1b]8;;\x1b\\",
    "csi-clear": "bert\x1b[2J\x1b[Hbase",
    "markup": "[/][link=https://evil.example/]gpt2[/link]",
    "bidi": "gpt2\u202eevil",
    "newline": "gpt2\nptmx: fake second line",
}


@pytest.mark.parametrize(("action", "case"), [
    ("neighbors", "osc-title"), ("lineage", "osc8-link"), ("impact", "csi-clear"),
    ("neighbors", "markup"), ("impact", "bidi"), ("lineage", "newline"),
])
def test_hostile_id_is_echoed_escaped(action: str, case: str) -> None:
    result = run_on_tty("graph", action, HOSTILE_IDS[case])
    assert result.code == 2, result.stdout[-2000:]
    assert "Traceback" not in result.stdout
    assert outside_escapes(result.stdout) == []
    lines = screen_lines(result.stdout)
    assert len(lines) == 1 and lines[0].startswith("ptmx: no "), result.stdout
    assert ESC not in lines[0] and "\u202e" not in lines[0]
