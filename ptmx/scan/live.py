"""``ptmx scan --hub``: live hub metadata for the Hugging Face models a project loads.

Model ids come from a stranger's files: only a string shaped like a hub id is ever sent to the
hub (no path segments, no ``..``, no control characters); anything else is skipped with a warning.
"""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any

from ptmx.cards import completeness
from ptmx.errors import HubError
from ptmx.licenses import verdict_for
from ptmx.safetext import visible
from ptmx.scan.detect import HUGGINGFACE
from ptmx.store import Store

if TYPE_CHECKING:
    from ptmx.hub import HubClient, HubLookup, HubModelInfo
    from ptmx.scan.report import ModelUse

# ``name`` or ``owner/name``; ASCII word characters, dots and dashes only.
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]{0,95}(/[\w.-]{1,96})?", re.ASCII)


def is_hub_id(text: str) -> bool:
    """Whether ``text`` may be sent to the hub as a model id."""
    return bool(_HUB_ID.fullmatch(text)) and ".." not in text and "//" not in text


def add_live(store: Store, models: list[ModelUse], client: HubClient | None,
             warnings: list[str]) -> None:
    """Fill ``use.live`` (and what the dataset lacks) for every Hugging Face model."""
    # Imported here, not at the top: the hub client pulls in httpx, which only --hub needs.
    from ptmx.hub import HubClient, lookup_with_drift

    own = client is None
    hub = client or HubClient(batch=True)  # a batch stops calling a hub it has seen down
    try:
        for use in models:
            if use.source_hub != HUGGINGFACE:
                continue
            if not is_hub_id(use.model):
                warnings.append(f"hub: {visible(use.model, newlines=False)}: not a hub model id, "
                                "not looked up")
                continue
            try:
                found = lookup_with_drift(store, use.model, client=hub, license_judge=verdict_for,
                                          completeness_fn=completeness)
            except HubError as exc:
                warnings.append(f"hub: {use.model}: {exc.one_line()}")
                continue
            use.live = _live(use, found)
    finally:
        if own:
            hub.close()


def _live(use: ModelUse, found: HubLookup) -> dict[str, Any]:
    live: dict[str, Any] = {"status": found.status, "source": found.source,
                            "message": found.message}
    if found.info is not None:
        live.update(_info(found.info))
        _fill_gaps(use, found.info)
    if found.drift is not None:
        live["drift"] = [r for r in found.drift.to_rows() if r.get("change") not in
                         ("same", "unchanged", None)]
    return live


def _info(info: HubModelInfo) -> dict[str, Any]:
    return {"id": info.id, "sha": info.sha, "licenses": info.licenses,
            "license_name": info.license_name, "author": info.author, "gated": info.gated,
            "base_models": info.base_models, "base_model_relation": info.base_model_relation,
            "last_modified": info.last_modified, **_supply_chain(info)}


# What ``HubModelInfo.supply_chain`` gives that a scan keeps: files, risks, the hub's scan, the
# typed lineage (``{parent, relation, source: hub|declared, corrected_from}``) and the Spaces.
_CHAIN_KEYS = ("weights", "weight_formats", "pickle_only", "risks", "security", "lineage",
               "spaces", "spaces_capped")


def _supply_chain(info: HubModelInfo) -> dict[str, Any]:
    """Weights format, risks (``pickle-weights``, ...), the hub's own scan, typed lineage and
    Spaces, as in ``ptmx hub info``; a repository whose files could not be listed adds nothing."""
    try:
        chain = info.supply_chain()
    except (AttributeError, TypeError, ValueError):
        return {}
    return {k: chain[k] for k in _CHAIN_KEYS if k in chain}


def _hub_bases(use: ModelUse, info: HubModelInfo) -> list[dict[str, Any]]:
    """The hub's parent edges the dataset does not already list (by name, case-insensitively):
    recognised ones (``source: hub``) and those only the card declares (``source: declared``),
    with the relation as ptmx reads it from the files and the hub's own when ptmx corrected it."""
    known = {str(b.get("base_model") or "").lower() for b in use.base_models}
    out = []
    for edge in info.lineage:
        parent = edge.get("parent")
        if not isinstance(parent, str) or not parent or parent.lower() in known:
            continue
        known.add(parent.lower())
        out.append({"base_model": parent, "in_dataset": False,
                    "relation": edge.get("relation") or "unspecified",
                    "source": edge.get("source") or "hub",
                    "corrected_from": edge.get("corrected_from")})
    return out


def _fill_gaps(use: ModelUse, info: HubModelInfo) -> None:
    """What the dataset does not know about the model, from the hub."""
    from ptmx.hub import card_from_hub

    if not use.licenses and info.licenses:
        use.licenses, use.license_source = list(info.licenses), "hub"
    use.author = use.author or info.author
    # Bases the dataset knows stay as it gives them; the hub adds the ones it does not know.
    use.base_models = [*use.base_models, *_hub_bases(use, info)]
    if use.card is None and info.card_data:
        # A card the hub shapes oddly is no reason to lose the rest of the live answer.
        with contextlib.suppress(ValueError, TypeError):
            use.card = card_from_hub(info)
