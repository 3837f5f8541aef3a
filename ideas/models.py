"""Themes, ideas, their authors' contact data and the log of decisions on them."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.models import Orderable

from ideas.answers import check_placeholders
from ideas.i18n import in_language

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 5000
# An answer to an author: a few paragraphs, never a document.
ANSWER_MAX_LENGTH = 2000


class Theme(Orderable):
    """One of an event's challenge themes, edited inline on the event page."""

    event = ParentalKey(
        "cms.EventPage", on_delete=models.CASCADE, related_name="themes"
    )
    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_(
            "Short identifier used in imports, exports and URLs, e.g. digital."
        ),
    )
    name_th = models.CharField(_("name in Thai"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    description_th = models.TextField(_("description in Thai"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="unique_theme_code")
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the reader's language, falling back to the other one."""
        return in_language(self.name_th, self.name_en)

    @property
    def description(self) -> str:
        return in_language(self.description_th, self.description_en)


class IdeaQuerySet(models.QuerySet):
    """The words reads of ideas share, so that each rule is written once."""

    def of_event(self, event) -> "IdeaQuerySet":
        """The ideas of ``event`` (an event page, or its id)."""
        return self.filter(event=event)

    def open(self) -> "IdeaQuerySet":
        """Ideas still in play: neither rejected nor merged into another idea.

        What clustering, the duplicates queue and theme suggestions work on; a
        merged duplicate is represented by the idea it was merged into.
        """
        return self.filter(duplicate_of__isnull=True).exclude(
            status=Idea.Status.REJECTED
        )

    def public(self) -> "IdeaQuerySet":
        """Ideas anyone may read: accepted by a facilitator, on a page anyone may read.

        The one visibility rule of the public site, its search, API and open
        data: a status in PUBLIC_STATUSES, and an event page that is
        published and under no view restriction (password, login, groups).
        Unpublishing an event takes its ideas off search as off its page.
        A merged duplicate stays public (nothing leaves the public record);
        pages that list it say which idea carries it on.
        """
        from wagtail.models import Page

        return self.filter(
            status__in=PUBLIC_STATUSES,
            event__in=Page.objects.live().public().values("pk"),
        )


class IdeaTag(TaggedItemBase):
    content_object = models.ForeignKey(
        "ideas.Idea", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Idea(models.Model):
    """One proposal submitted at an event.

    Text is stored as typed (NFC-normalised). Who wrote it lives in Contact,
    never here, so an idea can be shown or exported without personal data.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        SHORTLISTED = "shortlisted", _("Shortlisted: ready to implement")
        IMPLEMENTED = "implemented", _("Implemented")

    class Language(models.TextChoices):
        THAI = "th", _("Thai")
        ENGLISH = "en", _("English")
        MIXED = "mixed", _("Thai and English")

    class ThemeSource(models.TextChoices):
        NONE = "", _("No theme")
        PARTICIPANT = "participant", _("Chosen by the participant")
        FACILITATOR = "facilitator", _("Set by a facilitator")
        MODEL = "model", _("Suggested by the model")

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="ideas",
    )
    number = models.PositiveIntegerField(
        _("number"),
        help_text=_("The idea's number within its event, cited in reports."),
    )
    title = models.CharField(
        pgettext_lazy("idea", "title"), max_length=TITLE_MAX_LENGTH
    )
    problem = models.TextField(
        _("the problem"), validators=[MaxLengthValidator(BODY_MAX_LENGTH)]
    )
    solution = models.TextField(
        _("proposed solution"), validators=[MaxLengthValidator(BODY_MAX_LENGTH)]
    )
    benefit = models.TextField(
        _("expected benefit"),
        blank=True,
        validators=[MaxLengthValidator(BODY_MAX_LENGTH)],
    )
    agencies = models.TextField(
        _("agencies involved"),
        blank=True,
        validators=[MaxLengthValidator(BODY_MAX_LENGTH)],
    )
    team_name = models.CharField(
        _("team name"), max_length=TITLE_MAX_LENGTH, blank=True
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.THAI
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )
    # The answer that came with the latest status decision; each decision's
    # own answer stays in the log (IdeaDecision.reason).
    status_reason = models.TextField(
        _("answer to the author"),
        blank=True,
        help_text=_(
            "The author reads it on their tracking page, and everyone on the "
            "idea's public page once it is accepted. A rejection needs one."
        ),
        validators=[MaxLengthValidator(ANSWER_MAX_LENGTH)],
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    theme_source = models.CharField(
        _("theme set by"),
        max_length=20,
        choices=ThemeSource.choices,
        default=ThemeSource.NONE,
        blank=True,
    )
    # The model's suggestion is kept beside the theme, never in it: a person's
    # choice is not overwritten, and accepting a suggestion is a decision.
    suggested_theme = models.ForeignKey(
        Theme,
        verbose_name=_("suggested theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    suggestion_confidence = models.FloatField(
        _("confidence of the suggestion"), null=True, blank=True
    )
    suggestion_model = models.CharField(_("suggested by"), max_length=100, blank=True)
    suggested_at = models.DateTimeField(_("suggested at"), null=True, blank=True)
    # Why the model suggested what it did, for the facilitator: the nearest
    # ideas with a confirmed theme ({"idea", "number", "title", "theme",
    # "similarity"}) and the idea's words shared with the theme ("keywords").
    suggestion_reasons = models.JSONField(
        _("why"), default=dict, blank=True, editable=False
    )
    tags = TaggableManager(through=IdeaTag, blank=True, verbose_name=_("tags"))
    # Only a hash: a copy of the database must not open anyone's tracking page.
    tracking_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Hash of the submitting browser's session and of the content, to fold a
    # double click into one idea without keeping anything that identifies a person.
    submitter_key = models.CharField(max_length=64, blank=True, editable=False)
    fingerprint = models.CharField(max_length=64, editable=False, db_index=True)
    # The row's id in the file an idea was imported from (a form's response id,
    # the number in an earlier export), so importing the file again updates the
    # idea instead of adding a copy. Empty for ideas submitted on the site.
    external_id = models.CharField(
        _("imported id"), max_length=100, blank=True, default="", editable=False
    )
    # A merged duplicate keeps its text, author and tracking page; it points at
    # the idea that carries on, and pointing it nowhere undoes the merge.
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    created_at = models.DateTimeField(
        _("submitted at"), auto_now_add=True, db_index=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IdeaQuerySet.as_manager()

    # Wagtail would index an idea's references on every save; ideas point only
    # at their event and theme, so that costs writes during an event for nothing.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-pk"]
        permissions = [
            (
                "facilitate_any_event",
                "Can moderate, theme and cluster the ideas of every event",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "number"], name="unique_idea_number"
            ),
            models.UniqueConstraint(
                fields=["event", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_idea_external_id",
            ),
        ]

    def __str__(self):
        return f"#{self.number} {self.title}"

    @property
    def is_public(self) -> bool:
        """Whether a facilitator made the idea public (accepted or shortlisted).

        What a measure may cite. Whether the public can read it also depends
        on its event's page: lists shown to the public ask
        ``Idea.objects.public()``.
        """
        return self.status in PUBLIC_STATUSES


# What a facilitator made public; the rest (waiting, rejected) stays in the admin.
# Reads of other models spell it ``idea__status__in=PUBLIC_STATUSES``.
PUBLIC_STATUSES = (
    Idea.Status.ACCEPTED,
    Idea.Status.SHORTLISTED,
    Idea.Status.IMPLEMENTED,
)


class Contact(models.Model):
    """Personal data of an idea's author, kept only with their consent.

    Apart from Idea so that no page, export or listing of ideas can reach it
    by accident; reading it needs the ``ideas.view_contact`` permission.
    """

    idea = models.OneToOneField(
        Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="contact"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    consent_at = models.DateTimeField(_("consent given at"))
    consent_text_version = models.CharField(_("consent text version"), max_length=40)
    # Asked apart from the consent to be kept: an author may leave an address
    # for the organiser and still want no mail from the site.
    notify_by_email = models.BooleanField(
        _("e-mail on each change"),
        default=False,
        help_text=_("The author asked for an e-mail when the idea's status changes."),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name or self.email or self.phone


class IdeaDecision(models.Model):
    """One change of an idea's status or theme: who, when, from what to what."""

    class Field(models.TextChoices):
        STATUS = "status", _("Status")
        THEME = "theme", _("Theme")
        DUPLICATE = "duplicate_of", _("Duplicate of")

    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="decisions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    old_value = models.CharField(_("from"), max_length=200, blank=True)
    new_value = models.CharField(_("to"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.idea_id} {self.field}: {self.old_value} → {self.new_value}"


class AnswerTemplate(models.Model):
    """An answer a facilitator gives many authors, in Thai and in English.

    Placeholders ({number}, {title}, ...) are filled in for each idea; the
    author reads the language they wrote in (Thai when there is no English).
    """

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="answer_templates",
    )
    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(
        _("for the decision"),
        max_length=20,
        choices=Idea.Status.choices,
        blank=True,
        help_text=_("Offered with this decision; empty: with every decision."),
    )
    text_th = models.TextField(
        _("answer in Thai"),
        validators=[MaxLengthValidator(ANSWER_MAX_LENGTH), check_placeholders],
    )
    text_en = models.TextField(
        _("answer in English"),
        blank=True,
        validators=[MaxLengthValidator(ANSWER_MAX_LENGTH), check_placeholders],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "name"], name="unique_answer_template_name"
            )
        ]

    def __str__(self):
        return self.name


class IdeaEmbedding(models.Model):
    """An idea's vector from one encoder, kept so no text is embedded twice.

    ``text_hash`` says which text the vector was made from; an edited idea
    gets a new vector.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="embeddings")
    encoder_id = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "encoder_id"], name="unique_idea_embedding"
            )
        ]

    def __str__(self):
        return f"{self.idea_id} {self.encoder_id}"


class DuplicateDismissal(models.Model):
    """A facilitator's word that two ideas the model paired are not duplicates.

    Stored with the lower idea id first, so a pair is dismissed once whichever
    way round it is shown.
    """

    idea_low = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="+", verbose_name=_("idea")
    )
    idea_high = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="+", verbose_name=_("other idea")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed duplicate pair")
        verbose_name_plural = _("dismissed duplicate pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["idea_low", "idea_high"], name="unique_duplicate_dismissal"
            ),
            models.CheckConstraint(
                condition=models.Q(idea_low__lt=models.F("idea_high")),
                name="duplicate_dismissal_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.idea_low_id} ≠ {self.idea_high_id}"


class ClusteringRun(models.Model):
    """One clustering of an event's ideas (all of them, or one theme's).

    Kept for good, with the encoder, parameters, who started it and what
    changed, so a cluster's history can be told and a result reproduced.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="clustering_runs",
    )
    # The scope: a theme's code, or "" for all the event's ideas. A code and
    # not a key, so the run's record survives the theme being renamed or removed.
    scope = models.CharField(_("theme"), max_length=40, blank=True, default="")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    error = models.TextField(_("reason it failed"), blank=True)
    encoder_id = models.CharField(_("encoder"), max_length=100)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Updated as the run makes progress; a running run silent for long is a
    # dead worker's, and is marked failed so that a new run can start.
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    n_ideas = models.PositiveIntegerField(_("ideas"), null=True, blank=True)
    n_clusters = models.PositiveIntegerField(_("clusters"), null=True, blank=True)
    unclustered = models.PositiveIntegerField(_("unclustered"), null=True, blank=True)
    changed_assignments = models.PositiveIntegerField(
        _("ideas that changed cluster"), null=True, blank=True
    )
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    # idea id (as a string: JSON keys) -> cluster number, as this run left them.
    assignments = models.JSONField(default=dict, blank=True, editable=False)
    # What this run changed since the previous one: moved ideas, new and
    # emptied clusters, renamed labels, facilitators' edits it kept.
    changes = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("clustering run")
        verbose_name_plural = _("clustering runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One run at a time per event and scope: two would fight over
            # the same clusters.
            models.UniqueConstraint(
                fields=["event", "scope"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_clustering_run",
            )
        ]

    def __str__(self):
        return f"{self.event_id}/{self.scope or '*'} #{self.pk} {self.status}"


class Cluster(models.Model):
    """A group of similar ideas within an event (or one of its themes).

    ``number`` is the cluster's identity across runs; a facilitator's name,
    merges and pins are the authority that re-runs keep.
    """

    class LabelSource(models.TextChoices):
        MODEL = "model", _("Keywords from the model")
        FACILITATOR = "facilitator", _("Named by a facilitator")

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="clusters",
    )
    scope = models.CharField(_("theme"), max_length=40, blank=True, default="")
    number = models.PositiveIntegerField(_("number"))
    label = models.CharField(_("name"), max_length=200)
    label_source = models.CharField(
        _("named by"),
        max_length=20,
        choices=LabelSource.choices,
        default=LabelSource.MODEL,
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    # The theme the cluster sits under in a run of all the event's ideas: a
    # theme's code, "" for the ideas no theme holds yet (or an event without
    # themes), None for a cluster made before clusters followed the themes;
    # "" and None mean different things, hence null on a CharField.
    group = models.CharField(  # noqa: DJ001
        _("under theme"), max_length=40, blank=True, null=True, default=""
    )
    size = models.PositiveIntegerField(_("ideas"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    # Raised by every edit; an edit made against an older version is refused
    # so that two facilitators cannot overwrite each other unknowingly.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_run = models.ForeignKey(
        ClusteringRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["event", "scope", "-size", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "scope", "number"], name="unique_cluster_number"
            )
        ]

    def __str__(self):
        return self.label


class ClusterMembership(models.Model):
    """An idea's place in a cluster; one per idea and scope."""

    class Source(models.TextChoices):
        MODEL = "model", _("Placed by the model")
        FACILITATOR = "facilitator", _("Placed by a facilitator")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="memberships"
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="cluster_memberships"
    )
    scope = models.CharField(max_length=40, blank=True, default="")
    source = models.CharField(
        max_length=20, choices=Source.choices, default=Source.MODEL
    )
    # A pinned idea stays where a person put it, whatever a re-run finds.
    pinned = models.BooleanField(_("pinned"), default=False)
    similarity = models.FloatField(_("similarity to the centre"), null=True, blank=True)
    # Position on the event's map (PCA of the scope's embeddings), in [-1, 1].
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cluster membership")
        verbose_name_plural = _("cluster memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "scope"], name="unique_cluster_membership"
            )
        ]

    def __str__(self):
        return f"{self.idea_id} in {self.cluster_id}"


class ClusterEdit(models.Model):
    """A facilitator's edit of the clusters, logged: the authority re-runs keep."""

    class Action(models.TextChoices):
        RENAME = "rename", _("Renamed")
        MERGE = "merge", _("Merged")
        SPLIT = "split", _("Split")
        MOVE = "move", _("Moved ideas")
        PIN = "pin", _("Pinned")
        UNPIN = "unpin", _("Unpinned")

    event = models.ForeignKey(
        "cms.EventPage", on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(max_length=40, blank=True, default="")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="edits")
    action = models.CharField(_("edit"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("cluster edit")
        verbose_name_plural = _("cluster edits")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.cluster_id} {self.action}"
