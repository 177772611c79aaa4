"""ptmx's extension tables, built from the PeaTMOSS artifact's JSON files.

- ``reuse_repository_license`` from a project → license-keys scan (``all_gh_licenses.json``)
- ``model_card`` and ``model_base`` from hand-checked card metadata (``groundTruth.json``)

Nothing is invented: a card field that is empty stays NULL, a base model named in free text that is
not shaped like a hub id is kept only in ``model_card.base_model``.

The files are read as streams of (key, value) pairs (:func:`iter_json_object`) and cards are turned
into rows a batch at a time (:func:`card_batch`), so a side file of any size costs flat memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import ijson
import pyarrow as pa

from ptmx.errors import UsageError

REPO_LICENSE_SOURCE = "scancode scan (PeaTMOSS all_gh_licenses.json)"
CARD_SOURCE = "hand-checked model card (PeaTMOSS groundTruth.json)"

REPO_LICENSE_SCHEMA = pa.schema([
    ("reuse_repository_id", pa.int64()),
    ("license_key", pa.string()),
    ("source", pa.string()),
])

CARD_FIELDS = (
    # (column, key in the card JSON)
    ("task", "model_tasks"),
    ("model_type", "model_type"),
    ("license", "license"),
    ("base_model", "upstream_model"),
    ("paper", "paper"),
    ("github", "github"),
    ("parameter_count", "parameter_count"),
    ("hardware", "hardware"),
    ("carbon", "carbon_emitted"),
    ("limitations_and_bias", "limitation_and_bias"),
    ("demo", "code_demo"),
    ("input_format", "input_format"),
    ("output_format", "output_format"),
    ("hyper_parameters", "hyper_parameters"),
    ("evaluation", "evaluation"),
)
JSON_FIELDS = {"hyper_parameters", "evaluation"}

CARD_SCHEMA = pa.schema(
    [("model_id", pa.int64()), ("model", pa.string()), ("datasets", pa.list_(pa.string())),
     ("frameworks", pa.list_(pa.string()))]
    + [(col, pa.string()) for col, _ in CARD_FIELDS]
    + [("source", pa.string())]
)

BASE_SCHEMA = pa.schema([
    ("model_id", pa.int64()),
    ("model", pa.string()),
    ("base_model", pa.string()),
    ("base_model_id", pa.int64()),
    ("relation", pa.string()),
    ("source", pa.string()),
])

# A hub id: `name` (legacy, no namespace) or `owner/name`; letters, digits, - _ . only.
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_NOT_MODELS = ("github.com", "arxiv.org", "sbert.net", "http://", "https://")


def load_json(path: Path, what: str) -> Any:
    """Read a JSON input file; any problem is one line naming the file."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: {what} file not found") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: {what} file is not valid JSON ({exc})") from exc


def iter_json_object(path: Path, what: str) -> Iterator[tuple[str, Any]]:
    """The (key, value) pairs of a file holding one JSON object, streamed with ijson's C parser
    (~70 MB/s; a 307 MB cards file stays at ~15 MB of memory, where ``json.load`` took 2 GB).

    Any problem, including a top level that is not an object, is one line naming the file; a
    syntax error may surface only after earlier pairs were yielded, so callers that must fail
    before doing work read the file through once first.
    """
    try:
        with Path(path).open("rb") as handle:
            if not handle.read(4096).lstrip().startswith(b"{"):
                raise UsageError(f"{path}: {what} file is not a JSON object",
                                 hint='expected {"id": ...} at the top level')
            handle.seek(0)
            yield from ijson.kvitems(handle, "", use_float=True)
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: {what} file not found") from exc
    except (OSError, UnicodeDecodeError, ijson.JSONError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"{path}: {what} file is not valid JSON ({first})") from exc


MAX_DEPTH = 64  # real cards nest 3 deep; ijson's memory grows with the square of the depth


