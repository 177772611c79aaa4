"""Find models and projects by name: exact ids, search as you type, and "did you mean" hints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ptmx.errors import NotFoundError
from ptmx.store.store import Store

if TYPE_CHECKING:
    import pyarrow as pa

SORTABLE = ("model", "author", "downloads", "likes", "license", "reuse_count")


def normalise_model_id(text: str) -> str:
    """A model reference as users paste it → the hub id (URL prefix and stray spaces removed)."""
    ref = text.strip()
    for prefix in ("https://huggingface.co/", "http://huggingface.co/", "huggingface.co/", "hf://"):
        if ref.lower().startswith(prefix):
            ref = ref[len(prefix):]
    return "/".join(part.strip() for part in ref.strip("/").split("/"))


def normalise_project(text: str) -> str:
    """A project reference (``owner/name``, a GitHub URL, ``github.com/owner/name``) → owner/name."""
    ref = text.strip()
    for prefix in ("https://", "http://", "www.", "github.com/"):
        if ref.lower().startswith(prefix):
            ref = ref[len(prefix):]
    return ref.strip("/").removesuffix(".git")


# Filters over PeaTMOSS's name tables: (keyword, link table, its key column, name table).
_NAMED = (("task", "model_to_tag", "tag_id", "tag"),
          ("library", "model_to_library", "library_id", "library"))


def _filters(license: str | None, author: str | None,
             licenses: Sequence[str] | None, task: str | None = None,
             library: str | None = None) -> tuple[str, dict[str, object]]:
    """The WHERE terms beyond the text (" AND ..."), and their named bind parameters, shared by
    the search and its count. ``task`` (a tag such as text-classification) and ``library``
    need the dataset's model_to_tag / model_to_library tables."""
    where = ""
    params: dict[str, object] = {}
    if license:
        where += " AND list_contains(string_split(lower(license), ' and '), lower($license))"
        params["license"] = license
    if licenses is not None:
        # Any of these tags (e.g. every tag of one license family), compared case-insensitively.
        where += " AND len(list_intersect(string_split(lower(license), ' and '), $tags)) > 0"
        params["tags"] = [t.lower() for t in licenses]
    if author:
        where += " AND lower(author) = lower($author)"
        params["author"] = author
    for key, value in (("task", task), ("library", library)):
        if value:
            _, link, column, names = next(n for n in _NAMED if n[0] == key)
            where += (f" AND model_id IN (SELECT x.model_id FROM {link} x JOIN {names} t "
                      f"ON t.id = x.{column} WHERE lower(t.name) = lower(${key}))")
            params[key] = value
    return where, params


def search_models(
    store: Store,
    text: str = "",
    *,
    limit: int = 100,
    offset: int = 0,
    order_by: str = "downloads",
    descending: bool = True,
    license: str | None = None,
    author: str | None = None,
    licenses: Sequence[str] | None = None,
    task: str | None = None,
    library: str | None = None,
) -> pa.Table:
    """Models whose id contains ``text`` (case-insensitive), best match first, one page at a time.

    Exact and prefix matches come before substring matches; ties break on ``order_by``.
    ``license`` keeps models carrying that tag; ``licenses`` those carrying any of the tags.
    """
    import pyarrow as pa

    rows = search_model_rows(store, text, limit=limit, offset=offset, order_by=order_by,
                             descending=descending, license=license, author=author,
                             licenses=licenses, task=task, library=library)
    # The columns' types as DuckDB gives them, even for an empty page.
    schema = store.query(f"SELECT {_COLUMNS} FROM model_summary LIMIT 0").schema
    return pa.Table.from_pylist(rows, schema=schema)


