"""Small text formatting of values (numbers, empty values, lists, plurals), shared by the
TUI's screens and the renderables in this package. Plain strings: make outside text inert
with :mod:`ptmx.render.safe` before it reaches a widget."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

NONE = "–"


def num(value: Any) -> str:
    """1234567 → '1,234,567'; None → '–'."""
    if value is None:
        return NONE
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


def text(value: Any) -> str:
    """None → '–'; lists as 'a, b'; mappings as 'k: v, k: v'; else str."""
    if value is None or value == "" or value == [] or value == {}:
        return NONE
    if isinstance(value, list | tuple | set):
        return ", ".join(text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {text(v)}" for k, v in value.items())
    return str(value)


def pct(value: Any, *, fraction: bool = True) -> str:
    """0.5 → '50%' (``fraction=False``: 50 → '50%'); None → '–'."""
    if value is None:
        return NONE
    return f"{float(value) * (100 if fraction else 1):.0f}%"


def listing(values: Iterable[Any], empty: str = NONE) -> str:
    """['a', 'b'] → 'a, b'."""
    items = [str(v) for v in values if v is not None]
    return ", ".join(items) if items else empty


def plural(n: int, word: str, words: str | None = None) -> str:
    """plural(1, 'model') → '1 model'; plural(2, 'model') → '2 models'."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def figure(value: Any, *, percent: bool = False) -> str:
    """A measured value as the CLI prints it: 3087168 → '3,087,168'; with ``percent``,
    100.0 → '100 %'; other values as :func:`text`."""
    if isinstance(value, bool):
        return text(value)
    if percent and isinstance(value, int | float):
        return f"{float(value):.0f} %"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return text(value)
