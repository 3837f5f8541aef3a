"""Ideas from a file: a spreadsheet, a form's responses, an earlier export.

Reading and checking the file is ``ideas.importing``'s; this stores the rows
as submissions would be stored, so that importing a file twice creates no
copies. Uploads and exports left on disk are deleted after a day.
"""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas import access, exporting, importing, selectors
from ideas.importing import CleanRow, ImportRow, RowError
from ideas.models import Contact, Idea, Theme
from ideas.services import _queue
from ideas.services._shared import (
    CLEAN_WITHOUT_UNIQUE,
    content_fingerprint,
    idea_language,
    idea_text,
    lock_numbers,
)
from ideas.services.moderation import clean_tags

logger = logging.getLogger(__name__)


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
    creates no copies. An idea matched by id gets the row's text, tags and,
    unless a facilitator or the model placed it, theme. A match by content
    changes nothing: the idea is already there, and it never takes the row's
    id, which would let a later file rewrite it. An idea a participant sent
    on the site is never rewritten: a row that would change one (by an id an
    older import handed it) is refused with a message naming the row. New
    ideas are numbered like submitted ones, their language is detected, and
    they carry no contact (imports never bring personal data) and a tracking
    token nobody holds. Statuses are not imported: ideas arrive submitted, to
    be moderated.

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
        last = lock_numbers(event)
        existing = Idea.objects.of_event(event)
        by_id = dict(existing.exclude(external_id="").values_list("external_id", "pk"))
        by_content: dict[str, tuple[int, str]] = {}
        for pk, fingerprint, external_id in existing.order_by("number").values_list(
            "pk", "fingerprint", "external_id"
        ):
            by_content.setdefault(fingerprint, (pk, external_id))

        for row in clean:
            text = idea_text(
                title=row.title,
                problem=row.problem,
                solution=row.solution,
                benefit=row.benefit,
                agencies=row.agencies,
                team_name=row.team_name,
            )
            fingerprint = content_fingerprint(
                *text.values(), row.theme.code if row.theme else ""
            )
            match = by_id.get(row.external_id) if row.external_id else None
            if match is None and fingerprint in by_content:
                _pk, external_id = by_content[fingerprint]
                # An idea with an id of its own is another row's; any other is
                # this row, already here. Handing it the row's id would let a
                # later file, by that id, rewrite what may be a participant's
                # own text.
                if not (row.external_id and external_id):
                    skipped += 1
                    continue
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
            except _SubmittedOnSite as refusal:
                errors.append(
                    RowError(
                        row=row.row,
                        column=columns.get("id", ""),
                        message=_(
                            "The id “%(id)s” is that of idea #%(number)s, which a "
                            "participant sent on the site: an import never changes "
                            "it. Leave the row out, or remove its id to import it "
                            "as a new idea."
                        )
                        % {"id": row.external_id, "number": refusal.number},
                    )
                )
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
        language=idea_language(text),
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
    idea.full_clean(**CLEAN_WITHOUT_UNIQUE)
    idea.save()
    tags = clean_tags(row.tags)
    if tags:
        idea.tags.add(*tags)
    if row.submitted_at:
        # created_at is set on insert; the file knows when the idea was sent.
        Idea.objects.filter(pk=idea.pk).update(created_at=row.submitted_at)
    return idea


class _SubmittedOnSite(Exception):
    """A row would change an idea a participant sent on the site."""

    def __init__(self, number: int):
        super().__init__(number)
        self.number = number


def _sent_on_site(idea: Idea) -> bool:
    # Only the site's form sets a submitter key (never cleared) or a contact;
    # an import sets neither. Ideas matched by id before imports stopped
    # handing ids to content matches may be such ideas.
    return bool(idea.submitter_key) or Contact.objects.filter(idea=idea).exists()


def _import_update(
    *, pk: int, row: CleanRow, text: dict[str, str], fingerprint: str
) -> tuple[Idea, bool]:
    """Give an idea imported before, matched by id, the row's content.

    Raises ``_SubmittedOnSite``, changing nothing, when the idea is a
    participant's and the row differs from it.
    """
    idea = Idea.objects.select_related("theme").get(pk=pk)
    changed = [name for name, value in text.items() if getattr(idea, name) != value]
    for name in changed:
        setattr(idea, name, text[name])
    if changed:
        idea.language = idea_language(text)
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
    tags = clean_tags(row.tags)
    have = {tag.casefold() for tag in idea.tags.names()}
    new_tags = [tag for tag in tags if tag.casefold() not in have]
    if (changed or new_tags) and _sent_on_site(idea):
        raise _SubmittedOnSite(idea.number)
    if changed:
        idea.fingerprint = fingerprint
        idea.full_clean(**CLEAN_WITHOUT_UNIQUE)
        idea.save(update_fields=[*changed, "fingerprint", "updated_at"])
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
    for folder in (uploads, exporting.export_dir()):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.is_file() and now - path.stat().st_mtime > max_age_hours * 3600:
                path.unlink(missing_ok=True)
                count += 1
    return count


def ideas_import_request(
    *,
    event,
    path,
    name: str,
    column_map: dict,
    sheet: str,
    skip_invalid: bool,
    dry_run: bool,
    actor,
) -> str:
    """Have the worker check (``dry_run``) or import a stored file; return the
    task's id. The file is removed once imported.

    Raises
    ------
    PermissionDenied
        Unless ``actor`` may facilitate the event (None is the system).
    """
    access.require_facilitator(
        actor=actor,
        event=event,
        message=_("You may import ideas only into events you facilitate."),
    )
    # Enqueued at once, not on commit: it comes with no write to wait for.
    result = _queue.enqueue(
        "import_ideas_file",
        path=str(path),
        name=name,
        event_id=event.pk,
        column_map=column_map,
        sheet=sheet,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
    )
    return result.id
