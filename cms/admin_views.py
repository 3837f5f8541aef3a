"""Admin screens to bring ideas in from files and take public ideas out as open data."""

import io
import json
import re
import time
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from wagtail.admin.auth import require_admin_access

from cms.models import EventPage
from ideas import access, exporting, importing, selectors, services, tasks

_SESSION_UPLOADS = "idea_import_uploads"
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")


class FacilitatedEventField(forms.ModelChoiceField):
    """An event the user may facilitate; the form sets the queryset per user."""

    default_error_messages = {
        "invalid_choice": gettext_lazy(
            "You do not facilitate that event: choose one of the events you "
            "facilitate. An administrator names an event's facilitators on its "
            "page."
        ),
    }

    def __init__(self, **kwargs):
        super().__init__(
            label=gettext_lazy("Event"), queryset=EventPage.objects.none(), **kwargs
        )


class UserEventsForm(forms.Form):
    """A form whose event choice lists only the events ``user`` facilitates."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = access.events_facilitated(user).order_by(
            "-start_date", "title"
        )


class ImportForm(UserEventsForm):
    event = FacilitatedEventField()
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (UTF-8 or Thai Windows encoding), XLSX or JSON, e.g. a Google "
            "Forms or Microsoft Forms export."
        ),
        required=False,
    )
    sheet = forms.CharField(
        label=gettext_lazy("Sheet"),
        required=False,
        help_text=gettext_lazy("XLSX only; by default the first sheet with data."),
    )
    column_map = forms.CharField(
        label=gettext_lazy("Other columns"),
        required=False,
        help_text=gettext_lazy(
            'Headers not recognised by themselves, e.g. "Column A=title, Column '
            'B=problem". Fields: title, problem, solution, benefit, agencies, '
            "team, theme, tags, id."
        ),
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Import the valid rows even if some rows are invalid"),
        required=False,
    )
    upload = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_column_map(self):
        try:
            return importing.parse_column_map(self.cleaned_data["column_map"])
        except importing.ImportFileError as error:
            raise forms.ValidationError(error.message) from None


def _check_permission(request) -> None:
    access.require(access.has(request.user, access.CHANGE_IDEA))


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


@require_admin_access
def import_ideas(request):
    """Upload → check (a dry run showing every problem by row and column) → import."""
    _check_permission(request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"form": form, "max_megabytes": importing.max_bytes() // (1024 * 1024)}
    if request.method != "POST" or not form.is_valid():
        return TemplateResponse(request, "cms/admin/import_ideas.html", context)

    data = form.cleaned_data
    upload_id = data["upload"]
    if data["file"]:
        if upload_id:
            _forget_upload(request, upload_id)
        upload_id = _store_upload(request, data["file"])
    stored = _stored_upload(request, upload_id) if upload_id else None
    if stored is None:
        form.add_error("file", _("Choose the file to import."))
        return TemplateResponse(request, "cms/admin/import_ideas.html", context)
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
        return TemplateResponse(request, "cms/admin/import_ideas.html", context)

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
                **{k: getattr(result, k) for k in ("created", "updated", "skipped")},
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
    return TemplateResponse(request, "cms/admin/import_ideas.html", context)


_SESSION_JOBS = "idea_import_jobs"


def _import_in_background(request, form, upload_id, name, path, confirm):
    """Hand a large file to the worker; the status page follows it."""
    data = form.cleaned_data
    result = tasks.import_ideas_file.enqueue(
        path=str(path),
        name=name,
        event_id=data["event"].pk,
        column_map=data["column_map"],
        sheet=data["sheet"],
        skip_invalid=data["skip_invalid"],
        dry_run=not confirm,
    )
    jobs = request.session.get(_SESSION_JOBS, {})
    jobs[result.id] = {
        "upload": upload_id,
        "name": name,
        "form": {
            key: request.POST.get(key, "")
            for key in ("event", "sheet", "column_map", "skip_invalid")
        },
    }
    request.session[_SESSION_JOBS] = jobs
    return redirect("ideas_import_status", result_id=result.id)


@require_admin_access
def import_status(request, result_id: str):
    """Where a background check or import stands; failed shows as failed."""
    _check_permission(request)
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
    return TemplateResponse(request, "cms/admin/import_status.html", context)


class ExportForm(UserEventsForm):
    event = FacilitatedEventField()
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("csv", gettext_lazy("CSV for Excel")),
            ("xlsx", "XLSX"),
            ("json", "JSON"),
            (
                "polis",
                gettext_lazy("Pol.is comments.csv (Talk to the City, Sensemaker)"),
            ),
            (
                "provenance",
                gettext_lazy("Theme and status decisions: who, when, from what"),
            ),
        ],
        widget=forms.RadioSelect,
        initial="csv",
    )


_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
    "polis": "text/csv; charset=utf-8",
    "provenance": "text/csv; charset=utf-8",
}
_EXTENSIONS = {"polis": "comments.csv", "provenance": "decisions.csv"}


_SESSION_EXPORTS = "idea_export_jobs"


def _export_dir() -> Path:
    """Where background exports wait for download: served by the download
    view only, which checks the same permission as the export."""
    # Beside the import uploads, where housekeeping deletes old files
    # (ideas.services.import_uploads_purge).
    return importing.upload_dir().with_name("exports")


def _export_filename(event, fmt: str) -> str:
    # The event's slug and the format: nothing about who asked for it.
    extension = _EXTENSIONS.get(fmt, fmt)
    return f"{slugify(event.slug) or 'event'}-ideas.{extension}"


@require_admin_access
def export_ideas(request):
    """Download an event's public ideas as open data (never any personal data).

    Events with more than ``IDEAS_EXPORT_BACKGROUND_IDEAS`` public ideas are
    written by the background worker; the request returns at once.
    """
    _check_permission(request)
    form = ExportForm(request.GET or None, user=request.user)
    if not request.GET or not form.is_valid():
        return TemplateResponse(
            request,
            "cms/admin/export_ideas.html",
            {"form": form, "threshold": settings.IDEAS_EXPORT_BACKGROUND_IDEAS},
        )
    event, fmt = form.cleaned_data["event"], form.cleaned_data["format"]
    if (
        selectors.ideas_public(event=event).count()
        > settings.IDEAS_EXPORT_BACKGROUND_IDEAS
    ):
        return _export_in_background(request, event, fmt)
    if fmt == "xlsx":
        stream = io.BytesIO()
        exporting.export_ideas(event=event, format=fmt, stream=stream)
        content = stream.getvalue()
    else:
        stream = io.StringIO(newline="")
        exporting.export_ideas(event=event, format=fmt, stream=stream)
        content = stream.getvalue().encode("utf-8")
    response = HttpResponse(content, content_type=_CONTENT_TYPES[fmt])
    filename = _export_filename(event, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export_in_background(request, event, fmt):
    # A random name: the file is found only through its task's result.
    path = _export_dir() / f"{uuid.uuid4().hex}.{fmt}"
    result = tasks.export_ideas_file.enqueue(
        event_id=event.pk, format=fmt, path=str(path)
    )
    # Remembered so that whoever asked can still read why it failed should the
    # event be deleted meanwhile (nobody facilitates a deleted event).
    jobs = request.session.get(_SESSION_EXPORTS, [])
    request.session[_SESSION_EXPORTS] = [*jobs[-19:], result.id]
    return redirect("ideas_export_status", result_id=result.id)


def _export_job(request, result_id: str):
    """The export task's result and its event, if ``request.user`` may see it."""
    _check_permission(request)
    try:
        result = tasks.export_ideas_file.get_result(result_id)
    except (TaskResultDoesNotExist, TaskResultMismatch):
        raise Http404 from None
    event = EventPage.objects.filter(pk=result.kwargs.get("event_id")).first()
    if event is None:
        allowed = result_id in request.session.get(_SESSION_EXPORTS, [])
    else:
        allowed = access.can_facilitate(request.user, event)
    if not allowed:
        # The same answer as for an unknown id: it tells nothing about others.
        raise Http404
    return result, event


