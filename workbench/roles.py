"""The workbench's roles as groups holding the fewest permissions they need."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

ADMIN_ACCESS = "wagtailadmin.access_admin"

FACILITATOR = "Facilitator"
POLICY_WRITER = "Policy writer"
ADMINISTRATOR = "Administrator"
CONTACT_ACCESS = "Contact data access"
APPROVER = "Approver"

STRATEGY_MODELS = [
    "framework",
    "strategicissue",
    "goal",
    "measure",
    "measureidea",
    "measurecluster",
    "indicator",
    "indicatortarget",
    "nationalmilestone",
]
STRATEGY_EDIT = [
    f"strategy.{action}_{model}"
    for model in STRATEGY_MODELS
    for action in ("add", "change", "delete", "view")
]

# What anyone who works with an event's ideas may read: the clusters, the
# runs that made them, the edits that are their authority, and the pairs
# a facilitator judged not to be duplicates.
IDEAS_READ = [
    "ideas.view_idea",
    "ideas.view_ideadecision",
    "ideas.view_cluster",
    "ideas.view_clusteringrun",
    "ideas.view_clusteredit",
    "ideas.view_duplicatedismissal",
]

# Group name → permissions as "app_label.codename". A facilitator moderates
# ideas but sees no personal data; that is granted by adding them to
# CONTACT_ACCESS as well. These permissions say what a role may do at all;
# a facilitator does it only on the events that name them (EventPage.
# facilitators), while ADMINISTRATOR holds ideas.facilitate_any_event. A
# policy writer drafts the framework and reads the ideas and clusters it
# cites; approving or publishing it takes APPROVER, usually given to a senior
# official as well.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    FACILITATOR: [
        ADMIN_ACCESS,
        *IDEAS_READ,
        "ideas.change_idea",
        "ideas.change_cluster",
        "ideas.add_clusteringrun",
        "taggit.add_tag",
        "taggit.view_tag",
    ],
    POLICY_WRITER: [
        ADMIN_ACCESS,
        *IDEAS_READ,
        *STRATEGY_EDIT,
    ],
    APPROVER: [
        ADMIN_ACCESS,
        "ideas.view_idea",
        *[f"strategy.view_{model}" for model in STRATEGY_MODELS],
        "strategy.change_framework",
        "strategy.approve_framework",
    ],
    CONTACT_ACCESS: [ADMIN_ACCESS, "ideas.view_contact"],
}

PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "bulk_delete_page",
    "lock_page",
    "unlock_page",
]

# On each strategy section (cms.FrameworkIndexPage): writers draft framework
# documents and submit them; approvers approve through the workflow and publish.
STRATEGY_PAGE_PERMISSIONS = {
    POLICY_WRITER: ["add_page", "change_page", "lock_page", "unlock_page"],
    APPROVER: ["change_page", "publish_page", "lock_page", "unlock_page"],
}
FRAMEWORK_WORKFLOW = "Framework approval"
FRAMEWORK_TASK = "Approver review"

# Everything in these apps, for administrators who are not superusers.
ADMINISTRATOR_APPS = [
    "auth",
    "cms",
    "ideas",
    "strategy",
    "taggit",
    "wagtailadmin",
    "wagtailcore",
    "wagtaildocs",
    "wagtailimages",
    "wagtailredirects",
    "wagtailusers",
]


def _permissions(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    return [
        permission
        for permission in Permission.objects.select_related("content_type").filter(
            codename__in=[codename for _app, codename in wanted]
        )
        if (permission.content_type.app_label, permission.codename) in wanted
    ]


def roles_sync() -> dict[str, int]:
    """Create the role groups or reset them to their permissions; idempotent.

    Returns the number of permissions each group holds.
    """
    from wagtail.models import GroupPagePermission, Page

    result = {}
    with transaction.atomic():
        for name, permission_names in ROLE_PERMISSIONS.items():
            group, _created = Group.objects.get_or_create(name=name)
            group.permissions.set(_permissions(permission_names))
            result[name] = group.permissions.count()

        administrator, _created = Group.objects.get_or_create(name=ADMINISTRATOR)
        administrator.permissions.set(
            Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS)
        )
        result[ADMINISTRATOR] = administrator.permissions.count()
        root = Page.get_first_root_node()
        if root is not None:
            for codename in PAGE_PERMISSIONS:
                GroupPagePermission.objects.get_or_create(
                    group=administrator,
                    page=root,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtailcore", codename=codename
                    ),
                )
        strategy_pages_sync()
    return result


def strategy_pages_sync() -> None:
    """Give writers and approvers their rights on each strategy section and put
    the sections under the approval workflow (writer → approver); idempotent.

    A section that an editor has put under another workflow keeps it.
    """
    from django.db import connection
    from wagtail.models import (
        GroupApprovalTask,
        GroupPagePermission,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    from cms.models import FrameworkIndexPage

    # post_migrate also runs after migrating backwards, before the table exists.
    if FrameworkIndexPage._meta.db_table not in connection.introspection.table_names():
        return
    sections = list(FrameworkIndexPage.objects.all())
    if not sections:
        return
    approvers = Group.objects.get(name=APPROVER)
    workflow, _created = Workflow.objects.get_or_create(name=FRAMEWORK_WORKFLOW)
    if not workflow.workflow_tasks.exists():
        task = GroupApprovalTask.objects.filter(name=FRAMEWORK_TASK).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=FRAMEWORK_TASK)
            task.groups.set([approvers])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for section in sections:
        for name, codenames in STRATEGY_PAGE_PERMISSIONS.items():
            group = Group.objects.get(name=name)
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=section,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtailcore", codename=codename
                    ),
                )
        WorkflowPage.objects.get_or_create(
            page=section, defaults={"workflow": workflow}
        )


def sync_roles_after_migrate(sender, **kwargs):
    """post_migrate receiver: runs after every migrate, on every installation."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # post_migrate reaches this app before the apps listed after it have their
    # permissions; create them all first (it is idempotent).
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    roles_sync()
