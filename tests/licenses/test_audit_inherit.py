"""The audit judges relations once per inherited set of licences, yet every record still names its
own ancestor and chain; ``audit(store, inherit=False)`` gives the verdicts on the own licence only
(what the chains benchmark compares against)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptmx.licenses import audit
from ptmx.store import Store, open_store
from tests.licenses.conftest import build_license_dataset

MODELS = {
    "acme/nc-a": ["cc-by-nc-4.0"],
    "acme/nc-b": ["cc-by-nc-4.0"],
    "acme/ft-a": ["apache-2.0"],           # same own licence and same inherited licence as ft-b,
    "acme/ft-b": ["apache-2.0"],           # but a different ancestor
    "acme/mit-a": ["mit"],
    "acme/mit-b": ["mit"],
    "acme/ok-a": ["apache-2.0"],           # inherits MIT: nothing stricter, own licence decides
    "acme/ok-b": ["apache-2.0"],
}
PROJECTS = {
    "alice/app": (["mit"], ["acme/ft-a", "acme/ft-b", "acme/ok-a", "acme/ok-b"]),
}
EDGES = [
    ("acme/ft-a", "acme/nc-a", "finetune"),
    ("acme/ft-b", "acme/nc-b", "finetune"),
    ("acme/ok-a", "acme/mit-a", "finetune"),
    ("acme/ok-b", "acme/mit-b", "quantized"),
]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(build_license_dataset(tmp_path / "keys", MODELS, PROJECTS, EDGES))


def _links(store: Store, *, inherit: bool = True) -> dict[str, dict[str, object]]:
    return {str(r["model"]): r for r in audit(store, inherit=inherit).rows()
            if r["project"] == "alice/app"}


def test_each_link_names_its_own_ancestor(store: Store) -> None:
    links = _links(store)
    for model, base in (("acme/ft-a", "acme/nc-a"), ("acme/ft-b", "acme/nc-b")):
        row = links[model]
        assert row["verdict"] == "use-constrained" and row["inherited_from"] == base
        assert f"{model} → {base}" in str(row["reason"])
        assert [a["model"] for a in row["chain"]] == [base]  # type: ignore[attr-defined]


def test_links_decided_by_their_own_licence_keep_their_own_chain(store: Store) -> None:
    links = _links(store)
    for model, base, relation in (("acme/ok-a", "acme/mit-a", "finetune"),
                                  ("acme/ok-b", "acme/mit-b", "quantized")):
        row = links[model]
        assert row["inherited_from"] is None and row["verdict"] in ("ok", "ok-with-obligations")
        assert row["chain"] == [{"model": base, "license": "mit", "depth": 1,
                                 "via": f"{model} → {base}", "relation": relation,
                                 "imposes": ["attribution / licence notice"]}]
        assert "Inherited" not in str(row["reason"])


def test_without_inheritance_the_relabel_is_judged_on_its_own_licence(store: Store) -> None:
    own = _links(store, inherit=False)
    assert own["acme/ft-a"]["verdict"] in ("ok", "ok-with-obligations")
    assert "chain" not in own["acme/ft-a"]
    # the switch does not leak into the chains of later audits on the same store
    assert _links(store)["acme/ft-a"]["verdict"] == "use-constrained"
