"""What every write of an idea shares, however the idea arrives or changes.

Submissions and imports store text, fingerprints and numbers the same way, so
that importing a submitted idea finds it; every decision on an idea, merges
included, is logged the same way.
"""

import hashlib

from django.db.models import Max
from wagtail.models import Page

from ideas.models import Idea, IdeaDecision
from ideas.services.notifications import author_notify_request
from ml.text import detect_language, normalize_text

# Checking the unique constraints costs a query each per idea, which a busy
# event (and a file of 50,000 rows) feels while holding the write lock. They
# hold by construction (numbers drawn under the event's lock, random tokens,
# import ids matched before anything is created) and the database enforces them.
CLEAN_WITHOUT_UNIQUE = {"validate_unique": False, "validate_constraints": False}


def content_fingerprint(*parts: str) -> str:
    """What two ideas with the same text (and theme) share, whatever its case."""
    joined = "\x1f".join(part.casefold() for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def idea_text(
    *,
    title: str,
    problem: str,
    solution: str,
    benefit: str,
    agencies: str,
    team_name: str,
) -> dict[str, str]:
    return {
        "title": normalize_text(title, multiline=False),
        "problem": normalize_text(problem),
        "solution": normalize_text(solution),
        "benefit": normalize_text(benefit),
        "agencies": normalize_text(agencies),
        "team_name": normalize_text(team_name, multiline=False),
    }


def idea_language(text: dict[str, str]) -> str:
    return detect_language(
        text["title"], text["problem"], text["solution"], text["benefit"]
    )


def lock_numbers(event) -> int:
    """Lock the event's numbering; return the last number it gave out."""
    # Numbers are per event and cited in reports: take the event's row lock
    # so two submissions cannot draw the same one (SQLite serialises anyway).
    Page.objects.select_for_update().filter(pk=event.pk).first()
    return Idea.objects.of_event(event).aggregate(n=Max("number"))["n"] or 0


def log_decision(
    *, idea: Idea, actor, field: str, old: str, new: str, reason: str = ""
) -> None:
    decision = IdeaDecision(
        idea=idea, actor=actor, field=field, old_value=old, new_value=new, reason=reason
    )
    decision.full_clean()
    decision.save()
    author_notify_request(decision=decision)
