"""Every write to ideas goes through these functions."""

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from ideas import access, importing, selectors
from ideas.importing import CleanRow, ImportRow, RowError
from ideas.models import Contact, Idea, IdeaDecision, Theme
from ideas.services.suggestions import (  # noqa: F401 (the services' one namespace)
    idea_suggest_theme,
    ideas_embed,
)
from ml.text import detect_language, normalize_text

logger = logging.getLogger(__name__)

TAG_MAX_LENGTH = 100
# Checking the unique constraints costs a query each per idea, which a busy
# event (and a file of 50,000 rows) feels while holding the write lock. They
# hold by construction (numbers drawn under the event's lock, random tokens,
# import ids matched before anything is created) and the database enforces them.
_CLEAN_WITHOUT_UNIQUE = {"validate_unique": False, "validate_constraints": False}


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


def _idea_text(
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


def _idea_language(text: dict[str, str]) -> str:
    return detect_language(
        text["title"], text["problem"], text["solution"], text["benefit"]
    )


def _lock_numbers(event) -> int:
    """Lock the event's numbering; return the last number it gave out."""
    # Numbers are per event and cited in reports: take the event's row lock
    # so two submissions cannot draw the same one (SQLite serialises anyway).
    Page.objects.select_for_update().filter(pk=event.pk).first()
    return Idea.objects.filter(event=event).aggregate(n=Max("number"))["n"] or 0


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

    text = _idea_text(
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
    fingerprint = _fingerprint(*text.values(), theme.code if theme else "")

    with transaction.atomic():
        last = _lock_numbers(event)
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
            language=_idea_language(text),
            theme=theme,
            theme_source=(
                Idea.ThemeSource.PARTICIPANT if theme else Idea.ThemeSource.NONE
            ),
            tracking_token_hash=selectors.tracking_token_hash(token),
            submitter_key=submitter_key,
            fingerprint=fingerprint,
            **text,
        )
        idea.full_clean(**_CLEAN_WITHOUT_UNIQUE)
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

    Raises PermissionDenied when ``actor`` may not facilitate the idea's event
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


def idea_set_shortlisted(*, idea: Idea, actor, shortlisted: bool = True) -> Idea:
    """Mark an idea ready to implement, or take it off the shortlist (accepted).

    Only an idea a facilitator could accept goes on the shortlist: a rejected
    idea is accepted first (its participant was told why it was rejected), and
    a merged duplicate is represented by the idea it was merged into.

    Raises ValidationError for those, or when taking off an idea that is not
    on the shortlist; PermissionDenied when ``actor`` may not facilitate the
    idea's event.
    """
    access.require_facilitator(actor=actor, event=idea.event)
    with transaction.atomic():
        current = _locked(idea)
        if shortlisted:
            if current.status == Idea.Status.REJECTED:
                raise ValidationError(
                    _("A rejected idea cannot be shortlisted; accept it first.")
                )
            if current.duplicate_of_id is not None:
                raise ValidationError(
                    _(
                        "This idea was merged into another; shortlist the idea "
                        "it was merged into."
                    )
                )
            status = Idea.Status.SHORTLISTED
        else:
            if current.status != Idea.Status.SHORTLISTED:
                raise ValidationError(_("The idea is not on the shortlist."))
            status = Idea.Status.ACCEPTED
        return idea_set_status(idea=current, status=status, actor=actor)


@dataclass(frozen=True)
class ImportResult:
    """What an import did, or on a dry run would do, counted in rows.

    ``skipped`` counts rows that changed nothing: already imported as they
    are, or invalid and left out with ``skip_invalid``. When the import is
    refused (any invalid row without ``skip_invalid``) every row is skipped.
    """

    created: int
    updated: int
    skipped: int
    errors: list[RowError]

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": [error.as_dict() for error in self.errors],
        }


# Model field → import field, to name the user's column in an error.
_IMPORT_FIELD = {"team_name": "team", "external_id": "id"}


