from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from cms.bulk_actions import BULK_ACTIONS
from cms.viewsets import ContactViewSet, IdeaPermissionPolicy, IdeaViewSet
from ideas import selectors
from ideas.models import Idea

register_permission_policy(Idea, IdeaPermissionPolicy(Idea))
register_snippet(IdeaViewSet)
register_snippet(ContactViewSet)

for action_class in BULK_ACTIONS:
    hooks.register("register_bulk_action", action_class)


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
