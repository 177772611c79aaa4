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
import os
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ptmx.scan.boundary import Boundary

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
        return str(licensing.parse(text.strip(), validate=True).render())
    return str(parsed.render())


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
_BSD = "redistribution and use in source and binary forms with or without modification are " \
       "permitted"


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9+]+", " ", text.lower()).split())


# Text rules, first match wins: (SPDX id, where to look, phrases (regexes) that must all occur).
# "head" is the first 1,500 characters (the title block), "text" the whole normalised text.
# Order matters: look-alikes come after the license they resemble (LGPL before GPL, the
# notice-bearing BSD variants before BSD-2-Clause, MIT before MIT-0).
_TEXT_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("AGPL-3.0-only", "head", ("gnu affero general public license", "version 3")),
    ("LGPL-3.0-only", "head", ("gnu lesser general public license", "version 3")),
    ("LGPL-2.1-only", "head", ("gnu lesser general public license", "version 2 1")),
    ("LGPL-2.0-only", "head", ("gnu library general public license", "version 2")),
    ("GPL-3.0-only", "head", ("gnu general public license", "version 3")),
    ("GPL-2.0-only", "head", ("gnu general public license", "version 2")),
    ("Apache-2.0", "head", ("apache license", "version 2 0")),
    ("MPL-2.0", "head", (r"mozilla public license (version |v )?2 0",)),
    ("EPL-2.0", "head", (r"eclipse public license (v |version )?2 0",)),
    ("EUPL-1.2", "head", (r"european union public licen[cs]e v ?1 2",)),
    ("BSL-1.0", "head", ("boost software license version 1 0",)),
    ("Unlicense", "text", ("this is free and unencumbered software released into the public "
                           "domain",)),
    ("CC0-1.0", "head", ("cc0 1 0 universal",)),
    ("CC-BY-NC-ND-4.0", "head", ("attribution noncommercial noderivatives 4 0 international",)),
    ("CC-BY-NC-SA-4.0", "head", ("attribution noncommercial sharealike 4 0 international",)),
    ("CC-BY-NC-4.0", "head", ("attribution noncommercial 4 0 international",)),
    ("CC-BY-ND-4.0", "head", ("attribution noderivatives 4 0 international",)),
    ("CC-BY-SA-4.0", "head", ("attribution sharealike 4 0 international",)),
    ("CC-BY-4.0", "head", ("attribution 4 0 international",)),
    ("WTFPL", "head", ("do what the fuck you want to public license",)),
    ("Artistic-2.0", "head", ("the artistic license 2 0",)),
    # The PSF text embeds older permissive notices (CWI, BeOpen): its title decides first.
    ("PSF-2.0", "text", ("python software foundation license version 2",)),
    ("MIT", "text", ("permission is hereby granted free of charge to any person obtaining a copy",
                     "the above copyright notice and this permission notice shall be included")),
    ("MIT-0", "text", ("permission is hereby granted free of charge to any person obtaining a "
                       "copy",)),
    ("ISC", "text", (r"permission to use copy modify and( or)? distribute this software for any "
                     r"purpose with or without fee is hereby granted",)),
    ("BSD-4-Clause", "text", (_BSD, "all advertising materials mentioning features")),
    ("BSD-3-Clause-Clear", "text", (_BSD, "no express or implied licenses to any party s patent "
                                          "rights")),
    ("BSD-3-Clause", "text", (_BSD, r"neither the name of|names of its contributors may not be "
                                    r"used|name of the copyright holder nor")),
    ("BSD-2-Clause", "text", (_BSD,)),
    ("Zlib", "text", ("altered source versions must be plainly marked", "as is")),
)
_COMPILED_RULES = tuple((ident, scope, tuple(re.compile(p) for p in phrases))
                        for ident, scope, phrases in _TEXT_RULES)

