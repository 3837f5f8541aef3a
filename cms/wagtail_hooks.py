from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from cms.bulk_actions import BULK_ACTIONS
from cms.viewsets import ContactViewSet, IdeaPermissionPolicy, IdeaViewSet
from ideas.models import Idea

register_permission_policy(Idea, IdeaPermissionPolicy(Idea))
register_snippet(IdeaViewSet)
register_snippet(ContactViewSet)

for action_class in BULK_ACTIONS:
    hooks.register("register_bulk_action", action_class)
