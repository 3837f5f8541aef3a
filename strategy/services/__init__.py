"""Every write to a framework and its tree goes through these functions.

Each sub-domain has its module; callers use the names re-exported here
(``from strategy import services; services.framework_create(...)``).

- ``frameworks``: creating and saving a framework, its status, and following
  its document page through Wagtail's workflow.
- ``tree``: strategic issues, goals and measures, and the ideas measures cite.
- ``clusters``: citing a cluster, measures drafted from one, and linking a
  framework's measures to the clusters their ideas came from.
- ``indicators``: a measure's indicators and their yearly targets.
- ``_common``: ordering, appending, version checks and the cluster rules the
  others share.
"""

from strategy.services._common import adopted_message
from strategy.services.clusters import (
    cluster_left_out_message,
    framework_link_clusters,
    measure_cite_cluster,
    measure_create_from_cluster,
)
from strategy.services.frameworks import (
    DOCUMENT_STEPS,
    PUBLISHING_CHANGES,
    framework_create,
    framework_follow_document,
    framework_save,
    framework_set_status,
)
from strategy.services.indicators import indicator_create
from strategy.services.tree import (
    goal_create,
    issue_create,
    measure_cite_ideas,
    measure_create,
    measure_create_from_ideas,
    measure_save,
    node_save,
)

__all__ = [
    "adopted_message",
    "DOCUMENT_STEPS",
    "PUBLISHING_CHANGES",
    "cluster_left_out_message",
    "framework_create",
    "framework_follow_document",
    "framework_link_clusters",
    "framework_save",
    "framework_set_status",
    "goal_create",
    "indicator_create",
    "issue_create",
    "measure_cite_cluster",
    "measure_cite_ideas",
    "measure_create",
    "measure_create_from_cluster",
    "measure_create_from_ideas",
    "measure_save",
    "node_save",
]
