"""A judge's scores and note on one idea: saved as a draft, or submitted."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import Idea
from ideas.numbers import whole_number
from judging.models import NOTE_MAX_LENGTH, SCALE_MIN, Assignment, Judge, Score
from ml.text import normalize_text


def _value(raw, *, criterion, scale_max: int) -> int | None:
    if raw in (None, ""):
        return None
    value = whole_number(str(raw).strip())
    if value is None or not SCALE_MIN <= value <= scale_max:
        raise ValidationError(
            _("%(criterion)s: give a whole number from %(low)s to %(high)s.")
            % {"criterion": criterion.name, "low": SCALE_MIN, "high": scale_max}
        )
    return value


def scores_save(
    *, judge: Judge, idea: Idea, values: dict, note: str = "", submit: bool = False
) -> Assignment:
    """Save ``judge``'s scores of ``idea`` (criterion id → score) and note.

    A submitted sheet scores every criterion and counts in the results; the
    judge may revise it, complete, until the round closes. Raises
    PermissionDenied when the idea is not assigned to the judge, and
    ValidationError, storing nothing, for a score off the scale, an unknown
    criterion, a missing score on submission, a long note or a round that is
    not open.
    """
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("judge__round")
            .filter(judge=judge, idea=idea)
            .first()
        )
        if assignment is None:
            raise PermissionDenied(_("This idea is not assigned to you."))
        round = assignment.judge.round
        if not round.is_open:
            raise ValidationError(
                _("The round is closed: scores can no longer change.")
            )
        criteria = {c.pk: c for c in round.criteria.all()}
        keys = {whole_number(str(key)) for key in values}
        if None in keys or not keys <= set(criteria):
            raise ValidationError(
                _("A score names a criterion this round does not have.")
            )
        given = {whole_number(str(k)): v for k, v in values.items()}
        parsed = {
            pk: _value(given.get(pk), criterion=criterion, scale_max=round.scale_max)
            for pk, criterion in criteria.items()
        }
        submit = submit or assignment.submitted_at is not None
        missing = [criteria[pk].name for pk, value in parsed.items() if value is None]
        if submit and missing:
            raise ValidationError(
                _("Score every criterion before submitting: %(missing)s.")
                % {"missing": ", ".join(missing)}
            )
        assignment.note = normalize_text(note)
        if len(assignment.note) > NOTE_MAX_LENGTH:
            raise ValidationError(
                _("The note is longer than %(limit)s characters.")
                % {"limit": NOTE_MAX_LENGTH}
            )
        if submit and assignment.submitted_at is None:
            assignment.submitted_at = timezone.now()
        assignment.full_clean()
        assignment.save()
        for pk, value in parsed.items():
            if value is None:
                Score.objects.filter(assignment=assignment, criterion_id=pk).delete()
            else:
                Score.objects.update_or_create(
                    assignment=assignment, criterion_id=pk, defaults={"value": value}
                )
    return assignment
