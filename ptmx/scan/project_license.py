"""The scanned project's own license, as an SPDX expression.

Reads the license files at the project root (LICENSE, LICENCE, COPYING, UNLICENSE and their
suffixed variants) and recognises them by text fingerprints — phrases each license's text
contains and its look-alikes do not — then the package metadata: pyproject.toml
(``[project].license``, classifiers, Poetry), setup.cfg, setup.py (read as text, never run) and
package.json. The license text is what grants the rights, so it wins; metadata refines it (a
GPL text cannot say "or later", a classifier can) and a disagreement is reported as a note.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

NOASSERTION = "NOASSERTION"

_PRIMARY = re.compile(r"(?i)^(licen[cs]e|copying|unlicense)(\.(txt|md|rst|markdown))?$")
_SUFFIXED = re.compile(r"(?i)^(licen[cs]e|copying)[-_.](?P<part>[\w.-]+?)(\.(txt|md|rst))?$")
# Suffixed files that license something other than the code (weights, data, docs).
_OTHER_PART = re.compile(r"(?i)(model|weight|checkpoint|data|doc|font|asset|image|media|third)")


@dataclass
class ProjectLicense:
    """What the project declares about its own license."""

    expression: str | None          # SPDX expression; NOASSERTION = a file nobody recognised
    sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    other_files: list[dict[str, Any]] = field(default_factory=list)  # e.g. LICENSE-MODEL

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


# -- SPDX helpers ------------------------------------------------------------------------------
def _licensing() -> Any:
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def spdx(text: str | None) -> str | None:
    """``text`` as a normalised SPDX expression (LicenseRef-* allowed), or None if it is not one."""
    if not text or not text.strip():
        return None
    from license_expression import ExpressionError

    licensing = _licensing()
    try:
        parsed = licensing.parse(text.strip())
    except ExpressionError:
        return None
    if parsed is None:
        return None
    info = licensing.validate(text.strip())
    bad = [s for s in info.invalid_symbols if not str(s).startswith(("LicenseRef-",
                                                                      "DocumentRef-"))]
    if bad:
        return None
    if not info.invalid_symbols:
        return licensing.parse(text.strip(), validate=True).render()
    return parsed.render()


# Free-text license names seen in metadata → SPDX (checked after a plain SPDX parse fails).
_ALIASES: tuple[tuple[str, str], ...] = (
    (r"^(the )?mit( license)?$|^expat$", "MIT"),
    (r"^apache([ -]?(software )?licen[cs]e)?,?( version)?[ -]?v?2(\.0)?$|^asl ?2(\.0)?$|"
     r"^apache$|^apache software license$", "Apache-2.0"),
    (r"^(new |revised |modified )?bsd[ -]?3([ -]clause)?( license)?$|^bsd-new$|"
     r"^new bsd( license)?$|^3-clause bsd( license)?$", "BSD-3-Clause"),
    (r"^(simplified |freebsd )?bsd[ -]?2([ -]clause)?( license)?$|^2-clause bsd( license)?$|"
     r"^simplified bsd( license)?$", "BSD-2-Clause"),
    (r"^(gnu )?(gpl|general public license) ?v?3\+$|^gplv3\+$|^gpl-3\.0\+$|"
     r"^gnu gpl v?3 or later$", "GPL-3.0-or-later"),
    (r"^(gnu )?(gpl|general public license) ?v?3(\.0)?( only)?$|^gplv3$", "GPL-3.0-only"),
    (r"^(gnu )?(gpl|general public license) ?v?2\+$|^gplv2\+$", "GPL-2.0-or-later"),
    (r"^(gnu )?(gpl|general public license) ?v?2(\.0)?( only)?$|^gplv2$", "GPL-2.0-only"),
    (r"^(gnu )?lgpl ?v?3\+$|^lgplv3\+$", "LGPL-3.0-or-later"),
    (r"^(gnu )?lgpl ?v?3(\.0)?$|^lgplv3$", "LGPL-3.0-only"),
    (r"^(gnu )?lgpl ?v?2\.1\+?$|^lgplv2\.1$", "LGPL-2.1-only"),
    (r"^(gnu )?agpl ?v?3\+$|^agplv3\+$", "AGPL-3.0-or-later"),
    (r"^(gnu )?agpl ?v?3(\.0)?$|^agplv3$", "AGPL-3.0-only"),
    (r"^mpl ?v?2(\.0)?$|^mozilla public license,? (version )?2\.0$", "MPL-2.0"),
    (r"^isc( license)?$|^iscl$", "ISC"),
    (r"^(the )?unlicen[cs]e$", "Unlicense"),
    (r"^cc0( 1\.0)?( universal)?$", "CC0-1.0"),
    (r"^boost( software license)?( 1\.0)?$", "BSL-1.0"),
    (r"^wtfpl$", "WTFPL"),
    (r"^zlib(/libpng)?( license)?$", "Zlib"),
    (r"^(psf|python software foundation)( license)?$", "PSF-2.0"),
    (r"^(proprietary|commercial|all rights reserved)( license)?$|^other/proprietary license$",
     "LicenseRef-Proprietary"),
)

_CLASSIFIERS: dict[str, str] = {
    "MIT License": "MIT", "MIT No Attribution License (MIT-0)": "MIT-0",
    "Apache Software License": "Apache-2.0",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.0-only",
    "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "ISC License (ISCL)": "ISC", "The Unlicense (Unlicense)": "Unlicense",
    "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
    "Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
    "European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
    "zlib/libpng License": "Zlib", "Python Software Foundation License": "PSF-2.0",
    "Artistic License": "Artistic-2.0", "Other/Proprietary License": "LicenseRef-Proprietary",
}


def from_name(text: str | None) -> str | None:
    """A license as written in metadata (SPDX or a common free-text name) → SPDX, else None."""
    if not text:
        return None
    found = spdx(text)
    if found:
        return found
    plain = " ".join(text.strip().lower().replace("_", " ").split())
    for pattern, ident in _ALIASES:
        if re.match(pattern, plain):
            return ident
    return None


def from_classifier(classifier: str) -> str | None:
    """A trove classifier ``License :: ...`` → SPDX (None for the ambiguous "BSD License")."""
    tail = classifier.split("::")[-1].strip()
    return _CLASSIFIERS.get(tail)


# -- text fingerprints ---------------------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9+]+", " ", text.lower()).split())


def fingerprint(text: str) -> str | None:
    """The SPDX id of a license text, or None when no fingerprint matches."""
    t = _norm(text)
    head = t[:1500]

    # The full GPL-family texts end with a "how to apply" notice saying "or (at your option)
    # any later version"; that notice decides only when the file is not the license text itself.
    full_text = re.search(r"gnu (lesser |affero |library )?general public license version \d"
                          r"( \d)? (\d+ )?(june|february|november) (19|20)\d\d", head)
    later = None if full_text else re.search(
        r"gnu (lesser |affero |library )?general public license as published by the free "
        r"software foundation either version (\d)( \d)? of the license or at your option any "
        r"later version", t)
    if later:
        family = {"lesser ": "LGPL", "library ": "LGPL", "affero ": "AGPL"}.get(
            later.group(1) or "", "GPL")
        version = later.group(2) + ("." + later.group(3).strip() if later.group(3) else ".0")
        return f"{family}-{version}-or-later"
    if "gnu affero general public license" in head and "version 3" in head:
        return "AGPL-3.0-only"
    if "gnu lesser general public license" in head:
        if "version 3" in head:
            return "LGPL-3.0-only"
        if "version 2 1" in head:
            return "LGPL-2.1-only"
    if "gnu library general public license" in head and "version 2" in head:
        return "LGPL-2.0-only"
    if "gnu general public license" in head:
        if "version 3" in head:
            return "GPL-3.0-only"
        if "version 2" in head:
            return "GPL-2.0-only"
    if "apache license" in head and "version 2 0" in head:
        return "Apache-2.0"
    if re.search(r"mozilla public license (version |v )?2 0", head):
        return "MPL-2.0"
    if re.search(r"eclipse public license (v |version )?2 0", head):
        return "EPL-2.0"
    if re.search(r"european union public licen[cs]e v ?1 2", head):
        return "EUPL-1.2"
    if "boost software license version 1 0" in head:
        return "BSL-1.0"
    if "this is free and unencumbered software released into the public domain" in t:
        return "Unlicense"
    if "cc0 1 0 universal" in head:
        return "CC0-1.0"
    for phrase, ident in (
        ("attribution noncommercial noderivatives 4 0 international", "CC-BY-NC-ND-4.0"),
        ("attribution noncommercial sharealike 4 0 international", "CC-BY-NC-SA-4.0"),
        ("attribution noncommercial 4 0 international", "CC-BY-NC-4.0"),
        ("attribution noderivatives 4 0 international", "CC-BY-ND-4.0"),
        ("attribution sharealike 4 0 international", "CC-BY-SA-4.0"),
        ("attribution 4 0 international", "CC-BY-4.0"),
    ):
        if phrase in head:
            return ident
    if "do what the fuck you want to public license" in head:
        return "WTFPL"
    if "the artistic license 2 0" in head:
        return "Artistic-2.0"
    # The PSF text embeds older permissive notices (CWI, BeOpen): its title decides first.
    if "python software foundation license version 2" in t:
        return "PSF-2.0"
    if "permission is hereby granted free of charge to any person obtaining a copy" in t:
        if "the above copyright notice and this permission notice shall be included" in t:
            return "MIT"
        return "MIT-0"
    if re.search(r"permission to use copy modify and( or)? distribute this software for any "
                 r"purpose with or without fee is hereby granted", t):
        return "ISC"
    if "redistribution and use in source and binary forms with or without modification are "\
       "permitted" in t:
        if "all advertising materials mentioning features" in t:
            return "BSD-4-Clause"
        if "no express or implied licenses to any party s patent rights" in t:
            return "BSD-3-Clause-Clear"
        if re.search(r"neither the name of|names of its contributors may not be used|"
                     r"name of the copyright holder nor", t):
            return "BSD-3-Clause"
        return "BSD-2-Clause"
    if "altered source versions must be plainly marked" in t and "as is" in t:
        return "Zlib"
    return None


# -- the project -----------------------------------------------------------------------------
def detect_project_license(root: Path) -> ProjectLicense:
    """The project's license from its root license files and package metadata."""
    root = Path(root)
    result = ProjectLicense(expression=None)
    file_ids = _license_files(root, result)
    meta_ids = _metadata(root, result)

    file_expr = _combine(file_ids, result)
    meta_expr = _first(meta_ids)
    if file_expr and meta_expr and file_expr != NOASSERTION:
        if _same_family(file_expr, meta_expr):
            # The text cannot say "or later"; a notice or classifier can.
            result.expression = meta_expr if meta_expr.endswith("-or-later") else file_expr
        else:
            result.expression = file_expr
            result.notes.append(f"package metadata says {meta_expr} but the license file is "
                                f"{file_expr}; the license file is taken")
    else:
        result.expression = (file_expr if file_expr and file_expr != NOASSERTION
                             else meta_expr or file_expr)
    if result.expression is None:
        result.notes.append("no license file and no license in package metadata: the code is "
                            "all rights reserved")
    return result


