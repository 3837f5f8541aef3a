from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from ideas import access
from strategy import selectors, services, views
from strategy.bulk_actions import MeasureFromIdeasBulkAction
from strategy.signals import framework_document
from strategy.viewsets import StrategyViewSetGroup

register_snippet(StrategyViewSetGroup)


@hooks.register("register_admin_urls")
def strategy_admin_urls():
    return [
        path(
            "strategy/coverage/",
            views.CoverageIndexView.as_view(),
            name="strategy_coverage_index",
        ),
        path(
            "strategy/coverage/<int:pk>/",
            views.CoverageView.as_view(),
            name="strategy_coverage",
        ),
        path(
            "strategy/frameworks/<int:pk>/export/<str:format>/",
            views.export,
            name="strategy_export",
        ),
        path(
            "strategy/measure-from-cluster/<int:cluster_id>/",
            views.MeasureFromClusterView.as_view(),
            name="strategy_measure_from_cluster",
        ),
    ]


class StrategyMenuItem(MenuItem):
    def is_shown(self, request):
        return access.has(request.user, access.VIEW_FRAMEWORK)


@hooks.register("register_admin_menu_item")
def coverage_menu_item():
    return StrategyMenuItem(
        _("Coverage"),
        reverse("strategy_coverage_index"),
        name="strategy-coverage",
        icon_name="tasks",
        order=310,
    )


hooks.register("register_bulk_action", MeasureFromIdeasBulkAction)


@hooks.register("before_publish_page")
def refuse_publishing_a_document_without_approval_right(request, page):
    """Publishing a framework document publishes the framework: approvers only.

    The roles give the publish right on strategy sections to approvers alone;
    this keeps a publish right granted some other way from publishing a
    framework its holder may not approve. The revision is saved already.
    """
    if framework_document(page) is None or access.has(
        request.user, access.APPROVE_FRAMEWORK
    ):
        return None
    messages.error(
        request,
        gettext(
            "Only an approver can publish a framework document. Your changes are "
            "saved as a draft: submit it for approval instead."
        ),
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_delete_snippet")
def refuse_deleting_what_the_public_reads(request, instances):
    """Nothing of an approved or published framework is deleted, as nothing is edited.

    Asked by Wagtail's delete view and its bulk delete alike.
    """
    for instance in instances:
        framework = selectors.adopted_framework(instance)
        if framework is not None:
            messages.error(request, services.adopted_message(framework))
            edit_url = AdminURLFinder(request.user).get_edit_url(instance)
            return redirect(edit_url or "wagtailadmin_home")
    return None
