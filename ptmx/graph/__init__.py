"""The supply-chain graph: neighborhoods, lineage, blast radius, rankings and exports.

Built on networkx and fed by the store through ``queries`` (the package's only SQL). Results are
plain dataclasses (:class:`Subgraph` and its kinds) that the CLI and the TUI both render.
"""

from ptmx.graph.core import (
    BASE,
    DERIVED,
    USED_BY,
    USES,
    Branch,
    Edge,
    Node,
    Subgraph,
    TreeNode,
    resolve,
)
from ptmx.graph.export import FORMATS as EXPORT_FORMATS
from ptmx.graph.export import export, format_for
from ptmx.graph.impact import (
    SPACE,
    USED_BY_SPACE,
    Affected,
    EffectiveJudge,
    EffectiveTerms,
    Impact,
    Judgement,
    LicenseJudge,
    LinkActivity,
    impact,
)
from ptmx.graph.lineage import Lineage, lineage
from ptmx.graph.neighborhood import (
    DEFAULT_LIMIT,
    EDGE_FIELDS,
    NODE_FIELDS,
    Neighborhood,
    neighborhood,
)
from ptmx.graph.rankings import RANKINGS, pagerank, supply_graph, top

__all__ = [
    "BASE",
    "DEFAULT_LIMIT",
    "DERIVED",
    "EDGE_FIELDS",
    "EXPORT_FORMATS",
    "NODE_FIELDS",
    "RANKINGS",
    "SPACE",
    "USED_BY",
    "USED_BY_SPACE",
    "USES",
    "Affected",
    "Branch",
    "Edge",
    "EffectiveJudge",
    "EffectiveTerms",
    "Impact",
    "Judgement",
    "LicenseJudge",
    "Lineage",
    "LinkActivity",
    "Neighborhood",
    "Node",
    "Subgraph",
    "TreeNode",
    "export",
    "format_for",
    "impact",
    "lineage",
    "neighborhood",
    "pagerank",
    "resolve",
    "supply_graph",
    "top",
]