def ideas_import(
    *,
    event,
    rows: Iterable[ImportRow],
    skip_invalid: bool = False,
    dry_run: bool = False,
    actor=None,
) -> ImportResult:
    """Create or update an event's ideas from the rows of an imported file.

    Every row is validated as the submission form validates a participant's
    idea (see ``ideas.importing.clean_rows``). A row matches an idea imported
    before by its id column, else by its content, so importing a file again
    creates no copies; a matched idea gets the row's text, tags and, unless a
    facilitator or the model placed it, theme. New ideas are numbered like
    submitted ones, their language is detected, and they carry no contact
    (imports never bring personal data) and a tracking token nobody holds.
    Statuses are not imported: ideas arrive submitted, to be moderated.

    Parameters
    ----------
    event : EventPage
        Ideas go to this event, open for submissions or not.
    rows : iterable of ImportRow
        As ``ideas.importing.read_file`` returns them.
    skip_invalid : bool, default=False
        Import the valid rows and report the others; by default any invalid
        row means nothing is imported.
    dry_run : bool, default=False
        Do everything, then roll it back: the result tells what would happen.
    actor : User or None
        Who imports; refused (PermissionDenied) unless they may facilitate the
        event. None is the system (the worker, the shell).
    """
    if actor is not None and not access.can_facilitate(actor, event):
        raise PermissionDenied(
            _("You may import ideas only into events you facilitate.")
        )
    rows = list(rows)
    columns = rows[0].columns if rows else {}
    clean, errors = importing.clean_rows(rows, themes=Theme.objects.filter(event=event))
    if errors and not skip_invalid:
        return ImportResult(created=0, updated=0, skipped=len(rows), errors=errors)

    created = updated = 0
    skipped = len(rows) - len(clean)
    with transaction.atomic():
        last = _lock_numbers(event)
        existing = Idea.objects.filter(event=event)
        by_id = dict(existing.exclude(external_id="").values_list("external_id", "pk"))
        by_content: dict[str, tuple[int, str]] = {}
        for pk, fingerprint, external_id in existing.order_by("number").values_list(
            "pk", "fingerprint", "external_id"
        ):
            by_content.setdefault(fingerprint, (pk, external_id))

        for row in clean:
            text = _idea_text(
                title=row.title,
                problem=row.problem,
                solution=row.solution,
                benefit=row.benefit,
                agencies=row.agencies,
                team_name=row.team_name,
            )
            fingerprint = _fingerprint(
                *text.values(), row.theme.code if row.theme else ""
            )
            match = by_id.get(row.external_id) if row.external_id else None
            if match is None and fingerprint in by_content:
                pk, external_id = by_content[fingerprint]
                # An idea that has an id of its own is another row's.
                if not (row.external_id and external_id):
                    match = pk
            try:
                # A savepoint per row, so a row the database refuses can be
                # left out without losing the others.
                with transaction.atomic():
                    if match is None:
                        idea = _import_create(
                            event=event,
                            row=row,
                            text=text,
                            fingerprint=fingerprint,
                            number=last + 1,
                        )
                        last += 1
                        created += 1
                    else:
                        idea, changed = _import_update(
                            pk=match, row=row, text=text, fingerprint=fingerprint
                        )
                        if changed:
                            updated += 1
                        else:
                            skipped += 1
            except ValidationError as error:
                errors.extend(_import_errors(error, row=row.row, columns=columns))
                skipped += 1
                continue
            except IntegrityError:
                errors.append(
                    RowError(
                        row=row.row,
                        column="",
                        message=_("The row clashes with an idea already stored."),
                    )
                )
                skipped += 1
                continue
            if idea.external_id:
                by_id[idea.external_id] = idea.pk
            by_content.setdefault(fingerprint, (idea.pk, idea.external_id))

        if errors and not skip_invalid:
            transaction.set_rollback(True)
            return ImportResult(created=0, updated=0, skipped=len(rows), errors=errors)
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        logger.info(
            "ideas imported: event=%s created=%s updated=%s skipped=%s",
            event.pk,
            created,
            updated,
            skipped,
        )
    return ImportResult(
        created=created, updated=updated, skipped=skipped, errors=errors
    )


