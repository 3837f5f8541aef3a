"""The workbench and the duplicates queue: one ViewSet each, one module a screen."""

from django.urls import path
from wagtail.admin.viewsets.base import ViewSet

from facilitation.views import (
    answers,
    cluster,
    clusters,
    dashboard,
    duplicates,
    idea_map,
    judging,
    judging_setup,
    shortlist,
    themes,
    triage,
    workbench_index,
)


class WorkbenchViewSet(ViewSet):
    """An event's themes, shortlist, clusters and map (``/admin/workbench/``)."""

    name = "workbench"

    def get_urlpatterns(self):
        return [
            path("", workbench_index.WorkbenchIndexView.as_view(), name="index"),
            path(
                "<int:event_id>/", dashboard.EventDashboardView.as_view(), name="event"
            ),
            path(
                "<int:event_id>/themes/",
                themes.ThemeDecisionsView.as_view(),
                name="themes",
            ),
            path(
                "<int:event_id>/suggestions/refresh/",
                themes.RefreshSuggestionsView.as_view(),
                name="refresh_suggestions",
            ),
            path(
                "<int:event_id>/shortlist/",
                shortlist.ShortlistView.as_view(),
                name="shortlist",
            ),
            path(
                "<int:event_id>/shortlist/change/",
                shortlist.ShortlistChangeView.as_view(),
                name="shortlist_change",
            ),
            path(
                "<int:event_id>/clusters/",
                clusters.ClustersView.as_view(),
                name="clusters",
            ),
            path(
                "<int:event_id>/clusters/run/",
                clusters.RunClusteringView.as_view(),
                name="run",
            ),
            path(
                "<int:event_id>/clusters/runs/<int:run_id>/status/",
                clusters.RunStatusView.as_view(),
                name="run_status",
            ),
            path(
                "<int:event_id>/clusters/<int:cluster_id>/",
                cluster.ClusterView.as_view(),
                name="cluster",
            ),
            path("<int:event_id>/map/", idea_map.IdeaMapView.as_view(), name="map"),
            path("<int:event_id>/triage/", triage.TriageView.as_view(), name="triage"),
            path(
                "<int:event_id>/answers/",
                answers.AnswerTemplatesView.as_view(),
                name="answers",
            ),
            path(
                "<int:event_id>/judging/new/",
                judging_setup.JudgingNewRoundView.as_view(),
                name="judging_new",
            ),
            path(
                "<int:event_id>/judging/<int:round_id>/setup/",
                judging_setup.JudgingSetupView.as_view(),
                name="judging_setup",
            ),
            path(
                "<int:event_id>/judging/",
                judging.JudgingRoundsView.as_view(),
                name="judging",
            ),
            path(
                "<int:event_id>/judging/<int:round_id>/",
                judging.JudgingResultsView.as_view(),
                name="judging_results",
            ),
            path(
                "<int:event_id>/judging/<int:round_id>/export.<str:format>",
                judging.JudgingExportView.as_view(),
                name="judging_export",
            ),
        ]


class DuplicatesViewSet(ViewSet):
    """An event's likely duplicate pairs, merges and dismissals."""

    name = "duplicates"

    def get_urlpatterns(self):
        views = [
            ("merge", duplicates.MergeView),
            ("unmerge", duplicates.UnmergeView),
            ("dismiss", duplicates.DismissView),
            ("undismiss", duplicates.UndismissView),
        ]
        return [
            path("", duplicates.DuplicatesIndexView.as_view(), name="index"),
            path(
                "<int:event_id>/",
                duplicates.DuplicatesQueueView.as_view(),
                name="queue",
            ),
            *(
                path(f"<int:event_id>/{name}/", view.as_view(), name=name)
                for name, view in views
            ),
        ]