# The full GPL-family texts end with a "how to apply" notice saying "or (at your option) any
# later version"; that notice decides only when the file is not the license text itself.
_FULL_GPL_TEXT = re.compile(r"gnu (lesser |affero |library )?general public license version \d"
                            r"( \d)? (\d+ )?(june|february|november) (19|20)\d\d")
_OR_LATER_NOTICE = re.compile(
    r"gnu (lesser |affero |library )?general public license as published by the free "
    r"software foundation either version (\d)( \d)? of the license or at your option any "
    r"later version")
_GPL_FAMILY = {"lesser ": "LGPL", "library ": "LGPL", "affero ": "AGPL"}


def fingerprint(text: str) -> str | None:
    """The SPDX id of a license text, or None when no fingerprint matches."""
    t = _norm(text)
    head = t[:1500]
    later = None if _FULL_GPL_TEXT.search(head) else _OR_LATER_NOTICE.search(t)
    if later:
        family = _GPL_FAMILY.get(later.group(1) or "", "GPL")
        version = later.group(2) + ("." + later.group(3).strip() if later.group(3) else ".0")
        return f"{family}-{version}-or-later"
    for ident, scope, phrases in _COMPILED_RULES:
        where = head if scope == "head" else t
        if all(p.search(where) for p in phrases):
            return ident
    return None


# -- the project -----------------------------------------------------------------------------
def detect_project_license(root: Path, boundary: Boundary | None = None) -> ProjectLicense:
    """The project's license from its root license files and package metadata.

    Files are read through ``boundary``: a license file or metadata that is a link out of
    ``root``, or a ``license = {file = ...}`` pointing outside, is not read (a warning says so).
    """
    root = Path(root)
    guard = boundary if boundary is not None else Boundary(root)
    result = ProjectLicense(expression=None)
    file_ids = _license_files(root, result, guard)
    meta_ids = _metadata(root, result, guard)

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


def read_pyproject(root: Path, boundary: Boundary | None = None) -> dict[str, Any] | None:
    """``root/pyproject.toml`` parsed; None when absent or not readable, ``{}`` when it does not
    parse (nested too deeply included)."""
    text = _read(root, "pyproject.toml", boundary)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}


def _read(root: Path, name: str, boundary: Boundary | None) -> str | None:
    """The text of ``root/name`` when it exists and may be read (else None, warned)."""
    path = root / name
    if not os.path.lexists(path):
        return None
    return (boundary if boundary is not None else Boundary(root)).read_text(path, name)


def read_package_json(root: Path, boundary: Boundary | None = None) -> dict[str, Any]:
    """``root/package.json`` parsed; ``{}`` when absent, unreadable or not a JSON object."""
    text = _read(root, "package.json", boundary)
    if text is None:
        return {}
    try:
        pkg = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return {}
    return pkg if isinstance(pkg, dict) else {}


def _license_files(root: Path, result: ProjectLicense,
                   guard: Boundary) -> list[tuple[str, str, bool]]:
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
        text = guard.read_text(path, name)
        if text is None:
            continue
        ident = fingerprint(text[:200_000])
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


def _metadata(root: Path, result: ProjectLicense, guard: Boundary) -> list[str]:
    """SPDX ids the package metadata declares, most specific first; notes for the rest."""
    sources = _Sources(result)
    _pyproject_license(root, guard, sources)
    _setup_cfg_license(root, guard, sources)
    _setup_py_license(root, guard, sources)
    _package_json_license(root, guard, sources)
    return sources.ids


@dataclass
class _Sources:
    """Collects what each metadata file says: a source row each, an id when recognised."""

    result: ProjectLicense
    ids: list[str] = field(default_factory=list)

    def note(self, file: str, kind: str, found: str, ident: str | None) -> None:
        self.result.sources.append({"file": file, "kind": kind, "found": found, "spdx": ident})
        if ident:
            self.ids.append(ident)
        else:
            self.result.notes.append(f"{file}: license {found!r} is not a recognised SPDX "
                                     "license")