def _export_file(result) -> Path | None:
    """The finished export's file, if it is still there (housekeeping deletes
    old ones) and where exports are kept."""
    if result.status != TaskResultStatus.SUCCESSFUL:
        return None
    path = Path(result.kwargs.get("path", ""))
    folder = _export_dir().resolve()
    if path.resolve().parent != folder or not path.is_file():
        return None
    return path


def _export_failure(result) -> str:
    """Why the worker could not write the export, in the reader's language."""
    error = result.errors[-1] if result.errors else None
    if error is None:
        return _("The worker stopped the export without saying why.")
    if error.exception_class_path.endswith(".DoesNotExist"):
        return _("The event was deleted before its ideas could be exported.")
    # The last line of the traceback is the exception and its message.
    lines = [line for line in error.traceback.strip().splitlines() if line.strip()]
    detail = lines[-1][:300] if lines else error.exception_class_path
    return _("The worker stopped with an error: %(error)s") % {"error": detail}


def _export_stalled(result) -> bool:
    """Whether a running export's worker has gone: its half-written file (or,
    before the first byte, the task) has been silent too long."""
    if result.status != TaskResultStatus.RUNNING or result.started_at is None:
        return False
    last = result.started_at.timestamp()
    partial = Path(result.kwargs.get("path", "") + ".part")
    if partial.name != ".part" and partial.is_file():
        last = max(last, partial.stat().st_mtime)
    return time.time() - last > settings.IDEAS_EXPORT_STALE_SECONDS


