"""Who reads and changes which idea and contact in Wagtail's own views.

The answer is ``ideas.access``'s; these policies only put it in Wagtail's terms.
"""

from django.core.exceptions import PermissionDenied
from wagtail.permission_policies import ModelPermissionPolicy

from ideas import access


class IdeaPermissionPolicy(ModelPermissionPolicy):
    """Ideas come from participants, and nothing they submitted is deleted.

    So nobody, superusers included, adds or deletes one in the admin. Who reads
    or changes which idea is ``ideas.access``'s rule.
    """

    FORBIDDEN = {"add", "delete"}

    def user_has_permission(self, user, action):
        return action not in self.FORBIDDEN and super().user_has_permission(
            user, action
        )

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if action == "view":
            return access.can_read_idea(user, instance)
        return access.can_change_idea(user, instance)

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        if action == "view":
            return access.ideas_readable(user, self.model.objects.all())
        return access.ideas_changeable(user, self.model.objects.all())

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action not in self.FORBIDDEN]
        )


class ContactPermissionPolicy(ModelPermissionPolicy):
    """Contact details are personal data: whoever holds a contact permission
    uses it only on the events whose contacts they may see."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and access.can_see_contacts(
            user, instance.idea.event
        )

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        return access.contacts_readable(user, self.model.objects.all())


class EventScopedObjectMixin:
    """Refuse one idea's screen to who may not read (or, to edit, change) it."""

    object_permission = "view"

    def get_object(self, *args, **kwargs):
        idea = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.object_permission, idea
        ):
            raise PermissionDenied
        return idea
