"""Contact details: personal data, for who may see it in the idea's event."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    HistoryView,
    InspectView,
    SnippetViewSet,
    UsageView,
)

from facilitation.snippets.policies import EventScopedObjectMixin
from ideas import access
from ideas.models import Contact
from strategy.viewsets import StrictHistoryMixin


class ContactEditView(EventScopedObjectMixin, EditView):
    object_permission = "change"


class ContactDeleteView(EventScopedObjectMixin, DeleteView):
    object_permission = "delete"


class ContactInspectView(EventScopedObjectMixin, InspectView):
    pass


class ContactHistoryView(EventScopedObjectMixin, StrictHistoryMixin, HistoryView):
    pass


class ContactUsageView(EventScopedObjectMixin, UsageView):
    pass


class ContactViewSet(SnippetViewSet):
    """Personal data, for who may see it in the idea's event (``ideas.access``).

    No chooser: contacts are reached from their idea or this listing only.
    """

    model = Contact
    edit_view_class = ContactEditView
    delete_view_class = ContactDeleteView
    inspect_view_class = ContactInspectView
    history_view_class = ContactHistoryView
    usage_view_class = ContactUsageView
    icon = "user"
    menu_label = _("Contacts")
    menu_order = 210
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name", "email", "phone", "idea", "consent_at"]
    search_fields = ["name", "email", "phone"]
    search_backend_name = None

    def get_queryset(self, request):
        return access.contacts_readable(
            request.user, Contact.objects.select_related("idea")
        )

    def register_chooser_viewset(self):
        # Wagtail's choosers check no view permission: a chooser of contacts
        # would list everyone's personal data to every staff member.
        pass
