"""The only SQL of ``ptmx.cards``: per-model documentation facts, rule statuses and scores.

One vectorised statement (:func:`scored_sql`) computes, for every model at once: facts from the
``model_card`` extension table and whichever PeaTMOSS tables are present and a presence test per
rule; the rules' evaluator (:mod:`ptmx.cards.scoring`, the same for a single hub card) then gives
a status per rule, completeness, missing critical fields and risk. The per-model view runs the
same statement restricted to a few ids, so ``ptmx cards show`` and ``ptmx cards report`` cannot
disagree. The report materialises it once in a connection-local temporary table and aggregates
that several ways.

Work that is costly per row (text tests, license normalisation) is done on the small tables it
belongs to — one row per card, one per license name — before joining to the 281k models.

SQL text is built only from ptmx's own constants (rule keys, patterns, placeholder words);
anything a user typed (model ids, thresholds, limits) is a bind parameter.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from ptmx.cards.rules import (
    DERIVED_NAME_PATTERN,
    EMPTY_PATTERN,
    LICENSE_ALIASES,
    LICENSE_STOPWORDS,
    LICENSE_TOKEN_SPLIT,
    LINK_PATTERN,
    RULES,
    Rule,
)
from ptmx.cards.scoring import INCONSISTENT_CODE, MISSING_CODE, name_statuses, scoring_ctes
from ptmx.cards.vocabulary import Severity, Status
from ptmx.errors import QueryError
from ptmx.store import Store

# model_base rows the importer derived from a card (ptmx.ingest.extensions); any other source is
# hub metadata.
CARD_BASE_SOURCE = "card upstream_model"
GROUPINGS = ("author", "task", "library", "license")


def _lit(text: str) -> str:
    """A SQL literal for one of ptmx's own constants (never user text)."""
    if "'" in text:
        raise ValueError(f"constant {text!r} must not contain a quote")
    return f"'{text}'"


def _filled(expr: str) -> str:
    """SQL twin of :func:`ptmx.cards.rules.filled` for one text value."""
    return f"({expr} IS NOT NULL AND NOT regexp_full_match({expr}, {_lit(EMPTY_PATTERN)}))"


def _any_filled(expr: str) -> str:
    """Whether a text list holds at least one filled value."""
    return f"(len(list_filter(coalesce({expr}, []), lambda v: {_filled('v')})) > 0)"


def _is_link(expr: str) -> str:
    return f"coalesce(regexp_matches({expr}, {_lit(LINK_PATTERN)}, 'i'), false)"


def _license_tokens(expr: str) -> str:
    """SQL twin of :func:`ptmx.cards.rules.license_key` before aliases (see :func:`_alias`)."""
    stop = ", ".join(_lit(w) for w in LICENSE_STOPWORDS)
    tokens = (f"list_filter(string_split(regexp_replace(lower({expr}), "
              f"{_lit(LICENSE_TOKEN_SPLIT)}, ' ', 'g'), ' '), "
              f"lambda t: t <> '' AND t NOT IN ({stop}))")
    return (f"(CASE WHEN {_filled(expr)} AND NOT {_is_link(expr)} "
            f"THEN nullif(array_to_string({tokens}, '-'), '') END)")


def _alias(column: str) -> str:
    """Apply the license alias map to an already tokenised key (a column, evaluated once)."""
    aliases = ", ".join(f"{_lit(a)}: {_lit(b)}" for a, b in LICENSE_ALIASES.items())
    return f"coalesce(MAP {{{aliases}}}[{column}], {column})"


# Hub tags the rules read, by the flag column they set: `dataset:squad`, `arxiv:1810.04805`,
# `base_model:bert-base-uncased` (the hub writes these from a card's metadata).
_TAG_KINDS = {"tag_dataset": "dataset:", "tag_arxiv": "arxiv:", "tag_base_model": "base_model:"}


