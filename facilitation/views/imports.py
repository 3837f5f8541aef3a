"""Bring ideas in from a file: upload, check (a dry run), import."""

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from facilitation.forms import ImportForm
from facilitation.views.base import StaffView
from ideas import access, importing, services, tasks

_SESSION_UPLOADS = "idea_import_uploads"
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")


def _store_upload(request, uploaded) -> str:
    """Keep the uploaded file between the preview and the confirmation."""
    upload_id = uuid.uuid4().hex
    folder = importing.upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(uploaded.name).suffix.lower()[:6]
    (folder / f"{upload_id}{suffix}").write_bytes(uploaded.read())
    uploads = request.session.get(_SESSION_UPLOADS, {})
    uploads[upload_id] = {"name": uploaded.name, "suffix": suffix}
    request.session[_SESSION_UPLOADS] = uploads
    return upload_id


def _stored_upload(request, upload_id: str) -> tuple[str, Path] | None:
    # Only the session that uploaded a file may import it, and only by the id
    # it was given: nothing from the form becomes part of a path.
    entry = request.session.get(_SESSION_UPLOADS, {}).get(upload_id)
    if not entry or not _UPLOAD_ID.match(upload_id):
        return None
    path = importing.upload_dir() / f"{upload_id}{entry['suffix']}"
    return (entry["name"], path) if path.exists() else None


def _forget_upload(request, upload_id: str) -> None:
    found = _stored_upload(request, upload_id)
    if found:
        found[1].unlink(missing_ok=True)
    uploads = request.session.get(_SESSION_UPLOADS, {})
    uploads.pop(upload_id, None)
    request.session[_SESSION_UPLOADS] = uploads


class ImportView(StaffView):
    """Upload → check (a dry run showing every problem by row and column) → import."""

    def check(self, request, **kwargs):
        access.require(access.has(request.user, access.CHANGE_IDEA))

    def get(self, request):
        form = ImportForm(
            request.POST or None, request.FILES or None, user=request.user
        )
        context = {
            "form": form,
            "max_megabytes": importing.max_bytes() // (1024 * 1024),
        }
        if request.method != "POST" or not form.is_valid():
            return self.render("facilitation/admin/import_ideas.html", context)

        data = form.cleaned_data
        upload_id = data["upload"]
        if data["file"]:
            if upload_id:
                _forget_upload(request, upload_id)
            upload_id = _store_upload(request, data["file"])
        stored = _stored_upload(request, upload_id) if upload_id else None
        if stored is None:
            form.add_error("file", _("Choose the file to import."))
            return self.render("facilitation/admin/import_ideas.html", context)
        name, path = stored
        confirm = "confirm" in request.POST
        if path.stat().st_size > settings.IDEAS_IMPORT_BACKGROUND_BYTES:
            return _import_in_background(request, form, upload_id, name, path, confirm)
        try:
            parsed = importing.read_bytes(
                path.read_bytes(),
                name=name,
                column_map=data["column_map"],
                sheet=data["sheet"],
            )
        except importing.ImportFileError as error:
            where = _("row %(row)s") % {"row": error.row} if error.row else ""
            form.add_error(
                None, " ".join(part for part in (name, where, error.message) if part)
            )
            return self.render("facilitation/admin/import_ideas.html", context)

        result = services.ideas_import(
            event=data["event"],
            rows=parsed.rows,
            skip_invalid=data["skip_invalid"],
            dry_run=not confirm,
            actor=request.user,
        )
        imported = confirm and (not result.errors or data["skip_invalid"])
        if imported:
            _forget_upload(request, upload_id)
            messages.success(
                request,
                _(
                    "%(name)s: %(created)d ideas created, %(updated)d updated, "
                    "%(skipped)d skipped."
                )
                % {
                    "name": name,
                    **{
                        k: getattr(result, k) for k in ("created", "updated", "skipped")
                    },
                },
            )
            listing = reverse("wagtailsnippets_ideas_idea:list")
            return redirect(f"{listing}?event={data['event'].pk}")
        form = ImportForm(
            initial={**request.POST.dict(), "upload": upload_id}, user=request.user
        )
        context.update(
            form=form,
            preview=True,
            file_name=name,
            event=data["event"],
            columns=parsed.columns,
            warnings=parsed.warnings,
            result=result,
            row_count=len(parsed.rows),
            can_import=not result.errors or data["skip_invalid"],
        )
        return self.render("facilitation/admin/import_ideas.html", context)

    post = get


_SESSION_JOBS = "idea_import_jobs"


def _import_in_background(request, form, upload_id, name, path, confirm):
    """Hand a large file to the worker; the status page follows it."""
    data = form.cleaned_data
    result_id = services.ideas_import_request(
        event=data["event"],
        path=path,
        name=name,
        column_map=data["column_map"],
        sheet=data["sheet"],
        skip_invalid=data["skip_invalid"],
        dry_run=not confirm,
        actor=request.user,
    )
    jobs = request.session.get(_SESSION_JOBS, {})
    jobs[result_id] = {
        "upload": upload_id,
        "name": name,
        "form": {
            key: request.POST.get(key, "")
            for key in ("event", "sheet", "column_map", "skip_invalid")
        },
    }
    request.session[_SESSION_JOBS] = jobs
    return redirect("ideas_import_status", result_id=result_id)


class ImportStatusView(StaffView):
    """Where a background check or import stands; failed shows as failed."""

    def check(self, request, **kwargs):
        access.require(access.has(request.user, access.CHANGE_IDEA))

    def get(self, request, result_id: str):
        job = request.session.get(_SESSION_JOBS, {}).get(result_id)
        if job is None:
            raise Http404
        try:
            result = tasks.import_ideas_file.get_result(result_id)
        except TaskResultDoesNotExist:
            raise Http404 from None
        context = {"job": job, "status": result.status, "finished": result.is_finished}
        if result.status == TaskResultStatus.FAILED:
            context["failure"] = _(
                "The worker stopped with an error; nothing was imported."
            )
        elif result.status == TaskResultStatus.SUCCESSFUL:
            outcome = result.return_value
            errors = outcome.get("errors", [])
            skip_invalid = bool(job["form"].get("skip_invalid"))
            imported = (
                not outcome["dry_run"]
                and "file_error" not in outcome
                and (not errors or skip_invalid)
            )
            if imported:
                request.session[_SESSION_UPLOADS] = {
                    key: value
                    for key, value in request.session.get(_SESSION_UPLOADS, {}).items()
                    if key != job["upload"]
                }
            context.update(
                outcome=outcome,
                imported=imported,
                can_import=outcome["dry_run"]
                and "file_error" not in outcome
                and (not errors or skip_invalid),
                form=ImportForm(
                    initial={**job["form"], "upload": job["upload"]}, user=request.user
                ),
            )
        return self.render("facilitation/admin/import_status.html", context)
