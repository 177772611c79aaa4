"""The project's own license: license-file fingerprints and package metadata → SPDX."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptmx.scan.project_license import NOASSERTION, detect_project_license, fingerprint

TEXTS = Path(__file__).parent / "fixtures" / "license_texts"


def _text(name: str) -> str:
    return (TEXTS / name).read_text()


@pytest.mark.parametrize(("text_file", "filename", "expected"), [
    ("MIT.txt", "LICENSE", "MIT"),
    ("Apache-2.0.txt", "LICENSE.txt", "Apache-2.0"),
    ("BSD-3-Clause.txt", "LICENSE.md", "BSD-3-Clause"),
    ("BSD-2-Clause.txt", "LICENCE", "BSD-2-Clause"),
    ("GPL-3.0.txt", "COPYING", "GPL-3.0-only"),
    ("GPL-2.0.txt", "COPYING", "GPL-2.0-only"),
    ("GPL-3.0-or-later-notice.txt", "LICENSE", "GPL-3.0-or-later"),
    ("LGPL-2.1.txt", "COPYING", "LGPL-2.1-only"),
    ("AGPL-3.0-header.txt", "LICENSE", "AGPL-3.0-only"),
    ("MPL-2.0.txt", "LICENSE", "MPL-2.0"),
    ("ISC.txt", "LICENSE", "ISC"),
    ("Unlicense.txt", "UNLICENSE", "Unlicense"),
    ("CC0-1.0.txt", "LICENSE", "CC0-1.0"),
])
def test_license_file_fingerprints(tmp_path: Path, text_file: str, filename: str,
                                   expected: str) -> None:
    (tmp_path / filename).write_text(_text(text_file))
    found = detect_project_license(tmp_path)
    assert found.expression == expected
    assert found.sources[0]["file"] == filename


def test_reflowed_text_still_matches() -> None:
    # Re-wrapped lines, different case and quotes do not change the fingerprint.
    text = " ".join(_text("MIT.txt").upper().replace('"', "'").split())
    assert fingerprint(text) == "MIT"


def test_mit_without_the_notice_clause_is_mit0() -> None:
    text = " ".join(_text("MIT.txt").split()).replace(
        "The above copyright notice and this permission notice shall be included in all copies "
        "or substantial portions of the Software.", "")
    assert fingerprint(text) == "MIT-0"


def test_lgpl3_with_gpl_text_alongside_is_lgpl(tmp_path: Path) -> None:
    (tmp_path / "COPYING").write_text(_text("GPL-3.0.txt"))
    (tmp_path / "COPYING.LESSER").write_text(_text("LGPL-3.0.txt"))
    assert detect_project_license(tmp_path).expression == "LGPL-3.0-only"


def test_dual_license_files_are_a_choice(tmp_path: Path) -> None:
    (tmp_path / "LICENSE-MIT").write_text(_text("MIT.txt"))
    (tmp_path / "LICENSE-APACHE").write_text(_text("Apache-2.0.txt"))
    assert detect_project_license(tmp_path).expression == "Apache-2.0 OR MIT"


def test_model_license_file_is_kept_apart_from_the_code_license(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text(_text("Apache-2.0.txt"))
    (tmp_path / "LICENSE-MODEL").write_text("DeepFloyd IF License Agreement\n...")
    found = detect_project_license(tmp_path)
    assert found.expression == "Apache-2.0"
    assert [f["file"] for f in found.other_files] == ["LICENSE-MODEL"]


def test_unrecognised_license_text_is_noassertion(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("Copyright 2026 Acme. You may look but not touch.\n")
    found = detect_project_license(tmp_path)
    assert found.expression == NOASSERTION
    assert any("not recognised" in n for n in found.notes)


def test_no_license_at_all(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("print('hi')\n")
    found = detect_project_license(tmp_path)
    assert found.expression is None
    assert "all rights reserved" in found.notes[0]


@pytest.mark.parametrize(("files", "expected"), [
    ({"pyproject.toml": '[project]\nname = "x"\nlicense = "MIT OR Apache-2.0"\n'},
     "MIT OR Apache-2.0"),
    ({"pyproject.toml": '[project]\nname = "x"\nlicense = {text = "Apache 2.0"}\n'},
     "Apache-2.0"),
    ({"pyproject.toml": '[project]\nname = "x"\nclassifiers = '
                        '["License :: OSI Approved :: BSD License", '
                        '"License :: OSI Approved :: GNU General Public License v3 or later '
                        '(GPLv3+)"]\n'},
     "GPL-3.0-or-later"),
    ({"pyproject.toml": '[tool.poetry]\nname = "x"\nlicense = "BSD-3-Clause"\n'},
     "BSD-3-Clause"),
    ({"setup.cfg": "[metadata]\nname = x\nlicense = MIT License\n"}, "MIT"),
    ({"setup.py": 'setup(name="x", license="GPLv3+")\n'}, "GPL-3.0-or-later"),
    ({"package.json": json.dumps({"name": "x", "license": "ISC"})}, "ISC"),
    ({"package.json": json.dumps({"name": "x", "license": {"type": "MIT"}})}, "MIT"),
])
def test_package_metadata(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert detect_project_license(tmp_path).expression == expected


def test_metadata_refines_the_gpl_version_clause(tmp_path: Path) -> None:
    (tmp_path / "COPYING").write_text(_text("GPL-3.0.txt"))
    (tmp_path / "setup.py").write_text('setup(name="x", license="GPLv3+")\n')
    assert detect_project_license(tmp_path).expression == "GPL-3.0-or-later"


def test_disagreement_keeps_the_license_file_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text(_text("MIT.txt"))
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nlicense = "Apache-2.0"\n')
    found = detect_project_license(tmp_path)
    assert found.expression == "MIT"
    assert any("Apache-2.0" in n and "MIT" in n for n in found.notes)


def test_unknown_metadata_license_is_reported(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[metadata]\nlicense = Acme Source License\n")
    found = detect_project_license(tmp_path)
    assert found.expression is None
    assert any("Acme Source License" in n for n in found.notes)
