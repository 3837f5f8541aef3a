"""An event's clusters, one scope at a time, and the runs that made them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.views.base import (
    EventView,
    clusters_url,
    error_text,
    event_context,
    keyword_words,
    scope_from,
)
from ideas.models import ClusteringRun
from ideas.selectors import clusters as cluster_selectors
from ideas.services import clusters as cluster_services

TOP_IDEAS = 5


_FINISHED = (ClusteringRun.Status.DONE, ClusteringRun.Status.FAILED)


def _change_labels() -> list[tuple[str, str]]:
    return [
        ("moved", _("Ideas that changed cluster")),
        ("added", _("Ideas placed in a cluster for the first time")),
        ("removed", _("Ideas taken out of the clusters")),
        ("new_clusters", _("New clusters")),
        ("emptied_clusters", _("Clusters left empty")),
        ("relabelled", _("Clusters renamed from new keywords")),
        ("edits_kept", _("Facilitators' edits made during the run, kept")),
    ]


def _change_item(item) -> str:
    if isinstance(item, dict):
        label = item.get("label") or item.get("to") or ""
        number = item.get("number") or item.get("cluster")
        if label and number is not None:
            return f"{label} (#{number})"
        return str(label or number or "")
    return str(item)


def _describe_changes(changes) -> list[dict]:
    """A run's ``changes`` as lines of "what: count (which)"; zeros left out."""
    if not isinstance(changes, dict):
        return []
    lines = []
    for key, label in _change_labels():
        value = changes.get(key)
        if key == "moved":
            count = changes.get("moved_count")
            if count is None:
                count = len(value) if isinstance(value, list) else 0
            items = []
        elif isinstance(value, list | tuple):
            count, items = len(value), [_change_item(item) for item in value]
        elif isinstance(value, dict):
            count, items = len(value), [_change_item(item) for item in value.values()]
        else:
            count, items = (value if isinstance(value, int) else 0), []
        if count:
            lines.append({"label": label, "count": count, "items": items})
    return lines


def _moved(changes, labels: dict[int, str]) -> list[dict]:
    """The ideas a run moved, with their clusters' names where still known."""
    moved = changes.get("moved") if isinstance(changes, dict) else None
    rows = []
    for item in moved or []:
        if not isinstance(item, dict):
            continue
        rows.append(
            {
                **item,
                "from": _cluster_name(item.get("from"), labels),
                "to": _cluster_name(item.get("to"), labels),
            }
        )
    return rows


def _cluster_name(number, labels: dict[int, str]) -> str:
    if number is None:
        return ""
    return labels.get(number) or _("Cluster %(number)s") % {"number": number}


def _sections(clusters, scopes, scope: str) -> list[dict]:
    """The clusters under the theme each sits in: themes in order, then the rest.

    A run of one theme's ideas, or of an event without themes, has one
    section without a heading.
    """
    names = dict(scopes[1:])
    if scope or not names:
        return [{"code": scope, "title": "", "clusters": clusters}] if clusters else []
    sections = {code: [] for code in names}
    unplaced, earlier = [], []
    for cluster in clusters:
        if cluster.group is None:
            earlier.append(cluster)
        elif cluster.group in sections:
            sections[cluster.group].append(cluster)
        else:
            unplaced.append(cluster)
    found = [
        {
            "code": code,
            "title": names[code],
            "clusters": members,
            "size": sum(c.size for c in members),
        }
        for code, members in sections.items()
    ]
    if unplaced:
        found.append(
            {
                "code": "",
                "title": _("Not yet placed under a theme"),
                "help": _(
                    "Neither a person nor the model placed these ideas: the model "
                    "found them unlike the event's other ideas. Set their theme to "
                    "place them."
                ),
                "clusters": unplaced,
                "size": sum(c.size for c in unplaced),
            }
        )
    if earlier:
        found.append(
            {
                "code": None,
                "title": _("Clusters from before clusters followed the themes"),
                "help": _("The next run places them under the themes."),
                "clusters": earlier,
                "size": sum(c.size for c in earlier),
            }
        )
    return found


class ClustersView(EventView):
    """The clusters of one scope, the run in progress, and the runs before."""

    page_title = gettext_lazy("Workbench")

    def get(self, request, event_id: int):
        event = self.event
        scope, scopes = scope_from(event, request.GET)
        # A run whose worker died is marked failed here, so that the page tells
        # why and a new run can start.
        cluster_services.clustering_runs_fail_stale(event=event)
        runs = list(
            cluster_selectors.clustering_runs_for_event(
                event=event, scope=scope, limit=20
            )
        )
        finished = [run for run in runs if run.status in _FINISHED]
        latest = cluster_selectors.clustering_run_latest_done(event=event, scope=scope)
        found = list(
            cluster_selectors.clusters_for_scope(
                event=event, scope=scope, top_n=TOP_IDEAS
            )
        )
        for cluster in found:
            cluster.keyword_words = keyword_words(cluster.keywords)
        context = {
            **event_context(request, event),
            "scope": scope,
            "scopes": scopes,
            "active": cluster_selectors.clustering_run_active(event=event, scope=scope),
            "latest": latest,
            "changes": _describe_changes(latest.changes) if latest else [],
            "moved": _moved(latest.changes, {c.number: c.label for c in found})
            if latest
            else [],
            # The most recent finished run failed: say why, above the clusters
            # of the run before it, which stay in place.
            "failed": finished[0]
            if finished and finished[0].status == ClusteringRun.Status.FAILED
            else None,
            "runs": runs,
            "clusters": found,
            "sections": _sections(found, scopes, scope),
        }
        return self.render("facilitation/workbench/clusters.html", context)


class RunClusteringView(EventView):
    """Queue a clustering run for the worker; a refusal is said, not raised."""

    edits = True

    def post(self, request, event_id: int):
        event = self.event
        scope, _all_scopes = scope_from(event, request.POST)
        try:
            cluster_services.clustering_run_request(
                event=event, scope=scope, actor=request.user
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Clustering started. This page shows its progress."),
            )
        return redirect(clusters_url(event, scope))


class RunStatusView(EventView):
    """A run's progress as JSON, polled by workbench.js while the run goes on."""

    def get(self, request, event_id: int, run_id: int):
        event = self.event
        cluster_services.clustering_runs_fail_stale(event=event)
        run = get_object_or_404(ClusteringRun, pk=run_id, event=event)
        return JsonResponse(
            {
                "status": run.status,
                "status_label": str(run.get_status_display()),
                "progress": run.progress,
                "stage": run.stage,
                "error": run.error,
                "finished": run.status in _FINISHED,
            }
        )
