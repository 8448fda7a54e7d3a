"""The HTML report: a self-contained folder that answers with numbers, figures and a story.

``sim report A.yaml [B.yaml ...]`` runs the scenarios on common random numbers and writes
``index.html`` beside its stylesheet, figures (PNG, linked to SVG) and the story of a typical
replication; the page opens offline and makes no network requests.
"""

from sim.outputs.report.build import (
    CalibrateRequest,
    ExploreRequest,
    ReportData,
    build_report,
    make_report,
    typical_replication,
)
from sim.outputs.report.diff import document_diff

__all__ = [
    "CalibrateRequest",
    "ExploreRequest",
    "ReportData",
    "build_report",
    "document_diff",
    "make_report",
    "typical_replication",
]
