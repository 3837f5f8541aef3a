"""A participant's idea, as the event page's form sends it."""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas import selectors
from ideas.models import Contact, Idea, Theme
from ideas.services._shared import (
    CLEAN_WITHOUT_UNIQUE,
    content_fingerprint,
    idea_language,
    idea_text,
    lock_numbers,
)
from ml.text import normalize_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submission:
    """What became of a submission.

    ``tracking_token`` is the private link's secret, known only here and to the
    participant; it is None when the submission repeated one just stored.
    """

    idea: Idea
    tracking_token: str | None
    created: bool


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
    notify_by_email: bool = False,
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
        e-mails are asked for without an address, or a field is empty or too
        long.
    """
    if not event.accepts_submissions:
        raise ValidationError(_("This event no longer accepts ideas."), code="closed")
    if theme is not None and theme.event_id != event.pk:
        raise ValidationError({"theme": _("Choose one of this event's themes.")})

    text = idea_text(
        title=title,
        problem=problem,
        solution=solution,
        benefit=benefit,
        agencies=agencies,
        team_name=team_name,
    )
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
    if notify_by_email and not contact["email"]:
        raise ValidationError(
            {
                "notify_by_email": _(
                    "Give your e-mail address to get e-mails about your idea, or "
                    "untick this box."
                )
            }
        )
    fingerprint = content_fingerprint(*text.values(), theme.code if theme else "")

    with transaction.atomic():
        last = lock_numbers(event)
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
        idea = Idea(
            event=event,
            number=last + 1,
            language=idea_language(text),
            theme=theme,
            theme_source=(
                Idea.ThemeSource.PARTICIPANT if theme else Idea.ThemeSource.NONE
            ),
            tracking_token_hash=selectors.tracking_token_hash(token),
            submitter_key=submitter_key,
            fingerprint=fingerprint,
            **text,
        )
        idea.full_clean(**CLEAN_WITHOUT_UNIQUE)
        idea.save()
        if has_contact:
            record = Contact(
                idea=idea,
                consent_at=timezone.now(),
                consent_text_version=settings.IDEAS_CONSENT_TEXT_VERSION,
                notify_by_email=notify_by_email,
                **contact,
            )
            record.full_clean()
            record.save()
    # Log the number, never the text or the author: logs leave the database's
    # access controls.
    logger.info("idea submitted: event=%s number=%s", event.pk, idea.number)
    return Submission(idea=idea, tracking_token=token, created=True)
