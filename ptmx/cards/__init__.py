"""Model-card documentation: which models are badly documented, and which of those matter.

Rules (:mod:`ptmx.cards.rules`) name one field each, with a :class:`Severity` and the sources
that can document it; one evaluator (:mod:`ptmx.cards.scoring`, SQL) turns facts into a
:class:`Status` per rule and the scores, for the whole dataset and for a single card alike.
:func:`assess` scores one model from the dataset, :func:`assess_card_dict` a card given as a dict
(a live hub card, a scanned project's model), :func:`report` the whole dataset in one vectorised
pass. Results are plain dataclasses with ``to_dict()``; rendering to Markdown
and HTML lives in :mod:`ptmx.cards.markdown` and :mod:`ptmx.cards.html`.
"""

from ptmx.cards.assess import (
    assess,
    assess_card_dict,
    assess_ids,
    assess_project,
    completeness,
)
from ptmx.cards.report import VIEWS, CardsReport, FieldShare, GroupRow, RiskyModel, report
from ptmx.cards.results import CardAssessment, Evidence, Finding, RuleResult
from ptmx.cards.rules import RULES, Rule
from ptmx.cards.vocabulary import Severity, Status

__all__ = [
    "RULES", "VIEWS", "CardAssessment", "CardsReport", "Evidence", "FieldShare", "Finding",
    "GroupRow", "RiskyModel", "Rule", "RuleResult", "Severity", "Status", "assess",
    "assess_card_dict", "assess_ids", "assess_project", "completeness", "report",
]
