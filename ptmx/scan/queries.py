"""The scan's own SQL: the dataset's model ids, loaded once per scan."""

from __future__ import annotations

from dataclasses import dataclass

from ptmx.store import Store


@dataclass(frozen=True)
class ModelIndex:
    """Model ids by exact name and by lower-cased name (the first id wins, as in the store)."""

    exact: dict[str, int]
    folded: dict[str, int]
    names: dict[int, str]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.exact

    def find(self, name: str) -> int | None:
        """The id of ``name``: exact match first, then case-insensitive."""
        found = self.exact.get(name)
        return found if found is not None else self.folded.get(name.lower())

    def name(self, model_id: int) -> str:
        """The dataset's spelling of the model ``model_id``."""
        return self.names[model_id]


def model_index(store: Store) -> ModelIndex:
    """Every model of the dataset, for exact string-literal matching and name resolution."""
    table = store.query("SELECT id, context_id FROM model ORDER BY id")
    exact: dict[str, int] = {}
    folded: dict[str, int] = {}
    names: dict[int, str] = {}
    for model_id, name in zip(table.column("id").to_pylist(),
                              table.column("context_id").to_pylist(), strict=True):
        if name is None:
            continue
        exact.setdefault(name, int(model_id))
        folded.setdefault(name.lower(), int(model_id))
        names[int(model_id)] = name
    return ModelIndex(exact, folded, names)
