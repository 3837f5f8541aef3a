"""Admin screens for ideas and their contacts (Wagtail viewsets, not Django's admin)."""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    HistoryView,
    IndexView,
    InspectView,
    SnippetViewSet,
    UsageView,
)

from ideas import access, selectors, services
from ideas.dates import format_date
from ideas.models import Contact, Idea, Theme


def suggestion_label(idea: Idea) -> str:
    """The model's suggestion as a facilitator reads it: "Digital (85%)"."""
    if idea.suggestion_confidence is None:
        return ""
    percent = round(idea.suggestion_confidence * 100)
    if idea.suggested_theme is None:
        return _("Can't decide (%(percent)s%%)") % {"percent": percent}
    return f"{idea.suggested_theme.name} ({percent}%)"


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


class IdeaModerationForm(WagtailAdminModelForm):
    """A facilitator's decisions on one idea; the participant's text is read-only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "theme" in self.fields:
            self.fields["theme"].queryset = Theme.objects.filter(
                event_id=self.instance.event_id
            )
            self.fields["theme"].empty_label = _("No theme yet")

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == Idea.Status.REJECTED
            and not cleaned.get("status_reason", "").strip()
        ):
            self.add_error(
                "status_reason",
                _("Say why the idea is rejected; the participant sees it."),
            )
        return cleaned


class IdeaHistoryPanel(Panel):
    """Every change of status and theme: who, when, from what to what."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "cms/admin/idea_history_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["history"] = selectors.idea_history(
                idea=self.instance, with_actors=True
            )
            return context


