"""Model cards into a new dataset, streamed: a cards file of any size costs flat memory.

Two passes over the file. The first, before any table is copied, checks the whole file (a broken
file fails in seconds, not after an hour of copying) and keeps only each card's model name and
base-model name. Once the ``model`` table is written, those names are resolved to ids in one
DuckDB query (:mod:`ptmx.ingest.queries`). The second pass turns the cards into ``model_card`` and
``model_base`` rows a batch at a time, written straight to Parquet.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from ptmx.errors import UsageError
from ptmx.ingest.extensions import (
    BASE_SCHEMA,
    CARD_SCHEMA,
    card_base,
    card_batch,
    check_card,
    check_nesting,
    iter_json_object,
)
from ptmx.ingest.queries import resolve_card_models
from ptmx.ingest.writer import DatasetWriter

WHAT = "model cards"
BATCH = 20_000


@dataclass
class CardNames:
    """What the first pass keeps: per card, in file order, its model and base-model names."""

    path: Path
    names: list[str] = field(default_factory=list)
    bases: list[str | None] = field(default_factory=list)
    size: tuple[int, int] = (0, 0)   # (bytes, mtime_ns): the second pass must read the same file


def read_card_names(path: Path) -> CardNames:
    """The first pass: the whole file checked, the names kept."""
    found = CardNames(path)
    check_nesting(path, WHAT)
    first_bad: UsageError | None = None
    for model, card in iter_json_object(path, WHAT):
        try:
            check_card(model, card)
        except UsageError as exc:
            # Reported once the file is read through: a syntax error comes first.
            first_bad = first_bad or UsageError(f"{path}: {exc.message}")
        found.names.append(model)
        found.bases.append(card_base(model, card))
    if first_bad:
        raise first_bad
    st = path.stat()
    found.size = (st.st_size, st.st_mtime_ns)
    return found


def write_cards(writer: DatasetWriter, names: CardNames) -> tuple[int, int, int]:
    """The second pass into ``model_card`` and ``model_base``: (cards, base edges, skipped)."""
    # DuckDB's scratch space lives in the import's temp folder (and never stays in the dataset).
    spill = writer.tmp / ".resolve-spill"
    spill.mkdir(exist_ok=True)
    try:
        model_ids, base_ids = resolve_card_models(writer.path("model"), names.names,
                                                  names.bases, spill)
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    st = names.path.stat()
    if (st.st_size, st.st_mtime_ns) != names.size:
        raise _changed(names.path)
    pairs = iter_json_object(names.path, WHAT)
    cards = bases = skipped = done = 0
    with writer.open_stream("model_card", CARD_SCHEMA) as card_out, \
            writer.open_stream("model_base", BASE_SCHEMA) as base_out:
        while True:
            batch = list(islice(pairs, BATCH))
            if done + len(batch) > len(names.names):
                raise _changed(names.path)
            card_rows, base_rows, left_out = card_batch(
                batch, model_ids.slice(done, len(batch)).to_pylist(),
                base_ids.slice(done, len(batch)).to_pylist())
            card_out.write_table(card_rows)
            base_out.write_table(base_rows)
            cards, bases, skipped = (cards + card_rows.num_rows, bases + base_rows.num_rows,
                                     skipped + left_out)
            done += len(batch)
            if len(batch) < BATCH:
                break
    if done != len(names.names):
        raise _changed(names.path)
    writer.row_counts["model_card"], writer.row_counts["model_base"] = cards, bases
    return cards, bases, skipped


def _changed(path: Path) -> UsageError:
    # The ids resolved after the first pass are matched to the second pass's cards by position.
    return UsageError(f"{path}: {WHAT} file changed while it was being imported",
                      hint="import again once nothing writes to it")
