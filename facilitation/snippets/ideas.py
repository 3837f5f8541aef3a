"""The ideas listing and one idea's screens: moderation, history, contact panel."""

from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.widgets import HeaderButton
from wagtail.snippets.views.snippets import (
    EditView,
    HistoryView,
    IndexView,
    InspectView,
    SnippetViewSet,
    UsageView,
)

from facilitation.snippets.choosers import IdeaChooserViewSet
from facilitation.snippets.merge_panel import MergePanel
from facilitation.snippets.policies import EventScopedObjectMixin
from ideas import access, selectors, services
from ideas.dates import format_date
from ideas.models import Contact, Idea, Theme
from ideas.numbers import whole_number
from ideas.selectors import triage as triage_selectors
from strategy.viewsets import StrictHistoryMixin


def suggestion_label(idea: Idea) -> str:
    """The model's suggestion as a facilitator reads it, with its reason:
    "Likely Digital: 2 of the 3 most similar ideas with a theme are under it".

    No percentage: the model's figure shares its certainty out among the
    event's themes, and shown beside similarities it contradicted them.
    """
    summary = triage_selectors.suggestion_summary(idea)
    return str(summary) if summary else ""


class IdeaTitleColumn(TitleColumn):
    """The idea's title, and under it the start of its problem and solution,
    so that ideas can be told apart without opening each."""

    cell_template_name = "facilitation/admin/idea_title_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["problem_excerpt"] = triage_selectors.excerpt(instance.problem)
        context["solution_excerpt"] = triage_selectors.excerpt(instance.solution)
        return context


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
        template_name = "facilitation/admin/idea_history_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["history"] = selectors.idea_history(
                idea=self.instance, with_actors=True
            )
            return context


class ContactPanel(Panel):
    """The author's contact details, shown only to those granted personal data."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "facilitation/admin/idea_contact_panel.html"

        def is_shown(self):
            return access.can_see_contacts(self.request.user, self.instance.event)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["contact"] = Contact.objects.filter(idea=self.instance).first()
            return context


class IdeaEditView(EventScopedObjectMixin, EditView):
    object_permission = "change"

    def get_edit_url(self):
        # The form posts back with the listing it came from, so the save can
        # return there with its filters, search and page.
        url = super().get_edit_url()
        back = get_valid_next_url_from_request(self.request)
        return f"{url}?{urlencode({'next': back})}" if back else url

    def get_success_url(self):
        return (
            get_valid_next_url_from_request(self.request) or super().get_success_url()
        )

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


class IdeaHistoryView(EventScopedObjectMixin, StrictHistoryMixin, HistoryView):
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


class EventChoiceField(forms.ModelChoiceField):
    """An event by its id in the query string. An event's key is its page's, a
    one-to-one field that Django does not guard: an id past a database integer
    raised OverflowError on SQLite. Now it is an invalid choice, like "abc"."""

    def to_python(self, value):
        if value not in self.empty_values and whole_number(value) is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class EventChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = EventChoiceField


class IdeaFilterSet(WagtailFilterSet):
    """The listing's filters offer only the events (and themes) the user reads."""

    event = EventChoiceFilter(label=_("event"), queryset=_visible_events)
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
    def _get_title_column(self, field_name, column_class=None, **kwargs):
        return super()._get_title_column(field_name, IdeaTitleColumn, **kwargs)

    @cached_property
    def filtered_event(self):
        """The event the listing is narrowed to, if it is."""
        if self.filters and self.filters.is_valid():
            return self.filters.form.cleaned_data.get("event")
        return None

    @cached_property
    def columns(self):
        columns = super().columns
        if self.filtered_event is not None:
            # Every row would repeat the same event's name.
            columns = [column for column in columns if column.name != "event"]
        return columns

    def listing_url(self) -> str:
        """The listing as the user sees it now, also when asked for its results
        only (a filter changed in place): the page a save returns to."""
        query = self.request.GET.urlencode()
        base = self.get_index_url()
        return f"{base}?{query}" if query else base

    def get_edit_url(self, instance):
        url = super().get_edit_url(instance)
        if url:
            url = f"{url}?{urlencode({'next': self.listing_url()})}"
        return url

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
            MergePanel(heading=_("Merges")),
        ],
    )

    def get_queryset(self, request):
        return access.ideas_readable(request.user, selectors.idea_list_for_admin())
