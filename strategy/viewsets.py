"""Admin screens for frameworks and their tree (Wagtail snippet viewsets).

Each level has its own screens; the framework's edit page shows the whole tree
with links to add and edit each node, and new nodes open with their parent
filled in (``?framework=``, ``?issue=``, ``?goal=``, ``?measure=``).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
)
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.chooser import (
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    HistoryView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from ideas.models import Theme
from ideas.numbers import whole_number, whole_numbers
from strategy import selectors, services
from strategy.models import (
    UNIT_REQUIRED,
    Framework,
    Goal,
    Indicator,
    Measure,
    NationalMilestone,
    StrategicIssue,
)


class VersionedForm(WagtailAdminModelForm):
    """Carries the version the writer loaded, so a save over a newer one is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version


def _add_service_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


class ServiceSaveMixin:
    """Save through strategy.services; its refusals come back as form errors."""

    def save_through_service(self):
        raise NotImplementedError

    def save_instance(self):
        return self.save_through_service()

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            _add_service_errors(form, error)
            self.produced_error_message = (
                error.messages[0]
                if getattr(error, "code", None) == "conflict"
                else self.get_error_message()
            )
            return self.form_invalid(form)


class AdoptedNoticeMixin:
    """Say on opening it that an approved or published framework's content is frozen.

    The services refuse the save anyway; told first, a writer does not type
    for nothing.
    """

    def get(self, request, *args, **kwargs):
        framework = selectors.adopted_framework(self.object)
        if framework is not None:
            messages.warning(request, services.adopted_message(framework))
        return super().get(request, *args, **kwargs)


class ParentInitialMixin:
    """Fill the parent field of a new node from the query string."""

    parent_field = ""

    def get_initial(self):
        initial = super().get_initial()
        value = whole_number(self.request.GET.get(self.parent_field))
        if value is not None:
            initial[self.parent_field] = value
        return initial


# Choosers


class WholeNumberIdsMixin:
    """A chooser's ids come from the URL: one that is not a whole number ("abc",
    "²", 40 digits) is unknown, as Wagtail answers for a missing one (404),
    and chooses nothing in a list; a 500 before."""

    def get_object(self, pk):
        number = whole_number(pk)
        if number is None:
            raise self.model_class.DoesNotExist
        return super().get_object(number)

    def get_objects(self, pks):
        return super().get_objects(whole_numbers(pks))


class ChosenView(WholeNumberIdsMixin, SnippetChosenView):
    pass


class ChosenMultipleView(WholeNumberIdsMixin, SnippetChosenMultipleView):
    pass


class ChooserViewSet(SnippetChooserViewSet):
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView


# History


class StrictHistoryMixin:
    """Wagtail's history filters by who acted, by user id: an id past a database
    integer raised OverflowError on SQLite (a 500). Ids that are not whole
    numbers are ignored. The ideas' and contacts' histories use it too."""

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        data = kwargs.get("data")
        if data is not None and "user" in data:
            data = data.copy()
            users = whole_numbers(data.getlist("user"))
            data.setlist("user", [str(user) for user in users])
            kwargs["data"] = data
        return kwargs


class StrategyHistoryView(StrictHistoryMixin, HistoryView):
    pass


class StrategySnippetViewSet(SnippetViewSet):
    """A level of the framework's tree; its chooser and its history read ids
    strictly."""

    chooser_viewset_class = ChooserViewSet
    history_view_class = StrategyHistoryView


# Frameworks


class FrameworkCreateView(ServiceSaveMixin, CreateView):
    def save_through_service(self):
        return services.framework_save(
            framework=self.form.save(commit=False), actor=self.request.user
        )


class FrameworkEditView(AdoptedNoticeMixin, ServiceSaveMixin, EditView):
    def save_through_service(self):
        return services.framework_save(
            framework=self.form.save(commit=False),
            actor=self.request.user,
            expected_version=self.form.cleaned_data.get("expected_version"),
        )


