"""AND / OR / WITH / or-later parsing, downstream alternatives, and unparsable text."""

from __future__ import annotations

from ptmx.licenses.expressions import And, Leaf, Or, alternatives, conjunction, leaves, parse


def _symbols(text: str) -> list[str]:
    return [leaf.license.symbol for leaf in leaves(parse(text))]


def test_and_or_are_parsed_with_precedence() -> None:
    expr = parse("mit OR apache-2.0 AND cc-by-nc-4.0")
    assert isinstance(expr, Or)
    assert isinstance(expr.args[1], And)
    assert _symbols("mit OR apache-2.0 AND cc-by-nc-4.0") == ["MIT", "Apache-2.0", "CC-BY-NC-4.0"]


def test_lowercase_operators_and_mixed_vocabularies() -> None:
    assert _symbols("bsd-new and stable-diffusion-2022-08-22") == [
        "BSD-3-Clause", "LicenseRef-ptmx-creativeml-openrail-m"]


def test_or_later_spellings() -> None:
    for text in ("GPL-2.0+", "gpl-2.0-plus", "GPL-2.0-or-later"):
        assert _symbols(text) == ["GPL-2.0-or-later"], text
    assert _symbols("lgpl-2.1+") == ["LGPL-2.1-or-later"]


def test_with_keeps_the_base_license_and_the_exception() -> None:
    leaf = parse("apache-2.0 WITH llvm-exception")
    assert isinstance(leaf, Leaf)
    assert leaf.license.symbol == "Apache-2.0"
    assert leaf.exception is not None and leaf.exception.symbol == "LLVM-exception"
    assert leaf.symbol == "Apache-2.0 WITH LLVM-exception"


def test_commons_clause_turns_a_permissive_license_into_a_restricted_one() -> None:
    leaf = parse("apache-2.0 WITH commons-clause")
    assert isinstance(leaf, Leaf)
    assert leaf.family == "custom-agreement" and leaf.license.commercial == "capped"


def test_unparsable_text_is_an_unknown_leaf_not_an_error() -> None:
    leaf = parse("https://tfhub.dev/google/LaBSE/1")
    assert isinstance(leaf, Leaf) and leaf.family == "unknown"
    assert parse("totally-made-up-licence").family == "unknown"  # type: ignore[union-attr]


def test_downstream_alternatives_are_disjunctive_normal_form() -> None:
    alts = alternatives(parse("(mit OR apache-2.0) AND cc-by-nc-4.0"))
    assert [[x.license.symbol for x in alt] for alt in alts] == [
        ["MIT", "CC-BY-NC-4.0"], ["Apache-2.0", "CC-BY-NC-4.0"]]


def test_project_keys_join_into_one_and_expression() -> None:
    text = conjunction(["mit", "gpl-2.0 OR mit", "apache-2.0 WITH llvm-exception"])
    assert text == "mit AND (gpl-2.0 OR mit) AND apache-2.0 WITH llvm-exception"
    assert len(alternatives(parse(text))) == 2
