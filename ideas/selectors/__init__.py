"""Reads of ideas that cross relations or depend on who is asking."""

import functools
import hashlib
import operator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from ideas.models import PUBLIC_STATUSES as _PUBLIC_STATUSES
from ideas.models import Contact, Idea, IdeaDecision, Theme

# Longer strings cannot be tokens we issued; refuse them before hashing.
_MAX_TOKEN_LENGTH = 100


def tracking_token_hash(token: str) -> str:
    """The stored form of a tracking token (a SHA-256 hex digest)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def idea_get_by_tracking_token(*, token: str) -> Idea | None:
    """The idea a private tracking link points to, or None for any other token."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    return (
        Idea.objects.select_related("event", "theme")
        .filter(tracking_token_hash=tracking_token_hash(token))
        .first()
    )


def idea_recent_duplicate(
    *, event_id: int, submitter_key: str, fingerprint: str, since: datetime
) -> Idea | None:
    """An idea with the same content from the same browser submitted after ``since``."""
    return (
        Idea.objects.of_event(event_id)
        .filter(
            submitter_key=submitter_key,
            fingerprint=fingerprint,
            created_at__gte=since,
        )
        .order_by("created_at")
        .first()
    )


def ideas_exist_under(*, page_path: str) -> bool:
    """Whether any idea belongs to an event at or below the page with this tree path."""
    return Idea.objects.filter(event__path__startswith=page_path).exists()


# Importable here for the modules that test one idea (``Idea.is_public``
# reads better) or filter through a relation.
PUBLIC_STATUSES = _PUBLIC_STATUSES


def ideas_public(*, event) -> QuerySet[Idea]:
    """The event's ideas anyone may read: those a facilitator has accepted.

    Submitted ideas wait for moderation and rejected ones (spam, abuse,
    off-topic) stay private; neither appears on public pages or open data.
    A merged duplicate stays listed (nothing leaves the public record), with
    ``duplicate_of`` fetched so a page can say which idea carries it on.
    """
    return (
        Idea.objects.of_event(event)
        .public()
        .select_related("theme", "duplicate_of")
        .order_by("number")
    )


def idea_list_for_admin() -> QuerySet[Idea]:
    """Ideas as facilitators list them, with what each row shows fetched at once."""
    return Idea.objects.select_related("event", "theme", "suggested_theme").order_by(
        "-created_at", "-pk"
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    field: str
    field_label: str
    old_label: str
    new_label: str
    reason: str
    actor_name: str
    # The decision told as one sentence where "field: old → new" reads badly
    # (a merge); empty for the others.
    summary: str = ""

    @property
    def answer(self) -> str:
        """What the author was told with the decision: a status decision's text.

        Other reasons (a merge's, an accepted suggestion's) are the staff's.
        """
        return self.reason if self.field == IdeaDecision.Field.STATUS else ""


def _value_label(field: str, value: str, themes: dict[str, Theme]) -> str:
    if not value:
        return "—"
    if field == IdeaDecision.Field.STATUS:
        try:
            return str(Idea.Status(value).label)
        except ValueError:
            return value
    if field == IdeaDecision.Field.DUPLICATE:
        # Stored as the other idea's number within the same event.
        return f"#{value}"
    theme = themes.get(value)
    return theme.name if theme else value


def _summary(field: str, old: str, new: str) -> str:
    if field == IdeaDecision.Field.STATUS and old == new:
        return _("New answer (status unchanged: %(status)s)") % {
            "status": _value_label(field, new, {})
        }
    if field != IdeaDecision.Field.DUPLICATE:
        return ""
    if old and new:
        # The idea it was merged into was merged in turn: it follows along.
        return _("Merged with idea #%(new)s (instead of #%(old)s)") % {
            "new": new,
            "old": old,
        }
    if new:
        return _("Merged with idea #%(number)s") % {"number": new}
    return _("Merge with idea #%(number)s undone") % {"number": old}


def idea_history(*, idea: Idea, with_actors: bool = False) -> list[HistoryEntry]:
    """The idea's decisions, oldest first, with labels in the active language.

    Who decided is included only for ``with_actors``: the participant's tracking
    page shows what happened, not which staff member did it.
    """
    themes = {
        theme.code: theme for theme in Theme.objects.filter(event_id=idea.event_id)
    }
    decisions = (
        idea.decisions.select_related("actor") if with_actors else idea.decisions
    )
    return [
        HistoryEntry(
            at=decision.created_at,
            field=decision.field,
            field_label=str(IdeaDecision.Field(decision.field).label),
            old_label=_value_label(decision.field, decision.old_value, themes),
            new_label=_value_label(decision.field, decision.new_value, themes),
            reason=decision.reason,
            summary=_summary(decision.field, decision.old_value, decision.new_value),
            actor_name=(
                (decision.actor.get_full_name() or decision.actor.get_username())
                if with_actors and decision.actor
                else ""
            ),
        )
        for decision in decisions.all()
    ]


def ideas_public_search(*, words: list[str], limit: int = 50) -> list[Idea]:
    """Public ideas of every event containing all ``words``, title matches first.

    Matching is by substring, so a Thai word is found inside a longer run of
    Thai text (which has no spaces to split it on). A merged duplicate found
    together with the idea it was merged into is left out: it is the same
    proposal. Found alone (in the other language, say), it is listed.
    """
    if not words:
        return []
    fields = ("title", "problem", "solution", "benefit", "agencies", "team_name")
    query = Q()
    for word in words:
        query &= functools.reduce(
            operator.or_, (Q(**{f"{field}__icontains": word}) for field in fields)
        )
    in_title = functools.reduce(
        operator.and_, (Q(title__icontains=word) for word in words)
    )
    found = list(
        Idea.objects.public()
        .filter(query)
        .select_related("event", "theme", "duplicate_of")
        .annotate(in_title=Case(When(in_title, then=Value(1)), default=Value(0)))
        .order_by("-in_title", "-created_at")[:limit]
    )
    ids = {idea.pk for idea in found}
    return [idea for idea in found if idea.duplicate_of_id not in ids]


def contacts_for_email(*, email: str) -> list[Contact]:
    """Every contact record for an email address, with its idea (case-insensitive)."""
    email = (email or "").strip()
    if not email:
        return []
    return list(
        Contact.objects.filter(email__iexact=email)
        .select_related("idea", "idea__event", "idea__theme")
        .order_by("consent_at")
    )


def personal_data_report(*, email: str) -> dict:
    """Everything held about an email address, as a data subject may ask for it."""
    contacts = contacts_for_email(email=email)
    return {
        "email": email.strip(),
        "contacts": [
            {
                "name": contact.name,
                "email": contact.email,
                "phone": contact.phone,
                "consent_at": contact.consent_at.isoformat(),
                "consent_text_version": contact.consent_text_version,
                "idea": {
                    "event": contact.idea.event.title,
                    "number": contact.idea.number,
                    "title": contact.idea.title,
                    "problem": contact.idea.problem,
                    "solution": contact.idea.solution,
                    "benefit": contact.idea.benefit,
                    "agencies": contact.idea.agencies,
                    "team_name": contact.idea.team_name,
                    "status": contact.idea.status,
                    "submitted_at": contact.idea.created_at.isoformat(),
                },
            }
            for contact in contacts
        ],
    }