class ContactPanel(Panel):
    """The author's contact details, shown only to those granted personal data."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "cms/admin/idea_contact_panel.html"

        def is_shown(self):
            return access.can_see_contacts(self.request.user, self.instance.event)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["contact"] = Contact.objects.filter(idea=self.instance).first()
            return context


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


class IdeaEditView(EventScopedObjectMixin, EditView):
    object_permission = "change"

    def save_instance(self):
        # Through the service, so every change of status or theme is recorded.
        data = self.form.cleaned_data
        return services.idea_moderate(
            idea=self.object,
            actor=self.request.user,
            status=data["status"],
            status_reason=data["status_reason"],
            theme=data["theme"],
            tags=data["tags"],
        )


class IdeaInspectView(EventScopedObjectMixin, InspectView):
    pass


class IdeaHistoryView(EventScopedObjectMixin, HistoryView):
    pass


class IdeaUsageView(EventScopedObjectMixin, UsageView):
    pass


def _visible_events(request):
    if request is None:
        return Idea._meta.get_field("event").related_model.objects.none()
    return access.events_readable(request.user).order_by("-start_date", "title")


def _visible_themes(request):
    themes = Theme.objects.select_related("event").order_by("event", "sort_order")
    if request is None:
        return themes.none()
    return themes.filter(event__in=access.events_readable(request.user))


class IdeaFilterSet(WagtailFilterSet):
    """The listing's filters offer only the events (and themes) the user reads."""

    event = django_filters.ModelChoiceFilter(label=_("event"), queryset=_visible_events)
    theme = django_filters.ModelChoiceFilter(label=_("theme"), queryset=_visible_themes)

    class Meta:
        model = Idea
        fields = ["event", "status", "theme", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Themes of several events share names; say whose each one is.
        self.filters["theme"].field.label_from_instance = lambda theme: (
            f"{theme.name} ({theme.event.title})"
        )


class IdeaIndexView(IndexView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if access.has(self.request.user, access.CHANGE_IDEA):
            buttons += [
                HeaderButton(
                    _("Import"), url=reverse("ideas_import"), icon_name="upload"
                ),
                HeaderButton(
                    _("Download open data"),
                    url=reverse("ideas_export"),
                    icon_name="download",
                ),
            ]
        return buttons


class ReadableIdeasMixin:
    """A chooser that offers, and returns, only the ideas the user may read."""

    def get_object_list(self):
        return access.ideas_readable(self.request.user, super().get_object_list())

    def get_object(self, pk):
        return access.ideas_readable(self.request.user, Idea.objects.all()).get(pk=pk)

    def get_objects(self, pks):
        return access.ideas_readable(self.request.user, super().get_objects(pks))


class IdeaChooseView(ReadableIdeasMixin, ChooseView):
    pass


class IdeaChooseResultsView(ReadableIdeasMixin, ChooseResultsView):
    pass


class IdeaChosenView(ReadableIdeasMixin, SnippetChosenView):
    pass


class IdeaChosenMultipleView(ReadableIdeasMixin, SnippetChosenMultipleView):
    pass


class IdeaChooserViewSet(SnippetChooserViewSet):
    choose_view_class = IdeaChooseView
    choose_results_view_class = IdeaChooseResultsView
    chosen_view_class = IdeaChosenView
    chosen_multiple_view_class = IdeaChosenMultipleView


class IdeaViewSet(SnippetViewSet):
    model = Idea
    icon = "pick"
    menu_label = _("Ideas")
    menu_order = 200
    add_to_admin_menu = True
    edit_view_class = IdeaEditView
    index_view_class = IdeaIndexView
    inspect_view_class = IdeaInspectView
    history_view_class = IdeaHistoryView
    usage_view_class = IdeaUsageView
    chooser_viewset_class = IdeaChooserViewSet
    filterset_class = IdeaFilterSet
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "event",
        "number",
        "title",
        "problem",
        "solution",
        "benefit",
        "agencies",
        "team_name",
        "language",
        "status",
        "status_reason",
        "theme",
        "theme_source",
        "tags",
        "created_at",
    ]
    list_display = [
        "title",
        Column("number", label="#", sort_key="number"),
        Column("event", label=_("event"), accessor="event.title"),
        Column("theme", label=_("theme")),
        Column(
            "suggested_theme",
            label=_("suggestion"),
            accessor=lambda idea: suggestion_label(idea),
        ),
        Column(
            "status",
            label=_("status"),
            accessor="get_status_display",
            sort_key="status",
        ),
        Column("language", label=_("language"), accessor="get_language_display"),
        # A date in the reader's era (11 มิ.ย. 2565), not Wagtail's "4 years ago".
        Column(
            "created_at",
            label=_("submitted at"),
            sort_key="created_at",
            accessor=lambda idea: format_date(idea.created_at, with_time=True),
        ),
    ]
    list_per_page = 50
    # Thai has no spaces between words, so a full-text index holds whole runs
    # of text as one token; substring search on the database finds words inside.
    search_fields = ["title", "problem", "solution", "benefit", "agencies", "team_name"]
    search_backend_name = None
    edit_handler = ObjectList(
        base_form_class=IdeaModerationForm,
        children=[
            MultiFieldPanel(
                [
                    FieldPanel("event", read_only=True),
                    FieldPanel("number", read_only=True),
                    FieldPanel("title", read_only=True),
                    FieldPanel("problem", read_only=True),
                    FieldPanel("solution", read_only=True),
                    FieldPanel("benefit", read_only=True),
                    FieldPanel("agencies", read_only=True),
                    FieldPanel("team_name", read_only=True),
                    FieldPanel("language", read_only=True),
                ],
                heading=_("As submitted"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("status", widget=forms.RadioSelect),
                    FieldPanel("status_reason"),
                    FieldPanel("theme"),
                    FieldPanel("tags"),
                ],
                heading=_("Decision"),
            ),
            ContactPanel(heading=_("Contact details")),
            IdeaHistoryPanel(heading=_("History")),
        ],
    )

    def get_queryset(self, request):
        return access.ideas_readable(request.user, selectors.idea_list_for_admin())


class ContactEditView(EventScopedObjectMixin, EditView):
    object_permission = "change"


class ContactDeleteView(EventScopedObjectMixin, DeleteView):
    object_permission = "delete"


class ContactInspectView(EventScopedObjectMixin, InspectView):
    pass


class ContactHistoryView(EventScopedObjectMixin, HistoryView):
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
