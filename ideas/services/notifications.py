"""E-mails to authors: a change of their idea, their tracking link, stopping them.

Only an author who left an address and asked for mail gets one, and only
about their own idea. A mail names no staff member and nobody else's data;
the decision log stays the record (a mail is a copy of what the tracking
page says). The tracking link is never sent after the moment it is shown:
only its hash is kept, so a change's mail links to the public page instead.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from ideas.models import Contact, Idea, IdeaDecision
from ideas.services import _queue

logger = logging.getLogger(__name__)

# What the author is told about: what the tracking page shows as a change of
# their idea's place. A theme is the facilitators' sorting, and a triage sets
# it beside the status: two mails for one decision.
NOTIFIED_FIELDS = (IdeaDecision.Field.STATUS, IdeaDecision.Field.DUPLICATE)
_STOP_SALT = "ideas.notifications.stop"
_SUBJECT_TITLE_LENGTH = 60


def _wants_mail(idea_id: int) -> Contact | None:
    return (
        Contact.objects.filter(idea_id=idea_id, notify_by_email=True)
        .exclude(email="")
        .first()
    )


def author_notify_request(*, decision: IdeaDecision) -> None:
    """Queue an e-mail about ``decision`` for its idea's author, once committed.

    Nothing is queued when the author left no address or asked for no mail,
    or when the decision is one authors are not told about (a theme).
    """
    if decision.field not in NOTIFIED_FIELDS or not _wants_mail(decision.idea_id):
        return
    decision_id = decision.pk
    transaction.on_commit(
        lambda: _queue.enqueue("notify_author", decision_id=decision_id)
    )


def stop_token(contact: Contact) -> str:
    """The key of the link that stops a contact's mails, without logging in."""
    return signing.dumps({"contact": contact.pk}, salt=_STOP_SALT)


def stop_url(contact: Contact) -> str:
    from django.urls import reverse

    path = reverse("notifications_stop", kwargs={"token": stop_token(contact)})
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def notifications_stop(*, token: str) -> bool:
    """Stop the mails of the contact the link was made for.

    Returns False for a link that was not made here (or was altered). A
    contact already stopped, or erased since, counts as stopped: the link
    promised no more mail, and none will come.
    """
    try:
        contact_id = signing.loads(token, salt=_STOP_SALT)["contact"]
    except (signing.BadSignature, KeyError, TypeError):
        return False
    with transaction.atomic():
        Contact.objects.filter(pk=contact_id).update(notify_by_email=False)
    logger.info("author mails stopped for contact %s", contact_id)
    return True


def _language(idea: Idea) -> str:
    # The author reads the language they wrote in; Thai unless it was English.
    return "en" if idea.language == Idea.Language.ENGLISH else "th"


def _send(*, contact: Contact, idea: Idea, template: str, context: dict) -> None:
    with translation.override(_language(idea)):
        context = {
            **context,
            "idea": idea,
            "event_title": idea.event.display_title,
            "stop_url": stop_url(contact),
            "subject_title": idea.title[:_SUBJECT_TITLE_LENGTH],
        }
        subject = render_to_string(f"ideas/mail/{template}_subject.txt", context)
        body = render_to_string(f"ideas/mail/{template}.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[contact.email],
        headers={"List-Unsubscribe": f"<{context['stop_url']}>"},
    )
    message.send()


def author_notify(*, decision_id: int) -> bool:
    """Send the author the e-mail about one decision; the worker's part.

    Checked again at sending: the author may have stopped mails, or been
    erased, since the decision was queued. Returns whether a mail was sent.
    """
    decision = (
        IdeaDecision.objects.select_related("idea__event", "idea__duplicate_of")
        .filter(pk=decision_id)
        .first()
    )
    contact = decision and _wants_mail(decision.idea_id)
    if not contact:
        return False
    idea = decision.idea
    with translation.override(_language(idea)):
        status_label = (
            Idea.Status(decision.new_value).label
            if (decision.field == IdeaDecision.Field.STATUS)
            else ""
        )
        context = {
            "decision": decision,
            "status_label": str(status_label),
            "answer": decision.reason if decision.field == "status" else "",
            "merged_into": idea.duplicate_of
            if decision.field == IdeaDecision.Field.DUPLICATE and decision.new_value
            else None,
            "public_url": _public_url(idea),
        }
    _send(contact=contact, idea=idea, template="decision", context=context)
    logger.info("author mail sent for decision %s", decision_id)
    return True


def _public_url(idea: Idea) -> str:
    if not Idea.objects.public().filter(pk=idea.pk).exists():
        return ""
    site_root = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    path = idea.event.get_url() or ""
    if not path:
        return ""
    base = path if path.startswith("http") else site_root + path
    return base + idea.event.reverse_subpage("idea", args=(idea.number,))


def tracking_link_send(*, idea: Idea, tracking_url: str) -> bool:
    """Mail the author the tracking link they are reading, if they left an address.

    Asked for from the tracking page itself, which holds the link: it is sent
    to the address the author gave, never to one typed in then. Returns
    whether there was an address to send it to.
    """
    contact = Contact.objects.filter(idea=idea).exclude(email="").first()
    if contact is None:
        return False
    _send(
        contact=contact,
        idea=idea,
        template="tracking_link",
        context={"tracking_url": tracking_url},
    )
    logger.info("tracking link mailed for idea %s", idea.pk)
    return True