def search_model_rows(
    store: Store,
    text: str = "",
    *,
    limit: int = 100,
    offset: int = 0,
    order_by: str = "downloads",
    descending: bool = True,
    license: str | None = None,
    author: str | None = None,
    licenses: Sequence[str] | None = None,
    task: str | None = None,
    library: str | None = None,
) -> list[dict[str, Any]]:
    """:func:`search_models` as plain dicts (no Arrow: for a one-shot command)."""
    if order_by not in SORTABLE:
        raise ValueError(f"cannot sort by {order_by!r}")
    needle = text.strip().lower()
    where, params = _filters(license, author, licenses, task, library)
    bound: dict[str, object] = {"n": needle, **params}
    matches = f"FROM model_summary WHERE contains(model_lc, $n){where}"
    if order_by == "downloads" and descending:
        found = _by_downloads(store, needle, matches, bound, offset + limit)[offset:]
    else:
        direction = "DESC" if descending else "ASC"
        found = store.rows(f"""SELECT {_COLUMNS}, {_RANK} AS _rank {matches}
                               ORDER BY _rank, {order_by} {direction} NULLS LAST, model
                               LIMIT $limit OFFSET $offset""",
                           {**bound, "limit": limit, "offset": offset})
    for row in found:
        row.pop("_rank", None)
    return found


_COLUMNS = "model_id, model, author, downloads, likes, license, reuse_count"
# 0: the id itself, 1: the id or its name part starts with the text, 2: contains it elsewhere.
_RANK = ("CASE WHEN $n = '' THEN 0 WHEN model_lc = $n THEN 0 "
         "WHEN starts_with(model_lc, $n) OR contains(model_lc, '/' || $n) THEN 1 ELSE 2 END")


def _by_downloads(store: Store, needle: str, matches: str, bound: dict[str, object],
                  want: int) -> list[dict[str, Any]]:
    """The first ``want`` matches by rank, then downloads, with at most one full scan.

    model_summary is stored in downloads order, so a filtered scan with a LIMIT and no ORDER
    BY returns matches in that order and stops as soon as it has enough. ``early``, the first
    ``want`` matches, is the answer when it holds every match. Otherwise the answer is the exact
    ids (an index lookup), then the prefix matches in order, then early's other matches: the
    prefix matches come from early when it holds nothing else, else from one scan of them
    alone, which also stops at ``want`` (and is the only full scan when they are few).
    """
    early = store.rows(f"SELECT {_COLUMNS}, {_RANK} AS _rank {matches} LIMIT $want",
                       {**bound, "want": want})
    if len(early) < want or not needle:
        return sorted(early, key=lambda r: int(r["_rank"]))  # stable: downloads order within
    exact = store.rows(
        f"""SELECT {_COLUMNS}, 0 AS _rank {matches}
            AND model_id IN (SELECT model_id FROM model_summary WHERE model_lc = $n)
            ORDER BY downloads DESC NULLS LAST, model""", bound)
    if all(r["_rank"] <= 1 for r in early):
        prefix = [r for r in early if r["_rank"] == 1]
    else:
        prefix = store.rows(
            f"""SELECT {_COLUMNS}, 1 AS _rank {matches} AND model_lc <> $n
                AND (starts_with(model_lc, $n) OR contains(model_lc, '/' || $n)) LIMIT $want""",
            {**bound, "want": want})
    rest = [r for r in early if r["_rank"] == 2]
    return (exact + prefix + rest)[:want]


def count_models(store: Store, text: str = "", *, license: str | None = None,
                 author: str | None = None, licenses: Sequence[str] | None = None,
                 task: str | None = None, library: str | None = None) -> int:
    """How many models ``search_models`` would page through with the same arguments."""
    where, params = _filters(license, author, licenses, task, library)
    return int(store.scalar(f"SELECT count(*) FROM model_summary WHERE contains(model_lc, $n)"
                            f"{where}", {"n": text.strip().lower(), **params}))


def filter_names(store: Store, table: str, limit: int = 5000) -> list[str]:
    """The names of ``table`` (``tag`` or ``library``) by how many models carry them, for the
    filter dialog's completion; empty when the dataset lacks the table."""
    named = next((n for n in _NAMED if n[3] == table), None)
    if named is None or not (store.has(named[1]) and store.has(table)):
        return []
    _, link, column, names = named
    return [r["name"] for r in store.rows(
        f"SELECT t.name FROM {link} x JOIN {names} t ON t.id = x.{column} GROUP BY t.name "
        "ORDER BY count(*) DESC, t.name LIMIT $limit", {"limit": limit})]


