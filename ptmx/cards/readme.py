"""Card facts from the READMEs ``ptmx hub crawl --cards`` stores in the ``hub_card`` table.

Each README goes through the same reading as a single hub card (:func:`ptmx.cards.hubcard.
card_facts`); the facts of a whole crawl are gathered batch by batch into one compact Arrow table
(booleans and short keys, never the README text) that :mod:`ptmx.cards.queries` scores with the
one evaluator, in SQL, beside the PeaTMOSS extraction.

A README is outside text: it is only ever read as data (no YAML loader, no markup); one that
cannot be read yields an unassessed row rather than stopping the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from ptmx.cards import queries
from ptmx.cards.assess import assess_card_dict
from ptmx.cards.hubcard import card_facts
from ptmx.cards.results import CardAssessment
from ptmx.cards.rules import RULES, derived_name_hint
from ptmx.store import Store

# The crawler caps READMEs at 512 KiB; a hand-made table might not, so the reader does too.
MAX_README_CHARS = 512 * 1024

FACTS_SCHEMA = pa.schema([
    ("model", pa.string()), ("source", pa.string()), ("assessed", pa.bool_()),
    ("derived_hint", pa.string()),
    *((f"has_{r.key}", pa.bool_()) for r in RULES),
    ("card_license_key", pa.string()), ("license_tag_keys", pa.list_(pa.string())),
    ("card_license_link", pa.bool_()), ("card_has_base_model", pa.bool_()),
    ("has_hub_tags", pa.bool_()), ("hub_base_row", pa.bool_()), ("tag_base_model", pa.bool_()),
])
_NAMES = FACTS_SCHEMA.names


def readme_card(model: str, source: str | None, readme: str) -> dict[str, Any]:
    """The card dict one stored README stands for (what ``cards show`` and the report read)."""
    return {"model": model, "source": source or "README", "readme": readme[:MAX_README_CHARS]}


def _facts(model: str, source: str | None, readme: str | None) -> dict[str, Any]:
    try:
        row, _, _ = card_facts(readme_card(model, source, readme or ""), model=model)
    except (RecursionError, ValueError, TypeError, MemoryError):
        # An unreadable README is not a reason to lose the report: the model is not assessed.
        row = {"assessed": False, "derived_hint": derived_name_hint(model)}
    row["model"], row["source"] = model, source or "README"
    return {name: row.get(name) for name in _NAMES}


def readme_facts(store: Store, models: Sequence[str] | None = None,
                 batch_rows: int = 2048) -> pa.Table | None:
    """Facts (:data:`FACTS_SCHEMA`) of the newest README of each crawled model, or None when the
    dataset has no ``hub_card`` table. Memory: one batch of README texts at a time, plus about a
    hundred bytes of facts per model."""
    if not store.has(queries.HUB_CARD):
        return None
    tables = []
    for batch in queries.readme_batches(store, models, batch_rows):
        cols = batch.to_pydict()
        rows = [_facts(m, s, t) for m, s, t in zip(cols["model"], cols["source"], cols["readme"],
                                                    strict=True)]
        tables.append(pa.Table.from_pylist(rows, schema=FACTS_SCHEMA))
    return pa.concat_tables(tables) if tables else FACTS_SCHEMA.empty_table()


def _peatmoss(result: CardAssessment) -> CardAssessment:
    """Label a dataset assessment with its source; the model_card row's own provenance (e.g.
    PeaTMOSS's hand-checked cards) stays as a note."""
    if result.assessed:
        if result.source and result.source != queries.PEATMOSS_SOURCE:
            result.notes.append(f"card data: {result.source}")
        result.source = queries.PEATMOSS_SOURCE
    return result


def _pick(peatmoss: CardAssessment | None, readme: CardAssessment | None,
          source: str) -> tuple[CardAssessment | None, CardAssessment | None]:
    """(the assessment ``source`` selects, the other source's when there is one): with ``all``
    the README wins, being the newer reading of the card (see :func:`ptmx.cards.report.report`)."""
    if peatmoss is not None and not peatmoss.assessed and readme is None:
        return peatmoss, None
    if source == "peatmoss":
        return peatmoss, readme
    if source == "readme":
        return readme, peatmoss if peatmoss is not None and peatmoss.assessed else None
    if readme is not None:
        return readme, peatmoss if peatmoss is not None and peatmoss.assessed else None
    return peatmoss, None