def card_columns(store: Store) -> dict[str, pa.DataType]:
    """Columns of the ``model_card`` table (empty when the table is absent)."""
    if not store.has("model_card"):
        return {}
    schema = store.query("SELECT * FROM model_card LIMIT 0").schema
    return {f.name: f.type for f in schema}


def _card_value(cols: dict[str, pa.DataType], name: str, *, as_list: bool = False) -> str:
    """``<name>`` of model_card (lists kept as lists) when the table has it, else a typed NULL."""
    if name not in cols:
        return "CAST(NULL AS VARCHAR[])" if as_list else "CAST(NULL AS VARCHAR)"
    is_list = pa.types.is_list(cols[name]) or pa.types.is_large_list(cols[name])
    if as_list:
        return f"CAST({name} AS VARCHAR[])" if is_list else f"[CAST({name} AS VARCHAR)]"
    return f"array_to_string({name}, '; ')" if is_list else f"CAST({name} AS VARCHAR)"


def _presence(r: Rule, cols: dict[str, pa.DataType]) -> str | None:
    """SQL: does the evidence in this dataset document rule ``r``? None when nothing here can."""
    parts = [f"card_has_{r.key}"] if r.key in cols else []
    if r.key == "license":
        parts.append("len(license_tags) > 0")
    elif r.key == "datasets":
        parts += ["has_table_datasets", "tag_dataset"]
    elif r.key == "paper":
        parts += ["has_table_papers", "tag_arxiv"]
    elif r.key == "base_model":
        parts += ["has_model_bases", "tag_base_model"]
    if not parts:
        return None
    return "coalesce(" + " OR ".join(parts) + ", false)"