def _import_create(
    *, event, row: CleanRow, text: dict[str, str], fingerprint: str, number: int
) -> Idea:
    idea = Idea(
        event=event,
        number=number,
        language=_idea_language(text),
        theme=row.theme,
        theme_source=(
            Idea.ThemeSource.PARTICIPANT if row.theme else Idea.ThemeSource.NONE
        ),
        # Every idea has a tracking link; an imported one's is never shown,
        # since nobody is there to receive it.
        tracking_token_hash=selectors.tracking_token_hash(secrets.token_urlsafe(24)),
        fingerprint=fingerprint,
        external_id=row.external_id,
        **text,
    )
    idea.full_clean(**_CLEAN_WITHOUT_UNIQUE)
    idea.save()
    tags = clean_tags(row.tags)
    if tags:
        idea.tags.add(*tags)
    if row.submitted_at:
        # created_at is set on insert; the file knows when the idea was sent.
        Idea.objects.filter(pk=idea.pk).update(created_at=row.submitted_at)
    return idea


def _import_update(
    *, pk: int, row: CleanRow, text: dict[str, str], fingerprint: str
) -> tuple[Idea, bool]:
    idea = Idea.objects.select_related("theme").get(pk=pk)
    changed = [name for name, value in text.items() if getattr(idea, name) != value]
    for name in changed:
        setattr(idea, name, text[name])
    if changed:
        idea.language = _idea_language(text)
        changed.append("language")
    # A facilitator's or the model's placement outranks the file's.
    if (
        row.theme is not None
        and idea.theme_id != row.theme.pk
        and idea.theme_source in (Idea.ThemeSource.NONE, Idea.ThemeSource.PARTICIPANT)
    ):
        idea.theme = row.theme
        idea.theme_source = Idea.ThemeSource.PARTICIPANT
        changed += ["theme", "theme_source"]
    if row.external_id and idea.external_id != row.external_id:
        idea.external_id = row.external_id
        changed.append("external_id")
    if changed:
        idea.fingerprint = fingerprint
        idea.full_clean(**_CLEAN_WITHOUT_UNIQUE)
        idea.save(update_fields=[*changed, "fingerprint", "updated_at"])
    tags = clean_tags(row.tags)
    have = {tag.casefold() for tag in idea.tags.names()}
    new_tags = [tag for tag in tags if tag.casefold() not in have]
    if new_tags:
        idea.tags.add(*new_tags)
    return idea, bool(changed or new_tags)


def _import_errors(
    error: ValidationError, *, row: int, columns: dict[str, str]
) -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [RowError(row=row, column="", message=message) for message in error]
    found = []
    for name, messages in error.message_dict.items():
        column = columns.get(_IMPORT_FIELD.get(name, name), "")
        found.extend(
            RowError(row=row, column=column, message=message) for message in messages
        )
    return found


def contacts_purge_expired(*, now=None, dry_run: bool = False) -> int:
    """Delete contact details kept longer than ``IDEAS_CONTACT_RETENTION_DAYS``.

    The ideas stay, anonymous, as if submitted without contact details. Returns
    how many contacts were (or, with ``dry_run``, would be) deleted.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.IDEAS_CONTACT_RETENTION_DAYS)
    expired = Contact.objects.filter(consent_at__lt=cutoff)
    count = expired.count()
    if not dry_run and count:
        with transaction.atomic():
            expired.delete()
        logger.info("contacts purged after retention: %s", count)
    return count


def contacts_erase(*, email: str, actor) -> int:
    """Erase every contact record held for ``email`` (PDPA right to erasure).

    The ideas stay, without a contact. Returns how many records were erased;
    the log line says how many and by whom, never the address.
    """
    contacts = selectors.contacts_for_email(email=email)
    count = len(contacts)
    if count:
        with transaction.atomic():
            Contact.objects.filter(pk__in=[contact.pk for contact in contacts]).delete()
        logger.info("contacts erased on request: %s by user %s", count, actor.pk)
    return count


def import_uploads_purge(*, max_age_hours: int = 24, now=None) -> int:
    """Delete uploaded import files and background exports left behind.

    Uploads (checked but never imported) may hold columns of personal data
    that imports never read; exports are copies of an event's ideas that
    should not pile up on the server, nor outlive an idea's rejection for
    long. Both are kept no longer than a day. Returns how many files were
    deleted.
    """
    now = (now or timezone.now()).timestamp()
    count = 0
    uploads = importing.upload_dir()
    # Background exports sit beside the uploads (cms.admin_views._export_dir).
    for folder in (uploads, uploads.with_name("exports")):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.is_file() and now - path.stat().st_mtime > max_age_hours * 3600:
                path.unlink(missing_ok=True)
                count += 1
    return count


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
        _log_decision(
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
