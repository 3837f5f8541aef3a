"""Framework, strategic issues, goals, measures and indicators (see DESIGN.md).

A framework is a tree: Framework → StrategicIssue → Goal → Measure →
Indicator → IndicatorTarget (one per year of the framework's period). A measure
cites the ideas it came from through MeasureIdea, and the clusters they were
grouped in through MeasureCluster.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from ideas.dates import BUDDHIST_ERA_OFFSET
from ideas.i18n import in_language, reader_language

# Years are stored in the Common era; 2400 and above can only be a Buddhist-era
# year typed by mistake, which the validators name.
YEAR_MIN = 1900
YEAR_MAX = 2399
YEAR_VALIDATORS = [
    MinValueValidator(YEAR_MIN, _("Enter a year of the Common era, e.g. 2023.")),
    MaxValueValidator(
        YEAR_MAX,
        _(
            "Enter the year in the Common era (2023), not the Buddhist era (2566); "
            "the Buddhist era is shown for you."
        ),
    ),
]


def year_display(year: int, *, language: str | None = None) -> str:
    """A year as readers expect it: "พ.ศ. 2566" in Thai, "2023" in English."""
    if reader_language(language) == "th":
        return f"พ.ศ. {year + BUDDHIST_ERA_OFFSET}"
    return str(year)


def year_label(year: int) -> str:
    """A year as a table heading: 2566 in Thai, 2023 in English."""
    if reader_language() == "th":
        return str(year + BUDDHIST_ERA_OFFSET)
    return str(year)


def period_display(start: int, end: int, *, language: str | None = None) -> str:
    """A period: "พ.ศ. 2566–2570" in Thai, "2023–2027" in English."""
    if reader_language(language) == "th":
        return f"พ.ศ. {start + BUDDHIST_ERA_OFFSET}–{end + BUDDHIST_ERA_OFFSET}"
    return f"{start}–{end}"


class NationalMilestone(models.Model):
    """A milestone (หมุดหมาย) of a national development plan a framework aligns with.

    Seeded with the 13 milestones of the 13th National Economic and Social
    Development Plan (2023–2027); editors add those of later plans.
    """

    plan = models.CharField(
        _("plan"),
        max_length=200,
        help_text=_("The plan the milestone belongs to, e.g. the 13th NESD Plan."),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name_th = models.CharField(_("name in Thai"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("national plan milestone")
        verbose_name_plural = _("national plan milestones")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="unique_milestone_number"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return in_language(self.name_th, self.name_en)


class Framework(ClusterableModel):
    """A reform strategy framework for a period of years, built from events' ideas."""

    class Status(models.TextChoices):
        # A context keeps these apart from Wagtail's own "Draft" and "Published".
        DRAFT = "draft", pgettext_lazy("framework status", "Draft")
        IN_REVIEW = "in_review", pgettext_lazy("framework status", "In review")
        APPROVED = "approved", pgettext_lazy("framework status", "Approved")
        PUBLISHED = "published", pgettext_lazy("framework status", "Published")

    # Setting these needs the approve_framework permission.
    APPROVED_STATUSES = (Status.APPROVED, Status.PUBLISHED)

    title = models.CharField(pgettext_lazy("framework", "title"), max_length=255)
    english_title = models.CharField(_("title in English"), max_length=255, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        allow_unicode=False,
        help_text=_("Short name for addresses and exports, e.g. reform-2566-2570."),
    )
    start_year = models.PositiveSmallIntegerField(
        _("first year"),
        validators=YEAR_VALIDATORS,
        help_text=_("In the Common era, e.g. 2023 (พ.ศ. 2566)."),
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"),
        validators=YEAR_VALIDATORS,
        help_text=_("In the Common era, e.g. 2027 (พ.ศ. 2570)."),
    )
    vision = models.TextField(_("vision"), blank=True)
    english_vision = models.TextField(_("vision in English"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    source_events = ParentalManyToManyField(
        "cms.EventPage",
        verbose_name=_("source events"),
        blank=True,
        related_name="frameworks",
        help_text=_("The events whose ideas this framework is built from."),
    )
    milestones = ParentalManyToManyField(
        NationalMilestone,
        verbose_name=_("national plan milestones"),
        blank=True,
        related_name="frameworks",
    )
    # Optimistic locking: bumped on every save through strategy.services, so a
    # writer saving over someone else's newer save is told instead of
    # overwriting it.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["-start_year", "title"]
        permissions = [
            ("approve_framework", _("Can approve and publish a framework")),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if (
            self.start_year is not None
            and self.end_year is not None
            and self.end_year < self.start_year
        ):
            raise ValidationError(
                {
                    "end_year": _(
                        "The period ends before it starts: the last year must be "
                        "the first year or later."
                    )
                }
            )

    @property
    def display_title(self) -> str:
        return in_language(self.title, self.english_title)

    @property
    def display_vision(self) -> str:
        return in_language(self.vision, self.english_vision)

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def period(self) -> str:
        return period_display(self.start_year, self.end_year)

    @property
    def is_adopted(self) -> bool:
        return self.status in self.APPROVED_STATUSES


class StrategicIssue(models.Model):
    """A strategic issue (ประเด็นยุทธศาสตร์), usually one per event theme."""

    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework"),
        on_delete=models.CASCADE,
        related_name="issues",
    )
    theme = models.ForeignKey(
        "ideas.Theme",
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="strategic_issues",
        help_text=_("The event theme whose ideas this issue answers, if any."),
    )
    title = models.CharField(pgettext_lazy("strategic issue", "title"), max_length=255)
    english_title = models.CharField(_("title in English"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("strategic issue")
        verbose_name_plural = _("strategic issues")
        ordering = ["framework", "sort_order", "pk"]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        return in_language(self.title, self.english_title)

    def clean(self):
        super().clean()
        if self.theme_id and self.framework_id and self.framework.pk:
            events = set(self.framework.source_events.values_list("pk", flat=True))
            if events and self.theme.event_id not in events:
                raise ValidationError(
                    {
                        "theme": _(
                            "This theme belongs to an event that is not one of the "
                            "framework's source events."
                        )
                    }
                )


class Goal(models.Model):
    """A goal (เป้าประสงค์) under a strategic issue."""

    issue = models.ForeignKey(
        StrategicIssue,
        verbose_name=_("strategic issue"),
        on_delete=models.CASCADE,
        related_name="goals",
    )
    title = models.CharField(pgettext_lazy("goal", "title"), max_length=255)
    english_title = models.CharField(_("title in English"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["issue", "sort_order", "pk"]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        return in_language(self.title, self.english_title)


class Measure(ClusterableModel):
    """A measure (มาตรการ): what will be done, by whom, and which ideas it answers.

    Ideas are cited through MeasureIdea, clusters through MeasureCluster. Citing
    a cluster (``services.measure_cite_cluster``) also cites its accepted and
    shortlisted members as they are at that moment, each with the note "from
    cluster “X”": the ideas a measure rests on stay put when the cluster is later
    edited, merged or re-run, and ``strategy.selectors.measure_ideas`` reads
    them from MeasureIdea alone.
    """

    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        on_delete=models.CASCADE,
        related_name="measures",
    )
    title = models.CharField(pgettext_lazy("measure", "title"), max_length=255)
    english_title = models.CharField(_("title in English"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    lead_agency = models.CharField(_("lead agency"), max_length=255, blank=True)
    supporting_agencies = models.TextField(
        _("supporting agencies"),
        blank=True,
        help_text=_("One agency per line."),
    )
    pilot_scope = models.TextField(
        _("pilot scope"),
        blank=True,
        help_text=_("Where and with whom the measure is tried first."),
    )
    estimated_budget = models.DecimalField(
        _("estimated budget (THB)"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, _("A budget cannot be negative."))],
    )
    # Read-only convenience (measure.ideas, idea.measures): citations are
    # written as MeasureIdea rows, which carry the note.
    ideas = models.ManyToManyField(
        "ideas.Idea",
        through="strategy.MeasureIdea",
        verbose_name=_("cited ideas"),
        related_name="measures",
        blank=True,
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    # Optimistic locking, as on Framework.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["goal", "sort_order", "pk"]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        return in_language(self.title, self.english_title)

    @property
    def supporting_agency_list(self) -> list[str]:
        return [
            line.strip()
            for line in self.supporting_agencies.splitlines()
            if line.strip()
        ]


class MeasureIdea(Orderable):
    """An idea a measure cites, with an optional note on how it was used.

    The idea is protected: while a measure cites it, it cannot be deleted.
    """

    measure = ParentalKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="cited_ideas",
    )
    idea = models.ForeignKey(
        "ideas.Idea",
        verbose_name=_("idea"),
        on_delete=models.PROTECT,
        related_name="measure_citations",
    )
    note = models.CharField(
        _("note"),
        max_length=500,
        blank=True,
        help_text=_("Optional: which part of the idea the measure takes up."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("cited idea")
        verbose_name_plural = _("cited ideas")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "idea"], name="unique_measure_idea"
            )
        ]

    def __str__(self):
        return f"{self.measure_id} → #{self.idea.number}"

    def clean(self):
        super().clean()
        if self.idea_id and not self.idea.is_public:
            raise ValidationError(
                {
                    "idea": _(
                        "Idea #%(number)s is %(status)s: only accepted or "
                        "shortlisted ideas can be cited."
                    )
                    % {
                        "number": self.idea.number,
                        "status": self.idea.get_status_display(),
                    }
                }
            )


def merged_cluster_message(cluster) -> str:
    """Why a cluster can no longer be cited, naming where its ideas went."""
    if cluster.merged_into_id:
        return _(
            "The cluster “%(label)s” was merged into “%(target)s”: cite that one "
            "instead."
        ) % {"label": cluster.label, "target": cluster.merged_into.label}
    return _(
        "The cluster “%(label)s” is no longer active: its ideas are in other "
        "clusters now."
    ) % {"label": cluster.label}


class MeasureCluster(Orderable):
    """A cluster a measure was drafted from.

    The cluster is protected: while a measure cites it, it cannot be deleted.
    A cluster merged after it was cited stays cited (shown as merged into the
    other); only a new citation of an inactive cluster is refused.
    """

    measure = ParentalKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="cited_clusters",
    )
    cluster = models.ForeignKey(
        "ideas.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        related_name="measure_citations",
    )
    note = models.CharField(
        _("note"),
        max_length=500,
        blank=True,
        help_text=_("Optional: which part of the cluster the measure takes up."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("cited cluster")
        verbose_name_plural = _("cited clusters")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "cluster"], name="unique_measure_cluster"
            )
        ]

    def __str__(self):
        return f"{self.measure_id} → {self.cluster.label}"

    def clean(self):
        super().clean()
        if not self.cluster_id or self.cluster.is_active:
            return
        stored = (
            MeasureCluster.objects.filter(pk=self.pk)
            .values_list("cluster_id", flat=True)
            .first()
            if self.pk
            else None
        )
        if stored != self.cluster_id:
            raise ValidationError(
                {"cluster": merged_cluster_message(self.cluster)}, code="merged"
            )


UNIT_REQUIRED = _(
    "Give the indicator a unit, e.g. per cent, days or agencies: a target "
    "without one cannot be checked."
)


class Indicator(ClusterableModel):
    """How a measure's progress is measured, with a target for each year."""

    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("indicator"), max_length=300)
    english_name = models.CharField(
        _("indicator in English"), max_length=300, blank=True
    )
    unit = models.CharField(
        _("unit"),
        max_length=100,
        error_messages={"blank": UNIT_REQUIRED},
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("In the Common era, e.g. 2022 (พ.ศ. 2565)."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["measure", "sort_order", "pk"]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return in_language(self.name, self.english_name)

    def framework(self) -> Framework | None:
        try:
            return self.measure.goal.issue.framework
        except (Measure.DoesNotExist, AttributeError):
            return None


class IndicatorTarget(Orderable):
    """An indicator's target for one year of its framework's period."""

    indicator = ParentalKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=YEAR_VALIDATORS,
        help_text=_("In the Common era, e.g. 2023 (พ.ศ. 2566)."),
    )
    value = models.DecimalField(_("target"), max_digits=15, decimal_places=2)

    class Meta(Orderable.Meta):
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], name="unique_indicator_year"
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.value}"

    def clean(self):
        super().clean()
        try:
            framework = self.indicator.framework()
        except Indicator.DoesNotExist:
            framework = None
        if framework is None or self.year is None:
            return
        if not framework.start_year <= self.year <= framework.end_year:
            raise ValidationError(
                {
                    "year": target_outside_period_message(
                        year=self.year, framework=framework
                    )
                }
            )


def target_outside_period_message(*, year: int, framework: Framework) -> str:
    return _(
        "The target for %(year)s (%(year_be)s) is outside the framework's period "
        "%(start)s–%(end)s (%(period_be)s)."
    ) % {
        "year": year,
        "year_be": year_display(year, language="th"),
        "start": framework.start_year,
        "end": framework.end_year,
        "period_be": period_display(
            framework.start_year, framework.end_year, language="th"
        ),
    }