def check_nesting(path: Path, what: str, limit: int = MAX_DEPTH) -> None:
    """Refuse a file nested deeper than ``limit``, before anything builds its values: ijson keeps
    a prefix string per level, so 50,000 levels cost 4 GB and 200,000 exhaust memory. Events
    only, no values built (about twice the time of one streamed read)."""
    opening, closing = {"start_map", "start_array"}, {"end_map", "end_array"}
    depth = 0
    try:
        with Path(path).open("rb") as handle:
            for event, _ in ijson.basic_parse(handle, use_float=True):
                if event in opening:
                    depth += 1
                    if depth > limit:
                        raise UsageError(f"{path}: {what} file is nested more than {limit} "
                                         "levels deep")
                elif event in closing:
                    depth -= 1
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: {what} file not found") from exc
    except (OSError, UnicodeDecodeError, ijson.JSONError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"{path}: {what} file is not valid JSON ({first})") from exc


def normalise_base_model(text: str | None) -> str | None:
    """A card's free-text ``upstream_model`` → a hub id, or None when it does not name one.

    "https://huggingface.co/EleutherAI/gpt-j-6b" → "EleutherAI/gpt-j-6b";
    "EleutherAI / pythia-12b-deduped" → "EleutherAI/pythia-12b-deduped";
    a GitHub/arXiv link or a phrase with spaces ("Stable Diffusion v1.5") → None.
    """
    if not text or not text.strip():
        return None
    ref = text.strip()
    for prefix in ("https://huggingface.co/", "http://huggingface.co/", "huggingface.co/"):
        if ref.lower().startswith(prefix):
            ref = ref[len(prefix):]
            break
    else:
        if any(marker in ref.lower() for marker in _NOT_MODELS):
            return None
    ref = "/".join(part.strip() for part in ref.strip("/").split("/"))
    return ref if _HUB_ID.match(ref) else None


def license_keys(project: str, found: Any) -> list[str]:
    """A scanned project's license keys: a list of strings, or null for "no license found".
    Anything else is refused naming the project (a bare string would become one key per letter)."""
    if found is None:
        return []
    if isinstance(found, list) and all(isinstance(key, str) for key in found):
        return found
    kind = "a list holding " + ", ".join(sorted({type(k).__name__ for k in found
                                                   if not isinstance(k, str)})) \
        if isinstance(found, list) else type(found).__name__
    raise UsageError(f"repository licenses: the value for {project!r} must be a list of license "
                     f"keys or null, not {kind}")


def check_repo_licenses(pairs: Iterable[tuple[str, Any]], path: Path) -> None:
    """Read a repository-licenses file through, checking every value (one line on a bad one).
    The whole file is read first, so a syntax error is reported before a value's type."""
    check_nesting(path, "repository licenses")
    first_bad: UsageError | None = None
    for project, found in pairs:
        try:
            license_keys(project, found)
        except UsageError as exc:
            first_bad = first_bad or UsageError(f"{path}: {exc.message}")
    if first_bad:
        raise first_bad


def check_card(model: str, card: Any) -> None:
    """A model card must be a JSON object (or null, which is skipped)."""
    if card is not None and not isinstance(card, Mapping):
        raise UsageError(f"model cards: the card for {model!r} must be a JSON object, "
                         f"not {type(card).__name__}")


def repo_license_rows(scan: Mapping[str, list[str] | None] | Iterable[tuple[str, Any]],
                      project_ids: Mapping[str, int]) -> tuple[pa.Table, int]:
    """Rows of ``reuse_repository_license`` for the projects in ``project_ids`` (lower-cased
    ``owner/name`` → id), and how many scanned projects were not in the dataset.

    ``scan`` is the parsed object or its (project, keys) pairs as :func:`iter_json_object`
    streams them. A project whose scan found nothing gets one row with a NULL key: "scanned, no
    license", which differs from a project that was never scanned (no row at all).
    """
    if isinstance(scan, Mapping):
        scan = scan.items()
    elif isinstance(scan, str | bytes) or not isinstance(scan, Iterable):
        raise UsageError("repository licenses must be a JSON object: {\"owner/name\": [keys] | null}")
    ids: list[int] = []
    keys: list[str | None] = []
    skipped = 0
    for project, found in scan:
        pid = project_ids.get(str(project).removeprefix("github.com/").lower())
        if pid is None:
            skipped += 1
            continue
        found_keys: list[str | None] = [*sorted(set(license_keys(project, found)))]
        for key in found_keys or [None]:
            ids.append(pid)
            keys.append(key)
    table = pa.table({"reuse_repository_id": ids, "license_key": keys,
                      "source": [REPO_LICENSE_SOURCE] * len(ids)}, schema=REPO_LICENSE_SCHEMA)
    return table, skipped


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False) if value else None
    text = str(value).strip()
    return text or None


