"""Merging duplicate ideas, undoing a merge, and saying two ideas are not duplicates.

A merge deletes nothing: the duplicate keeps its text, its author's contact
and its tracking page, and points at the idea that carries on. Each change is
an IdeaDecision, so the participant's page and the admin history tell it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ideas import access
from ideas.models import DuplicateDismissal, Idea, IdeaDecision
from ideas.selectors.duplicates import pair_stamp
from ideas.services._shared import log_decision
from ml.text import normalize_text


def _check_same_event(idea_a: Idea, idea_b: Idea) -> None:
    if idea_a.pk == idea_b.pk:
        raise ValidationError(
            _("An idea cannot be a duplicate of itself."), code="same_idea"
        )
    if idea_a.event_id != idea_b.event_id:
        raise ValidationError(
            _("Only ideas of the same event can be duplicates."), code="other_event"
        )


def _lock(*ideas: Idea) -> dict[int, Idea]:
    """Lock the ideas' rows, lowest id first, and return them fresh by id.

    One order for every caller, so two merges of the same pair the opposite
    way round wait for each other instead of deadlocking; the second then
    sees the first's result and is refused.
    """
    ids = sorted({idea.pk for idea in ideas})
    rows = (
        Idea.objects.select_for_update(of=("self",))
        .select_related("event")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    return {row.pk: row for row in rows}


def _log(*, idea: Idea, actor, old: str, new: str, reason: str = "") -> None:
    log_decision(
        idea=idea,
        actor=actor,
        field=IdeaDecision.Field.DUPLICATE,
        old=old,
        new=new,
        reason=reason,
    )


def _point(*, idea: Idea, to: Idea | None) -> None:
    idea.duplicate_of = to
    idea.full_clean()
    idea.save(update_fields=["duplicate_of", "updated_at"])


def _refuse_merge(current: Idea, target: Idea) -> None:
    """Raise why ``current`` cannot be merged into ``target``, if it cannot."""
    if target.duplicate_of_id is not None:
        raise ValidationError(
            _(
                "Idea #%(number)s is itself merged into idea #%(other)s: "
                "merge into #%(other)s instead."
            )
            % {"number": target.number, "other": target.duplicate_of.number},
            code="canonical_is_duplicate",
        )
    if current.duplicate_of_id is not None:
        raise ValidationError(
            _(
                "Idea #%(number)s is already merged into idea #%(other)s; "
                "undo that merge first."
            )
            % {"number": current.number, "other": current.duplicate_of.number},
            code="already_merged",
        )
    if target.status == Idea.Status.REJECTED:
        raise ValidationError(
            _(
                "Idea #%(number)s is rejected, so it cannot carry on another "
                "idea. Accept it first, or merge the other way round."
            )
            % {"number": target.number},
            code="canonical_rejected",
        )


def idea_merge_check(*, duplicate: Idea, canonical: Idea, actor) -> None:
    """Refuse, as :func:`idea_merge` would, a merge that cannot be made; write nothing.

    For the confirmation step, which must not offer a merge that would fail.

    Raises
    ------
    PermissionDenied, ValidationError
        As :func:`idea_merge`.
    """
    access.require_facilitator(actor=actor, event=duplicate.event)
    _check_same_event(duplicate, canonical)
    _refuse_merge(duplicate, canonical)


def idea_merge(
    *, duplicate: Idea, canonical: Idea, actor, reason: str = "", stamp: str = ""
) -> Idea:
    """Mark ``duplicate`` as a duplicate of ``canonical``, which carries on.

    Both ideas and both authors' contacts are kept. Ideas already merged into
    ``duplicate`` are pointed at ``canonical`` too, so no chain forms; each
    change is logged. Merging an idea into the idea it is already merged into
    changes nothing. With ``stamp`` (``pair_stamp`` of the ideas as a page
    showed them), a merge of ideas changed since is refused.

    Raises
    ------
    PermissionDenied
        When ``actor`` does not facilitate the ideas' event.
    ValidationError
        For ideas of different events, an idea merged into itself, a
        ``canonical`` that is itself merged into another idea or rejected,
        or a ``duplicate`` already merged into a different idea, or a
        ``stamp`` the ideas no longer match.
    """
    access.require_facilitator(actor=actor, event=duplicate.event)
    _check_same_event(duplicate, canonical)
    reason = normalize_text(reason)
    with transaction.atomic():
        rows = _lock(duplicate, canonical)
        current, target = rows[duplicate.pk], rows[canonical.pk]
        if current.duplicate_of_id == target.pk:
            return current
        if stamp and pair_stamp(current, target) != stamp:
            raise ValidationError(
                _(
                    "Idea #%(first)s or #%(second)s changed after this page was "
                    "shown. Nothing was merged: look at them again."
                )
                % {"first": current.number, "second": target.number},
                code="stale",
            )
        _refuse_merge(current, target)
        # Ideas merged into the duplicate follow it, so the canonical idea is
        # always one step away and no cycle can form.
        followers = list(
            Idea.objects.select_for_update(of=("self",))
            .filter(duplicate_of=current)
            .order_by("pk")
        )
        for follower in followers:
            _point(idea=follower, to=target)
            _log(
                idea=follower,
                actor=actor,
                old=str(current.number),
                new=str(target.number),
            )
        _point(idea=current, to=target)
        _log(idea=current, actor=actor, old="", new=str(target.number), reason=reason)
    return current


def idea_unmerge(*, idea: Idea, actor, reason: str = "") -> Idea:
    """Undo a merge: ``idea`` stands on its own again, and the undo is logged.

    Ideas that were pointed at the canonical idea when ``idea`` was merged
    stay there; each of their merges is undone by itself.

    Raises
    ------
    PermissionDenied
        When ``actor`` does not facilitate the idea's event.
    ValidationError
        When the idea is not merged into another.
    """
    access.require_facilitator(actor=actor, event=idea.event)
    reason = normalize_text(reason)
    with transaction.atomic():
        current = _lock(idea)[idea.pk]
        if current.duplicate_of_id is None:
            raise ValidationError(
                _("Idea #%(number)s is not merged into another idea.")
                % {"number": current.number},
                code="not_merged",
            )
        old = str(current.duplicate_of.number)
        _point(idea=current, to=None)
        _log(idea=current, actor=actor, old=old, new="", reason=reason)
    return current


def duplicate_dismiss(*, idea_a: Idea, idea_b: Idea, actor) -> DuplicateDismissal:
    """Record that two ideas are not duplicates, so the queue stops pairing them.

    Saying it twice, either way round, keeps one record.
    """
    access.require_facilitator(actor=actor, event=idea_a.event)
    _check_same_event(idea_a, idea_b)
    low, high = sorted((idea_a, idea_b), key=lambda idea: idea.pk)
    with transaction.atomic():
        dismissal, _created = DuplicateDismissal.objects.get_or_create(
            idea_low=low, idea_high=high, defaults={"actor": actor}
        )
    return dismissal


def duplicate_undismiss(*, idea_a: Idea, idea_b: Idea, actor) -> bool:
    """Take back "not duplicates", so the pair may be suggested again.

    Returns whether there was such a record.
    """
    access.require_facilitator(actor=actor, event=idea_a.event)
    _check_same_event(idea_a, idea_b)
    low, high = sorted((idea_a.pk, idea_b.pk))
    with transaction.atomic():
        deleted, _by_model = DuplicateDismissal.objects.filter(
            idea_low_id=low, idea_high_id=high
        ).delete()
    return deleted > 0
