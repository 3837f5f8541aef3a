"""The merges an idea takes part in, with their undo, on the idea's admin page.

Shown for an idea merged into another and for an idea others were merged
into, so a merge can be undone from either idea without finding the
duplicates queue again.
"""

from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.panels import Panel

from ideas import access
from ideas.selectors import duplicates as duplicate_selectors


class MergePanel(Panel):
    """Which idea this one repeats, which ideas repeat it, and an undo for each."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "facilitation/admin/idea_merge_panel.html"

        def is_shown(self):
            idea = self.instance
            if idea is None or idea.pk is None:
                return False
            return bool(idea.duplicate_of_id) or idea.duplicates.exists()

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            idea = self.instance
            merges = duplicate_selectors.idea_merges(idea=idea)
            # The panel sits inside the idea's edit form, where no form may be
            # nested: its buttons post the page's form to the undo view, and
            # the way back rides in the address, not in a field Wagtail's own
            # "next" would read on save.
            unmerge = reverse("duplicates:unmerge", args=[idea.event_id])
            back = self.request.get_full_path()
            context.update(
                idea=idea,
                into=merges["into"],
                merged=merges["merged"],
                can_undo=access.can_facilitate(self.request.user, idea.event),
                unmerge_url=f"{unmerge}?{urlencode({'next': back})}",
                queue_url=reverse("duplicates:queue", args=[idea.event_id]),
            )
            return context