class _Facts:
    """The facts part of the statement, built table by table: CTEs, the joins onto
    ``model_summary`` and the fact columns each join provides."""

    def __init__(self, store: Store, *, restrict: bool, cards_only: bool, detail: bool) -> None:
        self.store = store
        self.cols = card_columns(store)
        self.detail = detail
        cards_only = cards_only and bool(self.cols) and not restrict
        self.only = " AND {col} IN (SELECT model_id FROM ids)" if restrict or cards_only else ""
        self.ctes: list[str] = []
        self.joins: list[str] = []
        self.fact_cols: dict[str, str] = {}
        if restrict:
            self.ctes.append("ids AS (SELECT unnest(CAST(? AS BIGINT[])) AS model_id)")
        elif cards_only:
            self.ctes.append("ids AS (SELECT DISTINCT model_id FROM model_card "
                             "WHERE model_id IS NOT NULL)")

    def where(self, column: str) -> str:
        """`` AND column IN (the ids)`` when restricted, else nothing."""
        return self.only.format(col=column)

    def add(self, name: str, sql: str, select: dict[str, str]) -> None:
        self.ctes.append(f"{name} AS ({sql})")
        self.joins.append(f"LEFT JOIN {name} ON {name}.model_id = s.model_id")
        self.fact_cols.update(select)

    def cards(self) -> None:
        """One row per card; every per-text test happens here, on the cards only."""
        cols = self.cols
        card_select = [
            "model_id", f"{_card_value(cols, 'source')} AS card_source",
            f"{_card_value(cols, 'task')} AS card_task",
            f"{_card_value(cols, 'frameworks', as_list=True)} AS card_frameworks",
        ]
        for r in RULES:
            value = _card_value(cols, r.key, as_list=r.key == "datasets")
            card_select.append(f"{value} AS card_{r.key}")
            if r.key in cols:
                test = _any_filled(value) if r.key == "datasets" else _filled(value)
                card_select.append(f"{test} AS card_has_{r.key}")
        # License texts repeat across cards: normalise each distinct one once.
        license_value = _card_value(cols, "license")
        self.ctes.append(f"""card_license AS (
            SELECT text, {_alias('tokens')} AS key, link
            FROM (SELECT text, {_license_tokens('text')} AS tokens, {_is_link('text')} AS link
                  FROM (SELECT DISTINCT {license_value} AS text FROM model_card
                        WHERE model_id IS NOT NULL{self.where('model_id')})))""")
        card_select.append(f"{license_value} AS card_license_text")
        carried = ["card_task", "card_frameworks", "card_license_key", "card_license_link",
                   *(f"card_has_{r.key}" for r in RULES if r.key in cols)]
        if self.detail:
            carried += ["card_source", *(f"card_{r.key}" for r in RULES)]
        self.add("card", f"""SELECT c.*, l.key AS card_license_key,
                               coalesce(l.link, false) AS card_license_link
                        FROM (SELECT {', '.join(card_select)} FROM model_card
                              WHERE model_id IS NOT NULL{self.where('model_id')}
                              QUALIFY row_number() OVER (PARTITION BY model_id
                                  ORDER BY {_card_value(cols, 'source')} NULLS LAST) = 1) c
                        LEFT JOIN card_license l ON l.text = c.card_license_text""",
                 {name: f"card.{name}" for name in carried})
        self.fact_cols["assessed"] = "card.model_id IS NOT NULL"

    def licenses(self) -> None:
        """The hub's license tags (model_to_license), as names and comparable keys."""
        self.ctes.append(f"""license_key AS (
            SELECT id, name, {_alias('tokens')} AS key
            FROM (SELECT id, name, {_license_tokens('name')} AS tokens
                  FROM license WHERE {_filled('name')}))""")
        # Plain list(): DISTINCT/ORDER BY aggregates cost ten times more at 281k models; the
        # per-model view sorts for display.
        self.add("lic", f"""SELECT ml.model_id, list(k.name) AS names, list(k.key) AS keys
                       FROM model_to_license ml JOIN license_key k ON k.id = ml.license_id
                       WHERE true{self.where('ml.model_id')}
                       GROUP BY ml.model_id""",
                 {"license_tags": "coalesce(lic.names, [])",
                  "license_tag_keys": "coalesce(lic.keys, [])"})

    def linked(self, alias: str, table: str, link: str, key: str, column: str) -> None:
        """Names from a PeaTMOSS link table (datasets, papers, libraries)."""
        select = {f"has_{column}": f"{alias}.model_id IS NOT NULL"}
        if self.detail or column == "libraries":  # libraries also group the report
            select[column] = f"coalesce({alias}.names, [])"
        self.add(alias, f"""SELECT x.model_id, list(t.name) AS names
                       FROM {link} x JOIN (SELECT id, name FROM {table}
                                           WHERE {_filled('name')}) t ON t.id = x.{key}
                       WHERE true{self.where('x.model_id')}
                       GROUP BY x.model_id""", select)

    def tags(self) -> None:
        """Millions of tag links at full scale: which models have tags at all, then only the
        links to the few tags the rules read (dataset:, arxiv:, base_model:), classified once
        per tag rather than per link."""
        kinds = " ".join(f"WHEN starts_with(lower(name), {_lit(p)}) THEN {_lit(k)}"
                         for k, p in _TAG_KINDS.items())
        self.ctes.append(f"""tag_kind AS (SELECT id, name, kind
                        FROM (SELECT id, lower(name) AS name, CASE {kinds} END AS kind FROM tag)
                        WHERE kind IS NOT NULL)""")
        self.add("tg", f"""SELECT DISTINCT model_id FROM model_to_tag
                      WHERE true{self.where('model_id')}""",
                 {"has_hub_tags": "tg.model_id IS NOT NULL"})
        flags = ", ".join(f"bool_or(k.kind = {_lit(k)}) AS {k}" for k in _TAG_KINDS)
        self.add("tk", f"""SELECT x.model_id, {flags}, list(k.name) AS names
                      FROM model_to_tag x JOIN tag_kind k ON k.id = x.tag_id
                      WHERE true{self.where('x.model_id')}
                      GROUP BY x.model_id""",
                 {**({"hub_tags": "coalesce(tk.names, [])"} if self.detail else {}),
                  **{k: f"coalesce(tk.{k}, false)" for k in _TAG_KINDS}})

    def bases(self) -> None:
        """Base models (model_base), and whether any came from the hub rather than the card."""
        self.add("mb", f"""SELECT model_id, list(base_model) AS names,
                             bool_or(source IS DISTINCT FROM {_lit(CARD_BASE_SOURCE)}) AS hub_base
                      FROM model_base WHERE base_model IS NOT NULL{self.where('model_id')}
                      GROUP BY model_id""",
                 {"has_model_bases": "mb.model_id IS NOT NULL",
                  "hub_base_row": "coalesce(mb.hub_base, false)",
                  **({"model_bases": "coalesce(mb.names, [])"} if self.detail else {})})

    def gather(self) -> None:
        """Every fact source this dataset has."""
        has = self.store.has
        if self.cols:
            self.cards()
        if has("model_to_license"):
            self.licenses()
        for spec in (("ds", "dataset", "model_to_dataset", "dataset_id", "table_datasets"),
                     ("pp", "paper", "model_to_paper", "paper_id", "table_papers"),
                     ("lib", "library", "model_to_library", "library_id", "libraries")):
            if has(spec[1]) and has(spec[2]):
                self.linked(*spec)
        if has("tag") and has("model_to_tag"):
            self.tags()
        if has("model_base"):
            self.bases()

    def defaults(self) -> dict[str, str]:
        """Every fact column, with its value when no table provides it."""
        empty_list = "CAST([] AS VARCHAR[])"
        null_text = "CAST(NULL AS VARCHAR)"
        out = {
            "assessed": "false", "card_task": null_text,
            "card_frameworks": "CAST(NULL AS VARCHAR[])", "card_license_key": null_text,
            "card_license_link": "false",
            **{f"card_has_{r.key}": "false" for r in RULES if r.key in self.cols},
            "license_tags": empty_list, "license_tag_keys": empty_list, "libraries": empty_list,
            "has_table_datasets": "false", "has_table_papers": "false", "has_libraries": "false",
            "has_hub_tags": "false", "has_model_bases": "false", "hub_base_row": "false",
            **{k: "false" for k in _TAG_KINDS},
        }
        if self.detail:
            out |= {
                "card_source": null_text,
                **{f"card_{r.key}": ("CAST(NULL AS VARCHAR[])" if r.key == "datasets"
                                     else null_text) for r in RULES},
                "table_datasets": empty_list, "table_papers": empty_list,
                "hub_tags": empty_list, "model_bases": empty_list,
            }
        return out

    def presence(self) -> str:
        """SQL adding ``has_<rule>`` (and a card base-model flag when model_card has none)."""
        checks = [f"{_presence(r, self.cols) or 'NULL'} AS has_{r.key}" for r in RULES]
        if "base_model" not in self.cols:
            checks.append("false AS card_has_base_model")
        return f"presence AS (SELECT *, {', '.join(checks)} FROM facts)"


