"""The dataset-wide license audit, computed once per open store and shared by every screen.

The licenses screen and every model and project page read the same
:class:`~ptmx.licenses.AuditResult`; computing it takes a while on a large dataset, so it is
kept (weakly: it goes when the store goes) and guarded by a lock, since workers run in threads.
"""

from __future__ import annotations

import threading
import weakref

import pyarrow.compute as pc

from ptmx.licenses import AuditRecord, AuditResult, audit
from ptmx.store import Store

_AUDITS: weakref.WeakKeyDictionary[Store, AuditResult] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def license_audit(store: Store) -> AuditResult:
    """The audit of ``store`` (every link and lineage edge judged), computed on first use."""
    with _LOCK:
        found = _AUDITS.get(store)
    if found is None:
        found = audit(store)
        with _LOCK:
            _AUDITS[store] = found
    return found


def link_verdicts(store: Store, *, model_id: int | None = None,
                  project_id: int | None = None) -> list[AuditRecord]:
    """The audit records of one model (its links, and lineage edges it is part of) or of one
    project (its links)."""
    table = license_audit(store).table
    if model_id is not None:
        mask = pc.or_kleene(pc.equal(table.column("model_id"), model_id),
                            pc.equal(table.column("derived_id"), model_id))
    else:
        mask = pc.equal(table.column("project_id"), project_id)
    return [AuditRecord(**row) for row in table.filter(pc.fill_null(mask, False)).to_pylist()]
