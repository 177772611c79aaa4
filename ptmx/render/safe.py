"""Outside text as rich/Textual renderables that are never parsed as markup.

Build cells, titles and messages with :func:`safe_text` (a ``Text``, so ``[link=…]`` or ``[/]`` in
a card stays literal) instead of f-strings into markup; :func:`safe_markup` is for the rare place
that must mix ptmx's own markup with outside text."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text

from ptmx.safetext import visible


def safe_text(value: object, style: str = "", *, newlines: bool = True) -> Text:
    """``value`` as inert ``Text``: control characters visible, markup literal."""
    return Text(visible(value, newlines=newlines), style=style)


def safe_markup(value: object, *, newlines: bool = True) -> str:
    """``value`` escaped for splicing into ptmx's own markup strings."""
    return escape(visible(value, newlines=newlines))
