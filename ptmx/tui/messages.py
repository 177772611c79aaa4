"""What workers post back to their screen: one small typed message per result and per failure.

Workers compute in a thread and never touch a widget; they end by posting one of these to the
screen that started them (harlequin's pattern), and the screen handles it with ``@on(...)`` on
the event loop. A result is routed by its *type*: renaming a worker cannot drop its result.

``Done[T]`` carries a result of type ``T``; ``Failed`` carries the exception. A job whose
failure needs nothing special posts :class:`JobFailed`, which every screen reports as a
notification. None of them bubble: a result belongs to the screen that asked for it.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.message import Message
from textual.widgets.tree import TreeNode

from ptmx.cards import CardAssessment, CardsReport
from ptmx.hub import HubLookup
from ptmx.licenses import AuditRecord, AuditResult
from ptmx.store import ModelPage, ProjectPage, QueryResult
from ptmx.tui.graphdata import Item, Level
from ptmx.tui.search_state import Row, SearchParams

T = TypeVar("T")


class WorkerMessage(Message, bubble=False):
    """Posted by a worker to the screen that started it."""


class Done(WorkerMessage, Generic[T]):
    """A worker's result."""

    def __init__(self, result: T) -> None:
        super().__init__()
        self.result = result


class Failed(WorkerMessage):
    """A worker's failure, for a screen that shows it in place."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class JobFailed(Failed):
    """A failure that is only reported (a notification titled ``what``)."""

    def __init__(self, error: BaseException, what: str) -> None:
        super().__init__(error)
        self.what = what


# -- the models list --------------------------------------------------------------------------
class ResultsLoaded(WorkerMessage):
    """The first page of a search; ``total`` is known when that page is the whole answer."""

    def __init__(self, params: SearchParams, total: int | None, rows: list[Row]) -> None:
        super().__init__()
        self.params = params
        self.total = total
        self.rows = rows


class ResultsFailed(Failed):
    """The search failed."""


class CountLoaded(WorkerMessage):
    """How many models match the search of result set ``generation``."""

    def __init__(self, generation: int, total: int | None) -> None:
        super().__init__()
        self.generation = generation
        self.total = total


class PagesLoaded(WorkerMessage):
    """Pages of result set ``generation``, by page number."""

    def __init__(self, generation: int, pages: dict[int, list[Row]]) -> None:
        super().__init__()
        self.generation = generation
        self.pages = pages


class PagesFailed(Failed):
    """Fetching pages failed."""


class ScoresLoaded(WorkerMessage):
    """Card completeness of the models of one page of result set ``generation``."""

    def __init__(self, generation: int, page: int, scores: dict[int, float | None]) -> None:
        super().__init__()
        self.generation = generation
        self.page = page
        self.scores = scores


class ScoresFailed(Failed):
    """Scoring cards failed (the column just stays '…')."""


# -- pages --------------------------------------------------------------------------------------
class ModelPageLoaded(Done[ModelPage]):
    """The model page's data."""


class ModelPageFailed(Failed):
    """The model could not be opened."""


class ProjectPageLoaded(Done[ProjectPage]):
    """The project page's data."""


class ProjectPageFailed(Failed):
    """The project could not be opened."""


class VerdictsLoaded(Done[list[AuditRecord]]):
    """The audit records of one model or project."""


class VerdictsFailed(Failed):
    """The verdicts could not be computed."""


class CardAssessed(Done[CardAssessment]):
    """One model's card completeness."""


class CardFailed(Failed):
    """The card could not be assessed."""


class HubAnswered(Done[HubLookup]):
    """The live hub's answer, with the drift against the snapshot."""


class HubFailed(Failed):
    """The hub lookup failed hard."""


# -- areas --------------------------------------------------------------------------------------
class AuditLoaded(WorkerMessage):
    """The dataset-wide audit and its findings."""

    def __init__(self, audit: AuditResult, findings: list[AuditRecord]) -> None:
        super().__init__()
        self.audit = audit
        self.findings = findings


class AuditFailed(Failed):
    """The audit failed (or the dataset lacks a table it needs)."""


class ReportLoaded(Done[CardsReport]):
    """The documentation report."""


class ReportFailed(Failed):
    """The documentation report failed."""


class QueryDone(Done[QueryResult]):
    """The SQL console's query result."""


class SchemaLoaded(Done[dict[str, list[tuple[str, str]]]]):
    """The console's schema: each table's columns and their types."""


class QueryFailed(Failed):
    """The SQL console's query failed (or was cancelled)."""


class LevelLoaded(WorkerMessage):
    """One expanded level of the graph tree, for ``node``."""

    def __init__(self, node: TreeNode[Item], level: Level) -> None:
        super().__init__()
        self.node = node
        self.level = level


class Exported(Done[str]):
    """The graph was written to this path."""



class SheetExported(WorkerMessage):
    """A table was written to ``path`` (``rows`` rows)."""

    def __init__(self, path: str, rows: int) -> None:
        super().__init__()
        self.path = path
        self.rows = rows
