"""The public site: home, events index and event pages."""

from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import FrameworkDocumentBlock
from cms.forms_admin import EventPageForm
from ideas.i18n import in_language


class BilingualMixin:
    """Pick the English variant of a field when the visitor reads English."""

    def in_language(self, thai: str, english: str) -> str:
        return in_language(thai, english)


class IntroPage(BilingualMixin, Page):
    """A page of a title and an introduction, each in Thai and in English."""

    english_title = models.CharField(_("title in English"), max_length=255, blank=True)
    intro = RichTextField(_("introduction"), blank=True)
    english_intro = RichTextField(_("introduction in English"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("english_title"),
        FieldPanel("intro"),
        FieldPanel("english_intro"),
    ]

    @property
    def display_title(self) -> str:
        return self.in_language(self.title, self.english_title)

    @property
    def display_intro(self) -> str:
        return self.in_language(self.intro, self.english_intro)

    class Meta:
        abstract = True


class HomePage(IntroPage):
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.EventIndexPage", "cms.FrameworkIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["events"] = (
            EventPage.objects.live()
            .public()
            .descendant_of(self)
            .order_by("-start_date")
        )
        context["event_index"] = EventIndexPage.objects.live().child_of(self).first()
        return context


class EventIndexPage(IntroPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EventPage"]

    class Meta:
        verbose_name = _("events index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["events"] = (
            EventPage.objects.live().public().child_of(self).order_by("-start_date")
        )
        return context


class EventPage(RoutablePageMixin, BilingualMixin, Page):
    """An event where participants submit ideas; its themes are edited inline.

    Its ``ideas/`` route is the public idea tracker, ``ideas/<number>/``
    the page of each idea on it, and ``wall/`` the projector's event wall.
    """

    english_title = models.CharField(_("title in English"), max_length=255, blank=True)
    start_date = models.DateField(_("date"))
    end_date = models.DateField(_("last day"), null=True, blank=True)
    location = models.CharField(_("where"), max_length=255, blank=True)
    english_location = models.CharField(
        _("where, in English"), max_length=255, blank=True
    )
    organiser = models.CharField(_("organiser"), max_length=255, blank=True)
    english_organiser = models.CharField(
        _("organiser, in English"), max_length=255, blank=True
    )
    intro = RichTextField(_("introduction"), blank=True)
    english_intro = RichTextField(_("introduction in English"), blank=True)
    submissions_open = models.BooleanField(
        _("submissions open"),
        default=True,
        help_text=_("Untick to close the submission form."),
    )
    submissions_close_at = models.DateTimeField(
        _("submissions close at"),
        null=True,
        blank=True,
        help_text=_("Optional: the form closes by itself at this time."),
    )
    # Who may moderate, theme and cluster this event's ideas. Facilitators
    # work on the events they are named on; administrators on every event.
    facilitators = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitators"),
        blank=True,
        related_name="facilitated_events",
        help_text=_(
            "Users who may moderate, theme and cluster this event's ideas. "
            "Administrators may always."
        ),
    )

    # Offers as facilitators only the users who can moderate ideas.
    base_form_class = EventPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("english_title"),
        MultiFieldPanel(
            [
                FieldPanel("start_date"),
                FieldPanel("end_date"),
                FieldPanel("location"),
                FieldPanel("english_location"),
                FieldPanel("organiser"),
                FieldPanel("english_organiser"),
            ],
            heading=_("When, where, who"),
        ),
        FieldPanel("intro"),
        FieldPanel("english_intro"),
        MultiFieldPanel(
            [FieldPanel("submissions_open"), FieldPanel("submissions_close_at")],
            heading=_("Submissions"),
        ),
        FieldPanel("facilitators", widget=forms.CheckboxSelectMultiple),
        InlinePanel("themes", heading=_("Themes"), label=_("theme")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("english_title"),
        index.SearchField("intro"),
        index.SearchField("english_intro"),
    ]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")

    @property
    def display_title(self) -> str:
        return self.in_language(self.title, self.english_title)

    @property
    def display_intro(self) -> str:
        return self.in_language(self.intro, self.english_intro)

    @property
    def display_location(self) -> str:
        return self.in_language(self.location, self.english_location)

    @property
    def display_organiser(self) -> str:
        return self.in_language(self.organiser, self.english_organiser)

    @property
    def accepts_submissions(self) -> bool:
        if not self.submissions_open:
            return False
        return (
            self.submissions_close_at is None
            or timezone.now() < self.submissions_close_at
        )

    @path("")
    def index_route(self, request, *args, **kwargs):
        # The submission form is handled by a plain view function so the page
        # model stays a description of content; imported here because the view
        # needs this module.
        from cms.views import event_page

        return event_page(
            request,
            page=self,
            context=self.get_context(request, *args, **kwargs),
            template=self.get_template(request, *args, **kwargs),
        )

    @path("ideas/", name="ideas")
    def ideas_route(self, request):
        from cms.views import event_ideas

        return event_ideas(request, page=self)

    @path("ideas/<int:number>/", name="idea")
    def idea_route(self, request, number):
        from cms.idea_page import idea_page

        return idea_page(request, page=self, number=number)

    @path("hints/", name="hints")
    def hints_route(self, request):
        from cms.hints import hints

        return hints(request, page=self)

    @path("wall/", name="wall")
    def wall_route(self, request):
        from cms.wall import wall

        return wall(request, page=self)

    @path("wall/data/", name="wall_data")
    def wall_data_route(self, request):
        from cms.wall import wall_data_view

        return wall_data_view(request, page=self)

    @property
    def ideas_url(self) -> str:
        return (self.url or "") + self.reverse_subpage("ideas")

    @property
    def hints_url(self) -> str:
        return (self.url or "") + self.reverse_subpage("hints")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["themes"] = list(self.themes.all())
        return context


class FrameworkIndexPage(IntroPage):
    """The strategy section: the framework documents under it share one workflow.

    Policy writers may add and edit pages here and approvers publish them
    (see workbench.roles); the approval workflow is assigned to this page.
    """

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.FrameworkPage"]

    class Meta:
        verbose_name = _("strategy section")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["documents"] = (
            FrameworkPage.objects.live().public().child_of(self).order_by("title")
        )
        return context


class FrameworkPage(BilingualMixin, Page):
    """A strategy framework's document: sections, text and embedded measures.

    The measures are shown as they stand in the framework; revisions, compare,
    preview and the review workflow come from Wagtail.
    """

    english_title = models.CharField(_("title in English"), max_length=255, blank=True)
    framework = models.ForeignKey(
        "strategy.Framework",
        verbose_name=_("framework"),
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_("The framework this document presents."),
    )
    body = StreamField(FrameworkDocumentBlock(), verbose_name=_("document"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("english_title"),
        FieldPanel("framework"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.FrameworkIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("framework document")

    @property
    def display_title(self) -> str:
        return self.in_language(self.title, self.english_title)
