"""Judging rounds: criteria with weights, judges, who scores which idea, scores.

A round belongs to one event and judges its accepted and shortlisted ideas.
Judges are staff accounts or people invited by a single-use link; neither is
ever shown to the public unless the round publishes names. Scores are whole
numbers from 1 to the round's ``scale_max``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.utils.translation import gettext_lazy as _

from ideas.i18n import in_language

NAME_MAX_LENGTH = 200
NOTE_MAX_LENGTH = 2000
SCALE_MIN = 1


class Round(models.Model):
    """One judging round of an event: draft, then open for scoring, then closed."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for scoring")
        CLOSED = "closed", _("Closed")

    class Assignment(models.TextChoices):
        ALL = "all", _("Every judge scores every idea")
        BALANCED = "balanced", _("Each idea gets a set number of judges")

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="judging_rounds",
    )
    name = models.CharField(_("name of the round"), max_length=NAME_MAX_LENGTH)
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text=_("Scores run from 1 to this number."),
    )
    assignment = models.CharField(
        _("who scores which idea"),
        max_length=20,
        choices=Assignment.choices,
        default=Assignment.ALL,
    )
    judges_per_idea = models.PositiveSmallIntegerField(
        _("judges per idea"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Used when each idea gets a set number of judges."),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT
    )
    publish_judges = models.BooleanField(
        _("show judges' names on public pages"), default=False
    )
    publish_notes = models.BooleanField(
        _("show judges' notes on public pages"), default=False
    )
    results_published_at = models.DateTimeField(
        _("results published"), null=True, blank=True
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("judging round")
        verbose_name_plural = _("judging rounds")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def results_public(self) -> bool:
        """Whether the public may read the outcome: closed, then published."""
        return self.state == self.State.CLOSED and self.results_published_at is not None


class Criterion(models.Model):
    """What judges score, with what each score level means and its weight."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name_th = models.CharField(_("name in Thai"), max_length=NAME_MAX_LENGTH)
    name_en = models.CharField(
        _("name in English"), max_length=NAME_MAX_LENGTH, blank=True
    )
    levels_th = models.TextField(
        _("what each score means, in Thai"),
        blank=True,
        help_text=_("One line per score, from 1 up to the highest score."),
    )
    levels_en = models.TextField(
        _("what each score means, in English"),
        blank=True,
        help_text=_("One line per score, from 1 up to the highest score."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_th, self.name_en)

    @property
    def levels(self) -> list[str]:
        """What each score means, score 1 first, in the reader's language."""
        text = in_language(self.levels_th, self.levels_en)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self):
        scale = self.round.scale_max if self.round_id else None
        for field in ("levels_th", "levels_en"):
            lines = [line for line in getattr(self, field).splitlines() if line.strip()]
            if lines and scale and len(lines) != scale:
                raise ValidationError(
                    {
                        field: _(
                            "Write one line for each score from 1 to %(scale)s: "
                            "%(count)s lines were given."
                        )
                        % {"scale": scale, "count": len(lines)}
                    }
                )


class Judge(models.Model):
    """A judge of a round: a staff account, or a person invited by a link."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="judging",
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    invite_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    invite_expires_at = models.DateTimeField(
        _("link valid until"), null=True, blank=True
    )
    invite_used_at = models.DateTimeField(_("link used"), null=True, blank=True)
    conflict_teams = models.TextField(
        _("teams this judge must not score"),
        blank=True,
        help_text=_("One team name per line, as the ideas give it."),
    )
    conflict_ideas = models.ManyToManyField(
        "ideas.Idea",
        verbose_name=_("ideas this judge must not score"),
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user"],
                condition=models.Q(user__isnull=False),
                name="one_judge_per_account_and_round",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def by_link(self) -> bool:
        return self.user_id is None

    def team_conflicts(self) -> set[str]:
        return {
            line.strip().casefold()
            for line in self.conflict_teams.splitlines()
            if line.strip()
        }


class Assignment(models.Model):
    """One idea one judge is to score, their note, and whether they submitted."""

    judge = models.ForeignKey(
        Judge, on_delete=models.CASCADE, related_name="assignments"
    )
    idea = models.ForeignKey(
        "ideas.Idea", on_delete=models.CASCADE, related_name="judging_assignments"
    )
    note = models.TextField(
        _("note"), blank=True, validators=[MaxLengthValidator(NOTE_MAX_LENGTH)]
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("idea to score")
        verbose_name_plural = _("ideas to score")
        ordering = ["idea__number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["judge", "idea"], name="one_assignment_per_judge_and_idea"
            )
        ]

    def __str__(self):
        return f"{self.judge} · #{self.idea.number}"


class Score(models.Model):
    """A judge's score of one criterion of one idea."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCALE_MIN)]
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"],
                name="one_score_per_assignment_and_criterion",
            )
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"
