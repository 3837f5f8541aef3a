from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from cms import admin_views
from cms.bulk_actions import BULK_ACTIONS, CountingDeleteBulkAction
from cms.viewsets import (
    ContactPermissionPolicy,
    ContactViewSet,
    IdeaPermissionPolicy,
    IdeaViewSet,
)
from ideas import access, selectors
from ideas.models import Contact, Idea

register_permission_policy(Idea, IdeaPermissionPolicy(Idea))
register_permission_policy(Contact, ContactPermissionPolicy(Contact))
register_snippet(IdeaViewSet)
register_snippet(ContactViewSet)

for action_class in BULK_ACTIONS:
    hooks.register("register_bulk_action", action_class)
# After Wagtail's own delete action for snippets, which it replaces here.
hooks.register("register_bulk_action", CountingDeleteBulkAction, order=100)


@hooks.register("before_delete_page")
def keep_events_that_have_ideas(request, page):
    """Deleting an event would take its participants' ideas with it; refuse."""
    if selectors.ideas_exist_under(page_path=page.path):
        messages.error(
            request,
            _(
                "This page holds an event with submitted ideas, so it cannot be "
                "deleted. Unpublish it to take it off the site; the ideas stay."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("register_admin_urls")
def idea_file_urls():
    return [
        path("ideas/import/", admin_views.import_ideas, name="ideas_import"),
        path(
            "ideas/import/<str:result_id>/",
            admin_views.import_status,
            name="ideas_import_status",
        ),
        path("ideas/export/", admin_views.export_ideas, name="ideas_export"),
        path(
            "ideas/export/<str:result_id>/",
            admin_views.export_status,
            name="ideas_export_status",
        ),
        path(
            "ideas/export/<str:result_id>/download/",
            admin_views.export_download,
            name="ideas_export_download",
        ),
        path("personal-data/", admin_views.personal_data, name="personal_data"),
    ]


@hooks.register("register_admin_urls")
def workbench_urls():
    from cms import duplicates_views, workbench_views

    return [
        path(
            "workbench/",
            include((workbench_views.urlpatterns, "workbench"), namespace="workbench"),
        ),
        path(
            "duplicates/",
            include(
                (duplicates_views.urlpatterns, "duplicates"), namespace="duplicates"
            ),
        ),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_settings_menu_item")
def personal_data_menu_item():
    return PermissionMenuItem(
        _("Personal data requests"),
        reverse("personal_data"),
        icon_name="user",
        order=900,
        permission=access.ERASE_CONTACTS,
    )


@hooks.register("register_admin_menu_item")
def workbench_menu_item():
    # Policy writers hold view_cluster too: they read the workbench, and
    # only an event's facilitators change it.
    return PermissionMenuItem(
        gettext_lazy("Workbench"),
        reverse("workbench:index"),
        name="workbench",
        icon_name="group",
        order=250,
        permission=access.VIEW_WORKBENCH,
    )
