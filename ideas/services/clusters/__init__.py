"""Clustering runs and the facilitators' edits of clusters: the writes.

A run reads the ideas and the current clusters, computes without holding any
lock (embedding, k-means, keywords, map), then applies its result in one
transaction with the scope's clusters locked. Facilitators' edits are the
authority: names they gave, pins, merges and every placement made while the
run was computing are kept, so no edit is lost to a run.

Callers use the names re-exported here
(``from ideas.services import clusters as cluster_services``):

- ``runs``: asking for a run, failing the runs a dead worker left, summaries.
- ``execute``: carrying a run out in the worker (``_compute``, then
  ``_apply``).
- ``edits``: rename, merge, split, move and pin (versions: ``_versions``).
"""

# A read, importable here as it was before it moved to the selectors.
from ideas.selectors.clusters import clusterable_ideas
from ideas.services.clusters._apply import MOVED_LIMIT
from ideas.services.clusters._common import (
    DEFAULT_PARAMETERS,
    LABEL_MAX_LENGTH,
    MIN_IDEAS,
)
from ideas.services.clusters.edits import (
    EditConflict,
    cluster_merge,
    cluster_move_ideas,
    cluster_pin,
    cluster_rename,
    cluster_split,
)
from ideas.services.clusters.execute import Progress, clustering_run_execute
from ideas.services.clusters.runs import (
    clustering_run_prepare,
    clustering_run_request,
    clustering_run_summary,
    clustering_runs_fail_stale,
)

__all__ = [
    "DEFAULT_PARAMETERS",
    "LABEL_MAX_LENGTH",
    "MIN_IDEAS",
    "MOVED_LIMIT",
    "EditConflict",
    "Progress",
    "cluster_merge",
    "cluster_move_ideas",
    "cluster_pin",
    "cluster_rename",
    "cluster_split",
    "clusterable_ideas",
    "clustering_run_execute",
    "clustering_run_prepare",
    "clustering_run_request",
    "clustering_run_summary",
    "clustering_runs_fail_stale",
]