@require_admin_access
def export_status(request, result_id: str):
    """Where a background export stands: waiting, running, failed (and why)
    or done, with the download link."""
    result, event = _export_job(request, result_id)
    context = {
        "result": result,
        "event": event,
        "format": result.kwargs.get("format", ""),
        "finished": result.is_finished,
        "waiting": result.status == TaskResultStatus.READY,
        "stalled": _export_stalled(result),
    }
    if result.status == TaskResultStatus.FAILED:
        context["failure"] = _export_failure(result)
    elif result.status == TaskResultStatus.SUCCESSFUL:
        context["outcome"] = result.return_value
        context["available"] = _export_file(result) is not None
    return TemplateResponse(request, "cms/admin/export_status.html", context)


@require_admin_access
def export_download(request, result_id: str):
    """The file a background export wrote, to those who may export the event."""
    result, event = _export_job(request, result_id)
    path = _export_file(result) if event is not None else None
    if path is None:
        raise Http404
    fmt = result.kwargs["format"]
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=_export_filename(event, fmt),
        content_type=_CONTENT_TYPES.get(fmt, "application/octet-stream"),
    )


class PersonalDataForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"))


@require_admin_access
def personal_data(request):
    """Find, download or erase everything held about an email address (PDPA)."""
    access.require(access.can_erase_contacts(request.user))
    # POST only: an email address must not end up in URLs and access logs.
    form = PersonalDataForm(request.POST or None)
    context = {"form": form}
    if not form.is_bound or not form.is_valid():
        return TemplateResponse(request, "cms/admin/personal_data.html", context)
    email = form.cleaned_data["email"]
    action = request.POST.get("action")
    if action == "erase":
        count = services.contacts_erase(email=email, actor=request.user)
        messages.success(
            request,
            _("%(count)d contact records erased; the ideas stay, anonymous.")
            % {"count": count},
        )
        return redirect(reverse("personal_data"))
    report = selectors.personal_data_report(email=email)
    if action == "download":
        response = HttpResponse(
            json.dumps(report, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        return response
    context["report"] = report
    return TemplateResponse(request, "cms/admin/personal_data.html", context)