def scored_sql(store: Store, *, restrict: bool = False, cards_only: bool = False,
               detail: bool | None = None) -> str:
    """The statement giving one row per model: facts, ``st_<rule>`` (a status code, see
    :data:`ptmx.cards.scoring.STATUS_CODES`; ``name_statuses`` names them), ``applies_<rule>``, the three
    inconsistency flags, ``completeness``, ``missing_critical`` and ``risk`` (the rules are
    evaluated by :func:`ptmx.cards.scoring.scoring_ctes`, as for a single card).

    With ``restrict``, the first bind parameter is the list of model ids to compute it for; with
    ``cards_only``, only models with card data (the only ones with anything to score) are
    computed. ``detail`` (default: with ``restrict``) also carries what the evidence shows: the
    card's values and the names behind each flag (``card_<rule>``, ``hub_tags``, ...).
    """
    facts = _Facts(store, restrict=restrict, cards_only=cards_only,
                   detail=restrict if detail is None else detail)
    facts.gather()
    defaults = facts.defaults()
    columns = ["s.model_id", "s.model", "s.author", "s.downloads", "s.reuse_count",
               f"nullif(regexp_extract(lower(s.model), {_lit(DERIVED_NAME_PATTERN)}, 2), '') "
               "AS derived_hint"]
    columns += [f"{facts.fact_cols.get(name, default)} AS {name}"
                for name, default in defaults.items()]
    where = "WHERE s.model_id IN (SELECT model_id FROM ids)" if facts.only else ""
    ctes = [*facts.ctes,
            f"facts AS (SELECT {', '.join(columns)} FROM model_summary s "
            f"{' '.join(facts.joins)} {where})",
            facts.presence()]
    carry = ["model_id", "model", "author", "downloads", "reuse_count", "derived_hint", *defaults]
    ctes += scoring_ctes("presence", carry)
    return "WITH " + ",\n".join(ctes) + "\nSELECT * FROM scored"


