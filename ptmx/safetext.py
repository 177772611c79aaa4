"""Text from outside (dataset rows, Hub answers, scanned files and their names, environment) on
its way to a terminal: the one function that makes it inert.

``visible`` turns every control character (C0, DEL, C1, and the Unicode bidirectional overrides
that reorder what a reader sees) into a visible escape such as ``\\x1b``, so an ESC byte in a model
id can neither move the cursor nor set a title. It does not touch rich markup: callers hand the
result to rich or Textual as a ``Text`` (see :func:`ptmx.render.safe.safe_text`), never as markup.
A leaf module: no rich, no Textual, so the core can use it for error messages too.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and bidi/zero-width formatting that can
# disguise text (Trojan Source): LRE..RLO, LRI..PDI, LRM/RLM/ALM.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: object, *, newlines: bool = True) -> str:
    """``value`` as a string with every control character shown as an escape.

    ``newlines=False`` also escapes tab and newline, for one-line places (a table cell holding an
    id, an error message)."""
    text = value if isinstance(value, str) else str(value)
    text = _CONTROL.sub(_escape, text)
    if not newlines:
        text = text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text
