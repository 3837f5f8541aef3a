"""Facilitators' decisions on one idea: status, theme, tags and the shortlist.

Each change of status or theme is logged as an IdeaDecision, which the
participant's tracking page and the admin history tell.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ideas import access
from ideas.models import Idea, IdeaDecision, Theme
from ideas.services._shared import log_decision
from ml.text import normalize_text

TAG_MAX_LENGTH = 100


def _locked(idea: Idea) -> Idea:
    return (
        Idea.objects.select_for_update(of=("self",))
        .select_related("theme")
        .get(pk=idea.pk)
    )


def idea_set_status(*, idea: Idea, status: str, actor, reason: str = "") -> Idea:
    """Move an idea to ``status`` with an answer to its author; record who did it.

    ``reason`` is the answer: the author reads it on the tracking page (and
    in an e-mail, when they asked for one), everyone on the idea's public page
    once it is public. A rejection needs one. The same status with another
    answer is a new decision, logged and sent like any; the same status and
    answer change and record nothing.

    Raises ValidationError for a missing or too long answer, and
    PermissionDenied when ``actor`` may not facilitate the idea's event
    (``actor`` None is the system, which may).
    """
    access.require_facilitator(actor=actor, event=idea.event)
    reason = normalize_text(reason)
    if status == Idea.Status.REJECTED and not reason:
        raise ValidationError(
            {
                "status_reason": _(
                    "Say why the idea is rejected; the participant sees it."
                )
            }
        )
    with transaction.atomic():
        current = _locked(idea)
        if current.status == status and current.status_reason == reason:
            return current
        old = current.status
        current.status = status
        current.status_reason = reason
        current.full_clean()
        current.save(update_fields=["status", "status_reason", "updated_at"])
        log_decision(
            idea=current,
            actor=actor,
            field="status",
            old=old,
            new=status,
            reason=reason,
        )
    return current


def idea_set_theme(*, idea: Idea, theme: Theme | None, actor) -> Idea:
    """Put an idea under ``theme`` (or none) as a facilitator's decision.

    Raises ValidationError when the theme belongs to another event, and
    PermissionDenied when ``actor`` may not facilitate the idea's event.
    """
    access.require_facilitator(actor=actor, event=idea.event)
    if theme is not None and theme.event_id != idea.event_id:
        raise ValidationError({"theme": _("The theme belongs to another event.")})
    with transaction.atomic():
        current = _locked(idea)
        if current.theme_id == (theme.pk if theme else None):
            return current
        old = current.theme.code if current.theme else ""
        current.theme = theme
        current.theme_source = (
            Idea.ThemeSource.FACILITATOR if theme else Idea.ThemeSource.NONE
        )
        current.save(update_fields=["theme", "theme_source", "updated_at"])
        log_decision(
            idea=current,
            actor=actor,
            field="theme",
            old=old,
            new=theme.code if theme else "",
        )
    return current


def idea_accept_suggestion(*, idea: Idea, actor) -> Idea:
    """Make the model's suggested theme the idea's theme, as ``actor`` decides.

    Recorded like any theme decision, with the theme marked as the model's.
    Raises ValidationError when there is no suggestion to accept, and
    PermissionDenied when ``actor`` may not facilitate the idea's event.
    """
    access.require_facilitator(actor=actor, event=idea.event)
    if idea.suggested_theme_id is None:
        raise ValidationError(_("The model made no suggestion for this idea."))
    with transaction.atomic():
        current = _locked(idea)
        if current.theme_id == current.suggested_theme_id:
            return current
        old = current.theme.code if current.theme else ""
        current.theme_id = current.suggested_theme_id
        current.theme_source = Idea.ThemeSource.MODEL
        current.save(update_fields=["theme", "theme_source", "updated_at"])
        current.refresh_from_db()
        log_decision(
            idea=current,
            actor=actor,
            field="theme",
            old=old,
            new=current.theme.code,
            reason=_(
                "Suggestion of %(model)s accepted (confidence %(confidence).0f%%)."
            )
            % {
                "model": current.suggestion_model,
                "confidence": (current.suggestion_confidence or 0) * 100,
            },
        )
    return current


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as stored: normalised, without empties or repeats, in input order."""
    seen: dict[str, str] = {}
    for tag in tags:
        tag = normalize_text(tag, multiline=False)[:TAG_MAX_LENGTH]
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return list(seen.values())


def idea_add_tags(*, idea: Idea, tags: Iterable[str], actor=None) -> Idea:
    """Add tags to an idea, keeping the ones it has.

    Raises PermissionDenied when ``actor`` may not facilitate the idea's event.
    """
    access.require_facilitator(actor=actor, event=idea.event)
    tags = clean_tags(tags)
    if tags:
        with transaction.atomic():
            idea.tags.add(*tags)
    return idea


def idea_moderate(
    *,
    idea: Idea,
    actor,
    status: str,
    status_reason: str,
    theme: Theme | None,
    tags: Iterable[str],
) -> Idea:
    """Apply a facilitator's edit of one idea: status, theme and the full tag list.

    Raises PermissionDenied when ``actor`` may not facilitate the idea's event,
    before anything changes.
    """
    access.require_facilitator(actor=actor, event=idea.event)
    with transaction.atomic():
        current = idea_set_status(
            idea=idea, status=status, actor=actor, reason=status_reason
        )
        current = idea_set_theme(idea=current, theme=theme, actor=actor)
        current.tags.set(clean_tags(tags))
    return current


def idea_set_shortlisted(
    *, idea: Idea, actor, shortlisted: bool = True, reason: str = ""
) -> Idea:
    """Mark an accepted idea ready to implement, or take it off the shortlist.

    ``reason`` is the answer to the author, as for any change of status (a
    judging round's selection gives its result).

    Only an accepted idea goes on the shortlist: the public is told an idea is
    ready to implement, so it must have been moderated and accepted first. A
    merged duplicate is represented by the idea it was merged into. Taken off,
    an idea returns to the status it had before it was shortlisted (accepted,
    or, for ideas shortlisted before this rule, the status they came from).

    Raises ValidationError for those, or when taking off an idea that is not
    on the shortlist; PermissionDenied when ``actor`` may not facilitate the
    idea's event.
    """
    access.require_facilitator(actor=actor, event=idea.event)
    with transaction.atomic():
        current = _locked(idea)
        if shortlisted:
            if current.duplicate_of_id is not None:
                raise ValidationError(
                    _(
                        "This idea was merged into another; shortlist the idea "
                        "it was merged into."
                    )
                )
            if current.status == Idea.Status.REJECTED:
                raise ValidationError(
                    _("A rejected idea cannot be shortlisted; accept it first.")
                )
            if current.status == Idea.Status.SUBMITTED:
                raise ValidationError(
                    _(
                        "This idea has not been moderated yet; accept it first, "
                        "then shortlist it."
                    ),
                    code="not_moderated",
                )
            status = Idea.Status.SHORTLISTED
        else:
            if current.status != Idea.Status.SHORTLISTED:
                raise ValidationError(_("The idea is not on the shortlist."))
            status = _status_before_shortlist(current)
        return idea_set_status(idea=current, status=status, actor=actor, reason=reason)


def _status_before_shortlist(idea: Idea) -> str:
    came_from = (
        idea.decisions.filter(
            field=IdeaDecision.Field.STATUS, new_value=Idea.Status.SHORTLISTED
        )
        .order_by("-created_at", "-pk")
        .values_list("old_value", flat=True)
        .first()
    )
    if came_from in (Idea.Status.SUBMITTED, Idea.Status.ACCEPTED):
        return came_from
    return Idea.Status.ACCEPTED
