"""A round's life: prepared, opened (ideas assigned), closed, its results published."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas import access
from ideas import services as idea_services
from ideas.models import Idea
from judging.models import Criterion, Round
from judging.services._assign import assign
from ml.text import normalize_text

JUDGED_STATUSES = (Idea.Status.ACCEPTED, Idea.Status.SHORTLISTED)


def _require_runner(actor, round_or_event) -> None:
    event = getattr(round_or_event, "event", round_or_event)
    if actor is not None:
        access.require(
            access.can_run_judging(actor, event),
            _("You may run the judging only of events you facilitate."),
        )


def _locked(round: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round.pk)


def _require_draft(round: Round) -> None:
    if round.state != Round.State.DRAFT:
        raise ValidationError(
            _("The round is open or closed: its criteria and judges are fixed.")
        )


def judged_ideas(event):
    """The ideas a round of ``event`` judges: accepted or shortlisted, not merged."""
    return (
        Idea.objects.of_event(event)
        .filter(status__in=JUDGED_STATUSES, duplicate_of__isnull=True)
        .order_by("number")
    )


def round_create(
    *,
    event,
    actor,
    name: str,
    scale_max: int = 5,
    assignment: str = Round.Assignment.ALL,
    judges_per_idea: int = 3,
) -> Round:
    """Prepare a judging round of ``event``; it opens once it has criteria and judges.

    Raises ValidationError for a bad scale or assignment, PermissionDenied when
    ``actor`` may not facilitate the event.
    """
    _require_runner(actor, event)
    round = Round(
        event=event,
        name=normalize_text(name, multiline=False),
        scale_max=scale_max,
        assignment=assignment,
        judges_per_idea=judges_per_idea,
    )
    with transaction.atomic():
        round.full_clean()
        round.save()
    return round


def criterion_save(
    *,
    round: Round,
    actor,
    criterion: Criterion | None = None,
    name_th: str,
    name_en: str = "",
    levels_th: str = "",
    levels_en: str = "",
    weight: int = 1,
) -> Criterion:
    """Add a criterion to a round being prepared, or change one.

    Raises ValidationError once the round is open, or for a bad weight or a
    description of levels without one line per score.
    """
    _require_runner(actor, round)
    with transaction.atomic():
        _require_draft(_locked(round))
        if criterion is None:
            criterion = Criterion(round=round, position=round.criteria.count())
        elif criterion.round_id != round.pk:
            raise ValidationError(_("This criterion belongs to another round."))
        criterion.name_th = normalize_text(name_th, multiline=False)
        criterion.name_en = normalize_text(name_en, multiline=False)
        criterion.levels_th = normalize_text(levels_th)
        criterion.levels_en = normalize_text(levels_en)
        criterion.weight = weight
        criterion.full_clean()
        criterion.save()
    return criterion


def criterion_delete(*, criterion: Criterion, actor) -> None:
    """Take a criterion off a round being prepared."""
    _require_runner(actor, criterion.round)
    with transaction.atomic():
        _require_draft(_locked(criterion.round))
        criterion.delete()


def round_open(*, round: Round, actor) -> list:
    """Open a prepared round for scoring: assign its ideas to its judges.

    Returns the ideas that got fewer judges than the round asks for (every
    judge declared a conflict with them, or too few judges). Raises
    ValidationError, changing nothing, when the round has no criteria, only
    criteria of weight zero, no judges or no ideas to judge.
    """
    _require_runner(actor, round)
    with transaction.atomic():
        current = _locked(round)
        _require_draft(current)
        criteria = list(current.criteria.all())
        if not criteria:
            raise ValidationError(_("Add at least one criterion before opening."))
        if sum(c.weight for c in criteria) <= 0:
            raise ValidationError(
                _("Every criterion has a weight of zero: give one a weight above 0.")
            )
        if not current.judges.exists():
            raise ValidationError(_("Add at least one judge before opening."))
        ideas = list(judged_ideas(current.event))
        if not ideas:
            raise ValidationError(
                _("The event has no accepted idea to judge yet: moderate first.")
            )
        short = assign(round=current, ideas=ideas)
        current.state = Round.State.OPEN
        current.opened_at = timezone.now()
        current.save(update_fields=["state", "opened_at"])
    round.refresh_from_db()
    return short


def round_close(*, round: Round, actor) -> Round:
    """Close an open round: its scores are frozen and its results final."""
    _require_runner(actor, round)
    with transaction.atomic():
        current = _locked(round)
        if current.state != Round.State.OPEN:
            raise ValidationError(_("Only an open round can be closed."))
        current.state = Round.State.CLOSED
        current.closed_at = timezone.now()
        current.save(update_fields=["state", "closed_at"])
    return current


def round_publish_results(*, round: Round, actor, published: bool = True) -> Round:
    """Show a closed round's results on the event's public pages, or stop."""
    _require_runner(actor, round)
    with transaction.atomic():
        current = _locked(round)
        if current.state != Round.State.CLOSED:
            raise ValidationError(_("Close the round before publishing its results."))
        current.results_published_at = timezone.now() if published else None
        current.save(update_fields=["results_published_at"])
    return current


def round_select_ready(*, round: Round, idea: Idea, actor, reason: str) -> Idea:
    """Mark an idea judged in a closed round ready to implement, saying why.

    The reason is the answer its author reads, logged with the decision.
    Raises ValidationError when the round is not closed, the idea was not
    judged in it or the reason is empty.
    """
    _require_runner(actor, round)
    reason = normalize_text(reason)
    # Read afresh: the caller's copy may predate the round's closing.
    round = Round.objects.get(pk=round.pk)
    if round.state != Round.State.CLOSED:
        raise ValidationError(_("Close the round before selecting from its results."))
    if not round.judges.filter(assignments__idea=idea).exists():
        raise ValidationError(_("This idea was not judged in this round."))
    if not reason:
        raise ValidationError(
            _("Say why this idea is ready to implement; its author reads it.")
        )
    if idea.status == Idea.Status.SHORTLISTED:
        raise ValidationError(_("This idea is already marked ready to implement."))
    return idea_services.idea_set_shortlisted(
        idea=idea, actor=actor, shortlisted=True, reason=reason
    )
