"""Every write to ideas goes through these functions."""

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from ideas import selectors
from ideas.models import Contact, Idea, IdeaDecision, Theme
from ml.text import detect_language, normalize_text

logger = logging.getLogger(__name__)

TAG_MAX_LENGTH = 100


@dataclass(frozen=True)
class Submission:
    """What became of a submission.

    ``tracking_token`` is the private link's secret, known only here and to the
    participant; it is None when the submission repeated one just stored.
    """

    idea: Idea
    tracking_token: str | None
    created: bool


def _fingerprint(*parts: str) -> str:
    joined = "\x1f".join(part.casefold() for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def idea_submit(
    *,
    event,
    title: str,
    problem: str,
    solution: str,
    benefit: str = "",
    agencies: str = "",
    team_name: str = "",
    theme: Theme | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    consent: bool = False,
    submitter_key: str = "",
) -> Submission:
    """Store a participant's idea and, with consent, how to reach them.

    Text is NFC-normalised and otherwise kept as typed; its language is
    detected. The same content from the same ``submitter_key`` within
    ``IDEAS_DOUBLE_SUBMIT_SECONDS`` returns the idea already stored.

    Raises
    ------
    ValidationError
        When the event no longer accepts submissions (code ``"closed"``), the
        theme belongs to another event, contact details come without consent,
        or a field is empty or too long.
    """
    if not event.accepts_submissions:
        raise ValidationError(_("This event no longer accepts ideas."), code="closed")
    if theme is not None and theme.event_id != event.pk:
        raise ValidationError({"theme": _("Choose one of this event's themes.")})

    text = {
        "title": normalize_text(title, multiline=False),
        "problem": normalize_text(problem),
        "solution": normalize_text(solution),
        "benefit": normalize_text(benefit),
        "agencies": normalize_text(agencies),
        "team_name": normalize_text(team_name, multiline=False),
    }
    contact = {
        "name": normalize_text(contact_name, multiline=False),
        "email": normalize_text(contact_email, multiline=False),
        "phone": normalize_text(contact_phone, multiline=False),
    }
    has_contact = any(contact.values())
    if has_contact and not consent:
        raise ValidationError(
            {
                "consent": _(
                    "Tick the consent box to leave contact details, or clear them."
                )
            }
        )
    fingerprint = _fingerprint(*text.values(), theme.code if theme else "")

    with transaction.atomic():
        # Numbers are per event and cited in reports: take the event's row lock
        # so two submissions cannot draw the same one (SQLite serialises anyway).
        Page.objects.select_for_update().filter(pk=event.pk).first()
        if submitter_key:
            repeat = selectors.idea_recent_duplicate(
                event_id=event.pk,
                submitter_key=submitter_key,
                fingerprint=fingerprint,
                since=timezone.now()
                - timedelta(seconds=settings.IDEAS_DOUBLE_SUBMIT_SECONDS),
            )
            if repeat is not None:
                return Submission(idea=repeat, tracking_token=None, created=False)

        token = secrets.token_urlsafe(24)
        last = Idea.objects.filter(event=event).aggregate(n=Max("number"))["n"] or 0
        idea = Idea(
            event=event,
            number=last + 1,
            language=detect_language(
                text["title"], text["problem"], text["solution"], text["benefit"]
            ),
            theme=theme,
            theme_source=(
                Idea.ThemeSource.PARTICIPANT if theme else Idea.ThemeSource.NONE
            ),
            tracking_token_hash=selectors.tracking_token_hash(token),
            submitter_key=submitter_key,
            fingerprint=fingerprint,
            **text,
        )
        idea.full_clean()
        idea.save()
        if has_contact:
            record = Contact(
                idea=idea,
                consent_at=timezone.now(),
                consent_text_version=settings.IDEAS_CONSENT_TEXT_VERSION,
                **contact,
            )
            record.full_clean()
            record.save()
    # Log the number, never the text or the author: logs leave the database's
    # access controls.
    logger.info("idea submitted: event=%s number=%s", event.pk, idea.number)
    return Submission(idea=idea, tracking_token=token, created=True)


def _log_decision(
    *, idea: Idea, actor, field: str, old: str, new: str, reason: str = ""
):
    decision = IdeaDecision(
        idea=idea, actor=actor, field=field, old_value=old, new_value=new, reason=reason
    )
    decision.full_clean()
    decision.save()


def _locked(idea: Idea) -> Idea:
    return (
        Idea.objects.select_for_update(of=("self",))
        .select_related("theme")
        .get(pk=idea.pk)
    )


def idea_set_status(*, idea: Idea, status: str, actor, reason: str = "") -> Idea:
    """Move an idea to ``status`` and record who did it; a rejection needs a reason.

    Setting the status it already has changes and records nothing.
    """
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
        if current.status == status and (
            status != Idea.Status.REJECTED or current.status_reason == reason
        ):
            return current
        old = current.status
        current.status = status
        current.status_reason = reason if status == Idea.Status.REJECTED else ""
        current.full_clean()
        current.save(update_fields=["status", "status_reason", "updated_at"])
        _log_decision(
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

    Raises ValidationError when the theme belongs to another event.
    """
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
        _log_decision(
            idea=current,
            actor=actor,
            field="theme",
            old=old,
            new=theme.code if theme else "",
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


def idea_add_tags(*, idea: Idea, tags: Iterable[str]) -> Idea:
    """Add tags to an idea, keeping the ones it has."""
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
    """Apply a facilitator's edit of one idea: status, theme and the full tag list."""
    with transaction.atomic():
        current = idea_set_status(
            idea=idea, status=status, actor=actor, reason=status_reason
        )
        current = idea_set_theme(idea=current, theme=theme, actor=actor)
        current.tags.set(clean_tags(tags))
    return current