def missing_keys(row: dict[str, Any], *, critical_only: bool = False) -> list[str]:
    """Rule keys a (named) scored row misses and counts, in rule order."""
    return [r.key for r in RULES
            if (not critical_only or r.severity is Severity.CRITICAL)
            and row.get(f"st_{r.key}") == Status.MISSING and row.get(f"applies_{r.key}")]


def assessment_rows(store: Store, model_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Facts, statuses and scores of the given models (in no particular order)."""
    if not model_ids:
        return []
    rows = store.rows(scored_sql(store, restrict=True), [list(map(int, model_ids))])
    return [name_statuses(row) for row in rows]


# --- the report ---------------------------------------------------------------------------------

def _group_key(by: str) -> tuple[str, bool]:
    """SQL for the group(s) of a model, and whether it is a list (a model with two libraries
    is in both groups)."""
    if by == "author":
        return "coalesce(author, '(no namespace)')", False
    if by == "task":
        task = "regexp_replace(lower(trim(card_task)), '[ _-]+', ' ', 'g')"
        return f"CASE WHEN {_filled('card_task')} THEN {task} ELSE '(unknown)' END", False
    if by == "library":
        return f"""list_distinct(CASE
                        WHEN len(libraries) > 0 THEN list_transform(libraries, lambda x: lower(x))
                        WHEN {_any_filled('card_frameworks')}
                        THEN list_transform(list_filter(card_frameworks,
                                                        lambda v: {_filled('v')}),
                                            lambda x: lower(trim(x)))
                        ELSE ['(unknown)'] END)""", True
    if by == "license":
        return """list_distinct(CASE WHEN len(license_tags) > 0 THEN license_tags
                                     WHEN card_license_key IS NOT NULL THEN [card_license_key]
                                     WHEN card_license_link THEN ['(link)']
                                     ELSE ['(none)'] END)""", True
    raise ValueError(f"cannot group by {by!r}; choose from {', '.join(GROUPINGS)}")


def _all_model_lists(store: Store, by: str) -> tuple[list[str], list[str], dict[str, str]]:
    """CTEs, joins and columns giving every model (not only carded ones) what grouping ``by``
    needs: license tags or libraries."""
    ctes, joins, cols = [], [], {"license_tags": "CAST([] AS VARCHAR[])",
                                 "libraries": "CAST([] AS VARCHAR[])"}
    if by == "license" and store.has("model_to_license"):
        ctes.append(f"""g_lic AS (SELECT ml.model_id, list(l.name) AS names
                        FROM model_to_license ml JOIN license l ON l.id = ml.license_id
                        WHERE {_filled('l.name')} GROUP BY ml.model_id)""")
        joins.append("LEFT JOIN g_lic ON g_lic.model_id = s.model_id")
        cols["license_tags"] = "coalesce(g_lic.names, [])"
    if by == "library" and store.has("library") and store.has("model_to_library"):
        ctes.append(f"""g_lib AS (SELECT x.model_id, list(t.name) AS names
                        FROM model_to_library x JOIN library t ON t.id = x.library_id
                        WHERE {_filled('t.name')} GROUP BY x.model_id)""")
        joins.append("LEFT JOIN g_lib ON g_lib.model_id = s.model_id")
        cols["libraries"] = "coalesce(g_lib.names, [])"
    return ctes, joins, cols


def _scored_tables(cur: duckdb.DuckDBPyConnection, store: Store, table: str, keep: list[str],
                   min_reuse: int, source: str, readme_facts: pa.Table | None) -> list[str]:
    """Create ``table``: the scored models of the chosen card source, each with its ``source``.
    With ``all``, a model with both a README and a PeaTMOSS card is scored from the README (see
    :func:`ptmx.cards.report.report`). Returns the helper tables to drop."""
    made: list[str] = []
    parts: list[str] = []
    if source != "readme" and store.has("model_card"):
        cur.execute(f"CREATE TEMP TABLE {table}_p AS SELECT {', '.join(keep)}, "
                    f"{_lit(PEATMOSS_SOURCE)} AS source "
                    f"FROM ({scored_sql(store, cards_only=True)}) "
                    "WHERE assessed AND reuse_count >= ?", [min_reuse])
        made.append(f"{table}_p")
    if source != "peatmoss" and readme_facts is not None:
        view = f"{table}_facts"
        cur.register(view, readme_facts)
        try:
            cur.execute(f"CREATE TEMP TABLE {table}_r AS SELECT {', '.join(keep)}, source "
                        f"FROM ({_readme_scored_sql(view)}) "
                        "WHERE assessed AND reuse_count >= ?", [min_reuse])
        finally:
            cur.unregister(view)
        made.append(f"{table}_r")
        parts.append(f"SELECT * FROM {table}_r")
    if f"{table}_p" in made:
        newer = (f" WHERE model_id NOT IN (SELECT model_id FROM {table}_r "
                 "WHERE model_id IS NOT NULL)") if parts else ""
        parts.append(f"SELECT * FROM {table}_p{newer}")
    if not parts:  # nothing of this source: an empty table of the right shape
        parts.append(f"SELECT {', '.join(keep)}, CAST(NULL AS VARCHAR) AS source "
                     f"FROM ({scored_sql(store, cards_only=True)}) WHERE false")
    cur.execute(f"CREATE TEMP TABLE {table} AS {' UNION ALL BY NAME '.join(parts)}")
    return made


def report_data(store: Store, *, by: str | None, top: int, min_reuse: int, source: str = "all",
                readme_facts: pa.Table | None = None) -> dict[str, Any]:
    """Everything the report shows, from one pass over the models reused at least ``min_reuse``
    times: ``totals`` (model count, and counts per rule over the assessed models), ``riskiest``
    (``top`` scored rows), and with ``by`` the ``top`` ``groups`` plus ``total_groups``.
    ``source`` (peatmoss, readme, all) picks the card data; ``readme_facts`` are the crawled
    READMEs' facts (:func:`ptmx.cards.readme.readme_facts`)."""
    status_cols = [c for r in RULES for c in (f"st_{r.key}", f"applies_{r.key}")]
    keep = ["model_id", "model", "author", "reuse_count", "downloads", "completeness",
            "missing_critical", "risk", "card_task", "card_frameworks", "card_license_key",
            "card_license_link", *status_cols]
    table = f"cards_scored_{uuid.uuid4().hex}"
    totals = ["count(*) AS assessed"]
    for r in RULES:
        totals += [
            f"count(st_{r.key}) AS assessed_{r.key}",
            f"count(*) FILTER (WHERE st_{r.key} = {MISSING_CODE}) AS missing_{r.key}",
            f"count(*) FILTER (WHERE st_{r.key} = {INCONSISTENT_CODE}) AS inconsistent_{r.key}",
            f"count(*) FILTER (WHERE st_{r.key} = {MISSING_CODE} AND applies_{r.key}) "
            f"AS counted_{r.key}",
        ]
    totals += [f"count(*) FILTER (WHERE source = {_lit(PEATMOSS_SOURCE)}) AS from_peatmoss",
               "count(*) FILTER (WHERE model_id IS NULL) AS outside_dataset"]
    out: dict[str, Any] = {}
    made: list[str] = []
    with store.cursor() as cur:
        try:
            try:
                # Only models with card data are scored; connection-local, dropped on the way out.
                made = _scored_tables(cur, store, table, keep, min_reuse, source, readme_facts)
                out["totals"] = _dicts(cur.execute(
                    f"SELECT {', '.join(totals)} FROM {table}"))[0]
                # Crawled models outside the dataset count among the models too.
                out["totals"]["models"] = _dicts(cur.execute(
                    "SELECT count(*) AS n FROM model_summary WHERE reuse_count >= ?",
                    [min_reuse]))[0]["n"] + out["totals"]["outside_dataset"]
                out["riskiest"] = [name_statuses(row) for row in _dicts(cur.execute(
                    f"""SELECT model_id, model, author, reuse_count, downloads, completeness,
                               missing_critical, risk, source, {', '.join(status_cols)}
                        FROM {table}
                        ORDER BY risk DESC, missing_critical DESC, reuse_count DESC,
                                 completeness ASC NULLS LAST, model
                        LIMIT ?""", [top]))]
                if by:
                    out["groups"] = _dicts(cur.execute(
                        _groups_sql(store, table, by), [min_reuse, top]))
            finally:
                for name in (table, *made):
                    cur.execute(f"DROP TABLE IF EXISTS {name}")
        except duckdb.Error as exc:
            raise QueryError(" ".join(str(exc).split())) from exc
    return out


def _groups_sql(store: Store, table: str, by: str) -> str:
    """Groups over every model reused enough: the scored (carded) ones from ``table``, the rest
    counted as not assessed."""
    ctes, joins, lists = _all_model_lists(store, by)
    key, is_list = _group_key(by)
    per_field = ", ".join(
        f"count(*) FILTER (WHERE st_{r.key} = {MISSING_CODE} AND applies_{r.key}) "
        f"AS missing_{r.key}" for r in RULES)
    scored_cols = ", ".join(f"t.{c}" for c in (
        "completeness", "missing_critical", "risk", "card_task", "card_frameworks",
        "card_license_key", "card_license_link",
        *(f"{p}_{r.key}" for r in RULES for p in ("st", "applies"))))
    models = f"""SELECT s.model_id, s.author, s.reuse_count, t.model_id IS NOT NULL AS assessed,
                        {lists['license_tags']} AS license_tags,
                        {lists['libraries']} AS libraries, {scored_cols}
                 FROM model_summary s LEFT JOIN {table} t ON t.model_id = s.model_id
                 {' '.join(joins)}
                 WHERE s.reuse_count >= ?"""
    return f"""WITH {''.join(c + ', ' for c in ctes)}
        models AS ({models}),
        keyed AS (SELECT {f"unnest({key})" if is_list else key} AS grp, * FROM models),
        agg AS (
            SELECT grp, count(*) AS models,
                   count(*) FILTER (WHERE assessed) AS assessed,
                   count(*) FILTER (WHERE NOT assessed) AS not_assessed,
                   CAST(sum(reuse_count) AS BIGINT) AS reuse,
                   round(avg(completeness), 1) AS completeness,
                   count(*) FILTER (WHERE missing_critical > 0) AS missing_critical_models,
                   CAST(coalesce(sum(risk), 0) AS BIGINT) AS risk, {per_field}
            FROM keyed GROUP BY grp)
        SELECT *, count(*) OVER () AS total_groups FROM agg
        ORDER BY risk DESC, missing_critical_models DESC, assessed DESC, models DESC, grp
        LIMIT ?"""


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


# --- lookups for `ptmx cards check` -------------------------------------------------------------

def project_model_ids(store: Store, project_id: int) -> list[int]:
    """The models a project reuses."""
    rows = store.query(
        """SELECT DISTINCT model_id FROM model_to_reuse_repository
           WHERE reuse_repository_id = ? ORDER BY model_id""", [project_id])
    return [int(i) for i in rows.column("model_id").to_pylist()]


def assessed_model_ids(store: Store, min_reuse: int = 0) -> list[int]:
    """Every model with card data, reused by at least ``min_reuse`` projects."""
    if not store.has("model_card"):
        return []
    rows = store.query(
        """SELECT DISTINCT c.model_id FROM model_card c
           JOIN model_summary s ON s.model_id = c.model_id
           WHERE s.reuse_count >= ? ORDER BY c.model_id""", [min_reuse])
    return [int(i) for i in rows.column("model_id").to_pylist()]


# --- READMEs crawled from the hub (hub_card) ----------------------------------------------------

HUB_CARD = "hub_card"
PEATMOSS_SOURCE = "PeaTMOSS extraction"
SOURCES = ("peatmoss", "readme", "all")


def readme_batches(store: Store, models: Sequence[str] | None = None,
                   batch_rows: int = 2048) -> Iterator[pa.RecordBatch]:
    """The newest stored README of each model (``hub_card`` rows with status ok), as Arrow
    batches of ``model``, ``source``, ``readme``; ``models`` restricts to those hub ids. Streamed:
    a crawl may hold millions of READMEs and only one batch is in memory at a time."""
    if not store.has(HUB_CARD):
        return
    only = "AND model IN (SELECT unnest(CAST(? AS VARCHAR[])))" if models is not None else ""
    sql = f"""SELECT model, source, readme FROM {HUB_CARD}
              WHERE status = 'ok' AND readme IS NOT NULL AND model IS NOT NULL {only}
              QUALIFY row_number() OVER (PARTITION BY model
                                         ORDER BY fetched_at DESC NULLS LAST, source DESC) = 1
              ORDER BY model"""
    params: list[Any] = [list(models)] if models is not None else []
    with store.cursor() as cur:
        try:
            reader = cur.sql(sql, params=params).to_arrow_reader(batch_rows)
            yield from reader
        except duckdb.Error as exc:
            raise QueryError(" ".join(str(exc).split())) from exc


def _readme_scored_sql(view: str) -> str:
    """Score the README facts in ``view`` (one row per model; see
    :data:`ptmx.cards.readme.FACTS_SCHEMA`) with the one evaluator, joined to the dataset's
    models by hub id for reuse (a crawled model outside the dataset has no model_id, reuse 0)."""
    facts = f"""facts AS (
        SELECT f.* EXCLUDE (model), coalesce(s.model, f.model) AS model, s.model_id, s.author,
               s.downloads, coalesce(s.reuse_count, 0) AS reuse_count,
               CAST(NULL AS VARCHAR) AS card_task, CAST(NULL AS VARCHAR[]) AS card_frameworks
        FROM {view} f LEFT JOIN model_summary s ON s.model = f.model)"""
    carry = ["model_id", "model", "author", "downloads", "reuse_count", "derived_hint",
             "card_task", "card_frameworks", "card_license_key", "card_license_link", "source"]
    return "WITH " + ",\n".join([facts, *scoring_ctes("facts", carry)]) + "\nSELECT * FROM scored"


def reuse_by_name(store: Store, models: Sequence[str]) -> dict[str, int]:
    """Projects reusing each of the given hub ids (ids not in the dataset are left out)."""
    if not models:
        return {}
    rows = store.rows("SELECT model, reuse_count FROM model_summary "
                      "WHERE model IN (SELECT unnest(CAST(? AS VARCHAR[])))", [list(models)])
    return {str(r["model"]): int(r["reuse_count"] or 0) for r in rows}
