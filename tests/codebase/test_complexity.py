"""No function in ptmx is a rule ladder: cyclomatic complexity (radon's count, which includes
boolean operators) stays at or under 25, so every branch can be read and tested on its own."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit

import ptmx

LIMIT = 25


def test_no_function_above_the_complexity_limit() -> None:
    root = Path(ptmx.__file__).parent
    too_complex = []
    for path in sorted(root.rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if block.complexity > LIMIT:
                too_complex.append(f"{path.relative_to(root)}:{block.lineno} {block.fullname} "
                                   f"({block.complexity})")
    assert not too_complex, "functions above complexity 25:\n" + "\n".join(too_complex)