def read_pyproject(root: Path) -> dict[str, Any] | None:
    """``root/pyproject.toml`` parsed; None when absent, ``{}`` when it does not parse."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return None
    try:
        return tomllib.loads(pyproject.read_text(encoding="utf-8", errors="replace"))
    except tomllib.TOMLDecodeError:
        return {}


def _license_files(root: Path, result: ProjectLicense) -> list[tuple[str, str, bool]]:
    """(file, SPDX id or NOASSERTION, is a dual-license part) for the root license files."""
    found: list[tuple[str, str, bool]] = []
    try:
        entries = sorted(p for p in root.iterdir() if p.is_file())
    except OSError:
        return found
    for path in entries:
        name = path.name
        primary = _PRIMARY.match(name)
        suffixed = None if primary else _SUFFIXED.match(name)
        if not (primary or suffixed):
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")[:200_000]
        except OSError:
            continue
        ident = fingerprint(text)
        if suffixed and _OTHER_PART.search(suffixed.group("part")) \
                and not name.upper().startswith("COPYING.LESSER"):
            result.other_files.append({"file": name, "spdx": ident or NOASSERTION})
            result.notes.append(f"{name} licenses part of the project ({ident or 'unrecognised'})"
                                ", not its code")
            continue
        if ident is None and name.lower().startswith("unlicense"):
            ident = "Unlicense"
        result.sources.append({"file": name, "kind": "license file",
                               "found": ident or "unrecognised text", "spdx": ident})
        found.append((name, ident or NOASSERTION, bool(suffixed)))
    return found


def _combine(files: list[tuple[str, str, bool]], result: ProjectLicense) -> str | None:
    ids = [i for _, i, _ in files]
    if not ids:
        return None
    known = list(dict.fromkeys(i for i in ids if i != NOASSERTION))
    if not known:
        result.notes.append("a license file is present but its text is not recognised")
        return NOASSERTION
    # LGPL-3.0 ships the GPL text beside it (COPYING + COPYING.LESSER): one license, the LGPL.
    if any(i.startswith("LGPL-3.0") for i in known):
        known = [i for i in known if not i.startswith("GPL-3.0")]
    if len(known) == 1:
        return known[0]
    dual = all(part for _, i, part in files if i in known)
    # LICENSE-MIT + LICENSE-APACHE is the usual "pick either" convention; other sets all apply.
    return _join(known, " OR " if dual else " AND ")


def _join(ids: list[str], op: str) -> str:
    parts = [f"({i})" if " " in i else i for i in ids]
    return op.join(parts)


def _metadata(root: Path, result: ProjectLicense) -> list[str]:
    ids: list[str] = []

    def note(file: str, kind: str, found: str, ident: str | None) -> None:
        result.sources.append({"file": file, "kind": kind, "found": found, "spdx": ident})
        if ident:
            ids.append(ident)
        else:
            result.notes.append(f"{file}: license {found!r} is not a recognised SPDX license")

    data = read_pyproject(root)
    if data is not None:
        if not data:
            result.notes.append("pyproject.toml does not parse")
        project = data.get("project") or {}
        lic = project.get("license")
        if isinstance(lic, str):
            note("pyproject.toml", "project.license", lic, from_name(lic))
        elif isinstance(lic, dict):
            if isinstance(lic.get("text"), str):
                text = lic["text"]
                ident = from_name(text) or (fingerprint(text) if len(text) > 200 else None)
                note("pyproject.toml", "project.license.text", text[:80], ident)
            elif isinstance(lic.get("file"), str):
                path = root / lic["file"]
                ident = fingerprint(path.read_text(errors="replace")) if path.is_file() else None
                note("pyproject.toml", "project.license.file", lic["file"], ident)
        for c in project.get("classifiers") or []:
            if isinstance(c, str) and c.startswith("License ::"):
                note("pyproject.toml", "classifier", c, from_classifier(c))
        poetry = (data.get("tool") or {}).get("poetry") or {}
        if isinstance(poetry.get("license"), str):
            note("pyproject.toml", "tool.poetry.license", poetry["license"],
                 from_name(poetry["license"]))
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        cfg = configparser.ConfigParser(interpolation=None)
        try:
            cfg.read_string(setup_cfg.read_text(encoding="utf-8", errors="replace"))
        except configparser.Error:
            result.notes.append("setup.cfg does not parse")
        else:
            if cfg.has_option("metadata", "license"):
                value = cfg.get("metadata", "license").strip()
                if value:
                    note("setup.cfg", "metadata.license", value, from_name(value))
            if cfg.has_option("metadata", "classifiers"):
                for c in cfg.get("metadata", "classifiers").splitlines():
                    if c.strip().startswith("License ::"):
                        note("setup.cfg", "classifier", c.strip(), from_classifier(c.strip()))
    setup_py = root / "setup.py"
    if setup_py.is_file():
        text = setup_py.read_text(encoding="utf-8", errors="replace")
        m = re.search(r"""\blicense\s*=\s*["']([^"'\n]+)["']""", text)
        if m:
            note("setup.py", "license=", m.group(1), from_name(m.group(1)))
        for c in re.findall(r"""["'](License :: [^"'\n]+)["']""", text):
            note("setup.py", "classifier", c, from_classifier(c))
    package_json = root / "package.json"
    if package_json.is_file():
        try:
            pkg = json.loads(package_json.read_text(encoding="utf-8", errors="replace"))
        except json.JSONDecodeError:
            pkg = {}
        lic = pkg.get("license") if isinstance(pkg, dict) else None
        if isinstance(lic, dict):
            lic = lic.get("type")
        if isinstance(lic, str) and not lic.upper().startswith("SEE LICENSE"):
            note("package.json", "license", lic, from_name(lic))
        legacy = pkg.get("licenses") if isinstance(pkg, dict) else None
        if isinstance(legacy, list):
            types = [x.get("type") for x in legacy if isinstance(x, dict) and x.get("type")]
            for t in types:
                note("package.json", "licenses[]", t, from_name(t))
    return ids


def _first(ids: list[str]) -> str | None:
    """The most specific metadata answer: the first one, unless a later one refines it."""
    if not ids:
        return None
    best = ids[0]
    for other in ids[1:]:
        if other != best and _same_family(best, other) and other.endswith("-or-later"):
            best = other
    return best


def _same_family(a: str, b: str) -> bool:
    """GPL-3.0-only vs GPL-3.0-or-later: the same text, differing only in the upgrade clause."""
    def base(x: str) -> str:
        return re.sub(r"-(only|or-later)$", "", x.replace("+", ""))
    return base(a) == base(b)