class FrameworkTreePanel(Panel):
    """The framework's issues, goals, measures and indicators, with links to each."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "strategy/admin/framework_tree_panel.html"

        def is_shown(self):
            return bool(self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["tree"] = selectors.framework_tree(framework=self.instance)
            context["framework"] = self.instance
            return context


class FrameworkLinksColumn(Column):
    cell_template_name = "strategy/admin/framework_links_cell.html"

    def get_value(self, instance):
        return instance


class FrameworkViewSet(StrategySnippetViewSet):
    model = Framework
    icon = "doc-full"
    menu_label = _("Frameworks")
    menu_order = 100
    add_view_class = FrameworkCreateView
    edit_view_class = FrameworkEditView
    copy_view_enabled = False
    list_display = [
        "title",
        Column("period", label=_("period")),
        Column("status", label=_("status"), accessor="get_status_display"),
        FrameworkLinksColumn("links", label=_("coverage and export")),
    ]
    list_filter = ["status"]
    search_fields = ["title", "english_title", "vision"]
    search_backend_name = None
    edit_handler = ObjectList(
        base_form_class=VersionedForm,
        children=[
            FieldPanel("title"),
            FieldPanel("english_title"),
            FieldPanel("slug"),
            FieldRowPanel(
                [FieldPanel("start_year"), FieldPanel("end_year")],
                heading=_("Period"),
            ),
            FieldPanel("vision"),
            FieldPanel("english_vision"),
            FieldPanel("status", widget=forms.RadioSelect),
            FieldPanel("source_events", widget=forms.CheckboxSelectMultiple),
            FieldPanel("milestones", widget=forms.CheckboxSelectMultiple),
            FrameworkTreePanel(heading=_("Strategic issues, goals and measures")),
        ],
    )


# Strategic issues and goals


class NodeCreateView(ServiceSaveMixin, ParentInitialMixin, CreateView):
    def save_through_service(self):
        return services.node_save(node=self.form.save(commit=False))


class NodeEditView(AdoptedNoticeMixin, ServiceSaveMixin, EditView):
    def save_through_service(self):
        return services.node_save(node=self.form.save(commit=False))


class IssueCreateView(NodeCreateView):
    parent_field = "framework"


class IssueForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "theme" in self.fields:
            self.fields["theme"].queryset = Theme.objects.select_related("event")
            self.fields["theme"].label_from_instance = lambda theme: (
                f"{theme.name} ({theme.event.title})"
            )


class StrategicIssueViewSet(StrategySnippetViewSet):
    model = StrategicIssue
    icon = "list-ul"
    menu_label = _("Strategic issues")
    menu_order = 110
    add_view_class = IssueCreateView
    edit_view_class = NodeEditView
    copy_view_enabled = False
    list_display = [
        "title",
        Column("framework", label=_("framework")),
        Column("theme", label=_("theme")),
        Column("sort_order", label=_("order"), sort_key="sort_order"),
    ]
    list_filter = ["framework"]
    search_fields = ["title", "english_title", "description"]
    search_backend_name = None
    edit_handler = ObjectList(
        base_form_class=IssueForm,
        children=[
            FieldPanel("framework"),
            FieldPanel("theme"),
            FieldPanel("title"),
            FieldPanel("english_title"),
            FieldPanel("description"),
            FieldPanel("sort_order"),
        ],
    )

    def get_queryset(self, request):
        return StrategicIssue.objects.select_related("framework", "theme")


class GoalCreateView(NodeCreateView):
    parent_field = "issue"


class GoalViewSet(StrategySnippetViewSet):
    model = Goal
    icon = "success"
    menu_label = _("Goals")
    menu_order = 120
    add_view_class = GoalCreateView
    edit_view_class = NodeEditView
    copy_view_enabled = False
    list_display = [
        "title",
        Column("issue", label=_("strategic issue")),
        Column("framework", label=_("framework"), accessor="issue.framework"),
    ]
    list_filter = ["issue__framework"]
    search_fields = ["title", "english_title", "description"]
    search_backend_name = None
    panels = [
        FieldPanel("issue"),
        FieldPanel("title"),
        FieldPanel("english_title"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    def get_queryset(self, request):
        return Goal.objects.select_related("issue__framework")


# Measures


class MeasureCreateView(ServiceSaveMixin, ParentInitialMixin, CreateView):
    parent_field = "goal"

    def save_through_service(self):
        return services.measure_save(measure=self.form.save(commit=False))


class MeasureEditView(AdoptedNoticeMixin, ServiceSaveMixin, EditView):
    def save_through_service(self):
        return services.measure_save(
            measure=self.form.save(commit=False),
            expected_version=self.form.cleaned_data.get("expected_version"),
        )


class MeasureViewSet(StrategySnippetViewSet):
    model = Measure
    icon = "tasks"
    menu_label = _("Measures")
    menu_order = 130
    add_view_class = MeasureCreateView
    edit_view_class = MeasureEditView
    copy_view_enabled = False
    list_display = [
        "title",
        Column("goal", label=_("goal")),
        Column("framework", label=_("framework"), accessor="goal.issue.framework"),
        Column("lead_agency", label=_("lead agency")),
    ]
    list_filter = ["goal__issue__framework"]
    search_fields = ["title", "english_title", "description", "lead_agency"]
    search_backend_name = None
    edit_handler = ObjectList(
        base_form_class=VersionedForm,
        children=[
            FieldPanel("goal"),
            FieldPanel("title"),
            FieldPanel("english_title"),
            FieldPanel("description"),
            MultiFieldPanel(
                [
                    FieldPanel("lead_agency"),
                    FieldPanel("supporting_agencies"),
                    FieldPanel("pilot_scope"),
                    FieldPanel("estimated_budget"),
                ],
                heading=_("Who, where, how much"),
            ),
            InlinePanel(
                "cited_ideas",
                heading=_("Ideas cited"),
                label=_("cited idea"),
                panels=[FieldPanel("idea"), FieldPanel("note")],
            ),
            InlinePanel(
                "cited_clusters",
                heading=_("Clusters cited"),
                label=_("cited cluster"),
                help_text=_(
                    "A cluster added here brings its accepted and shortlisted ideas "
                    "into the ideas cited, as they are in the cluster now."
                ),
                panels=[FieldPanel("cluster"), FieldPanel("note")],
            ),
            FieldPanel("sort_order"),
        ],
    )

    def get_queryset(self, request):
        return Measure.objects.select_related("goal__issue__framework")


# Indicators


class IndicatorForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            self.fields["unit"].error_messages["required"] = UNIT_REQUIRED


class IndicatorCreateView(NodeCreateView):
    parent_field = "measure"


class IndicatorViewSet(StrategySnippetViewSet):
    model = Indicator
    icon = "order"
    menu_label = _("Indicators")
    menu_order = 140
    add_view_class = IndicatorCreateView
    edit_view_class = NodeEditView
    copy_view_enabled = False
    list_display = [
        "name",
        Column("unit", label=_("unit")),
        Column("measure", label=_("measure")),
    ]
    list_filter = ["measure__goal__issue__framework"]
    search_fields = ["name", "english_name", "unit"]
    search_backend_name = None
    edit_handler = ObjectList(
        base_form_class=IndicatorForm,
        children=[
            FieldPanel("measure"),
            FieldPanel("name"),
            FieldPanel("english_name"),
            FieldPanel("unit"),
            FieldRowPanel(
                [FieldPanel("baseline"), FieldPanel("baseline_year")],
                heading=_("Baseline"),
            ),
            InlinePanel(
                "targets",
                heading=_("Yearly targets"),
                label=_("yearly target"),
                panels=[FieldRowPanel([FieldPanel("year"), FieldPanel("value")])],
            ),
            FieldPanel("sort_order"),
        ],
    )

    def get_queryset(self, request):
        return Indicator.objects.select_related("measure")


class NationalMilestoneViewSet(StrategySnippetViewSet):
    model = NationalMilestone
    icon = "flag"
    menu_label = _("National plan milestones")
    menu_order = 150
    copy_view_enabled = False
    list_display = ["name_th", "name_en", "number", "plan"]
    list_filter = ["plan"]
    search_fields = ["name_th", "name_en"]
    search_backend_name = None


class StrategyViewSetGroup(SnippetViewSetGroup):
    items = (
        FrameworkViewSet,
        StrategicIssueViewSet,
        GoalViewSet,
        MeasureViewSet,
        IndicatorViewSet,
        NationalMilestoneViewSet,
    )
    menu_icon = "doc-full-inverse"
    menu_label = _("Strategy")
    menu_name = "strategy"
    menu_order = 300
