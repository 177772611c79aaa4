"""Identifiers from both vocabularies resolve to one symbol; the data files are consistent."""

from __future__ import annotations

import csv
import json

import pytest

from ptmx.errors import NotFoundError
from ptmx.licenses import knowledge, lookup, resolve
from ptmx.licenses.vocabulary import Family
from tests.conftest import ARTIFACT


@pytest.mark.parametrize(("spelling", "symbol", "family"), [
    # Hugging Face tags
    ("apache-2.0", "Apache-2.0", "permissive"),
    ("creativeml-openrail-m", "LicenseRef-ptmx-creativeml-openrail-m", "use-restricted"),
    ("openrail++", "LicenseRef-ptmx-openrail-pp", "use-restricted"),
    ("llama3.1", "LicenseRef-ptmx-llama3.1", "custom-agreement"),
    ("cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0", "non-commercial"),
    ("lgpl-lr", "LGPLLR", "weak-copyleft"),
    ("deepfloyd-if-license", "LicenseRef-ptmx-deepfloyd-if", "non-commercial"),
    # ScanCode keys (the project side of PeaTMOSS)
    ("bsd-new", "BSD-3-Clause", "permissive"),
    ("bsd-simplified", "BSD-2-Clause", "permissive"),
    ("gpl-3.0-plus", "GPL-3.0-or-later", "strong-copyleft"),
    ("stable-diffusion-2022-08-22", "LicenseRef-ptmx-creativeml-openrail-m", "use-restricted"),
    ("proprietary-license", "LicenseRef-ptmx-proprietary", "no-grant"),
    ("boost-1.0", "BSL-1.0", "permissive"),
    # SPDX ids, any case
    ("GPL-2.0-or-later", "GPL-2.0-or-later", "strong-copyleft"),
    ("mpl-2.0", "MPL-2.0", "weak-copyleft"),
    # card wordings
    ("CC BY 4.0", "CC-BY-4.0", "permissive"),
    ("CreativeML OpenRAIL-M", "LicenseRef-ptmx-creativeml-openrail-m", "use-restricted"),
])
def test_spellings_resolve_to_one_symbol(spelling: str, symbol: str, family: str) -> None:
    lic = resolve(spelling)
    assert lic is not None
    assert (lic.symbol, lic.family) == (symbol, family)


def test_unlicense_is_public_domain_not_no_license() -> None:
    lic = resolve("unlicense")
    assert lic is not None and lic.family == "public-domain"
    assert lic.symbol == "Unlicense" != resolve("NONE").symbol  # type: ignore[union-attr]


@pytest.mark.parametrize("tag", ["openrail", "bsd", "cc", "gpl", "lgpl"])
def test_family_tags_are_ambiguous_with_candidates(tag: str) -> None:
    lic = resolve(tag)
    assert lic is not None and lic.family == "ambiguous"
    assert len(lic.candidates) >= 2
    assert all(knowledge().get(c) or resolve(c) for c in lic.candidates)


def test_exact_spdx_symbol_wins_over_a_scancode_key_spelt_alike() -> None:
    # ScanCode's key "openssl" is SPDX OpenSSL-standalone; SPDX "OpenSSL" is another licence.
    assert resolve("OpenSSL").symbol == "OpenSSL"  # type: ignore[union-attr]
    assert resolve("openssl").symbol == "OpenSSL-standalone"  # type: ignore[union-attr]


def test_rare_scancode_key_falls_back_to_its_licensedb_category() -> None:
    lic = resolve("beerware")
    assert lic is not None and lic.family == "permissive" and not lic.curated
    assert "ScanCode" in lic.source


def test_lookup_of_a_typo_suggests_close_spellings() -> None:
    with pytest.raises(NotFoundError) as err:
        lookup("apache-2")
    assert "apache-2.0" in err.value.one_line()


def test_alias_table_rows_have_a_source_and_lead_to_a_record() -> None:
    kb = knowledge()
    seen: dict[str, str] = {}
    for row in kb.alias_rows:
        assert row["source"].strip(), row
        assert row["vocabulary"] in ("hf", "spdx", "scancode", "text"), row
        assert kb.get(row["symbol"]) is not None, row
        key = row["alias"].lower()
        assert seen.setdefault(key, row["symbol"]) == row["symbol"], f"{key} maps to two symbols"


def test_every_record_has_a_family_and_a_source() -> None:
    for lic in knowledge().records.values():
        assert isinstance(lic.family, Family), lic.symbol
        assert lic.source, lic.symbol
        if lic.curated and lic.family.is_grant and lic.symbol != "NONE":
            assert lic.may_declare, lic.symbol
            assert set(lic.clauses) == {"use", "redistribute", "derive"}, lic.symbol


RESEARCH_IDS = [  # the ~40 licences of the research notes' knowledge table (HF ids)
    "apache-2.0", "mit", "bsd-2-clause", "bsd-3-clause", "bsd-3-clause-clear", "isc", "zlib",
    "ncsa", "postgresql", "ecl-2.0", "ms-pl", "afl-3.0", "bsl-1.0", "artistic-2.0", "cc0-1.0",
    "unlicense", "wtfpl", "pddl", "openmdw-1.0", "cc-by-4.0", "odc-by", "cdla-permissive-2.0",
    "c-uda", "lgpl-2.1", "lgpl-3.0", "mpl-2.0", "epl-2.0", "eupl-1.2", "lgpl-lr",
    "cdla-sharing-1.0", "gpl-2.0", "gpl-3.0", "agpl-3.0", "osl-3.0", "cc-by-sa-4.0", "odbl",
    "cc-by-nc-4.0", "cc-by-nc-sa-4.0", "cc-by-nd-4.0", "cc-by-nc-nd-4.0", "deepfloyd-if-license",
    "fair-noncommercial-research-license", "apple-amlr", "creativeml-openrail-m", "openrail++",
    "bigscience-openrail-m", "bigcode-openrail-m", "bigscience-bloom-rail-1.0", "llama2",
    "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "gemma", "grok2-community",
]


@pytest.mark.parametrize("tag", RESEARCH_IDS)
def test_research_licenses_are_curated(tag: str) -> None:
    lic = resolve(tag)
    assert lic is not None and lic.curated and lic.family.is_grant, tag


def test_every_license_in_the_real_data_is_known() -> None:
    mapping, scan = ARTIFACT / "mapping.csv", ARTIFACT / "all_gh_licenses.json"
    if not mapping.is_file() or not scan.is_file():
        pytest.skip("PeaTMOSS artifact not present")
    with mapping.open(newline="", encoding="utf-8") as handle:
        tags = {row[3] for row in csv.reader(handle) if len(row) == 4 and row[3]}
    keys = {k for found in json.loads(scan.read_text()).values() for k in found or []}
    for text in tags | keys:
        from ptmx.licenses import parse
        from ptmx.licenses.expressions import leaves

        for leaf in leaves(parse(text)):
            assert not leaf.license.symbol.startswith("LicenseRef-ptmx-unresolved"), text
    # Only deliberately vague HF tags stay unknown on the model side.
    unknown = {t for t in tags if resolve(t).family == "unknown"}  # type: ignore[union-attr]
    assert unknown <= {"other", "unknown"}
