"""The staff screens' place in Wagtail's admin: snippets, viewsets, menus."""

from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from facilitation.bulk_actions import BULK_ACTIONS, CountingDeleteBulkAction
from facilitation.snippets.contacts import ContactViewSet
from facilitation.snippets.ideas import IdeaViewSet
from facilitation.snippets.policies import ContactPermissionPolicy, IdeaPermissionPolicy
from facilitation.views import exports, imports, personal_data
from facilitation.viewsets import DuplicatesViewSet, WorkbenchViewSet
from ideas import access
from ideas.models import Contact, Idea

register_permission_policy(Idea, IdeaPermissionPolicy(Idea))
register_permission_policy(Contact, ContactPermissionPolicy(Contact))
register_snippet(IdeaViewSet)
register_snippet(ContactViewSet)

for action_class in BULK_ACTIONS:
    hooks.register("register_bulk_action", action_class)
# After Wagtail's own delete action for snippets, which it replaces here.
hooks.register("register_bulk_action", CountingDeleteBulkAction, order=100)


@hooks.register("register_admin_viewset")
def workbench_viewsets():
    return [WorkbenchViewSet(), DuplicatesViewSet()]


@hooks.register("register_admin_urls")
def idea_file_urls():
    return [
        path("ideas/import/", imports.ImportView.as_view(), name="ideas_import"),
        path(
            "ideas/import/<str:result_id>/",
            imports.ImportStatusView.as_view(),
            name="ideas_import_status",
        ),
        path("ideas/export/", exports.ExportView.as_view(), name="ideas_export"),
        path(
            "ideas/export/<str:result_id>/",
            exports.ExportStatusView.as_view(),
            name="ideas_export_status",
        ),
        path(
            "ideas/export/<str:result_id>/download/",
            exports.ExportDownloadView.as_view(),
            name="ideas_export_download",
        ),
        path(
            "personal-data/",
            personal_data.PersonalDataView.as_view(),
            name="personal_data",
        ),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return access.has(request.user, self.permission)


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
