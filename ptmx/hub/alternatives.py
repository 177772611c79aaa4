"""Hub models that do one job (a pipeline tag), most downloaded first: the live candidates of
licence remedies (`ptmx licenses audit|check --suggest --hub`).

One listing request per task: ``/api/models?pipeline_tag=TASK&sort=downloads&limit=N`` with
the licence tags, the card's ``license_name`` / ``license_link`` and the ``base_model`` tags, so
the licence engine can judge each candidate's effective terms. The answer is plain data; the
engine, not the hub, decides which candidates qualify.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptmx.hub.client import HubClient
from ptmx.hub.core import Call
from ptmx.hub.errors import HubBadResponseError
from ptmx.hub.models import RELATIONS

# What a listing item must carry for a remedy (each a valid `expand` value of /api/models).
ALTERNATIVE_EXPAND = ("downloads", "pipeline_tag", "tags", "cardData", "private", "gated")
LISTED = 50  # candidates asked per task; the engine keeps the best qualifying few


@dataclass(frozen=True)
class HubCandidate:
    """A listed model: its licence as the Hub tags it, the card's name/link for ``other``, its
    downloads (last 30 days) and the base models its tags name."""

    model: str
    license: str | None
    license_name: str | None
    license_link: str | None
    downloads: int | None
    pipeline_tag: str | None
    bases: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the shape licence remedies read)."""
        return {"model": self.model, "license": self.license, "license_name": self.license_name,
                "license_link": self.license_link, "downloads": self.downloads,
                "pipeline_tag": self.pipeline_tag, "bases": list(self.bases)}


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _bases(tags: list[str], card: dict[str, Any]) -> list[str]:
    """Base models from the ``base_model:[relation:]ID`` tags, else the card's ``base_model``."""
    out: list[str] = []
    for tag in tags:
        if not tag.startswith("base_model:"):
            continue
        value = tag[len("base_model:"):]
        head, _, rest = value.partition(":")
        out.append(rest if rest and head in RELATIONS else value)
    if not out:
        out = _strings(card.get("base_model"))
    return list(dict.fromkeys(b for b in out if b))


def candidate(payload: Any) -> HubCandidate | None:
    """One listing item as a candidate; None for a private model or an item with no id."""
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
        return None
    if payload.get("private") is True:
        return None
    tags = _strings(payload.get("tags"))
    raw_card = payload.get("cardData")
    card: dict[str, Any] = raw_card if isinstance(raw_card, dict) else {}
    licenses = [t[len("license:"):] for t in tags if t.startswith("license:")]
    if not licenses:
        licenses = _strings(card.get("license"))
    downloads = payload.get("downloads")
    return HubCandidate(
        model=payload["id"], license=" AND ".join(licenses) if licenses else None,
        license_name=_text(card.get("license_name")), license_link=_text(card.get("license_link")),
        downloads=downloads if isinstance(downloads, int) else None,
        pipeline_tag=_text(payload.get("pipeline_tag")), bases=_bases(tags, card))


def task_candidates(client: HubClient, task: str, limit: int = LISTED) -> list[HubCandidate]:
    """The most downloaded public models of ``task`` (one request). Items whose pipeline tag is
    another task are dropped (a listing filter the server ignored must not change the job)."""
    params = (("pipeline_tag", task), ("sort", "downloads"), ("limit", str(limit)),
              *(("expand", e) for e in ALTERNATIVE_EXPAND))
    call = Call("/api/models", params, what=f"model listing for task {task}")
    reply = client.call(call)
    if not isinstance(reply.payload, list):
        raise HubBadResponseError(f"{call.what}: expected a JSON list of models")
    found = [candidate(item) for item in reply.payload]
    return [c for c in found if c is not None and c.pipeline_tag in (None, task)]