def _readmes(store: Store, reuse: Mapping[str, int]) -> dict[str, CardAssessment]:
    """The assessment of the newest stored README of each hub id in ``reuse`` (id -> projects
    reusing it) that has one, read in one pass over ``hub_card``."""
    if not reuse or not store.has(queries.HUB_CARD):
        return {}
    out = {}
    for batch in queries.readme_batches(store, list(reuse)):
        for row in batch.to_pylist():
            model = row["model"]
            out[model] = assess_card_dict(readme_card(model, row["source"], row["readme"] or ""),
                                          model=model, reuse_count=reuse.get(model, 0))
    return out


def _choose(peatmoss: CardAssessment | None, readme: CardAssessment | None,
            source: str) -> tuple[CardAssessment, CardAssessment | None]:
    """:func:`_pick`, with a "not assessed" stand-in when ``source`` has nothing on the model."""
    chosen, other = _pick(peatmoss, readme, source)
    if chosen is None:
        base = peatmoss or readme
        assert base is not None
        chosen = assess_card_dict({}, model=base.model, reuse_count=base.reuse_count)
        chosen.model_id = base.model_id
        chosen.notes = [f"not assessed: no card data from source {source!r}"]
    return chosen, other


def assess_by_source(store: Store, model: str,
                     source: str = "all") -> tuple[CardAssessment, CardAssessment | None]:
    """``model``'s assessment from the chosen card source (peatmoss, readme, all) and the other
    source's, if any. A model only crawled (not in the dataset) is found by its README; a model
    without data from the chosen source comes back not assessed."""
    from ptmx.cards.assess import assess
    from ptmx.errors import NotFoundError
    from ptmx.store import find_model_id

    model_id = find_model_id(store, model)
    peatmoss = _peatmoss(assess(store, model_id)) if model_id is not None else None
    name = peatmoss.model if peatmoss is not None else model
    readme = _readmes(store, {name: peatmoss.reuse_count if peatmoss else 0}).get(name)
    if peatmoss is None and readme is None:
        assess(store, model)  # raises NotFoundError with suggestions
        raise NotFoundError(f"no model {model!r} in the dataset or the crawled READMEs")
    return _choose(peatmoss, readme, source)


def assess_project_by_source(store: Store, project: str,
                             source: str = "all") -> tuple[str, list[CardAssessment]]:
    """The project's ``owner/name`` and the assessment of every model it reuses, by source.
    One scoring query for all of them and one pass over the READMEs: a project reusing 258
    models took 18 s when each was assessed on its own."""
    from ptmx.cards.assess import assess_project

    name, results = assess_project(store, project)
    dataset = [_peatmoss(r) for r in results]
    if source == "peatmoss":
        return name, dataset
    readmes = _readmes(store, {r.model: r.reuse_count for r in dataset})
    return name, [_choose(r, readmes.get(r.model), source)[0] for r in dataset]


def assess_all(store: Store, source: str = "all") -> list[CardAssessment]:
    """Every model with card data from ``source`` (for ``cards check``)."""
    from ptmx.cards.assess import assess_ids

    peatmoss = {a.model: _peatmoss(a) for a in assess_ids(store, queries.assessed_model_ids(store))} \
        if source != "readme" else {}
    readmes: dict[str, CardAssessment] = {}
    if source != "peatmoss":
        for batch in queries.readme_batches(store):
            rows = batch.to_pylist()
            reuse = queries.reuse_by_name(store, [row["model"] for row in rows])
            for row in rows:
                readmes[row["model"]] = assess_card_dict(
                    readme_card(row["model"], row["source"], row["readme"] or ""),
                    model=row["model"], reuse_count=reuse.get(row["model"], 0))
    return list((peatmoss | readmes).values())
