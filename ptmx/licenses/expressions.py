"""Licence expressions (AND / OR / WITH / or-later) parsed into a small tree of known records.

Parsing is done by the license-expression library; every symbol is then resolved through the
alias table. A whole string is first tried as one spelling, so card wordings with spaces
("CC BY 4.0", "CreativeML OpenRAIL-M") work. ``X+`` and ``X-or-later`` mean "this version or
any later one". A string that cannot be parsed becomes a single *unresolved* leaf, which the
verdict engine reports as unknown (with the text), never as an error.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from ptmx.licenses.symbols import License, knowledge
from ptmx.licenses.vocabulary import Family

if TYPE_CHECKING:
    from license_expression import Licensing

# A project scanned with no licence found (SPDX's NONE) and "nothing recorded" (NOASSERTION).
NONE = "NONE"
NOASSERTION = "NOASSERTION"
MAX_ALTERNATIVES = 64  # an OR-heavy expression is cut here rather than exploding


@dataclass(frozen=True)
class Leaf:
    """One licence, possibly with an exception (``X WITH Y``)."""

    license: License
    text: str
    exception: License | None = None

    @property
    def symbol(self) -> str:
        """The canonical spelling, exception included."""
        if self.exception is None:
            return self.license.symbol
        return f"{self.license.symbol} WITH {self.exception.symbol}"

    @property
    def family(self) -> Family:
        """The family of the license (exception already applied)."""
        return self.license.family


@dataclass(frozen=True)
class And:
    """All terms apply."""

    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    """The licensee may choose one branch."""

    args: tuple[Expr, ...]


Expr = Leaf | And | Or

_AND = re.compile(r"\s+(?:AND|and)\s+")
_SPECIAL = re.compile(r"[\s()]|^(?:or|with|and)$", re.IGNORECASE)


def _unresolved(text: str, why: str) -> Leaf:
    """A leaf for a spelling nobody knows: family 'unknown', the text kept for the reason."""
    rule = "unidentified licence text"
    return Leaf(License(symbol=f"LicenseRef-ptmx-unresolved({text})", name=text,
                        family=Family.UNKNOWN, commercial="no", source=why,
                        clauses={"use": rule, "redistribute": rule, "derive": rule}), text)


def _resolve_key(key: str) -> Leaf:
    kb = knowledge()
    lic = kb.resolve(key)
    if lic is not None:
        return Leaf(lic, key)
    base = key
    for suffix in ("+", "-or-later", "-plus"):
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)]
            found = kb.resolve(base)
            if found is not None:
                later = kb.get(found.or_later) if found.or_later else None
                # An or-later spelling of a licence with no or-later record (e.g. "MIT+")
                # grants at least what the base grants.
                return Leaf(later or found, key)
            break
    return _unresolved(key, "not in ptmx's alias table nor in the ScanCode LicenseDB")


@cache
def _licensing() -> Licensing:
    """The general parser, loaded on first use: most spellings never reach it (the alias
    table and the AND fast path answer them), and importing it costs ~5 ms of every one-shot
    ``ptmx model``."""
    from license_expression import Licensing

    return Licensing()


def _convert(node: object, text: str) -> Expr:
    from license_expression import LicenseSymbol, LicenseWithExceptionSymbol

    if isinstance(node, LicenseWithExceptionSymbol):
        base = _resolve_key(node.license_symbol.key).license
        exc = knowledge().resolve(node.exception_symbol.key) or \
            _unresolved(node.exception_symbol.key, "unknown exception").license
        if exc.commercial != "yes" and base.family in (Family.PUBLIC_DOMAIN, Family.PERMISSIVE):
            # e.g. "Apache-2.0 WITH Commons-Clause": no longer an open grant (no selling).
            combined = f"{base.symbol} WITH {node.exception_symbol.key}"
            base = replace(base, symbol=combined, name=combined, family=Family.CUSTOM_AGREEMENT,
                           commercial="capped", agreement=combined,
                           clauses={k: exc.clause(k) for k in ("use", "redistribute", "derive")},
                           source=exc.source)
            return Leaf(base, f"{node.license_symbol.key} WITH {node.exception_symbol.key}")
        # Linking and similar exceptions only add permissions; judging the base licence alone
        # is the conservative reading.
        return Leaf(base, f"{node.license_symbol.key} WITH {node.exception_symbol.key}", exc)
    if isinstance(node, LicenseSymbol):
        return _resolve_key(node.key)
    operator = type(node).__name__.upper()
    args = tuple(_convert(a, text) for a in getattr(node, "args", ()))
    if operator == "AND":
        return And(args)
    if operator == "OR":
        return Or(args)
    return _unresolved(text, f"unsupported expression node {operator}")


@cache
def parse(text: str) -> Expr:
    """A licence expression (or one spelling) → its tree. Never raises."""
    stripped = text.strip()
    if not stripped:
        return _unresolved(text, "empty licence text")
    whole = knowledge().resolve(stripped)
    if whole is not None:
        return Leaf(whole, stripped)
    # Fast path for the common project shape "key AND key AND ...": the general parser costs
    # ~1 ms per expression, which dominated a cold audit.
    parts = _AND.split(stripped)
    if all(p and not _SPECIAL.search(p) for p in parts):
        keys = [_resolve_key(p) for p in parts]
        return keys[0] if len(keys) == 1 else And(tuple(keys))
    from license_expression import ExpressionError

    try:
        node = _licensing().parse(stripped, simple=False)
    except ExpressionError as exc:
        return _unresolved(stripped, f"not a licence expression ({exc})")
    except Exception as exc:
        return _unresolved(stripped, f"not a licence expression ({type(exc).__name__})")
    if node is None:
        return _unresolved(stripped, "empty licence expression")
    return _convert(node, stripped)


def conjunction(parts: list[str]) -> str:
    """Several licence keys of one project as one AND expression (each part kept intact)."""
    wrapped = [f"({p})" if " or " in p.lower() else p for p in parts if p and p.strip()]
    return " AND ".join(wrapped)


def leaves(expr: Expr) -> list[Leaf]:
    """Every licence in the expression, in order."""
    if isinstance(expr, Leaf):
        return [expr]
    return [leaf for arg in expr.args for leaf in leaves(arg)]


def alternatives(expr: Expr) -> list[tuple[Leaf, ...]]:
    """The expression in disjunctive form: each alternative is a set of licences that all apply.

    Used for the downstream side: a recipient may pick any alternative, so each must be fine.
    """
    if isinstance(expr, Leaf):
        return [(expr,)]
    if isinstance(expr, Or):
        out: list[tuple[Leaf, ...]] = []
        for arg in expr.args:
            out.extend(alternatives(arg))
        return out[:MAX_ALTERNATIVES]
    product: list[tuple[Leaf, ...]] = [()]
    for arg in expr.args:
        product = [a + b for a, b in itertools.product(product, alternatives(arg))]
        product = product[:MAX_ALTERNATIVES]
    return product


def render(expr: Expr) -> str:
    """Canonical text of an expression (symbols, upper-case operators)."""
    if isinstance(expr, Leaf):
        return expr.symbol
    joiner = " AND " if isinstance(expr, And) else " OR "
    parts = []
    for arg in expr.args:
        text = render(arg)
        parts.append(f"({text})" if not isinstance(arg, Leaf) else text)
    return joiner.join(parts)