def _string_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = _text(value)
    return [text] if text else []


def _meaningful_json(value: Any) -> str | None:
    """Hyper-parameters/evaluation: keep only when some value is filled in."""
    if isinstance(value, dict):
        kept = {k: v for k, v in value.items() if v not in ("", None, [], {})}
        return json.dumps(kept, ensure_ascii=False) if kept else None
    return _text(value)


def card_base(model: str, card: Any) -> str | None:
    """The hub id of the base model a card names (None: none, or only in free text)."""
    if not isinstance(card, Mapping):
        return None
    base = normalise_base_model(_text(card.get("upstream_model")))
    return base if base and base.lower() != model.lower() else None


def card_batch(cards: Sequence[tuple[str, Any]], model_ids: Sequence[int | None],
               base_ids: Sequence[int | None]) -> tuple[pa.Table, pa.Table, int]:
    """``model_card`` and ``model_base`` rows for a batch of (model id, card) pairs whose
    dataset ids are already resolved (``model_ids``, and ``base_ids`` for :func:`card_base`;
    None: not in the dataset); and how many cards were skipped (model not in the dataset, or
    not a card object)."""
    card_cols: dict[str, list[Any]] = {f.name: [] for f in CARD_SCHEMA}
    base_cols: dict[str, list[Any]] = {f.name: [] for f in BASE_SCHEMA}
    skipped = 0
    for (model, card), mid, base_id in zip(cards, model_ids, base_ids, strict=True):
        if mid is None or not isinstance(card, Mapping):
            skipped += 1
            continue
        card_cols["model_id"].append(mid)
        card_cols["model"].append(model)
        card_cols["datasets"].append(_string_list(card.get("datasets")))
        card_cols["frameworks"].append(_string_list(card.get("frameworks")))
        for column, key in CARD_FIELDS:
            raw = card.get(key)
            card_cols[column].append(_meaningful_json(raw) if column in JSON_FIELDS else _text(raw))
        card_cols["source"].append(CARD_SOURCE)
        base = card_base(model, card)
        if base:
            base_cols["model_id"].append(mid)
            base_cols["model"].append(model)
            base_cols["base_model"].append(base)
            base_cols["base_model_id"].append(base_id)
            # The cards name the base but not how it was derived; PeaTMOSS does not say either.
            base_cols["relation"].append("unspecified")
            base_cols["source"].append("card upstream_model")
    return (pa.table(card_cols, schema=CARD_SCHEMA), pa.table(base_cols, schema=BASE_SCHEMA),
            skipped)


def card_rows(cards: Mapping[str, Mapping[str, Any]],
              model_ids: Mapping[str, int]) -> tuple[pa.Table, pa.Table, int]:
    """``model_card`` and ``model_base`` rows for cards of models in ``model_ids``
    (id → numeric id, matched exactly, else case-insensitively), and how many cards named a
    model not in the dataset. For cards and models that fit in memory (the bundled sample)."""
    if not isinstance(cards, Mapping):
        raise UsageError("model cards must be a JSON object: {\"model id\": {card fields}}")
    for model, card in cards.items():
        check_card(model, card)
    lower_ids = {k.lower(): v for k, v in model_ids.items()}
    pairs = list(cards.items())
    ids = [model_ids.get(model, lower_ids.get(model.lower())) for model, _ in pairs]
    bases = [card_base(model, card) for model, card in pairs]
    return card_batch(pairs, ids, [lower_ids.get(b.lower()) if b else None for b in bases])