def _pyproject_license(root: Path, guard: Boundary, sources: _Sources) -> None:
    data = read_pyproject(root, guard)
    if data is None:
        return
    if not data:
        sources.result.notes.append("pyproject.toml does not parse")
    project = data.get("project") or {}
    lic = project.get("license")
    if isinstance(lic, str):
        sources.note("pyproject.toml", "project.license", lic, from_name(lic))
    elif isinstance(lic, dict):
        _pyproject_license_table(root, lic, guard, sources)
    for c in project.get("classifiers") or []:
        if isinstance(c, str) and c.startswith("License ::"):
            sources.note("pyproject.toml", "classifier", c, from_classifier(c))
    poetry = (data.get("tool") or {}).get("poetry") or {}
    if isinstance(poetry.get("license"), str):
        sources.note("pyproject.toml", "tool.poetry.license", poetry["license"],
                     from_name(poetry["license"]))


def _pyproject_license_table(root: Path, lic: dict[str, Any], guard: Boundary,
                             sources: _Sources) -> None:
    """``license = {text = ...}`` or ``license = {file = ...}`` (a file inside the project only:
    an absolute path or ``../`` is not followed)."""
    if isinstance(lic.get("text"), str):
        text = lic["text"]
        ident = from_name(text) or (fingerprint(text) if len(text) > 200 else None)
        sources.note("pyproject.toml", "project.license.text", text[:80], ident)
    elif isinstance(lic.get("file"), str):
        name = lic["file"]
        ident = None
        try:
            path = root / name
        except ValueError:  # a NUL byte in the name
            path = None
        if path is not None and guard.inside(path):
            text = guard.read_text(path, name) if os.path.lexists(path) else None
            ident = fingerprint(text) if text is not None else None
        else:
            guard.warn(f"pyproject.toml: license file {name!r}",
                       "outside the scanned folder: not read")
        sources.note("pyproject.toml", "project.license.file", name, ident)


def _setup_cfg_license(root: Path, guard: Boundary, sources: _Sources) -> None:
    text = _read(root, "setup.cfg", guard)
    if text is None:
        return
    cfg = configparser.ConfigParser(interpolation=None)
    try:
        cfg.read_string(text)
    except configparser.Error:
        sources.result.notes.append("setup.cfg does not parse")
        return
    if cfg.has_option("metadata", "license"):
        value = cfg.get("metadata", "license").strip()
        if value:
            sources.note("setup.cfg", "metadata.license", value, from_name(value))
    if cfg.has_option("metadata", "classifiers"):
        for c in cfg.get("metadata", "classifiers").splitlines():
            if c.strip().startswith("License ::"):
                sources.note("setup.cfg", "classifier", c.strip(), from_classifier(c.strip()))


def _setup_py_license(root: Path, guard: Boundary, sources: _Sources) -> None:
    text = _read(root, "setup.py", guard)
    if text is None:
        return
    m = re.search(r"""\blicense\s*=\s*["']([^"'\n]+)["']""", text)
    if m:
        sources.note("setup.py", "license=", m.group(1), from_name(m.group(1)))
    for c in re.findall(r"""["'](License :: [^"'\n]+)["']""", text):
        sources.note("setup.py", "classifier", c, from_classifier(c))


def _package_json_license(root: Path, guard: Boundary, sources: _Sources) -> None:
    pkg = read_package_json(root, guard)
    lic = pkg.get("license")
    if isinstance(lic, dict):
        lic = lic.get("type")
    if isinstance(lic, str) and not lic.upper().startswith("SEE LICENSE"):
        sources.note("package.json", "license", lic, from_name(lic))
    legacy = pkg.get("licenses")
    if isinstance(legacy, list):
        for t in (x.get("type") for x in legacy if isinstance(x, dict) and x.get("type")):
            sources.note("package.json", "licenses[]", str(t), from_name(str(t)))


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