def license_names(store: Store) -> list[str]:
    """Every license tag that occurs in the dataset, sorted."""
    return [r["name"] for r in store.rows("SELECT name FROM license ORDER BY name")]


def suggest_models(store: Store, text: str, n: int = 5) -> list[str]:
    """The ``n`` model ids closest to ``text`` (for "did you mean")."""
    needle = normalise_model_id(text).lower()
    rows = store.query(
        """SELECT model FROM model_summary
           ORDER BY jaro_winkler_similarity(model_lc, ?) DESC, reuse_count DESC LIMIT ?""",
        [needle, n],
    )
    names: list[str] = rows.column("model").to_pylist()
    return names


def suggest_projects(store: Store, text: str, n: int = 5) -> list[str]:
    """The ``n`` project names closest to ``text``."""
    needle = normalise_project(text).lower()
    rows = store.query(
        """SELECT owner || '/' || name AS project FROM reuse_repository
           ORDER BY jaro_winkler_similarity(lower(owner || '/' || name), ?) DESC LIMIT ?""",
        [needle, n],
    )
    names: list[str] = rows.column("project").to_pylist()
    return names


def find_model_id(store: Store, text: str) -> int | None:
    """The numeric id of the model named ``text`` (exact, then case-insensitive), or None."""
    return model_id_of(store, normalise_model_id(text))


def model_id_of(store: Store, ref: str) -> int | None:
    """:func:`find_model_id` of a reference already normalised (``normalise_model_id``)."""
    # model_key: ids by the hash of the lower-case name, sorted by it (one row group read).
    # Every candidate is then read by id (an index lookup) and its name compared, since two
    # names may share a hash; the exact spelling wins, then the lowest id.
    keyed = store.rows("SELECT lower($ref) AS lc, model_id FROM model_key "
                       "WHERE h = hash(lower($ref))", {"ref": ref})
    best: tuple[bool, int] | None = None
    for key in keyed:
        rows = store.rows("SELECT model, model_lc FROM model_summary WHERE model_id = $id",
                          {"id": key["model_id"]})
        if not rows or rows[0]["model_lc"] != key["lc"]:
            continue
        rank = (rows[0]["model"] != ref, int(key["model_id"]))
        if best is None or rank < best:
            best = rank
    return None if best is None else best[1]


def find_project_id(store: Store, text: str) -> int | None:
    """The numeric id of the project ``owner/name`` (case-insensitive), or None."""
    ref = normalise_project(text)
    owner, _, name = ref.partition("/")
    if not name:
        return None
    found: int | None = store.scalar(
        """SELECT id FROM reuse_repository WHERE lower(owner) = lower(?) AND lower(name) = lower(?)
           ORDER BY (owner = ? AND name = ?) DESC, id LIMIT 1""",
        [owner, name, owner, name],
    )
    return found


def require_model_id(store: Store, text: str) -> int:
    """Like :func:`find_model_id`, but a miss is a :class:`NotFoundError` with suggestions."""
    found = find_model_id(store, text)
    if found is None:
        close = suggest_models(store, text, 3)
        raise NotFoundError(f"no model '{text}' in the dataset",
                            hint="did you mean " + ", ".join(close) if close else None)
    return int(found)


def require_project_id(store: Store, text: str) -> int:
    """Like :func:`find_project_id`, but a miss is a :class:`NotFoundError` with suggestions."""
    found = find_project_id(store, text)
    if found is None:
        close = suggest_projects(store, text, 3)
        raise NotFoundError(f"no project '{text}' in the dataset (expected owner/name)",
                            hint="did you mean " + ", ".join(close) if close else None)
    return int(found)
